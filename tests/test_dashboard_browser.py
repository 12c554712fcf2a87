"""The dashboard in a real headless browser (Debian chromium driven by Playwright).

Publishes the seed reports and the packaged development corpus to a running worker, then
checks what an analyst relies on: the table shows what the API says; the map has one mark
per province with data at its place (areas that are not provinces listed apart, with their
type) and a click on a mark selects the province everywhere, its busts listed with the
number of reports and sources behind each; the date range changes the table to the monthly sums of
its months; "by drug" draws one group per unit on its own scale; counts are integers;
the page fits a 400 px screen; an alert's event shows its source text with the evidence
highlighted; and the page asks nothing of any other host. Screenshots land in
test-artifacts/ (dashboard.png at 1400 px, dashboard-400.png) for a human to look at;
docs/dashboard.png in the README is a copy of the first.

The seeds are third-party texts: they are read from ../shared/corpus/seeds at test time
and never copied into the repository.
"""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from streams.live_view import get_json, normalise_alerts, normalise_provinces
from streams.samples import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COUNTS = ("events", "cases", "suspects", "operations")

pytestmark = [pytest.mark.browser, pytest.mark.integration]


async def _publish(bootstrap: str, topic: str, items: list[dict[str, Any]]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for item in items:
            await producer.send_and_wait(topic, json.dumps(item, ensure_ascii=False).encode(), key=item["id"].encode())
    finally:
        await producer.stop()


async def _read_event_ids(bootstrap: str, topic: str, timeout: float = 10.0) -> list[str]:
    """Event ids (with evidence) from the events topic, for when no alert has fired."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    ids: list[str] = []
    try:
        batches = await consumer.getmany(timeout_ms=int(timeout * 1000))
        for records in batches.values():
            for r in records:
                event = json.loads(r.value)
                if event.get("evidence") or any(s.get("evidence") for s in event.get("seizures", [])):
                    ids.append(event["event_id"])
    finally:
        await consumer.stop()
    return ids


def _wait_for_stable(base_url: str, timeout: float = 90.0) -> Any:
    """The /api/provinces document once it is non-empty and unchanged over two polls."""
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        data = get_json(f"{base_url}/api/provinces", timeout=10)
        if normalise_provinces(data) and data == previous:
            return data
        previous = data
        time.sleep(2.0)
    raise AssertionError(f"/api/provinces did not settle within {timeout} s: {previous!r}")


def _table(page: Any) -> dict[tuple[str, str], dict[str, float]]:
    return {(r["province"], r["kind"]): r["metrics"] for r in page.eval_on_selector_all(
        "#province-table tbody tr",
        """rows => rows.map(tr => ({province: tr.dataset.province, kind: tr.dataset.kind,
             metrics: Object.fromEntries([...tr.querySelectorAll('td[data-metric]')]
               .map(td => [td.dataset.metric, Number(td.dataset.value)]))}))""")}


def _range_sums(series: dict[str, dict[str, dict[str, float]]], first: str, last: str) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for province, months in series.items():
        for month, values in months.items():
            if first <= month <= last:
                acc = out.setdefault(province, {})
                for k, v in values.items():
                    acc[k] = acc.get(k, 0) + v
    return out


def test_dashboard_map_time_figures_and_evidence(running_worker: Any) -> None:
    from playwright.sync_api import sync_playwright

    assert SEEDS.is_dir(), f"seed corpus not found at {SEEDS}"
    assert Path(CHROMIUM).exists(), "Debian chromium is not installed (apt-get install -y chromium)"
    settings, base_url = running_worker
    items = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.json"))]
    items += [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLE_DIR.glob("*.json"))]
    asyncio.run(_publish(settings.bootstrap_servers, settings.items_topic, items))

    api = _wait_for_stable(base_url)
    expected = {(r.province, r.kind): r.metrics for r in normalise_provinces(api)}
    estimated = {(p["province"], k): sum(v.values()) for p in api["provinces"] for k, v in p.get("estimated_kg", {}).items()}
    areas = {a["name"]: a for a in get_json(f"{base_url}/api/areas")["areas"]}  # not provinces: listed apart
    places = {p["name"] for p in get_json(f"{base_url}/api/places")["places"]}
    series = get_json(f"{base_url}/api/series")["areas"]
    alerts = normalise_alerts(get_json(f"{base_url}/api/alerts"))
    event_ids = [] if alerts else asyncio.run(_read_event_ids(settings.bootstrap_servers, settings.events_topic))
    with_data = {p for p, _ in expected}
    on_map, apart = with_data & places, (with_data - places) | set(areas)
    assert len(on_map) >= 5, on_map

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            requests: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("request", lambda req: requests.append(req.url))
            page.goto(f"{base_url}/", wait_until="load")
            page.wait_for_selector("#province-table tbody tr", timeout=15_000)
            page.wait_for_function("document.querySelector('#status').classList.contains('ok')", timeout=15_000)

            # the overview fits 1400 px; "every metric" shows every figure of the API, and nothing else
            assert page.eval_on_selector(".table-wrap", "w => w.scrollWidth <= w.clientWidth + 1")
            page.select_option("#column-group", "all")
            shown = _table(page)
            assert set(shown) == set(expected), (sorted(shown), sorted(expected))
            for key, metrics in expected.items():
                for metric, value in metrics.items():
                    assert shown[key].get(metric) == pytest.approx(value), (key, metric, shown[key].get(metric), value)
                assert shown[key].get("est_kg", 0) == pytest.approx(estimated.get(key, 0)), key
            # counts are integers on the page
            texts = page.eval_on_selector_all(
                "#province-table td[data-metric]", "tds => tds.map(td => [td.dataset.metric, td.textContent])")
            assert all("." not in text for metric, text in texts if metric in COUNTS or metric.endswith(("pills", "bricks")))

            order = "rs => [...new Set(rs.map(r => r.dataset.province))]"
            page.click("#province-table th[data-key='province']")
            ascending = page.eval_on_selector_all("#province-table tbody tr", order)
            page.click("#province-table th[data-key='province']")
            descending = page.eval_on_selector_all("#province-table tbody tr", order)
            assert descending == ascending[::-1] and len(ascending) == len(with_data)
            page.select_option("#column-group", "overview")

            # the map: one mark per province with data, the other areas listed apart
            marks = page.eval_on_selector_all("#map circle.mark", "cs => cs.map(c => c.dataset.province)")
            assert sorted(marks) == sorted(on_map)
            listed = page.eval_on_selector_all("#apart-list li", "ls => ls.map(l => [l.dataset.province, l.dataset.areaType])")
            assert sorted(n for n, _ in listed) == sorted(apart)
            assert all(t == areas[n]["area_type"] for n, t in listed if n in areas)
            assert page.locator("#map circle.place").count() >= 34  # every province as a dot, no tiles

            # a click on a mark selects the province everywhere
            target = min(on_map)
            page.locator(f"#map circle.mark[data-province='{target}']").dispatch_event("click")
            page.wait_for_function("n => document.querySelector('#selection-name').textContent === n", arg=target)
            assert page.eval_on_selector_all("#province-table tr.selected", "rs => [...new Set(rs.map(r => r.dataset.province))]") == [target]
            assert page.eval_on_selector("#province-select", "s => s.value") == target
            assert page.eval_on_selector_all("#map circle.mark.selected", "cs => cs.map(c => c.dataset.province)") == [target]
            assert target in page.inner_text("#by-drug-caption")
            # ... and its busts: each counted once, with how many reports and sources told it
            detail = get_json(f"{base_url}/api/provinces/{quote(target)}")
            page.wait_for_function("n => document.querySelector('#busts-name').textContent === n", arg=target)
            page.wait_for_function("n => document.querySelectorAll('#bust-list li[data-cluster-id]').length === n",
                                   arg=len(detail["bust_list"]))
            shown_busts = page.eval_on_selector_all("#bust-list li[data-cluster-id]", """ls => ls.map(l => [
                l.dataset.clusterId, Number(l.dataset.reports), Number(l.dataset.sources)])""")
            assert shown_busts == [[b["cluster_id"], b["reports"], len(b["sources"])] for b in detail["bust_list"]]
            page.click("#selection-clear")

            # "by drug": one group per unit, each on its own scale (its largest bar is full width)
            groups = page.eval_on_selector_all("#drug-chart g.unit-group", """gs => gs.map(g => ({
                unit: g.dataset.unit, kind: g.dataset.kind, axis: g.querySelectorAll('text.axis').length,
                widest: Math.max(...[...g.querySelectorAll('rect.bar')].map(r => Number(r.getAttribute('width'))))}))""")
            assert len({g["unit"] for g in groups}) >= 2, groups
            assert all(g["axis"] >= 3 for g in groups)
            assert len({round(g["widest"], 3) for g in groups}) == 1, groups

            # the national monthly series and the province series by month and by 30 days
            assert page.locator("#national-chart svg rect.bar").count() >= 1
            page.select_option("#series-mode", "30d")
            page.wait_for_selector("#series-chart svg, #series-chart .empty", timeout=10_000)
            page.select_option("#series-mode", "month")

            # the date range: the table becomes the sums of the incident months in range
            months = sorted({m for ms in series.values() for m in ms})
            first, last = months[len(months) // 3], months[-1]
            before = _table(page)
            page.fill("#range-from", first)
            page.dispatch_event("#range-from", "change")
            page.fill("#range-to", last)
            page.dispatch_event("#range-to", "change")
            page.select_option("#column-group", "all")
            page.wait_for_function("document.querySelector('#totals-caption').textContent.includes('incidents')")
            ranged = _table(page)
            assert ranged != before
            sums = _range_sums(series, first, last)
            assert set(ranged) == {(p, "incident") for p in sums}
            for (province, _), metrics in ranged.items():
                for metric, value in metrics.items():
                    assert value == pytest.approx(sums[province].get(metric, 0)), (province, metric)
            assert sorted(page.eval_on_selector_all("#map circle.mark", "cs => cs.map(c => c.dataset.province)")) \
                == sorted(set(sums) & places)
            page.click("#range-clear")
            page.select_option("#column-group", "overview")

            # an alert's event (or, without alerts, one straight from the events topic) with its evidence
            if alerts:
                page.wait_for_selector("#alert-list a.event-link", timeout=15_000)
                page.locator("#alert-list a.event-link").first.click()
            else:
                assert event_ids, "neither an alert nor an event with evidence to open"
                page.evaluate("id => { location.hash = 'event=' + encodeURIComponent(id); }", event_ids[0])
            page.wait_for_selector("#event-view:not([hidden]) mark.evidence", timeout=15_000)
            marks_text = page.eval_on_selector_all("#event-text mark.evidence", "ms => ms.map(m => m.textContent)")
            assert marks_text and all(m.strip() for m in marks_text)
            source = page.inner_text("#event-text")
            assert all(m in source for m in marks_text)
            page.evaluate("() => { history.pushState(null, '', location.pathname); window.dispatchEvent(new HashChangeEvent('hashchange')); }")

            page.locator(f"#map circle.mark[data-province='{target}']").dispatch_event("click")
            page.wait_for_timeout(800)
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

            # a phone: nothing wider than the screen but the table, which scrolls inside its card
            page.set_viewport_size({"width": 400, "height": 900})
            page.wait_for_timeout(500)
            assert page.evaluate("document.documentElement.scrollWidth") <= 401
            assert page.locator("#map circle.mark").count() == len(on_map)
            page.screenshot(path=str(ARTIFACTS / "dashboard-400.png"), full_page=True)
            assert not errors, errors
            foreign = [u for u in requests if not u.startswith(base_url) and not u.startswith("data:")]
            assert not foreign, f"the page must work offline: {foreign}"
        finally:
            browser.close()
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
    assert (ARTIFACTS / "dashboard-400.png").stat().st_size > 10_000

"""The dashboard in a real headless browser (Debian chromium driven by Playwright).

Publishes the seed reports to a running worker, then checks that the page shows every
province the API reports with the same figures, that sorting works, and that opening an
alert's (or an event's) link shows the source text with its evidence highlighted. A
screenshot lands in test-artifacts/dashboard.png for a human to look at.

The seeds are third-party texts: they are read from ../shared/corpus/seeds at test time
and never copied into the repository.
"""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from streams.live_view import get_json, normalise_alerts, normalise_provinces

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _settings_and_url(running_worker: Any) -> tuple[Any, str]:
    """The fixture yields (settings, base_url); accept an object with those attributes too."""
    if isinstance(running_worker, tuple):
        settings, url = running_worker[0], running_worker[1]
    else:
        settings = running_worker.settings
        url = getattr(running_worker, "base_url", None) or running_worker.url
    return settings, str(url).rstrip("/")


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


def _wait_for_stable_provinces(base_url: str, timeout: float = 60.0) -> Any:
    """The /api/provinces document once it is non-empty and unchanged over two polls."""
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        data = get_json(f"{base_url}/api/provinces")
        if normalise_provinces(data) and data == previous:
            return data
        previous = data
        time.sleep(1.5)
    raise AssertionError(f"/api/provinces did not settle within {timeout} s: {previous!r}")


def _page_cell_values(page: Any) -> dict[tuple[str, str], dict[str, float]]:
    return {(r["province"], r["kind"]): r["metrics"] for r in page.eval_on_selector_all(
        "#province-table tbody tr",
        """rows => rows.map(tr => ({province: tr.dataset.province, kind: tr.dataset.kind,
             metrics: Object.fromEntries([...tr.querySelectorAll('td[data-metric]')]
               .map(td => [td.dataset.metric, Number(td.dataset.value)]))}))""")}


def test_dashboard_shows_seeded_provinces_and_evidence(running_worker: Any) -> None:
    from playwright.sync_api import sync_playwright

    assert SEEDS.is_dir(), f"seed corpus not found at {SEEDS}"
    assert Path(CHROMIUM).exists(), "Debian chromium is not installed (apt-get install -y chromium)"
    settings, base_url = _settings_and_url(running_worker)
    seeds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.json"))]
    asyncio.run(_publish(settings.bootstrap_servers, settings.items_topic, seeds))

    api = _wait_for_stable_provinces(base_url)
    expected = {(r.province, r.kind): r.metrics for r in normalise_provinces(api)}
    alerts = normalise_alerts(get_json(f"{base_url}/api/alerts"))
    event_ids = [] if alerts else asyncio.run(_read_event_ids(settings.bootstrap_servers, settings.events_topic))

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{base_url}/", wait_until="load")
            page.wait_for_selector("#province-table tbody tr", timeout=15_000)
            page.wait_for_function("document.querySelector('#status').classList.contains('ok')", timeout=15_000)

            # every province and figure of the API is on the page, and nothing else
            page.check("#all-metrics")
            shown = _page_cell_values(page)
            assert set(shown) == set(expected), (sorted(shown), sorted(expected))
            for key, metrics in expected.items():
                for metric, value in metrics.items():
                    assert shown[key].get(metric) == pytest.approx(value), (key, metric, shown[key].get(metric), value)
            for province, _kind in expected:
                assert page.locator("#province-table td.province", has_text=province).count() >= 1

            # the drug chart is drawn, and sorting by province twice reverses the order
            assert page.locator("#drug-chart svg rect.bar, #drug-chart .empty").count() >= 1
            order = "rs => [...new Set(rs.map(r => r.dataset.province))]"
            page.click("#province-table th[data-key='province']")
            ascending = page.eval_on_selector_all("#province-table tbody tr", order)
            page.click("#province-table th[data-key='province']")
            descending = page.eval_on_selector_all("#province-table tbody tr", order)
            assert descending == ascending[::-1] and len(ascending) == len({p for p, _ in expected})
            assert page.locator("#series-chart svg, #series-chart .empty").count() == 1

            # open an event from an alert (or, without alerts, straight from the events topic)
            if alerts:
                page.wait_for_selector("#alert-list a.event-link", timeout=15_000)
                page.locator("#alert-list a.event-link").first.click()
            else:
                assert event_ids, "neither an alert nor an event with evidence to open"
                page.evaluate("id => { location.hash = 'event=' + encodeURIComponent(id); }", event_ids[0])
            page.wait_for_selector("#event-view:not([hidden]) mark.evidence", timeout=15_000)
            marks = page.eval_on_selector_all("#event-text mark.evidence", "ms => ms.map(m => m.textContent)")
            assert marks and all(m.strip() for m in marks)
            source = page.inner_text("#event-text")
            assert all(m in source for m in marks)

            page.uncheck("#all-metrics")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000

"""Read-only HTTP views on the worker's faust web server (JSON), /metrics, and the dashboard page.

Routes:

- ``GET /api/health``            ``{"ready": bool, ...}``: joined the group, tables recovered
- ``GET /api/provinces``         ``{"provinces": [streams.read_model.area_summary ...]}``: Vietnamese
  provinces only (busts counted once; period headline figures)
- ``GET /api/areas``             the same for areas that are not provinces (abroad, regions,
  countries, ``unknown`` last)
- ``GET /api/provinces/{name}``, ``GET /api/areas/{key}``  one area: summary, the current
  ``windows`` (1d / 30d / month at its latest bust date; busts only), ``daily`` values,
  ``period_statistics`` (every reported period) and ``bust_list`` (latest busts)
- ``GET /api/busts/{cluster_id}`` one bust: its current figures and provenance
- ``GET /api/alerts``            ``{"alerts": [Alert...]}`` newest first (``?limit=N``)
- ``GET /api/events/{event_id}`` ``{"event": SeizureEvent, "item": {id, title, text, ...}, "text": ...}``
  from a bounded store of recent events (404 when unknown or evicted)
- ``GET /metrics``               Prometheus text format (streams.metrics registry)
- ``/api/series``, ``/api/places``, ``/api/export/{dataset}``, ``/api/openapi.json`` and JSON
  errors for unknown routes: ``streams.web_analysis`` (the route table: ``streams.openapi``)
- ``GET /`` and ``/<file>``      files of ``streams/web_static/`` when that folder exists

Tables are partitioned: a worker holds only the partitions assigned to it, so every view
also asks the other workers of the group (their URLs come from faust's assignor, i.e. each
worker's ``canonical_url``) with ``?scope=local`` and merges; ``"partial": true`` in a
list answer says a peer did not answer. Views never write a table and never talk to Kafka.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faust import web as fweb

from schemas.alerts import Alert
from streams import access, read_model

if TYPE_CHECKING:
    from streams.runtime import Runtime

STATIC_DIR = Path(__file__).resolve().parent / "web_static"
log = logging.getLogger(__name__)


def _finite(value: Any) -> Any:
    """``value`` with every NaN / ±Infinity replaced by None (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def strict_json(value: Any) -> bytes:
    """The one JSON encoder of every HTTP answer: RFC 8259 JSON, always.

    Python's ``json`` (and faust's) write ``Infinity`` and ``NaN``, which no JSON parser
    accepts: one absurd sum made ``/api/provinces`` unreadable for the dashboard. A
    non-finite number is sent as ``null`` instead (and logged: it is a bug upstream).
    """
    from faust.utils.json import JSONEncoder

    try:
        text = json.dumps(value, cls=JSONEncoder, allow_nan=False, ensure_ascii=False)
    except ValueError:
        log.error("non-finite number in an HTTP answer, sent as null")
        text = json.dumps(_finite(value), cls=JSONEncoder, allow_nan=False, ensure_ascii=False)
    return text.encode("utf-8", errors="replace")


def _strict_json_responses(rt: Runtime) -> None:
    """Every ``View.json`` answer of this app (ours and faust's) goes through ``strict_json``."""
    web = rt.app.web

    def json_response(value: Any, *, content_type: str | None = None, status: int = 200,
                      reason: str | None = None, headers: Any = None) -> Any:
        return web.bytes(strict_json(value), content_type=content_type or "application/json", status=status,
                         reason=reason, headers=headers)

    web.json = json_response


def _table_alerts(rt: Runtime) -> list[Alert]:
    alerts = []
    for a in rt.state.latest_alerts():
        try:
            alerts.append(Alert.model_validate(a))
        except Exception:  # noqa: BLE001 - a row written by an older version
            continue
    return alerts


def health(rt: Runtime) -> dict[str, Any]:
    app = rt.app
    try:
        assigned = len(app.consumer.assignment())
    except Exception:
        assigned = 0
    try:
        recovered = app.tables.recovery.completed.is_set()
    except Exception:
        recovered = False
    rebalancing = bool(getattr(app, "rebalancing", False))
    broker = rt.broker_watch.health() if rt.broker_watch is not None else {"reachable": True}
    return {"ready": bool(assigned and recovered and not rebalancing and broker["reachable"]),
            "assigned_partitions": assigned, "recovered": recovered, "rebalancing": rebalancing,
            "broker": broker, "app_id": rt.settings.app_id}


def peer_urls(rt: Runtime) -> list[str]:
    """Web URLs of the other workers of the group (faust's assignor shares every member's canonical URL)."""
    try:
        hosts = list(rt.app.assignor.tables_metadata().keys())
    except Exception:  # noqa: BLE001 - before the first assignment
        return []
    me = str(rt.app.conf.canonical_url).rstrip("/")
    return sorted({str(h).rstrip("/") for h in hosts} - {me})


async def _from_peers(rt: Runtime, path: str) -> tuple[list[Any], bool]:
    """GET ``path`` (with ?scope=local) from every peer; returns (JSON documents, did all answer?)."""
    peers = peer_urls(rt)
    if not peers:
        return [], True
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=3)
    sep = "&" if "?" in path else "?"

    token = rt.settings.api_token.get_secret_value() if rt.settings.api_token else None

    async def one(session: aiohttp.ClientSession, base: str) -> Any:
        url = f"{base}{path}{sep}scope=local"
        nonce, headers = access.peer_request_headers(token, url) if token else ("", {})
        async with session.get(url, headers=headers) as resp:
            if resp.status == 404:
                return None
            resp.raise_for_status()
            body = await resp.read()
            if token and not access.signature_ok(token, nonce, body, resp.headers.get(access.SIGNATURE_HEADER)):
                log.warning("peer %s answered %s without a valid signature: its answer is ignored", base, path)
                raise PermissionError(f"unsigned answer from {base}")
            return json.loads(body)

    async with aiohttp.ClientSession(timeout=timeout) as session:
        results = await asyncio.gather(*(one(session, p) for p in peers), return_exceptions=True)
    docs = [r for r in results if r is not None and not isinstance(r, BaseException)]
    return docs, not any(isinstance(r, BaseException) for r in results)


def _local(request: fweb.Request) -> bool:
    return request.query.get("scope") == "local"


def _merge_areas(local: list[dict], docs: list[Any], field: str) -> list[dict]:
    merged = {d["area"]: d for d in local}
    for doc in docs:
        for entry in doc.get(field, []):
            have = merged.get(entry["area"])
            # during a rebalance two workers may both hold an area: keep the fuller one
            if have is None or entry.get("reports", 0) > have.get("reports", 0):
                merged[entry["area"]] = entry
    return sorted(merged.values(), key=read_model.list_order)


async def areas_document(rt: Runtime, field: str = "provinces", local: bool = False) -> dict[str, Any]:
    """``GET /api/provinces`` (``field="provinces"``) or ``/api/areas``: this worker's areas merged with its peers'."""
    from streams.web_analysis import with_estimates

    provinces, others = read_model.summaries(rt.state)
    mine = [with_estimates(d, rt.settings) for d in (provinces if field == "provinces" else others)]
    docs: list[Any] = []
    complete = True
    if not local:
        docs, complete = await _from_peers(rt, f"/api/{field}")
    return {field: _merge_areas(mine, docs, field), "partial": not complete}


async def provinces_document(rt: Runtime, local: bool = False) -> dict[str, Any]:
    """``GET /api/provinces``: this worker's provinces merged with its peers' (unless ``local``)."""
    return await areas_document(rt, "provinces", local)


def register(rt: Runtime) -> None:
    """Views answer from this worker's partitions and, unless ``?scope=local``, merge the peers' answers.

    A worker only holds the table partitions assigned to it, so with several workers each
    view asks its peers (with ``?scope=local``: no recursion) and merges; ``partial: true``
    says a peer did not answer.
    """
    app = rt.app
    _strict_json_responses(rt)
    if rt.settings.api_token is not None:  # every route, ours and faust's (streams.access)
        app.web.web_app.middlewares.append(
            access.middleware(rt.settings.api_token.get_secret_value(), str(app.conf.canonical_url)))

    @app.page("/api/health")
    async def get_health(self: fweb.View, request: fweb.Request) -> fweb.Response:
        return self.json({**health(rt), "peers": peer_urls(rt)})

    @app.page("/api/provinces")
    async def get_provinces(self: fweb.View, request: fweb.Request) -> fweb.Response:
        return self.json(await provinces_document(rt, local=_local(request)))

    @app.page("/api/areas")
    async def get_areas(self: fweb.View, request: fweb.Request) -> fweb.Response:
        return self.json(await areas_document(rt, "areas", local=_local(request)))

    async def detail(request: fweb.Request, path: str, name: str) -> dict | None:
        doc = read_model.area_detail(rt.state, name)
        if doc is None and not _local(request):
            from urllib.parse import quote

            docs, _ = await _from_peers(rt, f"{path}/{quote(name)}")
            doc = max(docs, key=lambda d: d.get("reports", 0)) if docs else None
        return doc

    def detail_view(path: str, param: str, what: str) -> None:
        @app.page(f"{path}/{{{param}}}")
        class DetailView(fweb.View):
            async def get(self, request: fweb.Request, **match: str) -> fweb.Response:
                name = match[param]
                doc = await detail(request, path, name)
                if doc is None:
                    return self.json({"error": f"unknown {what} {name!r}"}, status=404)
                return self.json(doc)

    detail_view("/api/provinces", "name", "province")
    detail_view("/api/areas", "key", "area")

    @app.page("/api/busts/{cluster_id}")
    class BustView(fweb.View):
        async def get(self, request: fweb.Request, cluster_id: str) -> fweb.Response:
            doc = read_model.find_bust(rt.state, cluster_id)
            if doc is None and not _local(request):
                docs, _ = await _from_peers(rt, f"/api/busts/{cluster_id}")
                doc = docs[0] if docs else None
            if doc is None:
                return self.json({"error": f"unknown bust {cluster_id!r}"}, status=404)
            return self.json(doc)

    @app.page("/api/alerts")
    async def get_alerts(self: fweb.View, request: fweb.Request) -> fweb.Response:
        try:
            limit = max(1, min(int(request.query.get("limit", rt.settings.latest_alerts)), 10_000))
        except ValueError:
            return self.json({"error": "limit must be an integer"}, status=400)
        more = _table_alerts(rt)
        complete = True
        if not _local(request):
            docs, complete = await _from_peers(rt, f"/api/alerts?limit={limit}")
            more += [Alert.model_validate(a) for d in docs for a in d.get("alerts", [])]
        alerts = rt.latest_alerts.merged(more)[:limit]
        return self.json({"alerts": [a.model_dump(mode="json") for a in alerts], "partial": not complete})

    @app.page("/api/events/{event_id}")
    class EventView(fweb.View):
        async def get(self, request: fweb.Request, event_id: str) -> fweb.Response:
            found = rt.recent_events.get(event_id)
            if found is None and not _local(request):
                docs, _ = await _from_peers(rt, f"/api/events/{event_id}")
                found = docs[0] if docs else None
            if found is None:
                return self.json({"error": f"event {event_id!r} is not among the recent events"}, status=404)
            return self.json(found)

    @app.page("/metrics")
    async def get_metrics(self: fweb.View, request: fweb.Request) -> fweb.Response:
        from streams.agents import record_consumer_lag

        record_consumer_lag(rt)
        return self.bytes(rt.metrics.render(), content_type=rt.metrics.content_type.split(";")[0])

    from streams import web_analysis

    web_analysis.register(rt)
    _faust_sensors(rt)
    if STATIC_DIR.is_dir():
        _static(rt)


def _faust_sensors(rt: Runtime) -> None:
    """faust's own sensor metrics in our registry, prefixed ``seizurewatch_faust_`` (no clashes)."""
    try:
        from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor

        faust_metrics = FaustMetrics.create(rt.metrics.registry, "seizurewatch_faust")
        rt.app.monitor = PrometheusMonitor(metrics=faust_metrics)
    except Exception:  # pragma: no cover - sensors are optional
        pass


def _static(rt: Runtime) -> None:
    files = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file() and not p.name.startswith(".")}

    def serve(path: Path) -> Any:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"

        async def view(self: fweb.View, request: fweb.Request) -> fweb.Response:
            # read on each request: the page can be edited without restarting the worker
            return self.bytes(path.read_bytes(), content_type=ctype)

        return view

    if "index.html" in files:
        rt.app.page("/")(serve(files["index.html"]))
    for name, path in files.items():
        rt.app.page(f"/{name}")(serve(path))

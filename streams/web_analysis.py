"""The analysts' views: monthly series, map places, export downloads, the OpenAPI document,
and JSON errors for every unknown route.

Registered by ``streams.web.register``; the route table and the response models are in
``streams.openapi`` / ``schemas/api.py``. The series come from the read model (monthly
incident sums per province), the export from ``streams.export`` over the events topic
(read once from its beginning: the worker keeps no copy of every event) and over the
``/api/provinces`` document. Views never write a table.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web as aioweb
from faust import web as fweb
from pydantic import ValidationError

from schemas.busts import Bust
from schemas.events import EventRetraction, SeizureEvent
from streams import export, geo, openapi
from streams.estimates import estimates_by_drug

if TYPE_CHECKING:
    from streams.runtime import Runtime
    from streams.settings import Settings

log = logging.getLogger(__name__)


def with_estimates(summary: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A province summary plus ``estimated_kg`` (kind -> drug -> kg), apart from the measured totals."""
    estimated = {kind: estimates_by_drug(metrics, settings.mass_estimate_kg)
                 for kind, metrics in (summary.get("totals") or {}).items()}
    return {**summary, "estimated_kg": {k: v for k, v in estimated.items() if v}}


def monthly_series(rt: Runtime) -> dict[str, dict[str, dict[str, float]]]:
    """province -> YYYY-MM -> incident metric sums (busts), from this worker's table rows (undated left out)."""
    from streams.read_model import monthly_series as series

    return series(rt.state)


async def read_events(settings: Settings) -> list[SeizureEvent]:
    """The events on the events topic now, minus those a retraction withdrew (in topic order)."""
    from streams.topic_reader import read_to_end

    records: list[SeizureEvent | EventRetraction] = []
    for m in await read_to_end(settings, settings.events_topic, client="export"):
        try:
            data = json.loads(m.value)
            model = EventRetraction if isinstance(data, dict) and data.get("type") == "retraction" else SeizureEvent
            records.append(model.model_validate(data))
        except (ValueError, ValidationError) as exc:  # only the worker writes this topic
            log.error("unreadable record on %s at %s:%s: %s", settings.events_topic, m.partition, m.offset, exc)
    return export.live_events(records)


async def read_busts(settings: Settings) -> list[Bust]:
    """The current busts: the last record per key of the compacted busts topic (tombstones remove)."""
    from streams.topic_reader import read_to_end

    records: list[tuple[bytes | None, Bust | None]] = []
    for m in await read_to_end(settings, settings.busts_topic, client="export"):
        try:
            records.append((m.key, None if m.value is None else Bust.model_validate_json(m.value)))
        except ValidationError as exc:
            log.error("unreadable record on %s at %s:%s: %s", settings.busts_topic, m.partition, m.offset, exc)
    return export.live_busts(records)


def _error(status: int, message: str) -> aioweb.Response:
    return aioweb.json_response({"error": message, "status": status}, status=status)


@aioweb.middleware
async def json_errors(request: aioweb.Request, handler: Any) -> aioweb.StreamResponse:
    """Unknown routes and wrong methods answer JSON ``{error, status}`` like every other error."""
    try:
        return await handler(request)
    except aioweb.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, f"{exc.reason}: {request.method} {request.path}")


def register(rt: Runtime) -> None:
    app = rt.app
    rt.app.web.web_app.middlewares.append(json_errors)

    @app.page("/api/series")
    async def get_series(self: fweb.View, request: fweb.Request) -> fweb.Response:
        from streams.web import _from_peers, _local

        areas = monthly_series(rt)
        complete = True
        if not _local(request):
            docs, complete = await _from_peers(rt, "/api/series")
            for doc in docs:
                for province, months in doc.get("areas", {}).items():
                    areas.setdefault(province, months)  # a province lives on one partition
        return self.json({"by": "month", "kind": "incident", "areas": dict(sorted(areas.items())),
                          "partial": not complete})

    @app.task
    async def load_places() -> None:
        await asyncio.to_thread(geo.places)  # 3.6 MB of gazetteer JSON parsed once, off the event loop

    @app.page("/api/places")
    async def get_places(self: fweb.View, request: fweb.Request) -> fweb.Response:
        places = await asyncio.to_thread(geo.places)  # cached after the first call; never blocks the loop
        return self.json({"places": places, "source": geo.SOURCE})

    @app.page("/api/openapi.json")
    async def get_openapi(self: fweb.View, request: fweb.Request) -> fweb.Response:
        from streams.metrics import version

        return self.json(openapi.document(version()))

    @app.page("/api/export/{dataset}")
    class ExportView(fweb.View):
        async def get(self, request: fweb.Request, dataset: str) -> fweb.Response:
            return await export_response(rt, request, dataset)


async def export_response(rt: Runtime, request: fweb.Request, dataset: str) -> Any:
    """The file of one dataset, or a JSON error naming what is wrong with the request."""
    from streams.web import areas_document

    if dataset not in export.DATASETS:
        return _error(404, f"unknown dataset {dataset!r}: choose one of {', '.join(export.DATASETS)}")
    fmt = request.query.get("format", "csv")
    if fmt not in export.FORMATS:
        return _error(400, f"unknown format {fmt!r}: choose one of {', '.join(export.FORMATS)}")
    try:
        since = dt.date.fromisoformat(request.query["since"]) if request.query.get("since") else None
    except ValueError:
        return _error(400, f"since must be a date YYYY-MM-DD, not {request.query['since']!r}")
    province = request.query.get("province") or None
    columns = export.DATASETS[dataset]
    factors = rt.settings.mass_estimate_kg
    if dataset == "events":
        events = export.select_events(await read_events(rt.settings), since=since, province=province)
        rows = [export.event_row(e, factors) for e in events]
    elif dataset == "busts":
        rows = [export.bust_row(b, factors) for b in export.select_busts(await read_busts(rt.settings), since, province)]
    else:
        if since is not None:
            return _error(400, "since applies to events and busts; area totals are all-time")
        entries = [e for field in ("provinces", "areas") for e in (await areas_document(rt, field))[field]]
        rows = export.area_rows(entries, province=province)
    try:
        body = export.encode(rows, columns, fmt)
    except export.ExportError as exc:
        return _error(501, str(exc))
    name = export.filename(dataset, fmt, dt.date.today())
    return aioweb.Response(body=body, headers={
        "Content-Type": export.MEDIA_TYPES[fmt], "Content-Disposition": f'attachment; filename="{name}"',
        "X-Rows": str(len(rows))})




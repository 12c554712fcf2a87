"""The API's route table and its OpenAPI 3.1 document, generated from the models in ``schemas/api.py``.

``ROUTES`` is the one list of the worker's HTTP routes: ``/api/openapi.json`` is built from
it, and tests check it against the routes the app really registers and the README's API
table. Static files of the dashboard (``/app.js`` ...) are covered by ``GET /``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from schemas import api
from schemas.busts import Bust
from streams.export import DATASETS

STATIC = "the dashboard page and its files (no CDN; works offline)"


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # "path" | "query"
    description: str
    type: str = "string"
    enum: tuple[str, ...] = ()
    format: str | None = None


@dataclass(frozen=True)
class Route:
    path: str
    summary: str
    response: type[BaseModel] | None = None
    media: str = "application/json"
    params: tuple[Param, ...] = field(default_factory=tuple)
    errors: tuple[int, ...] = ()


SCOPE = Param("scope", "query", "`local`: this worker's partitions only (what peers ask each other)", enum=("local",))
EXPORT_PARAMS = (
    Param("dataset", "path", "what to export", enum=tuple(DATASETS)),
    Param("format", "query", "file format (default csv)", enum=("csv", "jsonl", "parquet")),
    Param("since", "query", "events dated on or after this day (YYYY-MM-DD)", format="date"),
    Param("province", "query", "one province (name at the time of the report or post-2025 name)"),
)

ROUTES: tuple[Route, ...] = (
    Route("/api/health", "readiness: joined the group, tables recovered", api.Health),
    Route("/api/provinces", "every Vietnamese province: busts counted once, period headline figures, and the "
          "estimated mass of counted units", api.ProvincesResponse, params=(SCOPE,)),
    Route("/api/areas", "the same for areas that are not provinces (abroad, regions, countries, unknown last)",
          api.AreasResponse, params=(SCOPE,)),
    Route("/api/provinces/{name}", "one province: totals, headline, windows (1d, month, 30d; busts only), daily "
          "values, period statistics, latest busts",
          api.ProvinceDetail, params=(Param("name", "path", "post-2025 province name"), SCOPE), errors=(404,)),
    Route("/api/areas/{key}", "one area that is not a province (same document as a province)",
          api.ProvinceDetail, params=(Param("key", "path", "area key, e.g. LA:Hủa Phăn"), SCOPE), errors=(404,)),
    Route("/api/busts/{cluster_id}", "one bust: its current figures and provenance (reports, sources)",
          Bust, params=(Param("cluster_id", "path", "the bust id (bu-...)"), SCOPE), errors=(404,)),
    Route("/api/series", "incident values of every province by calendar month (the dashboard's date range, "
          "national and province series)", api.SeriesResponse, params=(SCOPE,)),
    Route("/api/places", "province coordinates for the map (from the gazetteer package)", api.PlacesResponse),
    Route("/api/alerts", "the latest alerts, newest first", api.AlertsResponse,
          params=(Param("limit", "query", "at most N alerts", type="integer"), SCOPE), errors=(400,)),
    Route("/api/events/{event_id}", "a recent event with its item and the item's text (evidence highlighting)",
          api.EventResponse, params=(Param("event_id", "path", "the event id"), SCOPE), errors=(404,)),
    Route("/api/export/{dataset}", "a download of events, busts or area totals as CSV, JSON Lines or Parquet "
          "(columns in the README)", None, media="application/octet-stream", params=EXPORT_PARAMS, errors=(400, 404)),
    Route("/api/openapi.json", "this document", None),
    Route("/metrics", "Prometheus exposition", None, media="text/plain"),
    Route("/", STATIC, None, media="text/html"),
)


def _param(p: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": p.type}
    if p.enum:
        schema["enum"] = list(p.enum)
    if p.format:
        schema["format"] = p.format
    return {"name": p.name, "in": p.where, "required": p.where == "path", "description": p.description,
            "schema": schema}


def document(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``ROUTES``; schemas come from the pydantic models (serialization mode)."""
    models = sorted({r.response for r in ROUTES if r.response} | {api.ErrorResponse}, key=lambda m: m.__name__)
    _, defs = models_json_schema([(m, "serialization") for m in models],
                                 ref_template="#/components/schemas/{model}")
    paths: dict[str, Any] = {}
    for r in ROUTES:
        ok: dict[str, Any] = {"description": r.summary}
        if r.response is not None:
            ok["content"] = {r.media: {"schema": {"$ref": f"#/components/schemas/{r.response.__name__}"}}}
        elif r.media != "application/json" or r.path.endswith("openapi.json"):
            ok["content"] = {r.media: {}}
        responses: dict[str, Any] = {"200": ok}
        for status in r.errors:
            responses[str(status)] = {"description": "error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
        paths[r.path] = {"get": {"summary": r.summary, "parameters": [_param(p) for p in r.params],
                                 "responses": responses}}
    return {"openapi": "3.1.0",
            "info": {"title": "seizurewatch worker API", "version": version,
                     "description": "Read-only views of one worker (merged with its peers unless scope=local). "
                                    "Every error is JSON: {error, status}."},
            "paths": paths, "components": {"schemas": defs.get("$defs", {})}}

"""The route table (streams.openapi.ROUTES) is the one truth: the app registers exactly those
routes, the README's API table lists exactly those, and the OpenAPI document is built from
them and the pydantic models."""
from __future__ import annotations

import re
from pathlib import Path

from streams.openapi import ROUTES, document
from streams.web import STATIC_DIR

ROOT = Path(__file__).resolve().parents[1]


def registered_routes(tmp_path: Path) -> set[str]:
    from streams.app import create_app
    from streams.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, thresholds_file=None))
    paths = {r.resource.canonical for r in app.web.web_app.router.routes() if r.method == "GET"}
    static = {f"/{p.name}" for p in STATIC_DIR.iterdir() if p.is_file()}
    return paths - static  # the dashboard's files are covered by GET /


def readme_routes() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("| route | returns |", 1)[1].split("\n\n", 1)[0]
    return set(re.findall(r"^\| `GET (\S+)` \|", table, re.MULTILINE))


def test_the_app_registers_exactly_the_documented_routes(tmp_path: Path) -> None:
    assert registered_routes(tmp_path) == {r.path for r in ROUTES}


def test_readme_api_table_matches_the_routes() -> None:
    assert readme_routes() == {r.path for r in ROUTES}


def test_openapi_document_is_generated_from_the_models() -> None:
    doc = document("1.2.3")
    assert doc["info"]["version"] == "1.2.3" and set(doc["paths"]) == {r.path for r in ROUTES}
    schemas = doc["components"]["schemas"]
    assert {"ProvincesResponse", "SeizureEvent", "Alert", "ErrorResponse", "EventResponse"} <= set(schemas)
    # fields come from the models, descriptions included
    assert "estimated_kg" in schemas["ProvinceSummary"]["properties"]
    assert "ESTIMATE" in schemas["ProvinceSummary"]["properties"]["estimated_kg"]["description"]
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', __import__("json").dumps(doc))
    assert set(refs) <= set(schemas), "every reference resolves"
    export = doc["paths"]["/api/export/{dataset}"]["get"]
    assert {p["name"] for p in export["parameters"]} == {"dataset", "format", "since", "province"}

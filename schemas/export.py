"""Generate the JSON Schema files of every wire model (``seizurewatch schemas``)."""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from schemas.alerts import Alert, UndeliveredAlert
from schemas.busts import Bust
from schemas.dead_letter import DeadLetter
from schemas.events import EventRetraction, Seizure, SeizureEvent
from schemas.items import Item, NewsItem, ReportItem

JSON_DIR = Path(__file__).resolve().parent / "json"

MODELS: dict[str, object] = {
    "news_item": NewsItem,
    "report_item": ReportItem,
    "item": Item,
    "seizure": Seizure,
    "seizure_event": SeizureEvent,
    "event_retraction": EventRetraction,
    "bust": Bust,
    "alert": Alert,
    "undelivered_alert": UndeliveredAlert,
    "dead_letter": DeadLetter,
}


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of each model's schema (serialization mode: what goes on the wire)."""
    out = {}
    for name, model in MODELS.items():
        schema = TypeAdapter(model).json_schema(mode="serialization")
        schema["$id"] = f"https://seizurewatch.invalid/schemas/{name}.json"
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return out


def write_schemas(directory: Path = JSON_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, text in render_schemas().items():
        path = directory / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path = JSON_DIR) -> list[str]:
    """Names of schema files that differ from what the models generate (empty when up to date)."""
    stale = []
    for filename, text in render_schemas().items():
        path = directory / filename
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(filename)
    return stale

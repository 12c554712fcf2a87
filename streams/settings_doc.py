"""The README's generated tables (never typed by hand): the configuration table from the
Settings model, and the export column tables from ``streams.export.DATASETS``.

    python -m streams.settings_doc          # print the configuration table
    python -m streams.settings_doc --write  # replace every generated table between its README markers
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from streams.settings import ENV_PREFIX, Settings

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- settings-table:begin -->", "<!-- settings-table:end -->"


def settings_table() -> str:
    rows = ["| setting | environment variable | default | meaning |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if isinstance(default, BaseModel):
            shown = "(nested; see meaning)"
        else:
            shown = "—" if default is None else f"`{json.dumps(default)}`" if isinstance(default, dict) else f"`{default}`"
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | `{ENV_PREFIX}{name.upper()}` | {shown} | {meaning} |")
    return "\n".join(rows)


def columns_table(dataset: str) -> str:
    from streams.export import DATASETS

    rows = [f"| column ({dataset}) | type | meaning |", "|---|---|---|"]
    rows += [f"| `{c.name}` | {c.type} | {c.meaning.replace('|', chr(92) + '|')} |" for c in DATASETS[dataset]]
    return "\n".join(rows)


def _replace(text: str, begin: str, end: str, table: str) -> str:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{table}\n{end}{tail}"


def readme_with_table(text: str) -> str:
    from streams.export import DATASETS

    text = _replace(text, BEGIN, END, settings_table())
    for dataset in DATASETS:
        begin = f"<!-- export-columns:{dataset} -->"
        if begin in text:
            text = _replace(text, begin, "<!-- export-columns:end -->", columns_table(dataset))
    return text


def main(argv: list[str]) -> int:
    if "--write" in argv:
        README.write_text(readme_with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(settings_table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

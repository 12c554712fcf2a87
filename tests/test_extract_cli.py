"""``seizurewatch extract`` as a user runs it: real files, real subprocess, exit codes and stderr."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corpus_support import CORPUS

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "streams.cli", "extract", *args], check=False, input=stdin,
                          capture_output=True, cwd=ROOT, timeout=120)


def test_corpus_files_give_one_line_each() -> None:
    files = sorted((CORPUS / "seeds").glob("*.json"))
    proc = run(*map(str, files))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == [json.loads(f.read_text())["id"] for f in files]
    assert all(isinstance(r["events"], list) for r in rows)
    assert any(r["events"] for r in rows)


def test_bad_inputs_are_reported_and_the_rest_processed(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Chiều 3/5, Công an tỉnh Sơn La bắt quả tang Lò Văn A (SN 1990) mang 4 bánh heroin.",
                    encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("ma túy".encode("utf-16"))
    (tmp_path / "invalid.json").write_text(json.dumps({"id": "x", "text": "  "}), encoding="utf-8")
    lines = tmp_path / "items.jsonl"
    lines.write_text(json.dumps({"id": "j1", "text": "Không có gì."}) + "\nnope\n", encoding="utf-8")
    proc = run(str(tmp_path / "broken.json"), str(good),
               str(tmp_path / "latin1.txt"), str(tmp_path / "invalid.json"), str(lines))
    assert proc.returncode == 1
    errors = proc.stderr.decode().strip().splitlines()
    assert len(errors) == 4, errors
    assert "broken.json: invalid_json: " in errors[0]
    assert "latin1.txt: undecodable: not valid UTF-8" in errors[1]
    assert "invalid.json: schema_violation: news.text" in errors[2]
    assert "items.jsonl:2: invalid_json: " in errors[3]
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["good", "j1"]
    assert rows[0]["events"][0]["seizures"][0]["unit"] == "brick"
    assert rows[1]["events"] == []


def test_a_missing_path_is_a_usage_error_and_nothing_is_processed(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Công an tỉnh Sơn La bắt quả tang Lò Văn A mang 4 bánh heroin.", encoding="utf-8")
    proc = run(str(good), str(tmp_path / "missing.json"))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"seizurewatch extract: no such file or folder: {tmp_path / 'missing.json'}"
    assert proc.stdout == b""


def test_stdin_text_and_published_date() -> None:
    proc = run("-", "--published", "2024-05-04",
               stdin="Sáng 3/5, Công an tỉnh Lai Châu bắt giữ Lò Văn B (SN 1991) cùng 2 kg thuốc phiện.".encode())
    assert proc.returncode == 0, proc.stderr
    event = json.loads(proc.stdout)["events"][0]
    assert event["date"] == "2024-05-03"
    assert event["province"] == "Lai Châu"
    assert event["seizures"][0]["mass_kg"] == 2.0


def test_help_names_every_input_kind() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    assert b".jsonl" in proc.stdout and b"stdin" in proc.stdout


def test_a_txt_file_reads_the_same_in_extract_and_publish(tmp_path: Path) -> None:
    """Issue 10 point 13: a .txt file's first line is its title for `extract` as for `publish` -> worker,
    because both use one reader. It matters: a headline read as text is counted as one more statement
    (dev-010 saved as a page, headline then article, gives two aggregates instead of one)."""
    import datetime as dt

    from schemas.items import NewsItem
    from streams.extraction import extract
    from streams.ingest import decode_and_extract
    from streams.item_reader import records
    from streams.settings import Settings

    doc = json.loads((CORPUS / "dev" / "dev-010.json").read_text(encoding="utf-8"))
    page = f"{doc['title']}\n{doc['text']}"
    as_title = extract(NewsItem(id="dev-010", title=doc["title"], text=page, published=doc["published"]))
    as_text = extract(NewsItem(id="dev-010", text=page, published=doc["published"]))
    assert len(as_title) < len(as_text), "the example must show why the title matters"

    path = tmp_path / "dev-010.txt"
    path.write_text(page, encoding="utf-8")
    proc = run(str(path), "--published", doc["published"])
    assert proc.returncode == 0, proc.stderr
    via_extract = json.loads(proc.stdout)["events"]
    assert via_extract == [e.model_dump(mode="json") for e in as_title]

    [record] = records(str(path), published=doc["published"])  # what `publish` sends
    result = decode_and_extract(record.payload, settings=Settings(), topic="t",  # what the worker does with it
                                now=lambda: dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert [e.model_dump(mode="json") for e in result.events] == via_extract


def test_explain_tells_why_each_event_is_what_it_is() -> None:
    proc = run("--explain", str(CORPUS / "dev" / "dev-012.json"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.startswith("== dev-012")
    assert "statement 1: aggregate" in out and "statement 2: incident" in out
    assert "place: Tây Ninh — " in out and "kind: aggregate — a period total ('năm 2019')" in out
    assert "| Gần đây nhất, chiều 2.12, Hải quan cửa khẩu Mộc Bài" in out  # the sentences the event was read from


def test_an_implausible_figure_is_dropped_with_its_reason() -> None:
    text = "Ngày 9/5, Công an tỉnh Hà Tĩnh bắt quả tang Lê Văn An, thu giữ 10.000 tỷ viên ma túy tổng hợp và 2 kg heroin."
    proc = run("-", "--published", "2024-05-20", stdin=text.encode())
    assert proc.returncode == 0, proc.stderr
    (event,) = json.loads(proc.stdout)["events"]
    assert [(s["drug"], s["quantity"], s["unit"]) for s in event["seizures"]] == [("heroin", 2.0, "kg")]
    assert event["dropped"] == [{"text": "10.000 tỷ viên", "reason": "out_of_bounds: 1e+13 pill > 1e+09 "
                                                                     "(figure_bounds.incident)"}]

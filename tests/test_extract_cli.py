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


HA_TINH_TITLE = ("Hà Tĩnh: bắt quả tang đối tượng vận chuyển 2 kg ma túy đá\n"
                 "Ngày 3/5, Công an tỉnh Nghệ An phối hợp bắt quả tang Nguyễn Văn A (SN 1990) vận chuyển 2 kg "
                 "ma túy đá. Công an tỉnh Nghệ An đang điều tra mở rộng vụ án.")


def test_a_txt_file_reads_the_same_in_extract_and_publish(tmp_path: Path) -> None:
    """Issue 10 point 13: the first line of a .txt is its title for `extract` as for `publish` -> worker
    (the title outweighs two body mentions of Nghệ An here), because both use one reader."""
    import datetime as dt

    from streams.ingest import decode_and_extract
    from streams.item_reader import records
    from streams.settings import Settings

    path = tmp_path / "ha-tinh.txt"
    path.write_text(HA_TINH_TITLE, encoding="utf-8")
    proc = run(str(path), "--published", "2024-05-04")
    assert proc.returncode == 0, proc.stderr
    via_extract = json.loads(proc.stdout)
    assert [e["province"] for e in via_extract["events"]] == ["Hà Tĩnh"]

    [record] = records(str(path), published="2024-05-04")  # what `publish` sends
    result = decode_and_extract(record.payload, settings=Settings(), topic="t",  # what the worker does with it
                                now=lambda: dt.datetime(2024, 5, 4, tzinfo=dt.UTC))
    assert [e.model_dump(mode="json") for e in result.events] == via_extract["events"]
    assert json.loads(record.payload)["title"] == HA_TINH_TITLE.splitlines()[0]

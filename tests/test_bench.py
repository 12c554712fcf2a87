"""Smoke test of ``make bench`` (benchmarks/bench.py --quick): one short run of every part
except the Quix Streams peer (its ``bench`` extra is not in ``dev``) and the profile, so a
change that breaks the benchmark is seen in CI, not at the next ``make bench``.

It checks the run did what it says — every expected event arrived, the quarters, the
latency, the changelog bytes were measured — and that the table lands between the markers
of a Markdown file, replacing the previous one. No timing is asserted (speed is measured in
benchmarks/, not in tests).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.integration
def test_quick_bench_runs_every_part_and_writes_its_table(tmp_path: Path) -> None:
    doc = tmp_path / "BENCH.md"
    doc.write_text("# Benchmarks\n\nkept\n\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n\ntail\n")
    out = tmp_path / "result.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--no-quix",
                          "--write", str(doc), "--json", str(out)],
                         check=False, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["extraction"]["median_articles_per_cpu_s"] > 0
    assert result["extraction"]["long_article_bytes"] >= 50_000
    for size, worker in result["worker"].items():
        assert worker["items"] == int(size)
        assert worker["expected_events"] > 0 and len(worker["quarters"]) == 4
        assert worker["peak_rss_mb"] > 0
        assert worker["changelog_bytes_per_event"] > 0  # the changelog topics were found and read
    assert result["serial_bound"] > 0
    lat = result["latency"]
    assert lat["events"] == lat["expected_events"] > 0  # every event matched to its item's send time
    assert lat["event_p99_ms"] >= lat["event_p50_ms"] > 0
    text = doc.read_text()
    assert "old table" not in text and text.count("<!-- bench:begin -->") == 1
    assert text.startswith("# Benchmarks\n\nkept") and text.rstrip().endswith("tail")
    assert "| serial bound" in text and "publish → event" in text

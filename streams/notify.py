"""Forwarding alerts to a webhook (``SEIZUREWATCH_ALERT_WEBHOOK_URL``), with retries and a dead letter.

Owns the delivery policy: which answers are worth a retry (no answer, HTTP 408, 429 and
5xx; any other 4xx means the receiver refuses this alert and a retry cannot help), the
back-off schedule (``alert_webhook_backoff`` doubling, at most 60 s, ``alert_webhook_retries``
times), and what an undelivered alert becomes (``schemas.alerts.UndeliveredAlert`` on
``alerts_dlq_topic``). ``deliver`` takes the POST function as an argument so that the
policy is tested against a real local HTTP server without faust.

The ``notify`` agent (``register``) reads the alerts topic in the app's consumer group, so
each alert is forwarded by one worker; delivery is at-least-once (a crash between the POST
and the offset commit posts it again; receivers can deduplicate by ``alert_id``). While an
alert is retried its partition of the alerts topic waits: alerts are rare, and order is kept.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError

from schemas.alerts import Alert, UndeliveredAlert

if TYPE_CHECKING:
    from streams.runtime import Runtime

log = logging.getLogger(__name__)

MAX_DELAY = 60.0
Post = Callable[[str, bytes, float], Awaitable[int]]
"""``post(url, body, timeout) -> HTTP status``; raises OSError / asyncio.TimeoutError when nothing answers."""


def retry_delays(retries: int, backoff: float) -> list[float]:
    """Seconds to wait before each retry: backoff, 2×backoff, 4×backoff ..., each at most 60."""
    return [min(backoff * 2 ** i, MAX_DELAY) for i in range(retries)]


def retryable(status: int | None) -> bool:
    """No answer, timeouts, rate limits and server errors are retried; other refusals are final."""
    return status is None or status in (408, 429) or status >= 500


def public_url(url: str) -> str:
    """The URL without user info and query (tokens live there): safe for logs and dead letters."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass
class Delivery:
    delivered: bool
    attempts: int
    status: int | None = None
    error: str = ""


async def deliver(body: bytes, url: str, post: Post, *, retries: int, backoff: float, timeout: float,
                  sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> Delivery:
    """POST ``body`` until a 2xx, a final refusal, or the retries are used up."""
    delays = retry_delays(retries, backoff)
    attempts = 0
    while True:
        attempts += 1
        status: int | None = None
        try:
            status = await post(url, body, timeout)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except (TimeoutError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}".rstrip(": ")
        if not error:
            return Delivery(True, attempts, status)
        if not retryable(status) or attempts > len(delays):
            return Delivery(False, attempts, status, error)
        await sleep(delays[attempts - 1])


def undelivered(alert: Alert, url: str, result: Delivery, now: dt.datetime) -> UndeliveredAlert:
    return UndeliveredAlert(alert=alert, url=public_url(url), attempts=result.attempts,
                            last_status=result.status, error=result.error or "not delivered", failed_at=now)


async def aiohttp_post(url: str, body: bytes, timeout: float) -> int:
    """The production ``Post``: one JSON POST with aiohttp (faust's HTTP client)."""
    import aiohttp

    try:
        async with (aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
                    session.post(url, data=body, headers={"Content-Type": "application/json"}) as resp):
            await resp.read()
            return resp.status
    except aiohttp.ClientError as exc:  # e.g. the server closed the connection: no answer, retry
        raise OSError(f"{type(exc).__name__}: {exc}") from exc


def register(rt: Runtime) -> None:
    """The ``notify`` agent, only when a webhook URL is set."""
    settings = rt.settings
    url = settings.alert_webhook_url
    if not url:
        return

    @rt.app.agent(rt.alerts_topic, name=f"{settings.app_id}.notify")
    async def notify(stream: Any) -> None:
        async for value in stream:
            await forward_alert_message(rt, value, url)

    rt.agents["notify"] = notify


async def forward_alert_message(rt: Runtime, value: bytes, url: str, post: Post = aiohttp_post) -> Delivery | None:
    """Deliver one alerts-topic message; dead-letter it when every attempt failed."""
    s = rt.settings
    try:
        alert = Alert.model_validate_json(value)
    except ValidationError as exc:  # only the alert agent writes this topic
        log.error("unreadable record on %s: %s", s.alerts_topic, exc)
        return None
    result = await deliver(value, url, post, retries=s.alert_webhook_retries, backoff=s.alert_webhook_backoff,
                           timeout=s.alert_webhook_timeout)
    rt.metrics.observe_webhook(result.delivered, result.attempts)
    if not result.delivered:
        letter = undelivered(alert, url, result, dt.datetime.now(dt.UTC))
        await rt.alerts_dlq_topic.send(key=alert.province.encode(), value=letter.model_dump_json().encode())
        log.warning("alert %s not delivered to %s after %d attempts: %s", alert.alert_id, letter.url,
                    result.attempts, result.error)
    return result

"""Is the broker there, and does it still hold this service's topics?

Every ``interval`` seconds the worker asks the broker for its metadata with a client of its
own (``probe``). The answer drives three things:

- **readiness**: ``GET /api/health`` says ``ready: false`` while the broker does not answer
  (a worker that cannot reach its broker processes nothing, whatever its consumer thinks);
- **one clear log line at a bounded rate**: when the broker goes away (ERROR, with the
  error), every ``repeat_every`` seconds while it stays away (ERROR, how long, how many
  failed probes), and when it answers again (WARNING, after how long). The client
  libraries' own retries (aiokafka, faust: ~70 lines a second during an outage) are
  rate-limited by ``streams.supervision``;
- **an empty broker**: when the broker answers but no longer holds topics this service
  created (the embedded broker keeps nothing across a restart), the worker says loudly,
  in one CRITICAL line, which topics are gone and what was lost with them, re-creates them
  (``streams.topics.ensure_topics``) and goes on with new messages.

``transition`` is the pure part (state, probe result, clock -> new state and log lines);
``BrokerWatch`` does the I/O. It must not touch tables or agents.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

from streams.settings import Settings

log = logging.getLogger(__name__)

LOST_WITH_TOPICS = (
    "lost for good: items published but not yet consumed, every event, bust, alert and dead "
    "letter already published (readers downstream start again from nothing), the committed "
    "offsets and the tables' changelogs (this worker still holds its tables in memory and "
    "keeps serving them, but they are not durable any more: a restart starts them from zero; "
    "publish the feeds again to rebuild them)")


@dataclass(frozen=True)
class BrokerState:
    reachable: bool = True
    since: float = 0.0
    """monotonic time of the last change between reachable and not"""
    failures: int = 0
    last_report: float = 0.0
    error: str = ""


def transition(state: BrokerState, ok: bool, error: str, now: float, *, broker: str,
               repeat_every: float) -> tuple[BrokerState, list[tuple[int, str]]]:
    """The next state after one probe, and the (level, line) to log — at most one per
    ``repeat_every`` seconds while the broker stays away, one when it goes, one when it comes back."""
    if ok:
        if state.reachable:
            return state, []
        lines = [(logging.WARNING, (f"broker {broker} answers again after {now - state.since:.0f} s "
                                    f"({state.failures} failed probes); the worker is ready again"))]
        return BrokerState(reachable=True, since=now), lines
    if state.reachable:
        lines = [(logging.ERROR, (f"broker {broker} unreachable ({error}); the worker is not ready and keeps "
                                  f"trying; what it had not committed is read again when the broker is back"))]
        return BrokerState(reachable=False, since=now, failures=1, last_report=now, error=error), lines
    state = replace(state, failures=state.failures + 1, error=error)
    if now - state.last_report < repeat_every:
        return state, []
    lines = [(logging.ERROR, (f"broker {broker} still unreachable after {now - state.since:.0f} s "
                              f"({state.failures} failed probes; last: {error})"))]
    return replace(state, last_report=now), lines


def lost_topics_line(missing: list[str], broker: str) -> str:
    return (f"THE BROKER {broker} LOST {len(missing)} TOPICS OF THIS SERVICE (it restarted empty?): "
            f"{', '.join(sorted(missing))}; re-creating them. {LOST_WITH_TOPICS}")


class BrokerWatch:
    """The probe loop of one worker (``run`` is an app task, see ``register``)."""

    def __init__(self, settings: Settings, *, interval: float = 2.0, timeout: float = 5.0,
                 repeat_every: float = 30.0) -> None:
        self.settings = settings
        self.interval = interval
        self.timeout = timeout
        self.repeat_every = repeat_every
        self.state = BrokerState(since=time.monotonic())
        self.known_topics: set[str] = set()
        self.recreations = 0
        self._client: Any = None

    @property
    def reachable(self) -> bool:
        return self.state.reachable

    def health(self) -> dict[str, Any]:
        """For ``GET /api/health``."""
        s = self.state
        return {"reachable": s.reachable, "since_seconds": round(time.monotonic() - s.since, 1),
                "failed_probes": s.failures, "error": s.error or None, "topics_recreated": self.recreations}

    async def probe(self) -> set[str]:
        """The topics the broker holds; raises when it does not answer within ``timeout``."""
        from aiokafka import AIOKafkaClient

        from streams.kafka_security import client_options

        if self._client is None:
            self._client = AIOKafkaClient(bootstrap_servers=self.settings.bootstrap_servers,
                                          request_timeout_ms=int(self.timeout * 1000),
                                          client_id=f"{self.settings.app_id}-broker-watch",
                                          **client_options(self.settings))
        client = self._client
        if not client.cluster.brokers():
            await asyncio.wait_for(client.bootstrap(), self.timeout)
        metadata = await asyncio.wait_for(client.fetch_all_metadata(), self.timeout)
        return set(metadata.topics())

    async def run_once(self) -> None:
        from streams.topics import ensure_topics, topic_specs

        try:
            topics = await self.probe()
            ok, error = True, ""
        except Exception as exc:  # noqa: BLE001 - any failure to get metadata is 'unreachable'
            text = str(exc)
            error = (text if text.startswith(type(exc).__name__) else f"{type(exc).__name__}: {text}")[:300]
            topics, ok = set(), False
            with contextlib.suppress(Exception):
                await self._reset_client()
        self.state, lines = transition(self.state, ok, error, time.monotonic(), broker=self.settings.broker,
                                       repeat_every=self.repeat_every)
        for level, line in lines:
            log.log(level, line)
        if not ok:
            return
        wanted = {spec.name for spec in topic_specs(self.settings)}
        missing = sorted(wanted - topics)
        if missing and self.known_topics & set(missing):  # gone since the last probe: not merely never made
            log.critical(lost_topics_line(missing, self.settings.broker))
            await ensure_topics(self.settings)
            self.recreations += 1
            topics |= set(missing)
        self.known_topics = topics & wanted

    async def _reset_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def run(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        await self._reset_client()


def register(rt: Any) -> None:
    """Attach a BrokerWatch to the runtime and run it as a task of the app (``rt.broker_watch``)."""
    watch = BrokerWatch(rt.settings)
    rt.broker_watch = watch

    @rt.app.task
    async def _watch_broker() -> None:
        try:
            await watch.run()
        finally:
            await watch.close()

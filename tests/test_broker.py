"""The embedded broker starts, is reachable, and never leaves a process behind."""
from __future__ import annotations

import asyncio
import os

import pytest

from streams.broker import BrokerError, EmbeddedBroker
from streams.settings import Settings
from streams.topics import ensure_topics, topic_specs


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_start_stop_is_idempotent_and_reaps() -> None:
    b = EmbeddedBroker().start()
    pid = b.pid
    assert b.url == f"kafka://127.0.0.1:{b.port}" and b.bootstrap == f"127.0.0.1:{b.port}"
    b.stop()
    b.stop()
    assert pid is not None and not _alive(pid)


def test_stopped_on_exception() -> None:
    pid = None
    with pytest.raises(ZeroDivisionError), EmbeddedBroker() as b:
        pid = b.pid
        1 / 0  # noqa: B018
    assert pid is not None and not _alive(pid)


def test_bad_binary_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEIZUREWATCH_BROKER_BIN", "/bin/false")
    with pytest.raises(BrokerError):
        EmbeddedBroker(startup_timeout=5).start()


def test_ensure_topics_is_idempotent(broker: EmbeddedBroker) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    settings = Settings(broker=broker.url, app_id="topics-test", items_topic="t-items", events_topic="t-events",
                        alerts_topic="t-alerts", dlq_topic="t-dlq", alerts_dlq_topic="t-alerts-dlq",
                        partitions=3)

    async def run() -> dict[str, int]:
        await ensure_topics(settings)
        await ensure_topics(settings)
        admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
        await admin.start()
        try:
            names = [s.name for s in topic_specs(settings)]
            return {d["topic"]: len(d["partitions"]) for d in await admin.describe_topics(names)}
        finally:
            await admin.close()

    counts = asyncio.run(run())
    assert counts == {s.name: s.partitions for s in topic_specs(settings)}
    assert counts["t-items"] == 3


def test_waiting_for_a_missing_broker_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    """A new user's first `seizurewatch worker` without a broker: one clear line, not aiokafka's
    connection error twice a second, then the failure (the command turns it into exit 1)."""
    import logging
    import socket

    from aiokafka.errors import KafkaConnectionError

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(broker=f"kafka://127.0.0.1:{port}")
    caplog.set_level(logging.INFO)
    with pytest.raises(KafkaConnectionError):
        asyncio.run(ensure_topics(settings, timeout=3.0))
    waiting = [r for r in caplog.records if "waiting for the Kafka broker" in r.getMessage()]
    library = [r for r in caplog.records if r.name.startswith("aiokafka") and r.levelno >= logging.ERROR]
    assert len(waiting) == 1 and f"127.0.0.1:{port}" in waiting[0].getMessage()
    assert len(library) <= 1, [r.getMessage() for r in library]
    assert logging.getLogger("aiokafka").level != logging.CRITICAL  # the library's logging is given back


def test_retention_as_the_guarantees_say() -> None:
    """README Guarantees, Retention: the data topics keep the broker's retention (no override that
    could shorten it), the table changelogs and the busts topic are compacted, and faust's tables
    write to exactly the changelogs created here."""
    from streams.topics import TABLE_NAMES, changelog_topic

    settings = Settings()
    specs = {s.name: s.config for s in topic_specs(settings)}
    compacted = {changelog_topic(settings, t) for t in TABLE_NAMES} | {settings.busts_topic}
    for name, config in specs.items():
        if name in compacted:
            assert config == {"cleanup.policy": "compact"}, name
        else:
            assert not any(k.startswith(("retention.", "cleanup.")) for k in config), (name, config)
    from streams.app import create_app

    tables = create_app(settings).tables.values()
    assert {t.changelog_topic.get_topic_name() for t in tables} == {changelog_topic(settings, t) for t in TABLE_NAMES}

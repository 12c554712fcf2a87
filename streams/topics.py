"""Every Kafka topic the service uses, and their creation (``ensure_topics``).

Owns the list of topic names (data topics from Settings, plus the internal topics faust
derives from ``app_id``: the table changelogs) and creates
them with the configured partition count before any producer or consumer touches them.

Why pre-create: on Tansu (and on any broker with auto-create) a topic created by a first
produce or subscribe gets the broker's default partition count, and faust then stops with
``PartitionsMismatch`` because a table's changelog must have as many partitions as its
source topic. Creating an existing topic is not an error here, so this is idempotent.

It must not start consumers or know about the agents' logic; the table names below are
the only contract with ``streams.app``.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from streams.settings import Settings

log = logging.getLogger(__name__)

TABLE_NAMES: tuple[str, ...] = ("area_state", "item_versions")
"""faust tables of ``streams.app``; each gets the changelog ``{app_id}-{name}-changelog``."""

COMPACTED = {"cleanup.policy": "compact"}


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str]


def area_events_topic(settings: Settings) -> str:
    """Internal topic from the ingest agent to the area agent: events and retractions keyed by area."""
    return f"{settings.app_id}-area-events"


def changelog_topic(settings: Settings, table: str) -> str:
    """The changelog faust uses for ``table`` (faust: ``f"{app.conf.id}-{table.name}-changelog"``)."""
    return f"{settings.app_id}-{table}-changelog"


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic the app reads or writes, with its partitions and config."""
    n = settings.partitions
    specs = [
        TopicSpec(settings.items_topic, n, {}),
        TopicSpec(settings.events_topic, n, {}),
        TopicSpec(settings.busts_topic, n, COMPACTED),
        TopicSpec(settings.alerts_topic, n, {}),
        TopicSpec(settings.dlq_topic, n, {}),
        TopicSpec(settings.alerts_dlq_topic, n, {}),
        TopicSpec(area_events_topic(settings), n, {}),
    ]  # faust's leader topic is not needed: streams.app sets topic_disable_leader=True
    specs += [TopicSpec(changelog_topic(settings, t), n, COMPACTED) for t in TABLE_NAMES]
    return specs


async def ensure_topics(settings: Settings, *, timeout: float = 30.0) -> None:
    """Create every missing topic of ``topic_specs(settings)``; existing ones are left alone.

    A topic that exists with a different partition count is reported (warning) but not
    changed: Tansu cannot add partitions, and shrinking is impossible on any Kafka.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # local: keeps logic imports light

    from streams.kafka_security import client_options

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, **client_options(settings),
                                request_timeout_ms=int(timeout * 1000))
    deadline = asyncio.get_running_loop().time() + timeout
    library_log = logging.getLogger("aiokafka")
    level = library_log.level
    try:
        while True:
            try:
                await admin.start()
                break
            except Exception:  # broker still starting (e.g. docker compose)
                if asyncio.get_running_loop().time() > deadline:
                    raise
                if library_log.level != logging.CRITICAL:  # one clear line, not aiokafka's twice a second
                    log.warning("waiting for the Kafka broker at %s (up to %.0f s; SEIZUREWATCH_BROKER)",
                                settings.bootstrap_servers, timeout)
                    library_log.setLevel(logging.CRITICAL)
                await asyncio.sleep(0.5)
    finally:
        library_log.setLevel(level)
    try:
        existing = set(await admin.list_topics())
        wanted = topic_specs(settings)
        missing = [s for s in wanted if s.name not in existing]
        if missing:
            new = [NewTopic(s.name, num_partitions=s.partitions, replication_factor=settings.replication_factor,
                            topic_configs=dict(s.config)) for s in missing]
            try:
                await admin.create_topics(new, validate_only=False)
            except Exception as exc:  # raced with another worker creating the same topics
                if "TopicAlreadyExists" not in type(exc).__name__ + str(exc):
                    raise
            log.info("created topics: %s", ", ".join(s.name for s in missing))
        await _warn_partition_mismatch(admin, [s for s in wanted if s.name in existing])
    finally:
        await admin.close()


async def _warn_partition_mismatch(admin: object, specs: list[TopicSpec]) -> None:
    if not specs:
        return
    try:
        described = await admin.describe_topics([s.name for s in specs])  # type: ignore[attr-defined]
    except Exception:  # pragma: no cover - describe is informative only
        return
    counts = {d["topic"]: len(d.get("partitions", [])) for d in described}
    for s in specs:
        have = counts.get(s.name)
        if have and have != s.partitions:
            log.warning("topic %s has %d partitions, settings say %d", s.name, have, s.partitions)

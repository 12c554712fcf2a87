"""The worker's Kafka clients against the real broker (streams.kafka_client, streams.topic_reader).

The broker fact they work around (shared/notes/broker.md): Tansu answers ListOffsets(latest)
with the last batch's base offset + 1. These tests show it on the broker itself, so that they
fail the day a broker or a client changes under us, and show that what the worker relies on
holds: changelog records go one per batch (their ListOffsets end is exact, as faust's
recovery needs), other topics are batched, and ``read_to_end`` reads a batched topic whole.
"""
from __future__ import annotations

import asyncio
import uuid

import aiokafka
import pytest

from streams.broker import EmbeddedBroker
from streams.kafka_client import OneRecordTopicsProducer, is_changelog
from streams.settings import Settings
from streams.topic_reader import read_to_end

pytestmark = pytest.mark.integration
N = 40


async def _write(broker: EmbeddedBroker, producer_type: type, topics: list[str]) -> dict[str, int]:
    """N records to each topic (one partition) with a lingering producer; ListOffsets end of each."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(t, num_partitions=1, replication_factor=1) for t in topics])
    await admin.close()
    producer = producer_type(bootstrap_servers=broker.bootstrap, linger_ms=50, max_batch_size=65536)
    await producer.start()
    try:
        futures = [await producer.send(t, b"v%d" % i, key=b"k") for i in range(N) for t in topics]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    consumer = aiokafka.AIOKafkaConsumer(bootstrap_servers=broker.bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([aiokafka.TopicPartition(t, 0) for t in topics])
    finally:
        await consumer.stop()
    return {tp.topic: end for tp, end in ends.items()}


def test_changelog_records_go_one_per_batch_and_other_topics_are_batched(broker: EmbeddedBroker) -> None:
    tag = uuid.uuid4().hex[:8]
    changelog, data = f"app-{tag}-area_state-changelog", f"events-{tag}"
    assert is_changelog(changelog) and not is_changelog(data)
    ends = asyncio.run(_write(broker, OneRecordTopicsProducer, [changelog, data]))
    assert ends[changelog] == N  # one record per batch: the end faust's recovery reads to is the true end
    assert ends[data] < N  # batched: Tansu's ListOffsets answer falls short (the broker fact above)
    settings = Settings(broker=broker.url)
    assert len(asyncio.run(read_to_end(settings, data))) == N  # the fetch high watermark is the true end
    assert [m.value for m in asyncio.run(read_to_end(settings, changelog))] == [b"v%d" % i for i in range(N)]


def test_a_plain_producer_batches_changelogs_too(broker: EmbeddedBroker) -> None:
    """What changelog_batch_size_one=False gives (Apache Kafka): no record closes its batch."""
    tag = uuid.uuid4().hex[:8]
    changelog = f"app-{tag}-item_versions-changelog"
    ends = asyncio.run(_write(broker, aiokafka.AIOKafkaProducer, [changelog]))
    assert ends[changelog] < N
    assert len(asyncio.run(read_to_end(Settings(broker=broker.url), changelog))) == N


def test_the_worker_app_builds_its_clients_from_settings(tmp_path: object) -> None:
    from streams.app import create_app

    async def build(settings: Settings) -> tuple[int, object]:
        app = create_app(settings)
        thread = app.consumer._new_consumer_thread()
        consumer = thread._create_worker_consumer(app.transport)
        return consumer._fetch_max_wait_ms, app.producer._producer_type

    wait, producer_type = asyncio.run(build(Settings(data_dir=tmp_path, consumer_fetch_wait=0.03)))
    assert wait == 30
    assert producer_type.func is OneRecordTopicsProducer  # type: ignore[attr-defined]
    _, plain = asyncio.run(build(Settings(data_dir=tmp_path, changelog_batch_size_one=False)))
    assert plain is aiokafka.AIOKafkaProducer

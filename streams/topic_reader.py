"""Read a whole topic once, from its beginning to its current end, and stop.

Used where a command or a view needs everything a topic holds at this moment (the dead
letters for ``seizurewatch dlq``, the events for the export) rather than following it.
A plain aiokafka consumer without a group: it commits nothing and disturbs no worker.

"The end" is the high watermark that each fetch answer carries, not only the answer of
ListOffsets: Tansu 0.6 answers ListOffsets(latest) with the last batch's base offset + 1,
short of the true end when the last batch holds several records (the worker batches
every topic but the changelogs, ``streams.kafka_client``); the fetch high watermark is right.
"""
from __future__ import annotations

import uuid
from typing import Any


async def read_to_end(settings: Any, topic: str, client: str = "reader") -> list[Any]:
    """Every record of ``topic`` (aiokafka ``ConsumerRecord``), partition by partition in offset order."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from streams.kafka_security import client_options

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None, **client_options(settings),
                                enable_auto_commit=False, max_partition_fetch_bytes=settings.max_message_bytes,
                                fetch_max_bytes=max(settings.max_message_bytes, 52428800),
                                client_id=f"seizurewatch-{client}-{uuid.uuid4().hex[:6]}")
    await consumer.start()
    out: list[Any] = []
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)  # a lower bound of the end on Tansu: a partition is empty iff 0
        remaining = {tp for tp in tps if end[tp] > 0}
        settled: set[Any] = set()  # the end is the watermark of a partition's first fetch: "now", not later
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=2000)
            if not batch:
                break
            for tp, msgs in batch.items():
                if tp not in remaining:
                    continue
                if tp not in settled:
                    end[tp] = max(end[tp], consumer.highwater(tp) or 0)
                    settled.add(tp)
                out.extend(m for m in msgs if m.offset < end[tp])
                if msgs and msgs[-1].offset + 1 >= end[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return out

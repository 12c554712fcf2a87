"""faust's Kafka clients adjusted to the broker: batched records except where a reader needs one
record per batch, and a fetch that does not sit on new data.

Two facts of the embedded broker (Tansu 0.6, shared/notes/broker.md) decide this module:

- **ListOffsets(latest) answers the last batch's base offset + 1**, not the true end, when
  a partition was written with multi-record batches. faust's table recovery reads a
  changelog partition up to that answer, so a changelog written in batches loses rows at
  recovery. A changelog record is therefore closed into a batch of its own
  (``OneRecordTopicsProducer``); every other topic is batched (``producer_max_batch_size``),
  because its readers do not ask ListOffsets: the agents read through a consumer group,
  ``streams.topic_reader`` reads to the high watermark of its fetches (which Tansu reports
  correctly). With one record per batch aiokafka waits for a broker round trip before the
  next record of the same partition can be queued: batching the other topics is what lets
  the ingest and area loops stop waiting on the broker (BENCHMARKS.md). Setting
  ``changelog_batch_size_one=False`` batches the changelogs too (Apache Kafka).
- **A fetch is answered at its max-wait deadline, not when data arrives**. faust hard-codes
  ``fetch_max_wait_ms=1500``, which put up to 1.5 s on each hop of an item (items ->
  ingest -> area-events -> area agent); ``consumer_fetch_wait`` lowers it.

``SeizureApp`` is a ``faust.App`` that builds these clients; nothing else changes.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import aiokafka
import faust
from faust.transport.drivers import aiokafka as driver


def is_changelog(topic: str) -> bool:
    """faust names a table's changelog ``{app_id}-{table}-changelog``."""
    return topic.endswith("-changelog")


class OneRecordTopicsProducer(aiokafka.AIOKafkaProducer):
    """An aiokafka producer that closes the batch after each record of the topics
    ``one_record(topic)`` names: those topics get one record per batch, the rest batch as usual."""

    def __init__(self, *args: Any, one_record: Callable[[str], bool] = is_changelog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accumulator = self._message_accumulator
        add_message = accumulator.add_message

        async def add_and_close(tp: Any, *a: Any, **kw: Any) -> Any:
            future = await add_message(tp, *a, **kw)
            if one_record(tp.topic):
                # no await since the append: the batch holding the record is the last of its partition
                accumulator._batches[tp][-1]._builder.close()
            return future

        accumulator.add_message = add_and_close


class _Producer(driver.Producer):
    @property
    def _producer_type(self) -> Any:
        if not getattr(self.app, "changelog_one_record", True):
            return aiokafka.AIOKafkaProducer
        return functools.partial(OneRecordTopicsProducer, one_record=is_changelog)


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        wait = getattr(self.app, "fetch_wait", None)
        if wait is not None:
            consumer._fetch_max_wait_ms = max(1, int(wait * 1000))  # read by consumer.start() (its Fetcher)
        return consumer


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class SeizureApp(faust.App):
    """``faust.App`` with the clients above. ``fetch_wait`` (seconds) and ``changelog_one_record``
    come from Settings through ``streams.app``."""

    def __init__(self, *args: Any, fetch_wait: float | None = None, changelog_one_record: bool = True,
                 **kwargs: Any) -> None:
        self.fetch_wait = fetch_wait
        self.changelog_one_record = changelog_one_record
        super().__init__(*args, **kwargs)

    def _new_producer(self) -> Any:
        return _Producer(self.transport, loop=self.loop, beacon=self.beacon)

    def _new_consumer(self) -> Any:
        return _Consumer(self.transport, callback=self.topics.on_message,
                         on_partitions_revoked=self._on_partitions_revoked,
                         on_partitions_assigned=self._on_partitions_assigned, beacon=self.beacon)

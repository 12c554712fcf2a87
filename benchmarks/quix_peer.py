"""The peer of the worker in ``make bench``: a minimal Quix Streams application (librdkafka)
calling the same ``extract()`` on the same items.

    python benchmarks/quix_peer.py BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC GROUP

Reads news items, parses each one with the project's item model, extracts it (the default
extractor with the default plausibility bounds, as the worker does), and sends each
event's JSON keyed by its area, at least once, with Quix Streams' defaults otherwise. It
keeps no state: no busts, no period statistics, no rules, no dead letters, no item
versions — it is the lower bound of what a stream processor must do per item, the
yardstick the worker is held to (issue 12). Runs until SIGTERM.

Needs the ``bench`` extra (``pip install -e '.[bench]'``); nothing else imports Quix Streams.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quixstreams import Application  # noqa: E402
from quixstreams.models.serializers import Serializer  # noqa: E402

from schemas.items import parse_item  # noqa: E402
from streams.ingest import event_key, load_extractor  # noqa: E402
from streams.settings import Settings  # noqa: E402


class PairValue(Serializer):
    """Sends the value half of a (key, value) pair (the key went to ``to_topic(key=...)``)."""

    def __call__(self, value: Any, ctx: Any) -> bytes:
        return value[1]  # type: ignore[no-any-return]


def main(bootstrap: str, input_topic: str, output_topic: str, group: str) -> None:
    settings = Settings()
    extract = load_extractor(settings.extractor, settings.figure_bounds)

    def events_of(value: bytes) -> list[tuple[bytes, bytes]]:
        item = parse_item(json.loads(value))
        return [(event_key(ev), ev.model_dump_json().encode()) for ev in extract(item)]

    app = Application(broker_address=bootstrap, consumer_group=group, auto_offset_reset="earliest",
                      loglevel="WARNING", use_changelog_topics=False)
    source = app.topic(input_topic, value_deserializer="bytes", key_deserializer="bytes")
    sink = app.topic(output_topic, value_serializer=PairValue(), key_serializer="bytes")
    sdf = app.dataframe(source)
    sdf = sdf.apply(events_of, expand=True)
    sdf.to_topic(sink, key=lambda pair: pair[0])
    app.run()


if __name__ == "__main__":
    main(*sys.argv[1:5])

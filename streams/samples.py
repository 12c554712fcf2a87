"""Where `seizurewatch up` finds the items it publishes, and how it publishes them.

The dev corpus ships inside the package (``streams/sample_data``); the five seed reports
are third-party press texts that must never be copied into the repository, so they are
read in place from ``../shared/corpus/seeds`` when that folder exists next to the
current directory or the repository.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_DIR = Path(__file__).resolve().parent / "sample_data"
REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_RELATIVE = Path("..") / "shared" / "corpus" / "seeds"


@dataclass(frozen=True)
class Sample:
    key: str
    value: bytes
    origin: Path


def seed_dirs() -> list[Path]:
    """The seed folders reachable from the current directory or the repository (deduplicated)."""
    found: list[Path] = []
    for base in (Path.cwd(), REPO_ROOT):
        d = (base / SEEDS_RELATIVE).resolve()
        if d.is_dir() and d not in found:
            found.append(d)
    return found


def load_samples(include_packaged: bool = True, include_seeds: bool = True) -> list[Sample]:
    """Items to publish, keyed by item id, in a stable order (packaged dev corpus first)."""
    paths: list[Path] = []
    if include_packaged:
        paths += sorted(SAMPLE_DIR.glob("*.json"))
    if include_seeds:
        for d in seed_dirs():
            paths += sorted(d.glob("*.json"))
    samples = []
    for path in paths:
        raw = path.read_bytes()
        try:
            data: Any = json.loads(raw)
            key = str(data.get("id") or path.stem) if isinstance(data, dict) else path.stem
        except ValueError:
            key = path.stem
        samples.append(Sample(key=key, value=raw, origin=path))
    return samples


async def _publish(bootstrap: str, topic: str, samples: list[Sample], rate: float,
                   options: dict[str, Any] | None = None) -> int:
    from aiokafka import AIOKafkaProducer
    from tqdm import tqdm

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=16 * 1024 * 1024, **(options or {}))
    await producer.start()
    sent = 0
    try:
        interval = 1.0 / rate if rate > 0 else 0.0
        started = time.monotonic()
        with tqdm(total=len(samples), desc="publishing samples", unit="item", file=sys.stderr,
                  dynamic_ncols=True, mininterval=0.2) as bar:
            for i, s in enumerate(samples):
                if interval:
                    delay = started + i * interval - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                await producer.send_and_wait(topic, s.value, key=s.key.encode("utf-8"))
                sent += 1
                bar.update(1)
    finally:
        await producer.stop()
    return sent


def publish_samples(bootstrap: str, topic: str, samples: list[Sample], rate: float = 0.0,
                    options: dict[str, Any] | None = None) -> int:
    """Publish with a progress bar (on stderr); ``rate`` items per second, 0 = as fast as possible;
    ``options``: the Kafka security keyword arguments (``streams.kafka_security.client_options``)."""
    return asyncio.run(_publish(bootstrap, topic, samples, rate, options))

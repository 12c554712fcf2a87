"""End-to-end pipeline throughput: embedded broker + one real worker, N report items in.

    .venv/bin/python benchmarks/pipeline_throughput.py [N]      (default 3000)

Publishes N structured report items (8 provinces, dated through one year) with aiokafka,
then measures how long the worker takes until every item is consumed (ingest) and until
the tables hold every event (ingest -> area agent), and the bytes written to the table
changelog topics per event. Report items skip the
text extractor, so this measures the streaming path, not extraction (see
extract_throughput.py). Numbers depend on the machine; run it on an idle one.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_kafka import list_topics, topic_bytes  # noqa: E402

from streams.broker import EmbeddedBroker, free_port  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.topics import ensure_topics  # noqa: E402

PROVINCES = ["Sơn La", "Lạng Sơn", "Hà Nội", "Điện Biên", "Nghệ An", "Quảng Trị", "An Giang", "Long An"]


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.loads(resp.read())


def consumed(base: str) -> float:
    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    return sum(float(ln.rpartition(" ")[2]) for ln in text.splitlines()
               if ln.startswith("seizurewatch_items_consumed_total{"))


def events_in_tables(base: str) -> int:
    """Reports the tables hold (``reports`` since busts; ``events`` before)."""
    docs = get(f"{base}/api/provinces")["provinces"]  # type: ignore[index]
    if _up(f"{base}/api/areas"):
        docs += get(f"{base}/api/areas")["areas"]  # type: ignore[index]
    return sum(p.get("reports", p.get("events", 0)) for p in docs)


async def changelog_bytes(settings: Settings) -> dict[str, int]:
    """Bytes (key + value) of every record in the worker's table changelog topics."""
    topics = [t for t in await list_topics(settings.bootstrap_servers) if t.endswith("-changelog")]
    return {t: size for t, (_, size) in (await topic_bytes(settings.bootstrap_servers, topics)).items()}


def items(n: int) -> list[tuple[bytes, bytes]]:
    out = []
    for i in range(n):
        item = {"id": f"bench-{i}", "type": "report", "province": PROVINCES[i % len(PROVINCES)],
                "date": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}", "suspects": 1 + i % 3,
                "seizures": [{"drug": "heroin", "quantity": 1 + i % 30, "unit": "brick"}]}
        out.append((item["id"].encode(), json.dumps(item, ensure_ascii=False).encode()))
    return out


async def publish(settings: Settings, records: list[tuple[bytes, bytes]]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, linger_ms=5)
    await producer.start()
    try:
        futs = [await producer.send(settings.items_topic, v, key=k) for k, v in records]
        await asyncio.gather(*futs)
    finally:
        await producer.stop()


def main(n: int) -> None:
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        settings = Settings(broker=broker.url, web_port=port, partitions=4, data_dir=Path(tmp))
        asyncio.run(ensure_topics(settings))
        env = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
        env.update(SEIZUREWATCH_BROKER=broker.url, SEIZUREWATCH_WEB_PORT=str(port), SEIZUREWATCH_PARTITIONS="4",
                   SEIZUREWATCH_DATA_DIR=tmp, SEIZUREWATCH_LOG_LEVEL="WARNING",
                   SEIZUREWATCH_THRESHOLDS_FILE=str(ROOT / "deploy" / "thresholds.example.yaml"))
        base = f"http://127.0.0.1:{port}"
        with open(Path(tmp) / "worker.log", "wb") as log:
            worker = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
            try:
                started = time.monotonic()
                while not (get(f"{base}/api/health") if _up(base) else {}).get("ready"):  # type: ignore[union-attr]
                    if worker.poll() is not None or time.monotonic() - started > 90:
                        raise SystemExit("worker did not start")
                    time.sleep(0.3)
                print(f"worker ready in {time.monotonic() - started:.1f}s")
                records = items(n)
                t0 = time.monotonic()
                asyncio.run(publish(settings, records))
                print(f"published {n} items in {time.monotonic() - t0:.2f}s")
                while consumed(base) < n:
                    time.sleep(0.2)
                t_ingest = time.monotonic() - t0
                while events_in_tables(base) < n:
                    time.sleep(0.2)
                t_tables = time.monotonic() - t0
                print(f"ingest: {t_ingest:.1f}s ({n / t_ingest:.0f} items/s); "
                      f"tables: {t_tables:.1f}s ({n / t_tables:.0f} events/s end to end)")
                time.sleep(3)  # the last commit interval: every changelog record flushed
                sizes = asyncio.run(changelog_bytes(settings))
                print(f"changelog bytes: {sum(sizes.values()):,} ({sum(sizes.values()) / n:,.0f} per event) {sizes}")
            finally:
                worker.terminate()
                worker.wait(30)


def _up(base: str) -> bool:
    try:
        get(f"{base}/api/health")
        return True
    except Exception:  # noqa: BLE001 - not listening yet
        return False


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)

"""``make bench``: every throughput and latency figure of issue 12, in one go, on one broker.

    .venv/bin/python benchmarks/bench.py [--write BENCHMARKS.md] [--sizes 10000,100000] [--json FILE]
    .venv/bin/python benchmarks/bench.py --quick          # a smoke run (tests/test_bench.py)

One embedded Tansu broker for everything, each run on its own topics and consumer group:

1. extraction alone on one core (``extract_throughput.py``, a child process pinned to one core);
2. raw aiokafka produce (batched) and consume + JSON decode of the N items of each size;
   the serial bound ``1 / (1/consume + 1/extract + 1/produce)``;
3. the worker (``seizurewatch worker``) on the pre-published N news items of each size, the
   rate of each quarter of the run (by events published on ``seizure-events``), its peak RSS
   and its RSS at the half and at the end, its CPU and its extractor child's, and the bytes
   of its table changelog topics per event;
4. the same items through a minimal Quix Streams app calling the same ``extract()``
   (``quix_peer.py``; needs the ``bench`` extra; ``--no-quix`` leaves it out);
5. two workers against one on the first size (4 partitions), with and without a standby
   replica of the tables;
6. publish -> event and publish -> alert latency at a steady rate (default 200 items/s);
7. a py-spy profile of one worker (and its extractor child) over the first size, summed by
   where the time goes (``--no-profile`` leaves it out).

Items are the corpus texts with new ids (``bench_corpus``). A worker is done when
``seizure-events`` holds every event the items yield (known beforehand: each distinct text
is extracted once). The machine's load average is printed and written with the table:
numbers are comparable only within one run.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_corpus import Text, corpus_texts, expected_events, items  # noqa: E402
from bench_kafka import (  # noqa: E402
    Follower,
    Proc,
    consume_all,
    create_topics,
    list_topics,
    produce,
    topic_bytes,
    wait_ready,
    worker_process,
)
from extract_throughput import percentile  # noqa: E402

from streams.broker import EmbeddedBroker, free_port  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.topics import ensure_topics  # noqa: E402

PARTITIONS = 4
RULES = ROOT / "deploy" / "thresholds.example.yaml"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- worker runs

class Bench:
    def __init__(self, broker: EmbeddedBroker, tmp: Path, texts: list[Text]) -> None:
        self.broker, self.tmp, self.texts = broker, tmp, texts
        self.bootstrap = broker.bootstrap
        self._expected: dict[int, int] = {}

    def expected(self, n: int) -> int:
        if n not in self._expected:
            self._expected[n] = expected_events(self.texts, n)
        return self._expected[n]

    def settings(self, app_id: str, items_topic: str, **extra: Any) -> Settings:
        return Settings(broker=self.broker.url, app_id=app_id, items_topic=items_topic,
                        events_topic=f"{app_id}-events", busts_topic=f"{app_id}-busts",
                        alerts_topic=f"{app_id}-alerts", dlq_topic=f"{app_id}-dlq",
                        alerts_dlq_topic=f"{app_id}-alerts-dlq", partitions=PARTITIONS,
                        data_dir=self.tmp / app_id, thresholds_file=RULES, log_level="WARNING", **extra)

    @staticmethod
    def env(settings: Settings, web_port: int) -> dict[str, str]:
        env = {}
        for name, value in settings.model_dump(mode="json").items():
            if value is not None:
                env[f"SEIZUREWATCH_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
        env["SEIZUREWATCH_WEB_PORT"] = str(web_port)
        env["SEIZUREWATCH_DATA_DIR"] = str(settings.data_dir / str(web_port))
        return env

    def publish(self, topic: str, n: int, prefix: str) -> dict:
        asyncio.run(create_topics(self.bootstrap, [topic], PARTITIONS))
        count, seconds, size = asyncio.run(produce(self.bootstrap, topic, items(self.texts, n, prefix)))
        return {"items": count, "seconds": seconds, "items_per_s": count / seconds, "mb": size / 1e6}

    def workers(self, name: str, items_topic: str, n: int, *, count: int = 1, profile: float = 0.0,
                **extra: Any) -> dict:
        """``count`` workers of one group on the pre-published ``items_topic`` until every event is out."""
        settings = self.settings(f"bench-{name}", items_topic, **extra)
        asyncio.run(ensure_topics(settings))
        expected = self.expected(n)
        ports = [free_port() for _ in range(count)]
        with Follower(self.bootstrap, [settings.events_topic]) as follower:
            started = time.monotonic()
            procs = [worker_process(self.env(settings, p), self.tmp / f"{name}-{p}.log") for p in ports]
            try:
                if profile:  # a profile of the worker at work, not a measured run: stop after it
                    wait_ready(procs[0], f"http://127.0.0.1:{ports[0]}")
                    follower.wait_for(min(expected // 20, 200), timeout=300, alive=procs[0].alive)
                    spy = start_profile(procs[0].pid, profile, self.tmp / f"{name}.pyspy")
                    return {"profile": finish_profile(spy), "events_before": follower.count()}
                ok = follower.wait_for(expected, timeout=max(120.0, n / 20), alive=lambda: all(p.alive() for p in procs),
                                       tick=lambda: [p.sample() for p in procs])
                if not ok:
                    raise RuntimeError(f"{name}: {follower.count()} of {expected} events; worker log:\n"
                                       f"{procs[0].log_tail()}")
                for p in procs:
                    p.sample()
                result = rates(follower.progress[settings.events_topic].times, n, expected, started)
                half = follower.progress[settings.events_topic].crossing(expected // 2) or started
                result.update(
                    workers=count, expected_events=expected,
                    peak_rss_mb=max(p.peak_kb() for p in procs) / 1024,
                    rss_half_mb=max(p.rss_at(half) for p in procs) / 1024,
                    rss_end_mb=max(p.samples[-1][1] for p in procs) / 1024,
                    child_peak_rss_mb=max(p.child_peak_kb for p in procs) / 1024,
                    worker_cpu_ms_per_item=1000 * sum(p.cpu() for p in procs) / n,
                    child_cpu_ms_per_item=1000 * sum(p.child_cpu for p in procs) / n)
            finally:
                for p in procs:
                    p.stop()
        topics = [t for t in asyncio.run(list_topics(self.bootstrap))
                  if t.startswith(settings.app_id + "-") and t.endswith("-changelog")]
        sizes = asyncio.run(topic_bytes(self.bootstrap, topics))
        result["changelog_records"] = sum(r for r, _ in sizes.values())
        result["changelog_bytes_per_event"] = sum(b for _, b in sizes.values()) / max(1, expected)
        result["changelog_by_topic"] = {t.removeprefix(settings.app_id + "-"): b for t, (_, b) in sizes.items()}
        return result

    def quix(self, name: str, items_topic: str, n: int) -> dict:
        out_topic = f"bench-{name}-out"
        asyncio.run(create_topics(self.bootstrap, [out_topic], PARTITIONS))
        expected = self.expected(n)
        with Follower(self.bootstrap, [out_topic]) as follower:
            started = time.monotonic()
            proc = Proc([sys.executable, str(ROOT / "benchmarks" / "quix_peer.py"), self.bootstrap, items_topic,
                         out_topic, f"bench-{name}"], {}, self.tmp / f"{name}.log")
            try:
                ok = follower.wait_for(expected, timeout=max(120.0, n / 20), alive=proc.alive, tick=proc.sample)
                if not ok:
                    raise RuntimeError(f"{name}: {follower.count()} of {expected} events; log:\n{proc.log_tail()}")
                proc.sample()
                result = rates(follower.progress[out_topic].times, n, expected, started)
                result.update(peak_rss_mb=proc.peak_kb() / 1024, cpu_ms_per_item=1000 * proc.cpu() / n)
            finally:
                proc.stop()
        return result

    def latency(self, rate: float, seconds: float) -> dict:
        """A worker caught up; items published at ``rate`` per second for ``seconds``; how long until
        each item's events, and each alert, are on their topics."""
        items_topic = "bench-latency-items"
        asyncio.run(create_topics(self.bootstrap, [items_topic], PARTITIONS))
        settings = self.settings("bench-latency", items_topic)
        asyncio.run(ensure_topics(settings))
        port = free_port()
        n = int(rate * seconds)
        expected = self.expected(n)
        proc = worker_process(self.env(settings, port), self.tmp / "latency.log")
        try:
            wait_ready(proc, f"http://127.0.0.1:{port}")
            with Follower(self.bootstrap, [settings.events_topic, settings.alerts_topic], keep_values=True) as f:
                sent = asyncio.run(steady_publish(self.bootstrap, items_topic, items(self.texts, n, "lat"), rate))
                f.wait_for(expected, topic=settings.events_topic, timeout=60, alive=proc.alive)
                time.sleep(1.0)
                events, alerts = f.progress[settings.events_topic], f.progress[settings.alerts_topic]
                ev_lat, alert_lat = latencies(sent, events.times, events.values, alerts.times, alerts.values)
        finally:
            proc.stop()
        return {"rate": rate, "seconds": seconds, "items": n, "events": len(ev_lat), "expected_events": expected,
                "event_p50_ms": 1000 * percentile(ev_lat, 0.5), "event_p99_ms": 1000 * percentile(ev_lat, 0.99),
                "event_max_ms": 1000 * max(ev_lat, default=0.0), "alerts": len(alert_lat),
                "alert_p50_ms": 1000 * percentile(alert_lat, 0.5), "alert_p99_ms": 1000 * percentile(alert_lat, 0.99)}


def rates(times: list[float], n: int, expected: int, started: float) -> dict:
    """Items per second over the run and over each quarter of it (a quarter = a quarter of the events)."""
    first = times[0]
    marks = [first] + [times[max(0, round(expected * q / 4) - 1)] for q in (1, 2, 3, 4)]
    quarters = [(n / 4) / max(1e-9, b - a) for a, b in itertools.pairwise(marks)]
    return {"items": n, "seconds": marks[-1] - first, "items_per_s": n / max(1e-9, marks[-1] - first),
            "quarters": quarters, "last_over_first": quarters[-1] / quarters[0], "start_s": first - started}


async def steady_publish(bootstrap: str, topic: str, records: Any, rate: float) -> dict[str, float]:
    """Send one record every 1/rate seconds (on a monotonic schedule); item id -> send time."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    await producer.start()
    sent: dict[str, float] = {}
    try:
        t0 = time.monotonic()
        futures = []
        for i, (key, value) in enumerate(records):
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[key.decode()] = time.monotonic()
            futures.append(await producer.send(topic, value, key=key))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return sent


def latencies(sent: dict[str, float], ev_times: list[float], ev_values: list[bytes], al_times: list[float],
              al_values: list[bytes]) -> tuple[list[float], list[float]]:
    """publish -> event: each event's arrival minus its item's send time; publish -> alert: an alert's
    arrival minus the send time of the item whose event last touched the bust that fired it (the
    first of the alert's ``event_ids``) or, for a period rule, its statistic."""
    ev_lat: list[float] = []
    last_item_of: dict[str, tuple[float, str]] = {}
    arrivals = []
    for t, v in zip(ev_times, ev_values):
        ev = json.loads(v)
        item = ev.get("item_id")
        if item in sent:
            ev_lat.append(t - sent[item])
            arrivals.append((t, ev.get("cluster_id"), item))
    al_lat = []
    events = iter(sorted(arrivals))
    pending = next(events, None)
    for t, v in sorted(zip(al_times, al_values)):
        while pending is not None and pending[0] <= t:
            last_item_of[pending[1]] = (pending[0], pending[2])
            pending = next(events, None)
        alert = json.loads(v)
        ids = alert.get("event_ids") or []
        hit = last_item_of.get(ids[0]) if ids else None
        if hit is not None:
            al_lat.append(t - sent[hit[1]])
    return ev_lat, al_lat


# ---------------------------------------------------------------- profile

def start_profile(pid: int, seconds: float, out: Path) -> tuple[subprocess.Popen[bytes], Path]:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--subprocesses", "--format", "raw", "--rate", "100",
                             "--duration", str(int(seconds)), "--nonblocking", "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, out


CATEGORIES = [  # (label, substrings of a frame): the first that matches a stack, from the leaf up
    ("extraction (streams/extraction)", ("streams/extraction/",)),
    ("item decode + validation (item_reader, ingest)", ("streams/item_reader.py", "streams/ingest.py")),
    ("extractor pipe (extractor_process)", ("streams/extractor_process.py",)),
    ("area transition (area_state, clustering, periods, rules)",
     ("streams/area_state.py", "streams/clustering.py", "streams/periods.py", "streams/rules.py",
      "streams/windows.py")),
    ("state index + table writes", ("streams/state_index.py",)),
    ("item versions", ("streams/versions.py",)),
    ("metrics, recent events, read model", ("streams/metrics.py", "streams/recent.py", "streams/read_model.py")),
    ("event/record encoding (pydantic, json)", ("pydantic", "json/")),
    ("faust tables + changelog", ("faust/tables/", "faust/stores/")),
    ("aiokafka producer", ("aiokafka/producer/",)),
    ("aiokafka consumer + fetch", ("aiokafka/consumer/",)),
    ("aiokafka protocol + connection", ("aiokafka/",)),
    ("faust streams, agents, topics", ("faust/", "mode/")),
    ("event loop: select, socket writes (on a busy machine also the wait for a core)", ("asyncio/", "selectors", "uvloop")),
]


def finish_profile(spy: tuple[subprocess.Popen[bytes], Path]) -> dict:
    """The py-spy samples summed per process: by category (first matching frame from the leaf up)
    and by leaf function."""
    proc, path = spy
    try:
        proc.wait(120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if not path.exists():
        return {}
    per_process: dict[str, Counter[str]] = {}
    leaves: dict[str, Counter[str]] = {}
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        procs = [f for f in frames if f.startswith("process ")]  # py-spy nests a child under its parent
        who = "extractor child" if procs and "extractor_process" in procs[-1] else "worker"
        if who == "worker" and any(f.startswith("Thread._bootstrap") for f in frames):
            who = "worker, consumer thread"
        frames = [f for f in frames if not f.startswith("process ")]
        if not frames:
            continue
        label = "other"
        for frame in reversed(frames):
            hit = next((lab for lab, keys in CATEGORIES if any(k in frame for k in keys)), None)
            if hit is not None:
                label = hit
                break
        if "idle" in stack or frames[-1].startswith(("select ", "poll ", "_run_once", "epoll")):
            label = "idle (waiting)"
        per_process.setdefault(who, Counter())[label] += int(count)
        leaves.setdefault(who, Counter())[frames[-1].split(" (")[0] + " " + _short_file(frames[-1])] += int(count)
    return {who: {"samples": sum(c.values()), "categories": c.most_common(),
                  "leaves": leaves[who].most_common(12)} for who, c in per_process.items()}


def _short_file(frame: str) -> str:
    inside = frame.partition(" (")[2].rstrip(")")
    path = inside.partition(":")[0]
    parts = Path(path).parts
    return "(" + "/".join(parts[-2:]) + ")" if parts else ""


# ---------------------------------------------------------------- the run

def run(args: argparse.Namespace) -> dict:
    sizes = [int(s) for s in args.sizes.split(",")]
    out: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                           "command": args.command, "cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_before": [round(x, 2) for x in os.getloadavg()]}
    log(f"load average {out['load_before']}; extraction ({args.rounds} rounds, one core)")
    extraction = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "extract_throughput.py"), "--json",
                                 "--rounds", str(args.rounds)], capture_output=True, text=True, check=True)
    out["extraction"] = json.loads(extraction.stdout.strip().splitlines()[-1])
    log(f"extraction: {out['extraction']}")
    texts = corpus_texts()
    with tempfile.TemporaryDirectory(prefix="sw-bench-") as tmp_name, \
            EmbeddedBroker(log_path=Path(tmp_name) / "tansu.log") as broker:
        bench = Bench(broker, Path(tmp_name), texts)
        for n in sizes:
            topic = f"bench-items-{n}"
            out.setdefault("produce", {})[n] = bench.publish(topic, n, f"n{n}")
            count, seconds = asyncio.run(consume_all(broker.bootstrap, topic, n))
            out.setdefault("consume", {})[n] = {"items": count, "items_per_s": count / seconds}
            log(f"{n} items: produce {out['produce'][n]['items_per_s']:.0f}/s, consume+decode "
                f"{out['consume'][n]['items_per_s']:.0f}/s; expected events {bench.expected(n)}")
        big = sizes[-1]
        ext = out["extraction"]["median_articles_per_cpu_s"]
        out["serial_bound"] = 1 / (1 / out["consume"][big]["items_per_s"] + 1 / ext
                                   + 1 / out["produce"][big]["items_per_s"])
        for n in sizes:
            log(f"worker, {n} items")
            out.setdefault("worker", {})[n] = bench.workers(f"w{n}", f"bench-items-{n}", n)
            log(f"worker {n}: {_brief(out['worker'][n])}")
            if not args.no_quix:
                log(f"Quix Streams peer, {n} items")
                out.setdefault("quix", {})[n] = bench.quix(f"q{n}", f"bench-items-{n}", n)
                log(f"quix {n}: {_brief(out['quix'][n])}")
        small = sizes[0]
        if args.scale:
            for standby in (0, 1):
                log(f"two workers, {small} items, standby replicas {standby}")
                out.setdefault("two_workers", {})[standby] = bench.workers(
                    f"two{standby}-{small}", f"bench-items-{small}", small, count=2, standby_replicas=standby)
                log(f"two workers standby {standby}: {_brief(out['two_workers'][standby])}")
        log(f"latency at {args.latency_rate:g} items/s for {args.latency_seconds:g} s")
        out["latency"] = bench.latency(args.latency_rate, args.latency_seconds)
        log(f"latency: {out['latency']}")
        if args.profile:
            log(f"profile: one worker, {small} items, py-spy for {args.profile:g} s")
            out["profile"] = bench.workers(f"prof-{small}", f"bench-items-{small}", small,
                                           profile=args.profile).get("profile", {})
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def _brief(r: dict) -> str:
    q = "/".join(f"{x:.0f}" for x in r["quarters"])
    extra = f", peak RSS {r['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in r else ""
    return f"{r['items_per_s']:.0f} items/s (quarters {q}){extra}"


# ---------------------------------------------------------------- the table


def table(r: dict) -> str:
    """The Markdown section written between the bench markers of BENCHMARKS.md."""
    e = r["extraction"]
    sizes = sorted(r["worker"], key=int)
    small, big = sizes[0], sizes[-1]
    w_big, w_small = r["worker"][big], r["worker"][small]
    bound = r["serial_bound"]
    quix = r.get("quix", {})
    lines = [
        (f"Command: `{r['command']}` — {r['date']}, {r['cpus']} cores, Python {r['python']}; load average "
         f"(1, 5, 15 min) {_load(r['load_before'])} before, {_load(r['load_after'])} after."),
        "",
        "| what | result | target (issue 12) |",
        "|---|---|---|",
        (f"| extraction alone, one core ({e['articles']} corpus texts, mean {e['mean_chars']:,} chars) | "
         f"**{e['median_articles_per_cpu_s']:,} articles/s** (CPU; wall {e['median_articles_per_wall_s']:,}); "
         f"p50 {e['p50_ms']:.2f} ms, p99 {e['p99_ms']:.2f} ms per article; a {e['long_article_bytes'] / 1000:.0f} "
         f"KB article: {e['long_article_ms']:.0f} ms ({e['long_article_events']} events) | ≥ 2,000 articles/s |"),
    ]
    for n in sizes:
        lines.append(f"| aiokafka produce (batched) / consume + JSON decode, {int(n):,} items | "
                     f"{r['produce'][n]['items_per_s']:,.0f} / {r['consume'][n]['items_per_s']:,.0f} items/s | |")
    lines.append(f"| serial bound 1/(1/consume + 1/extract + 1/produce) | **{bound:,.0f} items/s** | |")
    for n in sizes:
        w = r["worker"][n]
        ratio = f"{w['items_per_s'] / quix[n]['items_per_s']:.2f}× the peer, " if n in quix else ""
        lines.append(f"| **worker**, {int(n):,} news items | **{w['items_per_s']:,.0f} items/s** ({ratio}"
                     f"{w['items_per_s'] / bound:.2f} of the bound); quarters {_quarters(w)} | "
                     f"≥ 1.0× peer, ≥ 0.7 of bound |")
        if n in quix:
            q = quix[n]
            lines.append(f"| Quix Streams peer, {int(n):,} items (same `extract()`) | {q['items_per_s']:,.0f} items/s; "
                         f"quarters {_quarters(q)}; peak RSS {q['peak_rss_mb']:.0f} MB | |")
    lines.append(f"| worker, last quarter / first quarter, {int(big):,} items | "
                 f"**{w_big['last_over_first']:.2f}** | ≥ 0.8 |")
    for standby, two in sorted(r.get("two_workers", {}).items()):
        lines.append(f"| two workers, 4 partitions, standby replicas {standby}, {int(small):,} items | "
                     f"{two['items_per_s']:,.0f} items/s ({two['items_per_s'] / w_small['items_per_s']:.2f}× one "
                     f"worker); quarters {_quarters(two)} | |")
    lat = r["latency"]
    lines += [
        (f"| publish → event at {lat['rate']:g} items/s ({lat['items']:,} items, {lat['events']:,} events) | "
         f"p50 {lat['event_p50_ms']:.0f} ms, **p99 {lat['event_p99_ms']:.0f} ms** (max {lat['event_max_ms']:.0f}) "
         f"| p99 ≤ 100 ms |"),
        (f"| publish → alert at {lat['rate']:g} items/s ({lat['alerts']} alerts) | p50 {lat['alert_p50_ms']:.0f} ms, "
         f"p99 {lat['alert_p99_ms']:.0f} ms | |"),
        (f"| worker peak RSS, {int(big):,} items | **{w_big['peak_rss_mb']:.0f} MB**; RSS at the half "
         f"{w_big['rss_half_mb']:.0f} MB, at the end {w_big['rss_end_mb']:.0f} MB; extractor child peak "
         f"{w_big['child_peak_rss_mb']:.0f} MB | ≤ 300 MB, flat |"),
        "| changelog bytes per event | " + ", ".join(
            f"{r['worker'][n]['changelog_bytes_per_event']:,.0f} ({int(n):,} items)" for n in sizes)
        + " | ≤ 2 KB |",
        "| CPU per item, worker process / extractor child | " + ", ".join(
            f"{r['worker'][n]['worker_cpu_ms_per_item']:.2f} / {r['worker'][n]['child_cpu_ms_per_item']:.2f} ms "
            f"({int(n):,} items)" for n in sizes) + " | |",
    ]
    prof = r.get("profile") or {}
    if prof:
        lines += ["", (f"Profile (py-spy, 100 Hz, one worker on the {int(small):,} items; share of each "
                       "process's samples, first matching frame from the leaf up):"), ""]
        for who, p in prof.items():
            total = max(1, p["samples"])
            lines.append(f"- **{who}** ({p['samples']:,} samples): " + "; ".join(
                f"{lab} {100 * c / total:.0f}%" for lab, c in p["categories"] if 100 * c / total >= 1))
            lines.append("  - top leaf functions: " + "; ".join(
                f"`{name}` {100 * c / total:.1f}%" for name, c in p["leaves"][:8]))
    return "\n".join(lines)


def _load(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _quarters(r: dict) -> str:
    return " / ".join(f"{q:,.0f}" for q in r["quarters"])


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        text = head + block + rest.partition(END)[2]
    else:
        text = text.rstrip("\n") + "\n\n## `make bench`\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="item counts of the worker runs, comma-separated")
    ap.add_argument("--rounds", type=int, default=10, help="rounds of the extraction benchmark")
    ap.add_argument("--latency-rate", type=float, default=200.0)
    ap.add_argument("--latency-seconds", type=float, default=30.0)
    ap.add_argument("--profile", type=float, default=20.0, help="seconds of py-spy on one worker; 0 = none")
    ap.add_argument("--no-quix", action="store_true", help="leave the Quix Streams peer out")
    ap.add_argument("--no-scale", dest="scale", action="store_false", help="leave the two-worker runs out")
    ap.add_argument("--quick", action="store_true", help="a smoke run: tiny sizes, short latency run, no profile")
    ap.add_argument("--write", type=Path, help="write the table into this Markdown file (between the bench markers)")
    ap.add_argument("--json", type=Path, help="write every result as JSON")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.rounds, args.latency_rate, args.latency_seconds = "300", 1, 50.0, 3.0
        args.profile, args.scale = 0.0, False
    args.command = "make bench" if os.environ.get("MAKELEVEL") else "python benchmarks/bench.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    result = run(args)
    section = table(result)
    print(section)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    if args.write:
        write_section(args.write, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())

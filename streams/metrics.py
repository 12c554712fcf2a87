"""Prometheus collectors of one worker, on a dedicated ``CollectorRegistry``.

Owns the metric names (a contract with deploy/prometheus rules and the Grafana dashboard;
tests/test_deploy.py reads the names from the calls below, so keep them literal):

- ``seizurewatch_items_consumed_total{outcome="events|no_events|dead_letter"}``
- ``seizurewatch_events_total{kind,province}`` (``province`` = the area key, see streams.areas)
- ``seizurewatch_dead_letters_total{reason}``
- ``seizurewatch_extraction_seconds`` (histogram)
- ``seizurewatch_province_total{province,kind,metric}`` (gauge: provinces only; incident = bust sums,
  aggregate = the period headline)
- ``seizurewatch_area_total{area,area_type,kind,metric}`` (gauge: the same for areas that are not provinces)
- ``seizurewatch_alerts_fired_total{rule,severity}``
- ``seizurewatch_consumer_lag_messages{topic,partition}``
- ``seizurewatch_webhook_deliveries_total{outcome="delivered|failed"}``,
  ``seizurewatch_webhook_retries_total`` (alerts forwarded to the webhook, streams.notify)
- ``seizurewatch_build_info{version}``

faust's own sensor metrics are added to the same registry by ``streams.app`` with the
prefix ``seizurewatch_faust_`` so they can never clash with these. A registry per
``Metrics`` object (not the global default) lets tests build several apps in one process.
This module does not read Kafka or tables; the agents call ``observe_*``.
"""
from __future__ import annotations

from importlib import metadata

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from schemas.dead_letter import DeadLetterReason
from schemas.events import SeizureEvent
from streams.areas import area_of, parse_area_key

EXTRACTION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
OUTCOMES = ("events", "no_events", "dead_letter")


def version() -> str:
    try:
        return metadata.version("seizurewatch")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


class Metrics:
    """All collectors of one worker."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.items_consumed = Counter(
            "seizurewatch_items_consumed_total", "Items read from the items topic, by outcome",
            ["outcome"], registry=r)
        self.events = Counter(
            "seizurewatch_events_total", "Seizure events extracted and published, by kind and province",
            ["kind", "province"], registry=r)
        self.figures_dropped = Counter(
            "seizurewatch_figures_dropped_total", "Figures the text states but the events leave out, by reason "
            "(out_of_bounds: above schemas.bounds)", ["reason"], registry=r)
        self.dead_letters = Counter(
            "seizurewatch_dead_letters_total", "Inputs sent to the dead-letter topic, by reason",
            ["reason"], registry=r)
        self.extraction_seconds = Histogram(
            "seizurewatch_extraction_seconds", "Time spent in extract() per item",
            buckets=EXTRACTION_BUCKETS, registry=r)
        self.province_total = Gauge(
            "seizurewatch_province_total", "All-time table value per province, kind and metric",
            ["province", "kind", "metric"], registry=r)
        self.area_total = Gauge(
            "seizurewatch_area_total", "The same for areas that are not provinces (countries, regions, abroad)",
            ["area", "area_type", "kind", "metric"], registry=r)
        self.alerts_fired = Counter(
            "seizurewatch_alerts_fired_total", "Threshold alerts fired, by rule and severity",
            ["rule", "severity"], registry=r)
        self.consumer_lag = Gauge(
            "seizurewatch_consumer_lag_messages", "Messages between the last read offset and the highwater",
            ["topic", "partition"], registry=r)
        self.webhook_deliveries = Counter(
            "seizurewatch_webhook_deliveries_total", "Alerts forwarded to the webhook, by outcome",
            ["outcome"], registry=r)
        self.webhook_retries = Counter(
            "seizurewatch_webhook_retries_total", "Webhook POSTs that were retries", registry=r)
        self.build_info = Gauge(
            "seizurewatch_build_info", "Build of the running worker (value is always 1)",
            ["version"], registry=r)
        self.build_info.labels(version=version()).set(1)
        for outcome in OUTCOMES:  # expose zeros so rate() works from the first scrape
            self.items_consumed.labels(outcome=outcome)
        for outcome in ("delivered", "failed"):
            self.webhook_deliveries.labels(outcome=outcome)
        for reason in DeadLetterReason.__args__:  # type: ignore[attr-defined]
            self.dead_letters.labels(reason=reason)

    # --- observations (called by the agents) ---
    def observe_item(self, outcome: str, extraction_seconds: float | None) -> None:
        self.items_consumed.labels(outcome=outcome).inc()
        if extraction_seconds is not None:
            self.extraction_seconds.observe(extraction_seconds)

    def observe_event(self, event: SeizureEvent) -> None:
        self.events.labels(kind=event.kind, province=area_of(event).key).inc()
        for figure in event.dropped:
            self.figures_dropped.labels(reason=figure.reason.partition(":")[0]).inc()

    def observe_dead_letter(self, reason: str) -> None:
        self.dead_letters.labels(reason=reason).inc()

    def observe_totals(self, area: str, totals: dict[str, dict[str, float]]) -> None:
        """Set the gauges of one area (provinces and other areas on separate gauges)."""
        a = parse_area_key(area)
        for kind, metrics in totals.items():
            for metric, value in metrics.items():
                if a.is_province:
                    self.province_total.labels(province=a.key, kind=kind, metric=metric).set(value)
                else:
                    self.area_total.labels(area=a.key, area_type=a.type, kind=kind, metric=metric).set(value)

    def observe_alert(self, rule: str, severity: str) -> None:
        self.alerts_fired.labels(rule=rule, severity=severity).inc()

    def observe_webhook(self, delivered: bool, attempts: int) -> None:
        self.webhook_deliveries.labels(outcome="delivered" if delivered else "failed").inc()
        self.webhook_retries.inc(max(0, attempts - 1))

    def set_lag(self, topic: str, partition: int, lag: int) -> None:
        self.consumer_lag.labels(topic=topic, partition=str(partition)).set(max(0, lag))

    def render(self) -> bytes:
        return generate_latest(self.registry)

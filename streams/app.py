"""The faust application: built from Settings, with its topics, tables and runtime state.

Owns the faust configuration (broker, group id, web server, timeouts, message sizes,
partitions, processing guarantee) and the ``Runtime`` bundle that agents and web views
share (``streams.runtime``). ``create_app(settings)`` is a factory, not a module-level app, so that tests can
build several apps with their own ports, topics and data dirs in one process.

Choices forced by the broker (shared/notes/broker.md): ``at_least_once`` (Tansu has no
transactions; exactness comes from streams.aggregation, not from Kafka), low session /
rebalance timeouts from Settings, topics pre-created by streams.topics (faust may declare
them too, harmlessly), no leader topic, client message sizes raised above
``max_item_bytes`` so an oversized item reaches ingest and is dead-lettered instead of
blocking its partition.

No arithmetic here and no agent logic: see streams.agents and the pure modules.
"""
from __future__ import annotations

import logging
import socket
from typing import Any

import faust

from streams import agents, broker_watch, notify, web
from streams.kafka_client import SeizureApp
from streams.metrics import Metrics
from streams.recent import LatestAlerts, RecentEvents
from streams.rules import load_rules
from streams.runtime import Runtime, runtime
from streams.settings import Settings
from streams.topics import TABLE_NAMES, area_events_topic

log = logging.getLogger(__name__)

RAW = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}


def canonical_url(settings: Settings) -> str:
    """This worker's URL as its peers use it (faust's assignor shares it with the group)."""
    if settings.canonical_url:
        return settings.canonical_url.rstrip("/")
    host = settings.web_host
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - bind-all is not an address peers can use
        host = socket.gethostname()
    return f"http://{host}:{settings.web_port}"


def faust_config(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of faust.App derived from Settings (one place to read them all)."""
    session = settings.broker_session_timeout
    from streams.kafka_security import faust_credentials

    return dict(
        broker=settings.broker,
        broker_credentials=faust_credentials(settings),
        store=settings.store,
        autodiscover=False,
        processing_guarantee="at_least_once",
        datadir=str(settings.data_dir),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_disable_leader=True,
        broker_session_timeout=session,
        broker_rebalance_timeout=settings.broker_rebalance_timeout,
        broker_heartbeat_interval=max(0.5, min(3.0, session / 4)),
        broker_request_timeout=max(90.0, session * 2),
        broker_commit_interval=settings.commit_interval,
        consumer_auto_offset_reset="earliest",
        consumer_max_fetch_size=settings.max_message_bytes,
        producer_max_request_size=settings.max_message_bytes,
        producer_max_batch_size=settings.producer_max_batch_size,
        stream_wait_empty=False,
        web_enabled=True,
        web_host=settings.web_host,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        canonical_url=canonical_url(settings),
        web_stats_enabled=False,
        web_router_enabled=False,  # faust's /router/ routes: closed (issue 10, point 14)
        web_tables_enabled=False,
        web_graph_enabled=False,
        web_metrics_enabled=False,
        table_standby_replicas=settings.standby_replicas,
    )


def _json_schema() -> faust.Schema:
    """Table rows: JSON keys (province names) and JSON values (plain dicts, see the pure modules)."""
    return faust.Schema(key_type=str, key_serializer="json", value_serializer="json")


def create_app(settings: Settings) -> faust.App:
    """A new faust app wired with the seizurewatch agents and web views."""
    # a new user's first `seizurewatch worker` runs in a folder without var/: create it
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = SeizureApp(settings.app_id, fetch_wait=settings.consumer_fetch_wait,
                     changelog_one_record=settings.changelog_batch_size_one, **faust_config(settings))
    # the production index mounts at "/"; the dashboard page (streams/web_static) owns "/"
    app.web.blueprints._enabled = [(p, bp) for p, bp in app.web.blueprints._enabled if p != ""]
    metrics = Metrics()
    n = settings.partitions
    rt = Runtime(
        settings=settings,
        app=app,
        metrics=metrics,
        rules=load_rules(settings.thresholds_file),
        items_topic=app.topic(settings.items_topic, partitions=n, **RAW),
        events_topic=app.topic(settings.events_topic, partitions=n, **RAW),
        alerts_topic=app.topic(settings.alerts_topic, partitions=n, **RAW),
        dlq_topic=app.topic(settings.dlq_topic, partitions=n, **RAW),
        alerts_dlq_topic=app.topic(settings.alerts_dlq_topic, partitions=n, **RAW),
        busts_topic=app.topic(settings.busts_topic, partitions=n, **RAW),
        area_events_topic=app.topic(area_events_topic(settings), partitions=n, **RAW),
        area_state=app.Table(TABLE_NAMES[0], default=None, partitions=n, schema=_json_schema(),
                             help="busts, period statistics, event refs and rule state of each area (area_state)"),
        item_versions=app.Table(TABLE_NAMES[1], default=None, partitions=n, schema=_json_schema(),
                                help="item id -> the event ids of its current version (streams.versions)"),
        recent_events=RecentEvents(settings.recent_events),
        latest_alerts=LatestAlerts(settings.latest_alerts),
    )
    app.seizurewatch = rt  # type: ignore[attr-defined]
    broker_watch.register(rt)
    agents.register(rt)
    notify.register(rt)
    web.register(rt)
    return app


__all__ = ["Runtime", "create_app", "faust_config", "runtime"]

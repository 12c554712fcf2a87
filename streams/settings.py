"""The one settings model, shared by the worker, the CLI and the tests.

Values come from (highest first) keyword arguments, ``SEIZUREWATCH_*`` environment
variables, the YAML (``.yaml``/``.yml``) or ``.env`` file named by ``SEIZUREWATCH_CONFIG``,
then defaults. A YAML file holds ``name: value`` pairs (``partitions: 8``); a ``.env`` file
holds ``SEIZUREWATCH_NAME=value`` lines (the bare ``name=value`` is accepted too).

``load_settings()`` is how commands read them: every problem — a missing config file, a
key that is no setting (with the nearest valid name), a value of the wrong type, an
unknown ``SEIZUREWATCH_*`` variable — becomes one line of a ``ConfigError``, which the
CLI prints before exiting with code 2. ``Settings(...)`` alone (tests, libraries) refuses
unknown keys of the file too, but leaves unrelated environment variables alone.
"""
from __future__ import annotations

import difflib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from schemas.bounds import FigureBounds

ENV_PREFIX = "SEIZUREWATCH_"
CONFIG_VAR = f"{ENV_PREFIX}CONFIG"
NOT_SETTINGS = {
    "CONFIG": "names the settings file",
    "BROKER_BIN": "the embedded broker's binary (streams.broker)",
    "SHARED_DIR": "where the tests find ../shared (tests/corpus_support.py)",
}
"""``SEIZUREWATCH_*`` variables that are not settings (and so are not refused as unknown)."""


class ConfigError(ValueError):
    """Bad configuration; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _nearest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def read_config_file(path_text: str) -> tuple[dict[str, Any], list[str]]:
    """The settings in the file named by SEIZUREWATCH_CONFIG as ({field name: value}, problems: one
    line per key that is no setting or value that is not JSON where JSON is due); ConfigError for a
    missing, unreadable or malformed file."""
    path = Path(path_text)
    where = f"{CONFIG_VAR}={path_text}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{where}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{where}: cannot read: {exc}"]) from None
    if path.suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            first = str(exc).splitlines()
            raise ConfigError([f"{path}: not valid YAML: {' '.join(first[:3])}"]) from None
        if not isinstance(data, dict):
            raise ConfigError([f"{path}: must be a mapping of setting names to values"])
        raw = {str(k): v for k, v in data.items()}
    else:  # .env: KEY=value lines
        from dotenv import dotenv_values

        raw = {k: v for k, v in dotenv_values(path).items() if v is not None}
    fields = Settings.model_fields
    out: dict[str, Any] = {}
    problems = []
    for key, value in raw.items():
        name = key[len(ENV_PREFIX):] if key.upper().startswith(ENV_PREFIX) else key
        name = name.lower()
        if name not in fields:
            problems.append(f"{path}: unknown setting {key!r}{_nearest(name, list(fields))}")
            continue
        annotation = fields[name].annotation
        if isinstance(value, str) and isinstance(annotation, type) and issubclass(annotation, BaseModel):
            try:
                value = json.loads(value)
            except ValueError:
                problems.append(f"{path}: {key}: not valid JSON")
                continue
        out[name] = value
    return out, problems


class _ConfigFileSource(PydanticBaseSettingsSource):
    """The YAML or .env file named by SEIZUREWATCH_CONFIG (nothing when unset)."""

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get(CONFIG_VAR)
        if not path:
            return {}
        values, problems = read_config_file(path)
        if problems:
            raise ConfigError(problems)
        return values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", env_file=None)

    # --- Kafka ---
    broker: str = Field(default="kafka://127.0.0.1:9092", description="Kafka bootstrap URL(s), ';'-separated")
    app_id: str = Field(default="seizurewatch", description="consumer group and changelog prefix")
    items_topic: str = "seizure-items"
    events_topic: str = "seizure-events"
    busts_topic: str = Field(default="seizure-busts",
                             description="compacted, keyed by cluster_id: each bust's current figures and provenance")
    alerts_topic: str = "seizure-alerts"
    dlq_topic: str = "seizure-items-dlq"
    alerts_dlq_topic: str = Field(default="seizure-alerts-dlq",
                                  description="alerts the webhook did not accept after every retry")
    partitions: int = Field(default=4, ge=1, description="partitions of every topic the service creates")
    replication_factor: int = Field(default=1, ge=1)
    broker_session_timeout: float = Field(default=10.0, gt=0, description="seconds; low values speed group joins")
    broker_rebalance_timeout: float = Field(default=20.0, gt=0)
    max_item_bytes: int = Field(default=1_000_000, gt=0, description="larger inputs go to the DLQ as too_large")
    max_message_bytes: int = Field(
        default=32 * 1024 * 1024, gt=0,
        description="client-side Kafka message limit (producer max_request_size, consumer fetch sizes): "
                    "must exceed max_item_bytes so oversized items reach the worker and are dead-lettered, not stuck")
    dlq_max_payload_bytes: int = Field(
        default=16 * 1024 * 1024, gt=0,
        description="original bytes kept in a dead letter; longer payloads are cut (payload_truncated=true)")
    producer_max_batch_size: int = Field(
        default=65536, ge=1,
        description="bytes per producer batch of every topic but the table changelogs (see "
                    "changelog_batch_size_one); 1 = one record per batch, which makes every send wait for the "
                    "broker's answer to the previous record of its partition")
    changelog_batch_size_one: bool = Field(
        default=True,
        description="send table changelog records one per batch. Needed on Tansu 0.6, which answers "
                    "ListOffsets with (last batch's base offset + 1): with multi-record batches faust's table "
                    "recovery stops short of the changelog end and loses rows. Only the changelogs need it: the "
                    "other topics are read through consumer groups or to the fetch high watermark, which is "
                    "right. False on Apache Kafka")
    consumer_fetch_wait: float = Field(
        default=0.02, gt=0, le=5,
        description="seconds a fetch of the worker's consumer may wait for data (faust's default: 1.5). "
                    "Tansu answers a fetch at this deadline rather than when data arrives, so each hop of an item "
                    "(items -> ingest -> area-events -> area agent) can add up to this much latency")
    figure_bounds: FigureBounds = Field(
        default_factory=FigureBounds,
        description="largest figure one statement may carry, per kind and unit (JSON, e.g. "
                    '`{"incident": {"kg": 20000}}`; unnamed limits keep their defaults, see schemas/bounds.py); '
                    "items above go to the DLQ as figure_out_of_bounds")
    standby_replicas: int = Field(
        default=1, ge=0,
        description="standby copies of each table partition kept warm by other workers (faust "
                    "table_standby_replicas): a worker that takes over a partition after a crash or a rebalance "
                    "starts from its standby instead of reading the whole changelog; each standby costs its "
                    "worker the CPU of applying the other's changelog (see BENCHMARKS.md); 0 with one worker")
    store: str = Field(default="memory://", description="faust table store URL (tables rebuild from changelogs)")
    commit_interval: float = Field(default=1.0, gt=0, description="seconds between offset commits")

    # --- worker ---
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=1, le=65535)
    canonical_url: str | None = Field(
        default=None, description="how other workers reach this one's web server (e.g. http://worker-1:6066); "
                                  "default http://WEB_HOST:WEB_PORT, the host name when WEB_HOST is 0.0.0.0")
    data_dir: Path = Field(default=Path("var/seizurewatch"), description="faust table state (rocksdb/memory)")
    thresholds_file: Path | None = Field(default=None, description="YAML alert rules; none = no alerts")
    window_retention_days: int = Field(
        default=400, ge=1, description="the horizon, in days of event time behind an area's latest bust: daily "
                                       "windows, alert hysteresis and bust rows are kept this long; then a month's "
                                       "busts are folded into sums (counted, no longer matched)")
    bust_match_days: int = Field(default=1, ge=0, le=7,
                                 description="reports of one bust may differ by this many days in their incident "
                                             "date (a next-day report says 'hôm qua'); an undated report is matched "
                                             "over the 2*N+1 days before its publication")
    latest_alerts: int = Field(default=200, ge=1, description="alerts kept for GET /api/alerts")
    alert_webhook_url: str | None = Field(
        default=None, description="POST every alert of the alerts topic to this URL as JSON (the Alert record); "
                                  "none = no forwarding")
    alert_webhook_retries: int = Field(default=5, ge=0, le=20,
                                       description="retries after a failed POST (no answer, HTTP 408, 429 or 5xx)")
    alert_webhook_backoff: float = Field(default=1.0, gt=0, description="seconds before the first retry; doubles "
                                         "each time, at most 60; then the alert goes to alerts_dlq_topic")
    alert_webhook_timeout: float = Field(default=10.0, gt=0, description="seconds per POST")
    extraction_timeout: float = Field(
        default=10.0, gt=0,
        description="seconds one item may take to extract; longer: the extractor process is killed and the "
                    "item goes to the DLQ as extraction_timeout")
    extraction_in_process: bool = Field(
        default=False,
        description="run the extractor inside the worker's event loop (no time budget; a large item blocks "
                    "HTTP and heartbeats while it runs): for debugging and wiring tests only")
    extractor: str = Field(default="streams.extraction:extract",
                           description="module:function of the extractor (a plug-in point for experiments)")
    mass_estimate_kg: dict[str, float] = Field(
        default_factory=lambda: {"brick": 0.35, "pill": 0.0001},
        description="kg per counted unit for ESTIMATED masses, kept apart from measured kg and never added to "
                    "them; keys are a unit (brick, pill, package, dose) or drug.unit (heroin.brick). Sources: "
                    "brick 0.35 kg = the weight Vietnamese police reports give one heroin brick ('12 bánh heroin "
                    "(khoảng 4,2kg)', '20 bánh ... gần 7 kg'); pill 0.1 g = the bulk tablet weight UNODC's "
                    "seizure statistics assume for methamphetamine tablets (its range is 90–300 mg by region "
                    "and drug). Packages and doses vary too much: not estimated unless set (JSON in the "
                    "environment variable)")
    recent_events: int = Field(default=5000, ge=1, description="events + item texts kept for GET /api/events/{id}")
    worker_name: str | None = Field(default=None, description="faust worker id in logs; default host:web_port")
    log_level: str = "INFO"
    shutdown_timeout: float = Field(
        default=10.0, gt=0,
        description="seconds a worker may take to stop cleanly after SIGTERM/SIGINT (e.g. with the broker "
                    "gone); then it exits anyway, and what it had not committed is delivered again")

    # --- access ---
    api_token: SecretStr | None = Field(
        default=None,
        description="bearer token required by every HTTP route (API, dashboard, /metrics): "
                    "'Authorization: Bearer <token>', or once '/?token=<token>' in a browser (sets a cookie). "
                    "Workers sign what they send each other with it. Unset: the API is open (keep it on 127.0.0.1)")

    # --- Kafka security (streams.kafka_security): every client of the service uses these ---
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        default=None, description="with SASL_PLAINTEXT / SASL_SSL")
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = Field(default=None, description="never printed or logged")
    kafka_ssl_cafile: Path | None = Field(default=None, description="CA bundle (PEM) to verify the brokers")
    kafka_ssl_certfile: Path | None = Field(default=None, description="client certificate (PEM), for mutual TLS")
    kafka_ssl_keyfile: Path | None = Field(default=None, description="the client certificate's private key (PEM)")
    kafka_ssl_key_password: SecretStr | None = Field(default=None, description="the private key's password")
    kafka_ssl_check_hostname: bool = Field(default=True, description="verify the broker's name in its certificate")

    @model_validator(mode="after")
    def _kafka_security_complete(self) -> Settings:
        """The Kafka security settings must make a working client; say what is missing."""
        problems = []
        protocol = self.kafka_security_protocol
        if protocol.startswith("SASL"):
            for name in ("kafka_sasl_mechanism", "kafka_sasl_username", "kafka_sasl_password"):
                if getattr(self, name) is None:
                    problems.append(f"{name} is required with kafka_security_protocol={protocol}")
        if protocol.endswith("SSL"):
            for name in ("kafka_ssl_cafile", "kafka_ssl_certfile", "kafka_ssl_keyfile"):
                path = getattr(self, name)
                if path is not None and not Path(path).is_file():
                    problems.append(f"{name}={path}: no such file")
            if (self.kafka_ssl_certfile is None) != (self.kafka_ssl_keyfile is None):
                problems.append("kafka_ssl_certfile and kafka_ssl_keyfile go together")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _ConfigFileSource(settings_cls)

    @property
    def bootstrap_servers(self) -> str:
        """The broker URL as aiokafka wants it: host:port[,host:port]."""
        urls = [u.strip() for u in self.broker.replace(",", ";").split(";") if u.strip()]
        return ",".join(u.split("://", 1)[-1] for u in urls)


def unknown_variables(environ: dict[str, str] | None = None) -> list[str]:
    """One line per ``SEIZUREWATCH_*`` environment variable that is no setting (typos)."""
    env = os.environ if environ is None else environ
    fields = list(Settings.model_fields)
    out = []
    for var in sorted(env):
        if not var.startswith(ENV_PREFIX):
            continue
        name = var[len(ENV_PREFIX):]
        if name.lower() not in Settings.model_fields and name not in NOT_SETTINGS:
            out.append(f"{var}: unknown setting{_nearest(name, fields)}")
    return out


def _describe(exc: ValidationError, sources: dict[str, str]) -> list[str]:
    """One line per invalid value, naming where it came from (``sources``: field -> where)."""
    lines = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        name = loc[0] if loc else "settings"
        detail = ".".join(loc[1:])
        lines.append(f"{sources.get(name, name)}: {detail + ': ' if detail else ''}{err.get('msg')}")
    return lines


def _bad_json_variables() -> dict[str, str]:
    """``SEIZUREWATCH_*`` variables of nested settings whose value is not JSON: var -> problem."""
    out = {}
    for name, field in Settings.model_fields.items():
        var = f"{ENV_PREFIX}{name.upper()}"
        annotation = field.annotation
        if var in os.environ and isinstance(annotation, type) and issubclass(annotation, BaseModel):
            try:
                json.loads(os.environ[var])
            except ValueError as exc:
                out[var] = f"{var}={os.environ[var]!r}: not valid JSON ({exc})"
    return out


def load_settings(**overrides: Any) -> Settings:
    """The settings, or a ConfigError with one line per problem (how every command reads them).

    Everything is checked before anything is refused, so one run lists every problem.
    """
    problems = unknown_variables()
    bad_json = _bad_json_variables()
    problems += bad_json.values()
    config = os.environ.get(CONFIG_VAR)
    from_file: dict[str, Any] = {}
    if config:
        try:
            from_file, file_problems = read_config_file(config)
        except ConfigError as exc:
            file_problems = exc.problems
        problems += file_problems
    sources = {name: f"{config}: {name}" for name in from_file}
    sources.update({name[len(ENV_PREFIX):].lower(): f"{name}={value!r}" for name, value in os.environ.items()
                    if name.startswith(ENV_PREFIX)})
    sources.update({name: f"{name}={value!r} (command line)" for name, value in overrides.items()})
    # the file's values are passed in (below the variables, as in Settings()), so that its
    # problems and the values' problems are all reported at once
    file_values = {k: v for k, v in from_file.items() if f"{ENV_PREFIX}{k.upper()}" not in os.environ}
    saved = {var: os.environ.pop(var) for var in [*bad_json, CONFIG_VAR] if var in os.environ}
    try:
        settings = Settings(**{**file_values, **overrides})
    except ValidationError as exc:
        raise ConfigError(problems + _describe(exc, sources)) from None
    finally:
        os.environ.update(saved)
    if problems:
        raise ConfigError(problems)
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return load_settings()

"""streams.kafka_security (issue 10, point 15): the client configuration generated from Settings,
the same for every client, and secrets that never show in a repr, a dump or a log line."""
from __future__ import annotations

import logging
import ssl
import subprocess
from pathlib import Path

import pytest

from streams.kafka_security import client_options, faust_credentials
from streams.settings import ConfigError, Settings, load_settings

SASL = {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": "ingest", "kafka_sasl_password": "hunter2-very-secret"}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA and a client certificate signed by it (openssl), for the SSL contexts."""
    d = tmp_path_factory.mktemp("pki")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=test-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=client")
    run("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "client.pem", "-days", "2")
    return {"ca": d / "ca.pem", "cert": d / "client.pem", "key": d / "client.key"}


def test_plaintext_adds_nothing() -> None:
    s = Settings()
    assert client_options(s) == {} and faust_credentials(s) is None


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_sasl_plaintext(mechanism: str) -> None:
    s = Settings(**{**SASL, "kafka_sasl_mechanism": mechanism})
    assert client_options(s) == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism,
                                 "sasl_plain_username": "ingest", "sasl_plain_password": "hunter2-very-secret"}
    creds = faust_credentials(s)
    assert (creds.protocol.value, creds.mechanism.value, creds.username) == ("SASL_PLAINTEXT", mechanism, "ingest")


def test_sasl_ssl_and_mutual_tls(pki: dict[str, Path]) -> None:
    s = Settings(**{**SASL, "kafka_security_protocol": "SASL_SSL", "kafka_ssl_cafile": pki["ca"]})
    opts = client_options(s)
    assert opts["security_protocol"] == "SASL_SSL" and isinstance(opts["ssl_context"], ssl.SSLContext)
    assert opts["ssl_context"].verify_mode == ssl.CERT_REQUIRED and opts["ssl_context"].check_hostname
    assert faust_credentials(s).protocol.value == "SASL_SSL"
    mtls = Settings(kafka_security_protocol="SSL", kafka_ssl_cafile=pki["ca"], kafka_ssl_certfile=pki["cert"],
                    kafka_ssl_keyfile=pki["key"], kafka_ssl_check_hostname=False)
    opts = client_options(mtls)
    assert set(opts) == {"security_protocol", "ssl_context"} and not opts["ssl_context"].check_hostname
    assert faust_credentials(mtls).protocol.value == "SSL"


def test_every_client_gets_the_same_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's faust app, and the aiokafka clients the commands and the worker build."""
    from streams.app import faust_config

    s = Settings(**SASL)
    assert faust_config(s)["broker_credentials"].username == "ingest"
    seen: list[dict] = []

    class Spy:
        def __init__(self, *args: object, **kwargs: object) -> None:
            seen.append(kwargs)
            raise RuntimeError("stop here")

    import aiokafka
    import aiokafka.admin

    import streams.topic_reader
    import streams.topics

    for name in ("AIOKafkaProducer", "AIOKafkaConsumer", "AIOKafkaClient"):
        monkeypatch.setattr(aiokafka, name, Spy)
    monkeypatch.setattr(aiokafka.admin, "AIOKafkaAdminClient", Spy)
    import asyncio

    from streams.broker_watch import BrokerWatch
    from streams.commands import alerts, dlq, publish
    from streams.samples import publish_samples

    calls = [
        lambda: asyncio.run(streams.topics.ensure_topics(s)),
        lambda: asyncio.run(streams.topic_reader.read_to_end(s, "t")),
        lambda: asyncio.run(BrokerWatch(s).probe()),
        lambda: publish_samples(s.bootstrap_servers, "t", [], options=client_options(s)),
    ]
    for call in calls:
        with pytest.raises(RuntimeError, match="stop here"):
            call()
    for module in (alerts, dlq, publish):
        text = Path(module.__file__).read_text(encoding="utf-8")
        assert "client_options(" in text, module.__name__
    assert len(seen) == len(calls)
    for kwargs in seen:
        assert kwargs["security_protocol"] == "SASL_PLAINTEXT" and kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
        assert kwargs["sasl_plain_password"] == "hunter2-very-secret"


def test_secrets_are_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    s = Settings(**SASL, api_token="token-never-shown", kafka_ssl_key_password="keypass-never-shown")
    shown = [repr(s), str(s), s.model_dump_json(), str(s.model_dump()), repr(faust_credentials(s))]
    logging.getLogger("test").warning("settings: %s", s)
    shown.append(caplog.text)
    for secret in ("hunter2-very-secret", "token-never-shown", "keypass-never-shown"):
        assert not any(secret in text for text in shown), secret


def test_incomplete_security_settings_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEIZUREWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("SEIZUREWATCH_KAFKA_SASL_PASSWORD", "hunter2-very-secret")
    monkeypatch.setenv("SEIZUREWATCH_KAFKA_SSL_CAFILE", "/nonexistent/ca.pem")
    with pytest.raises(ConfigError) as err:
        load_settings()
    text = "\n".join(err.value.problems)
    assert "kafka_sasl_mechanism is required" in text and "kafka_ssl_cafile=/nonexistent/ca.pem: no such file" in text
    assert "hunter2-very-secret" not in text

"""How every Kafka client of the service authenticates: one place, from Settings.

Settings (``SEIZUREWATCH_KAFKA_*``): ``kafka_security_protocol`` (PLAINTEXT, SSL,
SASL_PLAINTEXT, SASL_SSL), ``kafka_sasl_mechanism`` (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)
with ``kafka_sasl_username`` / ``kafka_sasl_password``, and for SSL ``kafka_ssl_cafile``,
``kafka_ssl_certfile``, ``kafka_ssl_keyfile``, ``kafka_ssl_key_password``,
``kafka_ssl_check_hostname``. Passwords are ``SecretStr``: they print as ``**********`` in
any repr, log line or error, and are revealed only here, to the client.

- ``client_options(settings)``: keyword arguments for every aiokafka client the service
  builds itself (``publish``, ``alerts``, ``dlq``, topic creation, the topic reader, the
  broker watch, the sample feed of ``up``);
- ``faust_credentials(settings)``: the ``broker_credentials`` of the faust app (the
  worker's consumer, producer and admin client).

Both are derived from ``security_options(settings)``, a plain dict a test can compare.
"""
from __future__ import annotations

import ssl
from typing import Any

from streams.settings import Settings


def _ssl_context(settings: Settings) -> ssl.SSLContext:
    from aiokafka.helpers import create_ssl_context

    password = settings.kafka_ssl_key_password.get_secret_value() if settings.kafka_ssl_key_password else None
    context = create_ssl_context(
        cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None,
        certfile=str(settings.kafka_ssl_certfile) if settings.kafka_ssl_certfile else None,
        keyfile=str(settings.kafka_ssl_keyfile) if settings.kafka_ssl_keyfile else None,
        password=password)
    context.check_hostname = settings.kafka_ssl_check_hostname
    return context


def security_options(settings: Settings) -> dict[str, Any]:
    """The aiokafka security keyword arguments (``security_protocol``, ``sasl_*``, ``ssl_context``)."""
    protocol = settings.kafka_security_protocol
    out: dict[str, Any] = {"security_protocol": protocol}
    if protocol in ("SASL_PLAINTEXT", "SASL_SSL"):
        out["sasl_mechanism"] = settings.kafka_sasl_mechanism
        out["sasl_plain_username"] = settings.kafka_sasl_username
        out["sasl_plain_password"] = (settings.kafka_sasl_password.get_secret_value()
                                      if settings.kafka_sasl_password else None)
    if protocol in ("SSL", "SASL_SSL"):
        out["ssl_context"] = _ssl_context(settings)
    return out


def client_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for an aiokafka client (producer, consumer, admin, plain client)."""
    options = security_options(settings)
    return {} if options == {"security_protocol": "PLAINTEXT"} else options


def faust_credentials(settings: Settings) -> Any:
    """faust's ``broker_credentials`` for the same settings (None for PLAINTEXT)."""
    import faust

    options = security_options(settings)
    protocol = options["security_protocol"]
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return faust.SSLCredentials(options["ssl_context"])
    return faust.SASLCredentials(username=options["sasl_plain_username"], password=options["sasl_plain_password"],
                                 mechanism=options["sasl_mechanism"], ssl_context=options.get("ssl_context"))

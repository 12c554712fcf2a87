"""Who may read a worker's HTTP server, and which peer answers a worker believes.

**Clients.** With ``SEIZUREWATCH_API_TOKEN`` set, every route (the API, the dashboard and
its files, ``/metrics``) answers 401 unless the request carries the token:
``Authorization: Bearer <token>`` (scripts, ``seizurewatch tables``/``export``/``health``,
Prometheus' ``authorization`` scrape setting), or the ``seizurewatch_token`` cookie, which a
browser gets by opening ``/?token=<token>`` once (it is then redirected to ``/`` and the
dashboard's own requests carry the cookie). Without a token the server is open: it binds
127.0.0.1 by default, and ``docker-compose.yml`` publishes it on 127.0.0.1 only.

**Peers.** A worker merges the answers of the other workers of its group, whose URLs come
from the group itself: any member may advertise any URL, so a rogue member could inject
totals into the merged views. With a token set, a worker never sends the token to a peer;
it sends a fresh nonce and an HMAC of (nonce, the peer's URL and path) under the token, the
peer checks it (it knows its own URL) and signs its answer with an HMAC of (nonce, body);
an answer whose signature does not verify is dropped (the view says ``partial: true``) and
logged. A rogue without the token can neither read a peer nor be believed. Without a token
the merge trusts the group's members (anyone who can join the consumer group can also write
to its topics).

Pure functions (``token_ok``, ``peer_request_headers``, ``peer_request_ok``, ``sign``,
``signature_ok``) and one aiohttp middleware (``middleware``). ``hmac.compare_digest``
everywhere: no timing leaks.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

COOKIE = "seizurewatch_token"
PEER_HEADER = "X-Seizurewatch-Peer"
SIGNATURE_HEADER = "X-Seizurewatch-Signature"


def _mac(token: str, *parts: str | bytes) -> str:
    mac = hmac.new(token.encode("utf-8"), digestmod=hashlib.sha256)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        mac.update(len(data).to_bytes(8, "big") + data)
    return mac.hexdigest()


def token_ok(token: str, headers: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
    """The request carries the token (bearer header or cookie)."""
    auth = headers.get("Authorization", "")
    given = auth[7:].strip() if auth[:7].lower() == "bearer " else cookies.get(COOKIE, "")
    return bool(given) and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def peer_request_headers(token: str, url: str) -> tuple[str, dict[str, str]]:
    """(nonce, headers) for a request to a peer at ``url`` (full URL, query included)."""
    nonce = secrets.token_hex(16)
    return nonce, {PEER_HEADER: f"{nonce}:{_mac(token, 'request', nonce, url)}"}


def peer_request_ok(token: str, header: str, own_url: str) -> str | None:
    """The nonce of a valid peer request addressed to ``own_url``, else None."""
    nonce, _, mac = header.partition(":")
    if not nonce or not mac:
        return None
    return nonce if hmac.compare_digest(mac, _mac(token, "request", nonce, own_url)) else None


def sign(token: str, nonce: str, body: bytes) -> str:
    return _mac(token, "response", nonce, body)


def signature_ok(token: str, nonce: str, body: bytes, signature: str | None) -> bool:
    return bool(signature) and hmac.compare_digest(signature or "", sign(token, nonce, body))


Handler = Callable[[Any], Awaitable[Any]]


def middleware(token: str, canonical_url: str) -> Any:
    """aiohttp middleware: 401 without the token; a peer's signed request is answered signed."""
    from aiohttp import web

    base = canonical_url.rstrip("/")

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/" and "token" in request.query and hmac.compare_digest(
                request.query["token"].encode("utf-8"), token.encode("utf-8")):
            response = web.HTTPSeeOther("/")
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
            return response
        peer = request.headers.get(PEER_HEADER)
        nonce = peer_request_ok(token, peer, f"{base}{request.path_qs}") if peer else None
        if nonce is None and not token_ok(token, request.headers, request.cookies):
            return web.json_response({"error": "missing or wrong bearer token", "status": 401}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="seizurewatch"'})
        response = await handler(request)
        if nonce is not None and isinstance(response, web.Response) and response.body is not None:
            body = response.body if isinstance(response.body, bytes) else bytes(response.body._value)
            response.headers[SIGNATURE_HEADER] = sign(token, nonce, body)
        return response

    return check


def client_headers(token: str | None) -> dict[str, str]:
    """Headers for the CLI's own requests to a worker (``tables``, ``export``, ``health``, ``up``)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def configured_token() -> str | None:
    """The API token of the current configuration (environment / config file), for the CLI."""
    from streams.settings import get_settings

    secret = get_settings().api_token
    return secret.get_secret_value() if secret else None

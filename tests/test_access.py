"""streams.access (issue 10, point 14): the token check and the signatures that keep a rogue
group member from reading a peer or being believed by one."""
from __future__ import annotations

from streams import access

TOKEN = "s3cret-token"


def test_bearer_header_or_cookie() -> None:
    assert access.token_ok(TOKEN, {"Authorization": f"Bearer {TOKEN}"}, {})
    assert access.token_ok(TOKEN, {"Authorization": f"bearer {TOKEN}"}, {})
    assert access.token_ok(TOKEN, {}, {access.COOKIE: TOKEN})
    assert not access.token_ok(TOKEN, {"Authorization": "Bearer wrong"}, {})
    assert not access.token_ok(TOKEN, {"Authorization": f"Basic {TOKEN}"}, {})
    assert not access.token_ok(TOKEN, {}, {})


def test_a_peer_request_is_valid_only_where_it_was_sent() -> None:
    url = "http://worker-2:6066/api/provinces?scope=local"
    nonce, headers = access.peer_request_headers(TOKEN, url)
    header = headers[access.PEER_HEADER]
    assert TOKEN not in header  # the token never leaves the worker
    assert access.peer_request_ok(TOKEN, header, url) == nonce
    # a rogue that received this request cannot replay it to a real peer, nor forge one
    assert access.peer_request_ok(TOKEN, header, "http://worker-1:6066/api/provinces?scope=local") is None
    assert access.peer_request_ok(TOKEN, header, "http://worker-2:6066/api/alerts?scope=local") is None
    assert access.peer_request_ok("other-token", header, url) is None
    assert access.peer_request_ok(TOKEN, "garbage", url) is None


def test_only_a_holder_of_the_token_can_sign_an_answer() -> None:
    body = b'{"provinces": [{"province": "Atlantis", "events": 999999}]}'
    nonce = "abc123"
    good = access.sign(TOKEN, nonce, body)
    assert access.signature_ok(TOKEN, nonce, body, good)
    assert not access.signature_ok(TOKEN, "other-nonce", body, good)  # no replay of an old answer
    assert not access.signature_ok(TOKEN, nonce, body + b" ", good)
    assert not access.signature_ok(TOKEN, nonce, body, access.sign("rogue-guess", nonce, body))
    assert not access.signature_ok(TOKEN, nonce, body, None)

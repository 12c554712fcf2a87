"""The record on ``seizure-items-dlq``: an input that could not become events, and why."""
from __future__ import annotations

import base64
import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from schemas.common import WireModel

DeadLetterReason = Literal[
    "invalid_json", "not_an_object", "schema_violation", "unknown_item_type", "too_large",
    "undecodable", "figure_out_of_bounds", "extraction_error", "extraction_timeout", "event_invalid",
    "unpublishable",
]
"""Stable reason codes: alert and replay on these, never on the free-text error.

``unpublishable``: the item's events (or its first dead letter) could not be encoded or
sent for a reason that retrying cannot fix; the original bytes are kept for a replay.
"""


def text_safe(value: str) -> str:
    """``value`` with anything UTF-8 cannot encode (lone surrogates from ``\\udfff`` escapes)
    written as a visible escape: a dead letter must always be serialisable."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


class DeadLetter(WireModel):
    reason: DeadLetterReason
    error: str = Field(description="human-readable error text")
    payload_b64: str = Field(description="the original bytes, base64 (safe for any encoding)")
    payload_preview: str = Field(default="", description="the first bytes decoded with replacement, for eyes only")
    payload_size: int = Field(ge=0, description="size of the original payload in bytes")
    payload_truncated: bool = Field(default=False, description="payload_b64 holds only the first bytes")
    item_id: str | None = None
    source_topic: str
    source_partition: int | None = None
    source_offset: int | None = None
    failed_at: dt.datetime

    _safe_text = field_validator("error", "payload_preview", "item_id", "source_topic")(
        classmethod(lambda cls, v: text_safe(v) if isinstance(v, str) else v))

    @classmethod
    def for_payload(cls, payload: bytes, *, max_bytes: int | None = None, **fields: object) -> DeadLetter:
        """Build a dead letter keeping the original bytes intact (base64) plus a readable preview.

        ``max_bytes`` caps what is kept (a 100 MB input must not make a 133 MB DLQ record);
        the cut is flagged in ``payload_truncated`` and ``payload_size`` stays the original size.
        """
        kept = payload if max_bytes is None else payload[:max_bytes]
        return cls(
            payload_b64=base64.b64encode(kept).decode("ascii"),
            payload_preview=payload[:500].decode("utf-8", errors="replace"),
            payload_size=len(payload),
            payload_truncated=len(kept) < len(payload),
            **fields,  # type: ignore[arg-type]
        )

    def original_bytes(self) -> bytes:
        return base64.b64decode(self.payload_b64)

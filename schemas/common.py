"""Vocabularies shared by several wire formats (drugs, units, qualifiers, evidence spans)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Drug = Literal[
    "heroin", "opium", "meth_crystal", "meth_pills", "synthetic_pills", "synthetic",
    "cannabis", "ketamine", "cocaine", "ecstasy", "unspecified",
]
"""Drug classes of corpus/SCHEMA.md."""

Unit = Literal["kg", "g", "pill", "brick", "package", "dose"]
"""Units as written: masses stay in kg or g, counts are never converted to mass."""

Qualifier = Literal["exact", "more_than", "nearly", "about", "at_least"]
"""The hedge in front of a figure: hơn/trên, gần, khoảng/xấp xỉ, ít nhất."""

EventKind = Literal["incident", "aggregate"]

MASS_FACTOR_KG: dict[str, float] = {"kg": 1.0, "g": 0.001}
"""Mass units and their factor to kilograms; units not listed here are counts."""


class WireModel(BaseModel):
    """Base of every wire model: unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


class Span(WireModel):
    """Where a figure came from: character offsets into the item's text (``text[start:end]``)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = Field(description="the evidence as it stands in the text")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError("span end is before its start")
        return self

"""Pure: one real-world bust, many reports — figures, matching and merging.

A report of an incident (``SeizureEvent`` of kind ``incident``) either founds a new bust
(a *cluster*) or joins an open one of the same area. This module decides which, and what
the bust's figures are once it has several reports. No faust, no Kafka, no clock.

**Figures.** A report's figures become ``Figures``: the counts (cases, suspects,
operations) and one ``Obs`` per seizure, normalised to a *slot* ``(family, dim)``:
masses in kg (``g`` converted), counts of pills / bricks / packages / doses as counts,
and drugs folded into families that outlets name differently (``meth_pills``,
``synthetic_pills`` and ``ecstasy`` pills are one family; ``meth_crystal`` and
``synthetic`` by weight are one). ``unspecified`` drug stands for "any drug": it is
compared with the other report's total of the same dimension.

**Matching** (``compare`` / ``choose``): a report joins a bust of the same area when

- their dates are within ``tolerance_days`` (a next-day report gives "hôm qua"); an
  undated report (no incident date) is looked up over the days before its publication;
- districts, when both are known, are the same;
- no shared slot contradicts (each figure is read as an interval from its hedge:
  exact ±2.5 %, "khoảng" ±15 %, "hơn"/"ít nhất" up to +30 %, "gần" down to −20 %);
- and there is positive evidence: a shared slot that agrees (*strong*), or — same
  day only — the same number of suspects and a shared drug family (*weak*: "12 bánh"
  and "hơn 4 kg" of heroin, two men, the same day). A report one day off or undated
  needs strong evidence.

The best candidate (most agreeing slots, then the same day, then the smallest id) wins;
none found = a new bust. Wording never enters the decision.

**Merging** (``merge``): the bust's figures are a function of the *set* of its reports'
distinct figure variants, so the order of arrival and a redelivered report change nothing:
per slot the most precise observation (exact, then "khoảng", then bounds; then the
latest report; then the larger value), counts the largest reported, and an
``unspecified`` mass only while no report names the drugs. A later, more precise report
(20,4 kg after "hơn 20 kg") changes the bust's figures; the tables then move by the
difference (``streams.area_state``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from schemas.events import SeizureEvent
from streams.aggregation import UNIT_METRIC, metric_name

Dim = Literal["kg", "pill", "brick", "package", "dose"]
UNIT_DIM: dict[str, Dim] = {"kg": "kg", "g": "kg", "pill": "pill", "brick": "brick", "package": "package",
                            "dose": "dose"}
FAMILY = {"meth_pills": "synthetic", "synthetic_pills": "synthetic", "ecstasy": "synthetic",
          "meth_crystal": "synthetic", "synthetic": "synthetic"}
GENERIC = {"synthetic_pills", "synthetic", "unspecified"}
"""Drug labels that a more specific label of the same family replaces in a bust's figures."""
COUNT_FIELDS = ("cases", "suspects", "operations")
QUALIFIER_RANK = {"exact": 0, "about": 1, "more_than": 2, "at_least": 2, "nearly": 2}
INTERVAL = {"exact": (0.975, 1.025), "about": (0.85, 1.15), "more_than": (1.0, 1.3), "at_least": (1.0, 1.3),
            "nearly": (0.8, 1.0)}


class Obs(BaseModel):
    """One seizure figure of one report, normalised (masses in kg)."""

    drug: str
    dim: Dim
    value: float
    q: str = "exact"

    @property
    def family(self) -> str:
        return FAMILY.get(self.drug, self.drug)

    @property
    def slot(self) -> tuple[str, str]:
        return self.family, self.dim

    def interval(self) -> tuple[float, float]:
        lo, hi = INTERVAL.get(self.q, INTERVAL["exact"])
        return self.value * lo, self.value * hi


class Figures(BaseModel):
    """What one report (or, merged, one bust) says: counts, seizures, place detail, publication."""

    cases: int | None = None
    suspects: int | None = None
    operations: int | None = None
    obs: list[Obs] = Field(default_factory=list)
    published: dt.date | None = None
    district: str | None = None

    def digest(self) -> str:
        """A short stable id of this figure variant (identical reports share it)."""
        raw = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()[:12]


def figures_of(event: SeizureEvent) -> Figures:
    obs = []
    for s in event.seizures:
        dim = UNIT_DIM[s.unit]
        value = s.mass_kg if dim == "kg" else s.quantity
        assert value is not None
        obs.append(Obs(drug=s.drug, dim=dim, value=round(value, 9), q=s.qualifier))
    return Figures(cases=event.cases, suspects=event.suspects, operations=event.operations, obs=obs,
                   published=event.published, district=event.district)


# ---------------------------------------------------------------- metrics

def metrics_of(fig: Figures) -> dict[str, float]:
    """Table metrics of one bust (``events`` = 1): counts, ``<drug>_<suffix>`` and cross-drug totals."""
    out: dict[str, float] = {"events": 1.0}
    for name in COUNT_FIELDS:
        value = getattr(fig, name)
        if value is not None:
            out[name] = float(value)
    for o in fig.obs:
        suffix = UNIT_METRIC[o.dim]
        for metric in (metric_name(o.drug, suffix), suffix):
            out[metric] = round(out.get(metric, 0.0) + o.value, 9)
    return out


# ---------------------------------------------------------------- matching

Strength = Literal["contradict", "strong", "weak", "none"]


def _intersect(a: Obs, b: Obs) -> bool:
    alo, ahi = a.interval()
    blo, bhi = b.interval()
    return alo <= bhi + 1e-9 and blo <= ahi + 1e-9


def _by_slot(fig: Figures) -> dict[tuple[str, str], list[Obs]]:
    out: dict[tuple[str, str], list[Obs]] = {}
    for o in fig.obs:
        if o.drug != "unspecified":
            out.setdefault(o.slot, []).append(o)
    return out


def _unspecified_total(fig: Figures, dim: str) -> Obs | None:
    """All named drugs of ``dim`` added up, as one observation (the least precise hedge wins)."""
    parts = [o for o in fig.obs if o.dim == dim and o.drug != "unspecified"]
    if not parts:
        return None
    q = max((o.q for o in parts), key=lambda q: QUALIFIER_RANK.get(q, 2))
    return Obs(drug="unspecified", dim=dim, value=sum(o.value for o in parts), q=q)  # type: ignore[arg-type]


def compare(a: Figures, b: Figures) -> tuple[Strength, int]:
    """How the figures of two reports relate: ``contradict``, ``strong`` (n slots agree), ``weak`` or ``none``."""
    if a.district and b.district and a.district != b.district:
        return "contradict", 0
    sa, sb = _by_slot(a), _by_slot(b)
    agree = 0
    for slot in sa.keys() & sb.keys():
        if not any(_intersect(x, y) for x in sa[slot] for y in sb[slot]):
            return "contradict", 0
        agree += 1
    for x, y in ((a, b), (b, a)):
        for u in (o for o in x.obs if o.drug == "unspecified"):
            total = _unspecified_total(y, u.dim)
            if total is None:
                continue
            if not _intersect(u, total):
                return "contradict", 0
            agree += 1
    if agree:
        return "strong", agree
    families_a = {o.family for o in a.obs} - {"unspecified"}
    families_b = {o.family for o in b.obs} - {"unspecified"}
    if a.suspects is not None and a.suspects == b.suspects and (families_a & families_b or not (a.obs or b.obs)):
        return "weak", 0
    return "none", 0


@dataclass(frozen=True)
class Candidate:
    """An open bust that a report could join: its key, date and merged figures."""

    key: str
    cluster_id: str
    day: dt.date | None
    figures: Figures


def choose(fig: Figures, day: dt.date | None, candidates: Iterable[Candidate]) -> Candidate | None:
    """The bust this report joins, or None (it founds a new one). Deterministic for a given candidate set."""
    best: tuple[int, int, str] | None = None
    chosen = None
    for c in candidates:
        strength, n = compare(fig, c.figures)
        same_day = day is not None and c.day == day
        if strength == "contradict" or strength == "none" or (strength == "weak" and not same_day):
            continue
        score = (n, 1 if same_day else 0, _neg(c.cluster_id))
        if best is None or score > best:
            best, chosen = score, c
    return chosen


def _neg(text: str) -> str:
    """Order key that prefers the smallest id among equal scores."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in text)


def lookup_days(day: dt.date | None, published: dt.date | None, tolerance_days: int) -> list[dt.date]:
    """The dates whose busts a report may join: ±tolerance around its date; undated: the days before publication."""
    if day is not None:
        return [day + dt.timedelta(days=d) for d in range(-tolerance_days, tolerance_days + 1)]
    if published is not None:
        return [published - dt.timedelta(days=d) for d in range(2 * tolerance_days + 2)]
    return []


def cluster_id_for(event_id: str) -> str:
    """A bust's id: derived from the id of the report that founded it, so replays give the same id."""
    return "bu-" + hashlib.sha256(event_id.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- merging

def _best(obs: list[tuple[Obs, dt.date | None]]) -> Obs:
    def rank(item: tuple[Obs, dt.date | None]) -> tuple:
        o, published = item
        return (-QUALIFIER_RANK.get(o.q, 2), published or dt.date.min, o.value, o.drug)

    chosen, _ = max(obs, key=rank)
    labels = sorted({o.drug for o, _ in obs})
    specific = [d for d in labels if d not in GENERIC]
    if chosen.drug in GENERIC and specific:
        counts = {d: sum(1 for o, _ in obs if o.drug == d) for d in specific}
        label = max(specific, key=lambda d: (counts[d], d))
        chosen = chosen.model_copy(update={"drug": label})
    return chosen


def merge(variants: Iterable[Figures]) -> Figures:
    """The figures of a bust from its reports' distinct variants (order-independent)."""
    variants = sorted(variants, key=lambda f: f.digest())
    if not variants:
        return Figures()
    slots: dict[tuple[str, str], list[tuple[Obs, dt.date | None]]] = {}
    unspecified: dict[str, list[tuple[Obs, dt.date | None]]] = {}
    for f in variants:
        for o in f.obs:
            if o.drug == "unspecified":
                unspecified.setdefault(o.dim, []).append((o, f.published))
            else:
                slots.setdefault(o.slot, []).append((o, f.published))
    obs = [_best(slots[s]) for s in sorted(slots)]
    named_dims = {o.dim for o in obs}
    obs += [_best(unspecified[d]) for d in sorted(unspecified) if d not in named_dims]
    counts = {name: max((v for v in (getattr(f, name) for f in variants) if v is not None), default=None)
              for name in COUNT_FIELDS}
    published = [f.published for f in variants if f.published]
    districts = sorted({f.district for f in variants if f.district})
    return Figures(**counts, obs=obs, published=max(published) if published else None,
                   district=districts[0] if len(districts) == 1 else None)

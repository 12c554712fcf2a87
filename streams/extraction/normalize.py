"""Text normalisation that keeps offsets: NFC, one tone-mark placement, lower case.

Vietnamese text arrives in NFD or NFC and with two tone placements ("tuý"/"túy",
"hoà"/"hòa"). Every rule downstream is written for NFC + the "new" placement on the
main vowel + lower case; ``Normalized.to_original`` maps an offset back so evidence
spans always index the text the user sent.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from streams.extraction.diacritics import restore

_TONES = {  # old placement on the second vowel -> placement on the first, per final-syllable pair
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_RE = re.compile(r"[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?![a-zà-ỹđA-ZÀ-ỸĐ])")
"""An old-style placement ('oà', 'uý') at a syllable end; starting on the vowel keeps the scan fast."""


_HAS_OLD_TONE = re.compile(r"[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ]")


def _fix_tone(match: re.Match[str]) -> str:
    old = match.group()
    if match.start() > 0 and match.string[match.start() - 1] in "qQ":
        return old  # 'quý', 'quà': the u belongs to qu
    new = _TONES.get(old.lower())
    if new is None:  # "uà", "oỳ": not a pair whose placement varies
        return old
    return "".join(n.upper() if o.isupper() else n for o, n in zip(old, new))


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised text (``text``), its lower-case twin (``lower``) and the offset map back."""

    original: str
    text: str
    lower: str
    _map: tuple[int, ...] | None  # normalised index -> original index; None when identical lengths

    def to_original(self, index: int) -> int:
        if self._map is None:
            return index
        if index >= len(self._map):
            return len(self.original)
        return self._map[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised span [start, end)."""
        return self.to_original(start), self.to_original(end)


def normalize(original: str) -> Normalized:
    """NFC + tone placement + lower case, with an offset map when NFC changed the length."""
    nfc = unicodedata.normalize("NFC", original)
    mapping: tuple[int, ...] | None = None
    if len(nfc) != len(original):
        mapping = _cluster_map(original)
        nfc = "".join(unicodedata.normalize("NFC", c) for c in _clusters(original))
    text = restore(_TONE_RE.sub(_fix_tone, nfc) if _HAS_OLD_TONE.search(nfc) else nfc)
    lower = text.lower()
    if len(lower) != len(text):  # rare characters whose lower case is longer: keep positions
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return Normalized(original, text, lower, mapping)


def _clusters(s: str) -> list[str]:
    """Split into base character + following combining marks."""
    out: list[str] = []
    for ch in s:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _cluster_map(s: str) -> tuple[int, ...]:
    positions: list[int] = []
    pos = 0
    for cluster in _clusters(s):
        for _ in unicodedata.normalize("NFC", cluster):
            positions.append(pos)
        pos += len(cluster)
    return tuple(positions)

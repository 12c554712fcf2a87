"""Pure: versions of an item — a republished item with other figures replaces its old events.

The ``item_versions`` table (keyed by item id, on the ingest agent's partitions) remembers
which events each item produced. When the same id comes again with a different set of
event ids (event ids are derived from the item id and the figures, so a corrected figure
gives a new id), the events of the old version that the new one does not repeat are
*retracted*: an ``EventRetraction`` goes to the area agent, which takes the report out of
its bust (or period row) — the tables move by the difference — and says so on
``seizure-events``. Republishing the same version changes nothing.

Redelivery: the record also keeps the retractions of the last change, and a replay of the
same version sends them again (a retraction of something already withdrawn is a no-op),
so a crash between writing the record and delivering the retractions loses nothing.
No faust, no Kafka.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.events import EventRetraction, SeizureEvent
from streams.areas import area_of


class ItemVersion(BaseModel):
    events: dict[str, str] = Field(default_factory=dict, description="event_id -> area key of the current version")
    retracted: dict[str, str] = Field(default_factory=dict, description="event_id -> area: withdrawn by the last change")

    def to_json(self) -> dict:
        return self.model_dump(mode="json", exclude_defaults=True)


def new_version(previous: ItemVersion | None, item_id: str, events: list[SeizureEvent]
                ) -> tuple[ItemVersion | None, list[EventRetraction]]:
    """(the record to write, or None when unchanged; the retractions to send before the new events)."""
    current = {e.event_id: area_of(e).key for e in events}
    if previous is None and not current:
        return None, []  # nothing to remember: a later version has nothing to replace
    if previous is not None and set(previous.events) == set(current):
        again = [EventRetraction(event_id=e, item_id=item_id, area=a) for e, a in sorted(previous.retracted.items())]
        return None, again
    gone = {} if previous is None else {e: a for e, a in previous.events.items() if e not in current}
    record = ItemVersion(events=current, retracted=gone)
    return record, [EventRetraction(event_id=e, item_id=item_id, area=a) for e, a in sorted(gone.items())]

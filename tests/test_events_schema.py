"""The event log's schema is code (sim/events.py): one record type per EventKind, each with
typed columns, turning into the saved ten-column row and back without loss; the table of
kinds in docs/events.md is generated from it; and the records a real run writes have the
types their record declares (a column typed `int` is never None)."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import numbers
import types
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import events
from sim.events import EVENT_COLUMNS, RECORDS, Event, EventKind, EventLog, Record, as_row, event_record, typed
from sim.results.tables import events_frame
from tests.conftest import load_scenario, settings_for, simulate_checked

ROOT = Path(__file__).resolve().parents[1]
LEAVES = [
    c
    for _, c in inspect.getmembers(events, inspect.isclass)
    if issubclass(c, Record) and "kind" in c.__dict__
]


@functools.cache
def _allowed(rec: type[Record]) -> dict[str, tuple[type, ...]]:
    """Per field, the Python types its annotation allows (float also takes ints: minutes may be whole)."""
    out = {}
    for name, hint in typing.get_type_hints(rec).items():
        if typing.get_origin(hint) is typing.ClassVar:
            continue
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        allowed = tuple(numbers.Real if a is float else type(None) if a is type(None) else a for a in args)
        out[name] = allowed
    return out


def test_every_kind_has_exactly_one_record_type():
    kinds = [c.kind for c in LEAVES]
    assert sorted(kinds) == sorted(EventKind), "a kind without a record type, or one with two"
    assert set(RECORDS) == set(EventKind)
    for c in LEAVES:
        assert RECORDS[c.kind] is c
        assert set(c.columns) <= set(EVENT_COLUMNS) and c.columns[0] == "t_min"


def test_docs_table_is_generated_from_the_records():
    page = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert events.table_markdown() in page, "docs/events.md: run scripts/events_table.py"
    for kind in EventKind:
        assert f"| `{kind.value}` | `{RECORDS[kind].__name__}` |" in page


def test_a_field_that_is_not_a_column_or_a_second_record_of_a_kind_is_refused():
    with pytest.raises(TypeError, match="not columns of the event log"):

        @event_record
        class Bad(Record):
            kind = EventKind.TEAM_RESTED
            crew: str

    with pytest.raises(TypeError, match="has two record types"):

        @event_record
        class Twice(Record):
            kind = EventKind.TEAM_RESTED
            subject: str


def _value(t: type, draw) -> object:
    if t is str:
        return draw(st.text(max_size=5))
    if t is int:
        return draw(st.integers(-(2**40), 2**40))
    if t is type(None):
        return None
    return draw(st.floats(allow_nan=False))


@st.composite
def records(draw) -> Record:
    rec = draw(st.sampled_from(LEAVES))
    fields = {}
    for name, allowed in _allowed(rec).items():
        plain = [float if a is numbers.Real else a for a in allowed]
        fields[name] = _value(draw(st.sampled_from(plain)), draw)
    t = fields.pop("t_min")
    return rec(t, **fields)


@given(st.lists(records(), max_size=8))
def test_records_become_the_ten_columns_and_come_back(rows: list[Record]):
    log = EventLog()
    for r in rows:
        log.add(r)
    flat = [Event(*as_row(r)) for r in rows]
    for r, e in zip(rows, flat, strict=True):
        assert e.kind is r.kind
        for col in EVENT_COLUMNS[2:]:
            assert getattr(e, col) == getattr(r, col)
            if col not in r.columns:
                assert getattr(r, col) is None
    for rec in {type(r) for r in rows}:
        assert [r for r in typed(flat) if isinstance(r, rec)] == [r for r in rows if type(r) is rec]
        assert [r for r in typed(log.rows) if isinstance(r, rec)] == [r for r in rows if type(r) is rec]
    # the saved frame is the same whether built from records or from the flat rows read back
    assert events_frame(rows, "c", 0).equals(events_frame(flat, "c", 0))


def test_families_collect_their_kinds():
    log = EventLog()
    a = events.ShipmentLoaded(1.0, subject="T", place="V", depot="D", item="water", qty=2, ref=1, note="V")
    b = events.ShipmentDelivered(2.0, subject="T", place="V", depot="D", item="water", qty=2, ref=1, note="V")
    log.add(a)
    log.add(events.TeamRested(1.5, subject="X"))
    log.add(b)
    assert [r for r in typed(log.rows) if isinstance(r, events.CargoMoved)] == [a, b]
    assert a != events.ShipmentDelivered(**{f.name: getattr(a, f.name) for f in dataclasses.fields(a)})


def test_a_run_writes_records_of_the_declared_types():
    """tiny under an earthquake (relief, EMS, rescue): every record's fields have the types
    its record type declares, so a non-Optional column is never None in a real log."""
    log = simulate_checked(load_scenario("tiny"), settings_for("scenario=tiny", "hazard=earthquake"), 0)
    seen = set()
    for r in log.rows:
        assert isinstance(r, Record), r
        seen.add(r.kind)
        for name, allowed in _allowed(type(r)).items():
            assert isinstance(getattr(r, name), allowed), (r, name)
    assert len(seen) > 20

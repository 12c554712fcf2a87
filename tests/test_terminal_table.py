"""The one terminal table (``seizurewatch up`` and ``seizurewatch tables``): rows, columns, numbers."""
from __future__ import annotations

from streams.terminal_table import format_number, normalise_provinces, render_table


def test_table_shows_each_kind_on_its_own_row() -> None:
    rows = normalise_provinces([{"province": "Sơn La", "totals": {"incident": {"cases": 1, "meth_crystal_kg": 30.25}}}])
    table = render_table(rows)
    assert "Sơn La" in table and "incident" in table and "30.25" in table and "meth_kg" in table
    assert render_table([]) == "(no province yet)"


def test_counts_are_integers_and_masses_keep_grams() -> None:
    assert format_number(56_000_000.0, "synthetic_pills") == "56,000,000"
    assert format_number(8.0, "heroin_bricks") == "8"
    assert format_number(3.0, "cases") == "3"
    assert format_number(1.90499, "heroin_kg") == "1.905"
    assert format_number(12.0, "kg") == "12"
    assert format_number(None, "kg") == "-"


def test_chosen_columns_in_order_and_missing_ones_dashed() -> None:
    rows = normalise_provinces([{"province": "Lào Cai", "totals": {"incident": {"cases": 2, "heroin_kg": 1.5},
                                                                    "aggregate": {"cases": 40}}}])
    table = render_table(rows, metrics=["heroin_kg", "cases"])
    head, _, *body = table.splitlines()
    assert head.split() == ["province", "kind", "heroin_kg", "cases"]
    assert [line.split() for line in body] == [["Lào", "Cai", "incident", "1.5", "2"],
                                                ["Lào", "Cai", "aggregate", "0", "40"]]

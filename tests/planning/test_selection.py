"""Selection rules read as DMS reads them: `_` is one character even in an exact name."""

from migration.dms.mappings import Selection
from migration.planning.selection import selected

PAIRS = [("APP", "PAY_LOG"), ("APP", "PAY$LOG"), ("APP", "PAYXLOGS"), ("APP", "ORDERS")]


def rule(table: str, action: str = "include") -> Selection:
    return Selection(action, "APP", table)


def test_an_exact_name_with_an_underscore_also_selects_what_dms_would():
    assert selected([rule("PAY_LOG")], PAIRS) == {("APP", "PAY_LOG"), ("APP", "PAY$LOG")}
    assert selected([rule("PAY$LOG")], PAIRS) == {("APP", "PAY$LOG")}


def test_an_exact_exclude_with_an_underscore_excludes_both():
    assert selected([rule("%"), rule("PAY_LOG", "exclude")], PAIRS) == {("APP", "PAYXLOGS"), ("APP", "ORDERS")}


def test_many_exact_names_with_underscores_select_exactly_themselves():
    # Grouped by the `_` positions: one pass per group, not names x names (benchmarks/ measures the speed).
    pairs = [("APP", f"ORDER_ITEM_{i:06d}") for i in range(20000)]
    chosen = selected([rule(t) for _, t in pairs[:10000]], pairs)
    assert chosen == set(pairs[:10000])

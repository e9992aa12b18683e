"""Selection rules read as DMS reads them: `_` is one character even in an exact name."""

from migration.planning.selection import selected

PAIRS = [("APP", "PAY_LOG"), ("APP", "PAY$LOG"), ("APP", "PAYXLOGS"), ("APP", "ORDERS")]


def rule(table: str, action: str = "include") -> dict:
    return {
        "rule-type": "selection",
        "rule-action": action,
        "object-locator": {"schema-name": "APP", "table-name": table},
    }


def test_an_exact_name_with_an_underscore_also_selects_what_dms_would():
    assert selected([rule("PAY_LOG")], PAIRS) == {("APP", "PAY_LOG"), ("APP", "PAY$LOG")}
    assert selected([rule("PAY$LOG")], PAIRS) == {("APP", "PAY$LOG")}


def test_an_exact_exclude_with_an_underscore_excludes_both():
    assert selected([rule("%"), rule("PAY_LOG", "exclude")], PAIRS) == {("APP", "PAYXLOGS"), ("APP", "ORDERS")}


def test_many_exact_names_stay_fast():
    import time

    pairs = [("APP", f"ORDER_ITEM_{i:06d}") for i in range(20000)]
    start = time.perf_counter()
    assert len(selected([rule(t) for _, t in pairs[:10000]], pairs)) == 10000
    assert time.perf_counter() - start < 5  # grouped by the `_` positions: one pass per group, not names x names

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


def test_like_patterns_keep_the_dms_meaning():
    pairs = [("APP", "A"), ("APP", "AB"), ("APP", "ABC"), ("APP", "XABCX"), ("APP", "A_C"), ("HR", "ABC")]
    assert selected([rule("A%")], pairs) == {("APP", "A"), ("APP", "AB"), ("APP", "ABC"), ("APP", "A_C")}
    assert selected([rule("A_C%")], pairs) == {("APP", "ABC"), ("APP", "A_C")}
    assert selected([rule("%B%")], pairs) == {("APP", "AB"), ("APP", "ABC"), ("APP", "XABCX")}
    assert selected([rule("%%%C")], pairs) == {("APP", "ABC"), ("APP", "A_C")}
    assert selected([rule("_%_")], pairs) == {("APP", "AB"), ("APP", "ABC"), ("APP", "XABCX"), ("APP", "A_C")}
    assert selected([Selection("include", "%", "%"), rule("%C", "exclude")], pairs) == {
        ("APP", "A"),
        ("APP", "AB"),
        ("APP", "XABCX"),
        ("HR", "ABC"),
    }


def test_names_full_of_wildcards_cannot_make_matching_exponential():
    """`%%%%%%%%Q` against a long name backtracked for minutes as a regular expression; the call now finishes
    on 10k names in a subprocess bounded by a generous timeout (no assertion on speed itself)."""
    import subprocess
    import sys

    code = (
        "from migration.dms.mappings import Selection\n"
        "from migration.planning.selection import selected\n"
        "pairs = [('APP', 'A' * 120 + str(i)) for i in range(10000)] + [('APP', '%%%%%%%%Q')]\n"
        "rules = [Selection('include', 'APP', '%%%%%%%%Q'), Selection('include', 'APP', '%A%A%A%A%A%A%A%B'),\n"
        "         Selection('exclude', '%%%%', '%_%_%_%_%_%Z')]\n"
        "print(len(selected(rules, pairs)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "1"


def test_like_agrees_with_the_regular_expression_reading_on_small_names():
    """Every pattern over a small alphabet against every short name: the same answers as the plain (backtracking)
    regular expression, on both the one-`%` path and the scanning path."""
    import itertools

    from migration.planning.selection import like
    from tests.dms_rules import like as reference

    names = ["".join(p) for n in range(5) for p in itertools.product("AB_", repeat=n)]
    patterns = ["".join(p) for n in range(1, 5) for p in itertools.product("A_%", repeat=n)]
    wrong = [(p, n) for p in patterns for n in names if like(p).match(n) != reference(p, n)]
    assert wrong == []

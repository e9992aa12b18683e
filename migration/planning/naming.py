"""A stack's names on both sides: the inventory's name map under the stack's schema renames, the rename rules it
puts into the forward and reverse mappings, and the checks that stop a plan whose names cannot go there and back.

Pure logic. The map is built once per inventory and stack (a million columns take a fraction of a second) and
shared by the forward tasks, the reverse task, the validation task and the documents.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from migration.config import ConfigError, Stack, StackConfig
from migration.dms.mappings import Rename
from migration.inventory.model import Inventory, Table
from migration.inventory.names import (
    LOB_FOLD_ONLY,
    PG_SYSTEM_COLUMNS,
    NameMap,
    build_name_map,
    is_plain,
    shortened,
)
from migration.inventory.typemap import identifier_too_long
from migration.planning.selection import Pair, like, matches

NO_INVENTORY_NOTE = (
    "names: no inventory (oracle2pg:inventory), so the mappings fold names by case only (a schema, table and column "
    'rule per schema); Oracle names that are not plain upper case (mixed or lower case like "OrderLines", or '
    "longer than 63 bytes) need the inventory for exact rename rules both ways, or the reverse task writes to "
    "names Oracle does not have"
)


def postgres_schema(cfg: StackConfig, oracle_schema: str) -> str:
    """The PostgreSQL schema an Oracle schema lands in: the configured rename, else its lower-case name (shortened
    like any name beyond 63 bytes)."""
    renamed = cfg.migration.schema_renames.get(oracle_schema)
    if renamed:
        return renamed
    folded = oracle_schema.lower()
    return shortened(folded, oracle_schema) if identifier_too_long(folded) else folded


def stack_names(stack: Stack, inv: Inventory) -> NameMap:
    """The name map of the stack's schemas in `inv` under the stack's schema renames (the design builds it once)."""
    m = stack.config.migration
    renames = {s: postgres_schema(stack.config, s) for s in m.schemas if not is_plain(s) or s in m.schema_renames}
    return build_name_map(inv, renames, owners=m.schemas)


def forward_renames(names: NameMap, tables: Iterable[Table], removed: set[tuple[str, str, str]]) -> list[Rename]:
    """Oracle -> PostgreSQL rename rules for the tables and columns whose PostgreSQL name is not the case fold
    (columns the task removes need none)."""
    out: list[Rename] = []
    for t in tables:
        pg_table = names.tables.get((t.owner, t.name))
        if pg_table is not None:
            out.append(Rename(t.owner, t.name, None, pg_table))
        for col, pg in names.renamed_columns(t.owner, t.name).items():
            if (t.owner, t.name, col) not in removed:
                out.append(Rename(t.owner, t.name, col, pg))
    return out


def reverse_renames(names: NameMap, tables: Iterable[Pair], removed: set[tuple[str, str, str]]) -> list[Rename]:
    """PostgreSQL -> Oracle rename rules (locators in PostgreSQL names) for the same objects, so the fallback
    writes into the Oracle names the forward tasks read."""
    out: list[Rename] = []
    for owner, table in tables:
        pg_schema, pg_table = names.schema(owner), names.table(owner, table)
        if (owner, table) in names.tables:
            out.append(Rename(pg_schema, pg_table, None, table))
        for col, pg in names.renamed_columns(owner, table).items():
            if (owner, table, col) not in removed:
                out.append(Rename(pg_schema, pg_table, pg, col))
    return out


def names_note(
    names: NameMap, tables: Sequence[Pair], direction: str, removed: Collection[tuple[str, str, str]] = ()
) -> list[str]:
    """What the plan says about names: how many objects carry explicit rules, a few examples, and the columns no rule
    may name (kept verbatim, or LOB columns landing by the wildcard fold), as one line however many there are.
    `removed` (OWNER, TABLE, COLUMN) are columns the task removes: they land nowhere, so no fold note names them."""
    renamed_tables = [t for t in tables if t in names.tables]
    every_column = [(t, c, p) for t in tables for c, p in names.renamed_columns(*t).items()]
    renamed_columns = [(t, c, p) for t, c, p in every_column if c.lower() not in PG_SYSTEM_COLUMNS]
    system = [f"{o}.{t}.{c} -> {p}" for (o, t), c, p in every_column if c.lower() in PG_SYSTEM_COLUMNS]
    out: list[str] = []
    if renamed_tables or renamed_columns:
        examples = [f"{o}.{t} -> {names.schema(o)}.{names.table(o, t)}" for o, t in renamed_tables[:3]]
        examples += [f"{o}.{t}.{c} -> {p}" for (o, t), c, p in renamed_columns[: max(0, 3 - len(examples))]]
        out.append(
            f"names: {len(renamed_tables)} table(s) and {len(renamed_columns)} column(s) are not plain upper case: "
            f"explicit rename rules {direction} ({', '.join(examples)})"
        )
    if system:
        out.append(
            f"names: {len(system)} column(s) fold to a PostgreSQL system column name, which CREATE TABLE refuses: "
            f"explicit rename rules {direction} ({_shown(system)})"
        )
    return out + _no_rule_note(names, tables, set(removed))


def _shown(items: Sequence[str]) -> str:
    return ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")


def _no_rule_note(names: NameMap, tables: Sequence[Pair], removed: Collection[tuple[str, str, str]]) -> list[str]:
    """One line for the columns no rule may name: those kept verbatim for # \\ / - (KEEPS_SOURCE_SPELLING) and the
    mixed-case LOB columns that land by the wildcard fold alone (LOB_FOLD_ONLY). A plain LOB column is not news."""
    kept = [f"{o}.{t}.{c}" for o, t in tables for c in names.kept_verbatim(o, t)]
    folded = [
        f"{o}.{t}.{c} -> {c.lower()}" for o, t in tables for c in names.folded_lobs(o, t) if (o, t, c) not in removed
    ]
    parts = []
    if kept:
        parts.append(
            f"{len(kept)} column(s) keep their Oracle spelling, quoted, as DMS transforms no name holding # \\ / or - "
            f"({_shown(kept)})"
        )
    if folded:
        parts.append(
            f"{len(folded)} mixed-case LOB column(s) land by the wildcard convert-lowercase alone, as DMS supports no "
            f"rule on a LOB column but remove-column ({_shown(folded)})"
        )
    if not parts:
        return []
    return [
        f"names: {'; '.join(parts)}: this relies on the wildcard behaviour of the AWS Knowledge Center Oracle -> "
        "PostgreSQL lowercase setup; check one such table in the first test load"
    ]


def check_lob_names_back(stack: Stack, names: NameMap, tables: Iterable[Pair], left: set[tuple[str, str, str]]) -> None:
    """With the fallback on, every LOB column that flows back (not in `left`, (OWNER, TABLE, COLUMN)) must be plain
    upper case: convert-uppercase is the only way back for it (LOB_FOLD_ONLY), and on a mixed-case name it would
    write a column Oracle does not have."""
    bad = [(o, t, c) for o, t in sorted(tables) for c in names.folded_lobs(o, t) if (o, t, c) not in left]
    if bad:
        o, t, c = bad[0]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise ConfigError(
            f"{stack.project}:reverse: {o}.{t}.{c}{more}: a LOB column whose name is not plain upper case cannot go "
            f"back to Oracle: {LOB_FOLD_ONLY} (as {c.lower()}), and the reverse task's convert-uppercase would write "
            f"{c.lower().upper()}; rename it in Oracle, leave the table out with migration.exclude, or keep it "
            f"forward and leave the column out of the reverse task with reverse.leaveOutColumns: [{o}.{t}.{c}] "
            "(then carried back by hand after a fallback)",
            key="reverse",
        )


def check_name_conflicts(stack: Stack, names: NameMap, tables: Iterable[Pair]) -> None:
    """Two Oracle objects the stack migrates must not share a PostgreSQL name: one would overwrite the other's rows
    forward, and the fallback could not tell them apart."""
    conflicts = names.conflicts_among(tables)
    if conflicts:
        raise ConfigError(f"{stack.project}:migration: {conflicts[0].message()}")


def check_patterns(stack: Stack, inv: Inventory) -> None:
    """Every include/exclude pattern of the stack must match a table of the inventory: a pattern that matches
    nothing is a typo, and a silent exclude typo migrates the table it meant to leave out."""
    m = stack.config.migration
    schemas = set(m.schemas)
    tables = [t for t in inv.tables.values() if t.owner in schemas]
    groups = [("migration.include", m.include), ("migration.exclude", m.exclude)]
    for i, task in enumerate(m.tasks):
        groups += [(f"migration.tasks[{i}].include", task.include), (f"migration.tasks[{i}].exclude", task.exclude)]
    for key, patterns in groups:
        for pattern in patterns:
            if not any(matches([pattern], t.owner, t.name) for t in tables):
                raise ConfigError(
                    f"{stack.project}:{key}: pattern {pattern!r} matches no table of the inventory in schemas "
                    f"{', '.join(m.schemas)}{_case_hint(pattern, tables)}; fix or remove it"
                )


def _case_hint(pattern: str, tables: Sequence[Table]) -> str:
    """Oracle names are case-sensitive: point at a table the pattern would match in another case."""
    schema, _, table = pattern.rpartition(".")
    for t in tables:
        if (not schema or schema == t.owner) and like(table.lower()).match(t.name.lower()):
            return f" (names are case-sensitive: {t.owner}.{t.name} differs in case; a % wildcard matches it)"
    return ""

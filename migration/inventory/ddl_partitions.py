"""PostgreSQL partitioning for the tables Oracle partitions, for the before-load DDL part: the PARTITION BY clause,
the partitions from Oracle's bounds (partition_bounds.csv: RANGE from the previous bound, LIST by value, HASH by
remainder), an interval-partitioned table's next partitions created ahead with a DEFAULT partition beyond, and the
read-only query that lists rows CDC left in those DEFAULT partitions."""

from __future__ import annotations

from migration.inventory.ddl import quote_ident
from migration.inventory.ddl_scope import Scope
from migration.inventory.model import Table
from migration.inventory.objects import PartitionBound, Partitioning
from migration.inventory.oracle_expr import partition_values


def partition_of(s: Scope, table: Table) -> tuple[Partitioning | None, list[str]]:
    """The Oracle partitioning the before-load part reproduces (None when the table has none or PostgreSQL cannot
    have it), with the notes that say which."""
    part = s.on(table.owner, table.name).partitioning
    if part is None:
        return None, []
    where = f"{table.owner}.{table.name}"
    if part.kind not in ("RANGE", "LIST", "HASH"):
        return None, [f"-- {where}: {part.kind} partitioning has no PostgreSQL counterpart: created as one table"]
    created = s.created_columns(table)
    if any(c not in created for c in part.columns):
        return None, [f"-- {where}: a partition key column is not migrated: created as one table"]
    if table.key_columns and not set(part.columns) <= set(table.key_columns):
        return None, [
            f"-- {where}: its key does not hold the partition key ({', '.join(part.columns)}), which PostgreSQL "
            "requires: created as one table"
        ]
    if part.kind == "LIST" and len(part.columns) > 1:
        return None, [
            f"-- {where}: LIST partitioned on {len(part.columns)} columns, one at most in PostgreSQL: one table"
        ]
    if part.kind == "HASH":
        return part, [f"-- {where}: HASH partitioned in Oracle: {part.count} hash partitions"]
    sub = "" if part.subkind == "NONE" else f"; its {part.subkind} subpartitions are not reproduced"
    return part, [f"-- {where}: {part.kind} partitioned in Oracle ({part.count} partitions){sub}"]


def partitioned(s: Scope, table: Table) -> tuple[str, ...]:
    """The partition key columns when the before-load part partitions the table, else ()."""
    part, _ = partition_of(s, table)
    return part.columns if part is not None else ()


def partition_clause(s: Scope, table: Table) -> tuple[str, list[str]]:
    part, notes = partition_of(s, table)
    if part is None:
        return "", notes
    created = s.created_columns(table)
    return f" PARTITION BY {part.kind} ({', '.join(quote_ident(created[c]) for c in part.columns)})", notes


def create_partitions(s: Scope, table: Table) -> list[str]:
    """The partitions of a table partition_clause partitions: HASH by remainder; RANGE and LIST from Oracle's
    bounds (partition_bounds.csv), or one DEFAULT partition when the export lacks them or one does not convert."""
    objects = s.on(table.owner, table.name)
    part = objects.partitioning
    assert part is not None  # only called for a table partition_clause partitions
    where = f"{table.owner}.{table.name}"
    if part.kind == "HASH":
        clauses = [(f"#{i}", f"FOR VALUES WITH (MODULUS {part.count}, REMAINDER {i})") for i in range(part.count)]
        notes: list[str] = []
    elif not objects.bounds:
        clauses = [("DEFAULT", "DEFAULT")]
        notes = [f"-- {where}: no partition bounds in this export (partition_bounds.csv): one DEFAULT partition"]
    else:
        clauses, notes = _bounded(where, part, objects.bounds)
        if part.interval and len(clauses) > 1:  # interval, bounds converted: the next partitions ahead
            ahead = [(f"AHEAD {low}", f"FOR VALUES FROM ({low}) TO ({high})") for low, high in s.ahead_ranges(objects)]
            clauses[-1:-1] = ahead
            notes += _ahead_note(where, part, len(ahead))
    schema, parent = quote_ident(s.names.schema(table.owner)), s.table(table.owner, table.name)
    return notes + [
        f"CREATE TABLE {schema}.{quote_ident(s.name(table.owner, table.name, f'PARTITION {label}'))} "
        f"PARTITION OF {parent} {clause};"
        for label, clause in clauses
    ]


def _bounded(where: str, part: Partitioning, bounds: list[PartitionBound]) -> tuple[list[tuple[str, str]], list[str]]:
    """(partition, FOR VALUES clause) from Oracle's HIGH_VALUEs: a RANGE partition runs from the previous one's
    bound (the first from MINVALUE) to its own; a LIST partition takes its values, DEFAULT its DEFAULT. One that does
    not convert is listed and the table gets one DEFAULT partition instead, as without bounds."""
    clauses: list[tuple[str, str]] = []
    unconverted: list[str] = []
    lower = ["MINVALUE"] * len(part.columns)
    for bound in bounds:
        values = partition_values(bound.high_value)
        if part.kind == "RANGE" and values and len(values) == len(part.columns) and not {"DEFAULT", "NULL"} & {*values}:
            values = _maxvalue_tail(values)
            clauses.append((bound.name, f"FOR VALUES FROM ({', '.join(lower)}) TO ({', '.join(values)})"))
            lower = values
        elif (
            part.kind == "LIST"
            and values
            and "MAXVALUE" not in values
            and ("DEFAULT" not in values or len(values) == 1)
        ):
            clauses.append((bound.name, "DEFAULT" if values == ["DEFAULT"] else f"FOR VALUES IN ({', '.join(values)})"))
        else:
            unconverted.append(f"{bound.name} {bound.high_value}")
    if unconverted:
        return [("DEFAULT", "DEFAULT")], [
            f"-- NOTE {where}: partition bounds not converted ({'; '.join(unconverted)}): one DEFAULT partition "
            "instead; split it by hand before the load"
        ]
    if not part.interval:
        return clauses, []
    return [*clauses, ("DEFAULT", "DEFAULT")], [
        f"-- {where}: INTERVAL {part.interval} in Oracle, which adds partitions as rows arrive: the {len(bounds)} "
        "that exist are created (each from the one before it) and a DEFAULT partition takes the rows beyond"
    ]


def _maxvalue_tail(values: list[str]) -> list[str]:
    """PostgreSQL wants every value after a MAXVALUE to be MAXVALUE as well; in a range bound they mean the same."""
    if "MAXVALUE" not in values:
        return values
    first = values.index("MAXVALUE")
    return values[:first] + ["MAXVALUE"] * (len(values) - first)


def _ahead_note(where: str, part: Partitioning, ahead: int) -> list[str]:
    if not ahead:
        return [
            f"-- {where}: INTERVAL {part.interval}: no partitions created ahead (inventory.intervalPartitionsAhead "
            "is 0, or the interval does not convert): create the next ones before their rows arrive"
        ]
    return [
        f"-- {where}: the next {ahead} partitions are created ahead (inventory.intervalPartitionsAhead); a row past "
        "them lands in the DEFAULT partition, which the cutover part checks"
    ]


def default_partition_check(s: Scope) -> str:
    """A query listing each interval-partitioned table's DEFAULT partition that holds rows (count, lowest and
    highest key): rows past the partitions created ahead, which CDC put there. Empty when no chosen table has one.
    Read-only: run it during CDC and before cutover (the runbook's step)."""
    selects = []
    for table in s.chosen:
        part, _ = partition_of(s, table)
        if part is None or not part.interval or part.kind != "RANGE" or not s.on(table.owner, table.name).bounds:
            continue
        schema = quote_ident(s.names.schema(table.owner))
        default = f"{schema}.{quote_ident(s.name(table.owner, table.name, 'PARTITION DEFAULT'))}"
        key = quote_ident(s.created_columns(table)[part.columns[0]])
        selects.append(
            f"SELECT '{default.replace(chr(39), chr(39) * 2)}' AS default_partition, count(*) AS rows, "
            f"min({key})::text AS lowest, max({key})::text AS highest FROM {default} HAVING count(*) > 0"
        )
    if not selects:
        return ""
    return "\n".join(
        [
            "-- Rows in the DEFAULT partition of an interval-partitioned table, past the partitions created ahead:",
            "-- none expected. For a row listed, in one transaction: ALTER TABLE ... DETACH PARTITION the DEFAULT one,",
            "-- create the missing partition, INSERT the rows through the parent table, empty and ATTACH it again",
            "-- (PostgreSQL refuses a new partition whose rows sit in the DEFAULT partition).",
            "\nUNION ALL\n".join(selects) + ";",
        ]
    )

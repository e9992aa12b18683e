"""Per-table statistics of a task (describe_table_statistics; DMS Serverless: describe_replication_table_statistics)
and their sums: tables errored or suspended, validation records pending, failed and suspended."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from migration.live.discovery import describe_all
from migration.live.session import aws_errors

# TableStatistics.TableState values (DMS API reference, TableStatistics).
TABLE_ERROR = "Table error"
TABLE_COMPLETED = "Table completed"
# TableStatistics.ValidationState values that mean a table is not fully validated yet.
VALIDATION_SUSPENDED = "Suspended records"


@dataclass(frozen=True)
class TableStat:
    schema: str
    table: str
    state: str
    full_load_rows: int
    error_rows: int
    validation_state: str
    validation_pending: int
    validation_failed: int
    validation_suspended: int

    @classmethod
    def of(cls, s: dict[str, Any]) -> TableStat:
        return cls(
            schema=str(s.get("SchemaName", "")),
            table=str(s.get("TableName", "")),
            state=str(s.get("TableState", "")),
            full_load_rows=int(s.get("FullLoadRows") or 0),
            error_rows=int(s.get("FullLoadErrorRows") or 0),
            validation_state=str(s.get("ValidationState", "")),
            validation_pending=int(s.get("ValidationPendingRecords") or 0),
            validation_failed=int(s.get("ValidationFailedRecords") or 0),
            validation_suspended=int(s.get("ValidationSuspendedRecords") or 0),
        )

    @property
    def suspended(self) -> bool:
        return self.validation_suspended > 0 or self.validation_state == VALIDATION_SUSPENDED


@dataclass(frozen=True)
class TableSummary:
    tables: int
    states: dict[str, int]
    errored: tuple[str, ...]  # schema.table
    suspended: tuple[str, ...]
    validation_pending: int
    validation_failed: int
    validation_suspended: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "tables": self.tables,
            "states": dict(self.states),
            "errored": list(self.errored),
            "suspended": list(self.suspended),
            "validation_pending": self.validation_pending,
            "validation_failed": self.validation_failed,
            "validation_suspended": self.validation_suspended,
        }


def table_statistics(dms: Any, arn: str, serverless: bool) -> list[TableStat]:
    with aws_errors(f"table statistics of {arn}"):
        if serverless:
            items = describe_all(
                dms, "describe_replication_table_statistics", "ReplicationTableStatistics", ReplicationConfigArn=arn
            )
        else:
            items = describe_all(dms, "describe_table_statistics", "TableStatistics", ReplicationTaskArn=arn)
    return [TableStat.of(i) for i in items]


def summarize(stats: Sequence[TableStat]) -> TableSummary:
    return TableSummary(
        tables=len(stats),
        states=dict(Counter(s.state for s in stats)),
        errored=tuple(f"{s.schema}.{s.table}" for s in stats if s.state == TABLE_ERROR),
        suspended=tuple(f"{s.schema}.{s.table}" for s in stats if s.suspended),
        validation_pending=sum(s.validation_pending for s in stats),
        validation_failed=sum(s.validation_failed for s in stats),
        validation_suspended=sum(s.validation_suspended for s in stats),
    )

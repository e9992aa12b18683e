"""A lowered LOB limit on a task that has run: the gate's destructive warning.

DMS guide, "Setting LOB support for source databases in an AWS DMS task": in limited LOB mode DMS truncates every
LOB larger than the maximum LOB size (LobMaxSize, task settings) and, per table, the table-settings rule's
`lob-settings` `bulk-max-size` ("Table and collection settings rules and operations") wins for that table; full LOB
mode carries LOBs whole. So lowering either limit on a task that has run cuts LOBs that earlier loads carried whole
(or stops the task under failTasksOnLobTruncation). InlineLobMaxSize only chooses between inline and lookup
transfer in full LOB mode and truncates nothing, so lowering it is no risk.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from migration.notices import Notice, warning

# Where a task's documents are: (id input, settings input, mappings input) of a task and of a serverless config.
DOCUMENTS = {
    "aws:dms/replicationTask:ReplicationTask": ("replicationTaskId", "replicationTaskSettings", "tableMappings"),
    "aws:dms/replicationConfig:ReplicationConfig": (
        "replicationConfigIdentifier",
        "replicationSettings",
        "tableMappings",
    ),
}


def task_limit(settings: Mapping[str, Any]) -> float:
    """The most of one LOB the task carries by its settings, in KB: LobMaxSize in limited mode, unbounded in full
    LOB mode, 0 without LOB support."""
    meta = settings.get("TargetMetadata") or {}
    if not meta.get("SupportLobs", True):
        return 0
    if meta.get("FullLobMode"):
        return math.inf
    return float(meta.get("LobMaxSize", 32))


def table_limits(mappings: Mapping[str, Any], default: float) -> dict[str, float]:
    """Each table with a lob-settings rule -> the most of one LOB it carries, in KB."""
    out: dict[str, float] = {}
    for rule in mappings.get("rules", []):
        lob = rule.get("lob-settings") if rule.get("rule-type") == "table-settings" else None
        if not isinstance(lob, dict):
            continue
        where = rule.get("object-locator") or {}
        name = f"{where.get('schema-name')}.{where.get('table-name')}"
        mode = lob.get("mode")
        out[name] = math.inf if mode == "unlimited" else 0 if mode == "none" else _kb(lob.get("bulk-max-size"), default)
    return out


def _kb(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _shown(kb: float) -> str:
    return "unlimited (full LOB mode)" if kb == math.inf else f"{kb:g} KB"


def lowered_limits(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    """(what, old KB, new KB) for each limit the change lowers: the task's LobMaxSize and each table's limit (a
    table whose rule goes away falls back to the task's limit)."""
    kind = next(k for k in DOCUMENTS.values() if k[0] in new)
    _, settings_key, mappings_key = kind
    old_task, new_task = task_limit(json.loads(old[settings_key])), task_limit(json.loads(new[settings_key]))
    out = [("the task's LobMaxSize", old_task, new_task)] if new_task < old_task else []
    old_tables = table_limits(json.loads(old[mappings_key]), old_task)
    new_tables = table_limits(json.loads(new[mappings_key]), new_task)
    for table in sorted(old_tables):
        after = new_tables.get(table, new_task)
        if after < old_tables[table]:
            out.append((f"{table} bulk-max-size", old_tables[table], after))
    return out


def lob_limit_notices(before: Any, after: Any, ran: Mapping[str, bool]) -> list[Notice]:
    """One destructive warning per lowered LOB limit of a task that has run (`ran`: task id -> hasRun)."""
    old = {r.name: r for r in before.resources if r.type in DOCUMENTS}
    out: list[Notice] = []
    for r in after.resources:
        if r.type not in DOCUMENTS or r.name not in old:
            continue
        task_id = str(r.inputs.get(DOCUMENTS[r.type][0]))
        if not ran.get(task_id):
            continue
        try:
            lowered = lowered_limits(old[r.name].inputs, r.inputs)
        except (KeyError, TypeError, ValueError, StopIteration):
            continue  # a document that does not parse: the mapping change itself is reported
        for what, was, now in lowered:
            text = (
                f"task {task_id} has run and lowers {what} from {_shown(was)} to {_shown(now)}: LOBs longer than "
                "the new limit are truncated (or stop the task under failTasksOnLobTruncation) from now on"
            )
            out.append(warning("lob-limit-lowered", text, destructive=True))
    return out

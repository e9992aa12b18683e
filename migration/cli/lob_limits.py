"""A lowered LOB limit on a task that has run, between two rendered programs (`--against`): the gate's destructive
warning. The limits and their comparison live in migration.planning.transitions (which also checks them against a
deployed state's record); this module reads them out of the rendered task resources.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from migration.notices import Notice
from migration.planning.transitions import lob_lowered_notice, lowered_lob_limits, table_lob_limits, task_lob_limit

# Where a task's documents are: (id input, settings input, mappings input) of a task and of a serverless config.
DOCUMENTS = {
    "aws:dms/replicationTask:ReplicationTask": ("replicationTaskId", "replicationTaskSettings", "tableMappings"),
    "aws:dms/replicationConfig:ReplicationConfig": (
        "replicationConfigIdentifier",
        "replicationSettings",
        "tableMappings",
    ),
}


def _limits(inputs: Mapping[str, Any], kind: tuple[str, str, str]) -> tuple[float, dict[str, float]]:
    task = task_lob_limit(json.loads(inputs[kind[1]]))
    return task, table_lob_limits(json.loads(inputs[kind[2]]), task)


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
            lowered = lowered_lob_limits(
                _limits(old[r.name].inputs, DOCUMENTS[r.type]), _limits(r.inputs, DOCUMENTS[r.type])
            )
        except (KeyError, TypeError, ValueError):
            continue  # a document that does not parse: the mapping change itself is reported
        out += [lob_lowered_notice(task_id, what, was, now) for what, was, now in lowered]
    return out

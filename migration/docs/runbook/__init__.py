"""The cutover runbook for one stack: every command filled in with the stack's real names, in the order to run them.

Rendered from the stack's facts so the commands cannot drift from what Pulumi deployed; deterministic (no clock) so
it can be committed and diffed. The parts: `context` (the facts, `RunbookContext`), `sql` (the SQL it embeds),
`pictures` (Mermaid topology, phases, Gantt), `shell` with the `helpers_*.sh` files (the AWS CLI helpers), and
`sections` (sections 0-9, joined by `render_runbook`), with `objects` the steps for what DMS does not move (the
build between full load and catch-up, the cutover sequences, identities on the way back, what is left behind).
"""

from migration.docs.runbook.context import (
    EndpointIds,
    LeftBehindItem,
    MigratedTable,
    RunbookContext,
    RunbookError,
    SchemaObjectFacts,
)
from migration.docs.runbook.pictures import (
    MAX_GANTT_ROWS,
    MAX_INSTANCE_NODES,
    MAX_TASK_NODES,
    gantt_mermaid,
    phases_mermaid,
    topology_mermaid,
)
from migration.docs.runbook.sections import PROVIDER_WAIT_NOTE, render_runbook
from migration.docs.runbook.sql import (
    SESSIONS_QUERY,
    oracle_row_count_sql,
    oracle_sequence_resync_query,
    oracle_table_label,
    postgres_row_count_sql,
    postgres_sequence_resync_sql,
    postgres_table_label,
)

__all__ = [
    "LeftBehindItem",
    "SchemaObjectFacts",
    "MAX_GANTT_ROWS",
    "MAX_INSTANCE_NODES",
    "MAX_TASK_NODES",
    "PROVIDER_WAIT_NOTE",
    "SESSIONS_QUERY",
    "EndpointIds",
    "MigratedTable",
    "RunbookContext",
    "RunbookError",
    "gantt_mermaid",
    "oracle_row_count_sql",
    "oracle_sequence_resync_query",
    "oracle_table_label",
    "phases_mermaid",
    "postgres_row_count_sql",
    "postgres_sequence_resync_sql",
    "postgres_table_label",
    "render_runbook",
    "topology_mermaid",
]

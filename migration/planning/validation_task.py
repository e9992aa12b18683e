"""The ValidationOnly task: compares Oracle and PostgreSQL without moving data (immutable once created)."""

from __future__ import annotations

from dataclasses import replace

from migration.dms import mappings
from migration.planning.basis import Basis
from migration.planning.forward import forward_spec
from migration.planning.lifecycle import phase_state
from migration.planning.settings import validation_settings
from migration.planning.spec import TaskSpec
from migration.planning.stack_inventory import selected_tables
from migration.planning.table_rules import TableRules, table_rules


def validation_task(basis: Basis) -> TaskSpec | None:
    """With an inventory it compares only what the forward tasks move, under the names they move it by."""
    stack, m, inv = basis.stack, basis.config.migration, basis.inventory
    if not m.validation_only_task:
        return None
    kind = "cdc" if m.has_cdc else "full-load"
    exclude = list(m.exclude)
    rules = TableRules(tables=[])
    if inv is not None:
        rules = table_rules(stack, selected_tables(stack, inv, m.include, m.exclude), names=basis.names)
        exclude += [f"{o}.{t}" for o, t in rules.excluded]
    spec = forward_spec(
        stack,
        "validate",
        mappings.forward_selections(m.schemas, include=m.include, exclude=exclude),
        task_id=basis.ids.task_id("validate"),
        removed_columns=tuple(rules.removed),
        renames=rules.renames,
        direction="forward",
        migration_type=kind,
        settings=validation_settings(stack, kind, rules.lob_sizes_kb),
        start=phase_state(basis.config).forward_running,
    )
    why = (
        "validate: ValidationOnly task, compares Oracle and PostgreSQL row by row without writing; read results "
        f"in {spec.control_schema}.awsdms_validation_failures_v1"
    )
    return replace(spec, reasons=(why,))

"""The runbook's facts about the schema objects DMS does not move, read from the design: the paused tasks and the
build estimate, whether sequences were exported, the Oracle identity columns the reverse task writes, and what is
left behind."""

from __future__ import annotations

from migration.docs.runbook.context import LeftBehindItem, SchemaObjectFacts
from migration.inventory.ddl_constraints import (
    foreign_keys_to_validate,
    lob_not_null_columns,
    partitioned_foreign_key_bytes,
)
from migration.inventory.ddl_cutover import (
    sequence_names,
    tied_columns,
    trigger_fed_keys,
    untied_sequence_check,
    untied_sequences,
)
from migration.inventory.ddl_partitions import default_partition_check
from migration.inventory.ddl_scope import Scope, scope
from migration.planning.design import MigrationDesign
from migration.planning.post_load import paused, post_load_hours, post_load_work


def schema_object_facts(design: MigrationDesign) -> SchemaObjectFacts | None:
    objects = design.objects
    if objects is None:
        return None
    moved = set(design.moved)
    identities = [i for i in objects.identities if (i.owner, i.table) in moved]
    reverse = design.config.reverse.enabled
    whole = _all_objects(design)  # one scope: with sequences exported it is also the cutover part's
    s = whole if "sequences" not in objects.missing else None
    rates = design.plan.assumptions if design.plan is not None else {}
    untied, check = _untied(s)
    return SchemaObjectFacts(
        paused_task_ids=tuple(t.task_id for t in design.forward if paused(t)),
        post_load_hours=post_load_hours(objects, design.inventory, moved),
        window_hours=design.config.sizing.window_hours,
        post_load_objects=len(post_load_work(objects, design.inventory, moved)),
        sequences_exported="sequences" not in objects.missing,
        identity_always=tuple(f"{i.owner}.{i.table}.{i.column}" for i in identities if i.always and reverse),
        identity_by_default=tuple(f"{i.owner}.{i.table}.{i.column}" for i in identities if not i.always and reverse),
        untied_sequences=untied,
        untied_check=check,
        sequence_names=tuple(sequence_names(s)) if s is not None else (),
        trigger_fed_keys=tuple(f"{t}.{c}" for t, c, _ in trigger_fed_keys(s)) if s is not None else (),
        change_mb_per_s=rates.get("change_rate_mb_per_s"),
        cdc_apply_mb_per_s=rates.get("cdc_apply_mb_per_s"),
        default_partition_check=default_partition_check(whole) if whole is not None else "",
        lob_not_null_columns=tuple(f"{s.table(t.owner, t.name)}.{c}" for t, c in lob_not_null_columns(s)) if s else (),
        foreign_keys_to_validate=len(foreign_keys_to_validate(whole)) if whole is not None else 0,
        partitioned_fk_bytes=partitioned_foreign_key_bytes(s) if s is not None else 0,
    )


def _all_objects(design: MigrationDesign) -> Scope | None:
    """What the DDL parts read, for the migrated tables, whether or not sequences were exported."""
    if design.objects is None or design.inventory is None:
        return None
    return scope(design.inventory, design.objects, names=design.names, tables=design.moved)


def _untied(s: Scope | None) -> tuple[tuple[str, ...], str]:
    """The sequences the cutover part cannot tie to a column, and the check the runbook prints for them."""
    if s is None:
        return (), ""
    untied = untied_sequences(s)
    return tuple(untied), untied_sequence_check(untied, [s.names.schema(o) for o in s.owners], tied_columns(s))


def left_behind_items(design: MigrationDesign) -> tuple[LeftBehindItem, ...]:
    return tuple(LeftBehindItem(*item) for item in design.left_behind)

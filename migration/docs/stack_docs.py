"""Documents derived from a validated stack: the DBA prerequisites and the cutover runbook.

Pure logic: the stack config (and its inventory when configured) fills the generators in `prereqs` and
`runbook`, so the SQL and the commands always name this stack's users, schemas, tasks and slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from migration.config import Connection, Stack
from migration.docs import prereqs
from migration.docs.runbook import EndpointIds, MigratedTable, RunbookContext, render_runbook
from migration.docs.runbook.lob_sql import lob_reconciliation_sql
from migration.docs.runbook.object_facts import left_behind_items, schema_object_facts
from migration.inventory.model import Inventory
from migration.inventory.names import quote_postgres
from migration.inventory.typemap import TypeMapper
from migration.planning.design import MigrationDesign
from migration.planning.lob_rules import accepted_lob_tables, change_rate, lob_reconciliation_text
from migration.planning.naming import postgres_schema

DEFAULT_ORACLE_USER = "DMS_USER"
DEFAULT_POSTGRES_USER = "dms_user"


def _user(conn: Connection | None, default: str) -> str:
    """The configured DMS user; with Secrets Manager the name lives in the secret, so a conventional default."""
    return conn.username if conn is not None and conn.username else default


def _placeholder_users(stack: Stack) -> list[str]:
    """With Secrets Manager the user name lives in the secret: say which names below are placeholders that must
    match it (set `<key>.username` next to the secret ARN to write the real one)."""
    cfg, rev = stack.config, stack.config.reverse
    conns: list[tuple[str, Connection | None, str]] = [
        ("source", cfg.source, DEFAULT_ORACLE_USER),
        ("target", cfg.target, DEFAULT_POSTGRES_USER),
    ]
    if rev.enabled:
        conns += [
            ("reverse.postgresSource", rev.postgres_source, "dms_reverse"),
            ("reverse.oracleTarget", rev.oracle_target, rev.oracle_user),  # the user the script creates
        ]
    return [
        f"-- PLACEHOLDER: {default} stands for the user stored in {conn.secrets_manager_secret_arn} ({key}); "
        f"set {key}.username to write the real name here"
        for key, conn, default in conns
        if conn is not None and conn.uses_secrets_manager and not conn.username
    ]


def _where(conn: Connection) -> str:
    host = conn.host or "(host from Secrets Manager)"
    return f"{conn.database_name} at {host}:{conn.port}"


def prerequisites(design: MigrationDesign, side: str = "all") -> str:
    """The SQL DBAs run before the first `pulumi up`: Oracle source and PostgreSQL target, and both sides of the
    way back when the stack has one; `side` keeps only the Oracle or only the PostgreSQL scripts."""
    stack = design.stack
    no_key, uk_only = _key_gaps(design)
    parts: list[str] = [
        f"-- Prerequisites for stack {stack.stack} (project {stack.project}); generated from "
        f"Pulumi.{stack.stack}.yaml by `python -m migration prereqs`."
        + "".join(f"\n{line}" for line in _placeholder_users(stack))
    ]
    if side in ("all", "oracle"):
        parts.append(_oracle_source(design, no_key, uk_only))
    if side in ("all", "postgres"):
        parts.append(_postgres_target(design))
    rev = stack.config.reverse
    if rev.enabled and rev.postgres_source is not None and rev.oracle_target is not None:
        if side in ("all", "postgres"):
            parts.append(_postgres_source(design, [*no_key, *uk_only]))
        if side in ("all", "oracle"):
            parts.append(
                prereqs.oracle_target_prereqs(
                    dms_user=rev.oracle_user,
                    schemas=stack.config.migration.schemas,
                    control_schema=rev.oracle_control_schema,
                )
            )
    return "\n\n".join(p.rstrip() for p in parts) + "\n"


def _key_gaps(design: MigrationDesign) -> tuple[list[tuple[str, str]], dict[tuple[str, str], list[str]]]:
    """The migrated tables without a key, and those keyed by a unique key only (with its columns), in inventory
    order under their Oracle names as stored."""
    inv = design.inventory
    no_key: list[tuple[str, str]] = []
    uk_only: dict[tuple[str, str], list[str]] = {}
    if inv is None:
        return no_key, uk_only
    for key in _moved_in_order(inv, design):
        table = inv.tables[key]
        if not table.has_primary_key and table.has_unique_key and table.key_columns:
            uk_only[key] = list(table.key_columns)
        elif not table.has_key:
            no_key.append(key)
    return no_key, uk_only


def _oracle_source(
    design: MigrationDesign, no_key: list[tuple[str, str]], uk_only: dict[tuple[str, str], list[str]]
) -> str:
    cfg, inv = design.config, design.inventory
    m = cfg.migration
    return prereqs.oracle_source_prereqs(
        dms_user=_user(cfg.source, DEFAULT_ORACLE_USER),
        schemas=m.schemas,
        reader=cfg.source.settings.reader,
        archive_log_retention_hours=cfg.source.settings.archive_log_retention_hours,
        cdc=m.has_cdc,
        tables_without_key=no_key,
        unique_key_only=uk_only,
        validation_with_lobs=m.validation and (inv is None or any(t.lob_columns for t in inv.tables.values())),
        add_supplemental_logging=cfg.source.settings.add_supplemental_logging,
    )


def _postgres_target(design: MigrationDesign) -> str:
    cfg = design.config
    return prereqs.postgres_target_prereqs(
        dms_user=_user(cfg.target, DEFAULT_POSTGRES_USER),
        database=cfg.target.database_name,
        schemas=[postgres_schema(cfg, s) for s in cfg.migration.schemas],
        control_schema=design.forward[0].control_schema,
        engine=cfg.target.engine,
    )


def _postgres_source(design: MigrationDesign, keyless: Sequence[tuple[str, str]]) -> str:
    cfg = design.config
    conn = cfg.reverse.postgres_source
    assert conn is not None
    src = conn.settings
    return prereqs.postgres_source_prereqs(
        dms_user=_user(conn, "dms_reverse"),
        database=conn.database_name,
        schemas=[postgres_schema(cfg, s) for s in cfg.migration.schemas],
        slot_name=src.slot_name,
        plugin="pglogical" if src.plugin_name == "pglogical" else "test-decoding",
        heartbeat_schema=src.heartbeat_schema or "public",
        engine=cfg.target.engine,
        replica_identity_full=_pg_tables(design, keyless),
    )


def _pg_tables(design: MigrationDesign, tables: Sequence[tuple[str, str]]) -> list[str]:
    """Qualified, quoted PostgreSQL names of these migrated Oracle tables (from the inventory's name map)."""
    names = design.names
    if names is None or not tables:
        return []
    return [f"{quote_postgres(names.schema(o))}.{quote_postgres(names.table(o, t))}" for o, t in tables]


def _keyless_pg_tables(design: MigrationDesign) -> list[str]:
    """The migrated tables without a primary key, under their PostgreSQL names (REPLICA IDENTITY FULL for them)."""
    no_key, uk_only = _key_gaps(design)
    return _pg_tables(design, [*no_key, *uk_only])


def renamed_objects(design: MigrationDesign) -> list[tuple[str, str]] | None:
    """(Oracle name, PostgreSQL name) of the migrated tables and columns whose PostgreSQL name is not the case
    fold, in inventory order; None without an inventory."""
    inv, names = design.inventory, design.names
    if inv is None or names is None:
        return None
    out: list[tuple[str, str]] = []
    for owner, table in _moved_in_order(inv, design):
        pg_table = f"{names.schema(owner)}.{names.table(owner, table)}"
        if (owner, table) in names.tables:
            out.append((f"{owner}.{table}", pg_table))
        out += [(f"{owner}.{table}.{c}", f"{pg_table}.{p}") for c, p in names.renamed_columns(owner, table).items()]
    return out


def quoted_names(design: MigrationDesign) -> list[tuple[str, str]]:
    """(Oracle name, PostgreSQL name as SQL must write it) of the migrated tables and columns whose PostgreSQL
    name only works quoted: a reserved word (`order`) or a name kept as Oracle spells it (`ORDER#`, `ship-to`:
    DMS transforms no such name). Applications must quote them; in inventory order, empty without an inventory."""
    inv, names = design.inventory, design.names
    if inv is None or names is None:
        return []
    out: list[tuple[str, str]] = []
    for owner, table in _moved_in_order(inv, design):
        pg_table = names.table(owner, table)
        where = f"{quote_postgres(names.schema(owner))}.{quote_postgres(pg_table)}"
        if quote_postgres(pg_table) != pg_table:
            out.append((f"{owner}.{table}", where))
        for col in inv.tables[(owner, table)].columns:
            pg = names.column(owner, table, col.name)
            if quote_postgres(pg) != pg:
                out.append((f"{owner}.{table}.{col.name}", f"{where}.{quote_postgres(pg)}"))
    return out


def _lob_reconciliation(design: MigrationDesign) -> dict[str, Any]:
    """The tables whose LOB-only updates LogMiner loses (the acknowledged ones the forward tasks move with their
    LOBs), with their reconciliation SQL and the plan's words for it; without an inventory, the acknowledged
    patterns as written."""
    cfg = design.stack.config
    inv, names = design.inventory, design.names
    if inv is None or names is None:
        labels = cfg.migration.lob_updates_not_replicated if cfg.source.settings.reader == "logminer" else []
        return {"lob_updates_not_replicated": tuple(labels)}
    if not accepted_lob_tables(design.stack, [f"{o}.{t}" for o, t in design.moved]):  # no LogMiner acknowledgement
        return {"lob_updates_not_replicated": (), "lob_reconciliation": (), "lob_reconciliation_note": ""}
    types = TypeMapper(cfg.source.settings.number_datatype_scale)
    removed = {(r.schema, r.table, r.column) for s in design.forward for r in s.removed_columns}
    kept = {
        key: [c.name for c in inv.tables[key].columns if types.map(c).is_lob and (*key, c.name) not in removed]
        for key in _moved_in_order(inv, design)
    }
    labels = accepted_lob_tables(design.stack, [f"{o}.{t}" for (o, t), lobs in kept.items() if lobs])
    tables = [inv.tables[(label.split(".", 1)[0], label.split(".", 1)[1])] for label in labels]
    return {
        "lob_updates_not_replicated": tuple(labels),
        "lob_reconciliation": tuple(lob_reconciliation_sql(t, kept[(t.owner, t.name)], names, types) for t in tables),
        "lob_reconciliation_note": (
            lob_reconciliation_text(
                tables,
                cfg.sizing.window_hours,
                logminer_only=cfg.source.settings.filter_transactions_of_user is not None,
                change_mb_per_s=change_rate(cfg.sizing.throughput),
            )
            if tables
            else ""
        ),
    }


def _moved_in_order(inv: Inventory, design: MigrationDesign) -> list[tuple[str, str]]:
    """The tables the forward tasks move, in inventory order (one pass; a sort keyed on list.index was quadratic)."""
    return [key for key in inv.tables if key in design.moved]


def runbook_context(design: MigrationDesign) -> RunbookContext:
    """What the runbook needs of the design: ids, where each task runs, the plan's estimates, the exact tables."""
    from migration.planning.capacity import serverless_dcu

    stack, forward = design.stack, design.forward
    cfg = stack.config
    names = design.ids
    rev = cfg.reverse
    has_reverse = rev.enabled and rev.postgres_source is not None
    reverse_id = names.task_id("reverse") if has_reverse else None
    instance_ids = design.instance_ids  # [] on DMS Serverless
    return RunbookContext(
        project=stack.project,
        stack=stack.stack,
        region=stack.region,
        phase=cfg.phase,
        migration_type=cfg.migration.type,
        forward_task_ids=[t.task_id for t in forward],
        reverse_task_id=reverse_id,
        instance_id=instance_ids[0] if instance_ids else names.instance_id,
        source_description=f"Oracle {_where(cfg.source)}",
        target_description=f"{cfg.target.engine} {_where(cfg.target)}",
        oracle_schemas=list(cfg.migration.schemas),
        postgres_schemas=[postgres_schema(cfg, s) for s in cfg.migration.schemas],
        reverse_slot_name=rev.postgres_source.settings.slot_name if has_reverse and rev.postgres_source else None,
        loopback_prevention=has_reverse and rev.loopback_prevention,
        validation_enabled=cfg.migration.validation,
        **_lob_reconciliation(design),
        renamed=renamed_objects(design),
        quoted=quoted_names(design),
        instance_ids=instance_ids,
        task_instances=_task_instances(design, reverse_id),
        serverless_dcu=serverless_dcu(cfg) if cfg.capacity.mode == "serverless" else None,
        endpoint_ids=EndpointIds(
            names.source_endpoint_id,
            names.target_endpoint_id,
            names.reverse_source_endpoint_id,
            names.reverse_target_endpoint_id,
        ),
        full_load_estimates=_estimates(design),
        migrated_tables=_migrated(design),
        reverse_slot_plugin="pglogical"
        if has_reverse and rev.postgres_source and rev.postgres_source.settings.plugin_name == "pglogical"
        else "test-decoding",
        schema_objects=schema_object_facts(design),
        left_behind=left_behind_items(design),
        replica_identity_full=_keyless_pg_tables(design) if has_reverse else (),
        resync_windows=_resync_windows(design),
    )


def _resync_windows(design: MigrationDesign) -> list[tuple[str, str, int]]:
    """Each forward task's data resync window by task name (ids are named once, in the helpers), as its task
    settings set it (ResyncSettings, CDC tasks only)."""
    windows = [(t.name, t.settings.get("ResyncSettings", {})) for t in design.forward]
    return [(tid, r["ResyncSchedule"], int(r["MaxResyncTime"])) for tid, r in windows if "ResyncSchedule" in r]


def _task_instances(design: MigrationDesign, reverse_id: str | None) -> dict[str, str]:
    """The instance each task runs on ({} on DMS Serverless); the reverse task runs on the first instance."""
    ids = design.instance_ids
    if not ids:
        return {}
    out = {t.task_id: ids[t.instance] for t in design.forward}
    if reverse_id:
        out[reverse_id] = ids[0]
    return out


def _estimates(design: MigrationDesign) -> list[tuple[str, float]] | None:
    """The plan's full-load estimate of each forward task (none for a CDC-only plan or stack)."""
    plan = design.plan
    if plan is None or "cdc" in (plan.migration_type, design.config.migration.type):
        return None
    planned = {pt.name: pt.estimated_seconds for pt in plan.tasks}
    return [(t.task_id, planned[t.name]) for t in design.forward if t.name in planned]


def _migrated(design: MigrationDesign) -> list[MigratedTable] | None:
    """Every migrated table under both names (None without an inventory)."""
    pg = design.names
    if pg is None:
        return None
    return [MigratedTable(o, t, pg.schema(o), pg.table(o, t)) for o, t in sorted(design.moved)]


def assessment_section(design: MigrationDesign) -> str:
    """How to run the DMS premigration assessment of the forward tasks: `python -m migration assess`, which picks
    the right API (task assessment runs on instances; StartReplication with premigration settings on DMS
    Serverless) and the bucket and role this stack creates or names."""
    stack = design.stack
    a = stack.config.assessment
    serverless = not design.instance_ids
    command = f"python -m migration assess --stack {stack.stack}" + (" --start-serverless" if serverless else "")
    if serverless:
        where = (
            "DMS Serverless runs the assessment inside StartReplication and keeps the results in a DMS-managed "
            "bucket; with `--start-serverless` you accept that a passing assessment starts the replication "
            "(a failing one keeps it stopped)."
        )
    elif a.creates(serverless=False):
        where = (
            f"The stack creates the results bucket (`{a.bucket_name(design.ids.prefix, '<account id>')}`, stack "
            f"output `assessmentBucketName`, results kept {a.result_expiration_days} days) and the role DMS writes "
            f"them with (`{a.role_name(design.ids.prefix)}`, least privilege on that bucket); `assess` finds both "
            "from the account in use."
        )
    else:
        where = (
            f"Results go to your bucket `{a.result_bucket or '<assessment.resultBucket>'}`, written with your role "
            f"`{a.service_access_role_arn or '<assessment.serviceAccessRoleArn>'}` (trusts `dms.amazonaws.com`, may "
            "put objects into the bucket)."
        )
    lines = [
        "## Appendix: premigration assessment",
        "",
        "Run it after the first `pulumi up` with `migration.startTask: false` (the tasks must exist and be stopped"
        " or ready), before starting the load. It checks unsupported data types, tables without keys, LOB columns"
        f" without keys, supplemental logging and privileges. {where}",
        "",
        "```sh",
        command,
        "```",
        "",
        "It waits with progress, prints each task's result grouped by severity with the failing checks, and exits 0"
        f" only when every run passed. The per-check JSON files (and the tables they name) are under"
        f" `{stack.stack}/assessments/<task id>` in the {'DMS-managed' if serverless else 'results'} bucket; fix every `failed` check.",
    ]
    return "\n".join(lines) + "\n"


def runbook(design: MigrationDesign) -> str:
    return render_runbook(runbook_context(design)).rstrip() + "\n\n" + assessment_section(design)

"""The reverse path's PostgreSQL source (fallback PostgreSQL -> Oracle): logical replication, the replication role
before the load; the slot and the keyless tables' replica identity at cutover (the runbook's step 5 runs the SQL
defined here: `slot_creation_sql`, `replica_identity_sql`).

Follows the AWS DMS User Guide, "Using a PostgreSQL database as an AWS DMS source" (working with AWS-managed
PostgreSQL databases), run with psql as the master user connected to the source database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from migration.docs.prereqs.shared import (
    PrereqsError,
    default_privileges,
    postgres_create_role,
    postgres_engine_label,
    postgres_name,
    schema_list,
    sql_literal,
    unique,
)
from migration.inventory.names import quote_postgres


def slot_creation_sql(slot_name: str, plugin: Literal["test-decoding", "pglogical"] = "test-decoding") -> str:
    """Guarded so it is safe to re-run: a second create would fail with 'replication slot already exists'."""
    slot = postgres_name(slot_name, "slot_name")
    output_plugin = "pglogical_output" if plugin == "pglogical" else "test_decoding"
    return (
        f"SELECT * FROM pg_create_logical_replication_slot({sql_literal(slot)}, {sql_literal(output_plugin)})\n"
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = {sql_literal(slot)});"
    )


def _postgres_source_header(
    label: str, db: str, user: str, sources: Sequence[str], plugin: str, heartbeat: str
) -> list[str]:
    """States what the script sets up, when, and how to run it."""
    return [
        f"-- AWS DMS source prerequisites (reverse path PostgreSQL -> Oracle): {label}, database {db}",
        f"-- DMS user {user}; schemas {', '.join(sources)}; plugin {plugin}; heartbeat schema {heartbeat}",
        f"-- Run with psql as the master user connected to database {db} (psql -d {db} -f ...), before the load,",
        "-- after the PostgreSQL target script (it creates the schemas). Re-runnable.",
        "",
    ]


def _logical_replication_cli(engine: str, parameter_group: str | None, db_instance: str | None) -> list[str]:
    """rds.logical_replication cannot be set from SQL: the AWS CLI commands, for the instance's parameter group
    on RDS and the cluster's on Aurora, with placeholders where the stack does not know the names."""
    group = parameter_group or "<parameter-group>"
    instance = db_instance or "<db-instance>"
    if engine == "aurora-postgresql":
        return [
            f"--   aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name {group} \\",
            "--     --parameters ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot",
            f"--   aws rds reboot-db-instance --db-instance-identifier {instance}   # the writer instance",
        ]
    return [
        f"--   aws rds modify-db-parameter-group --db-parameter-group-name {group} \\",
        "--     --parameters ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot",
        f"--   aws rds reboot-db-instance --db-instance-identifier {instance}",
    ]


def _logical_replication_step(engine: str, parameter_group: str | None, db_instance: str | None) -> list[str]:
    """Step 1: DMS CDC from PostgreSQL needs wal_level=logical and sender timeouts DMS tolerates; the query shows
    whether the reboot has happened."""
    return [
        "-- 1. Logical replication (static parameter, needs a reboot; Aurora: the cluster parameter group):",
        *_logical_replication_cli(engine, parameter_group, db_instance),
        "--    It sets wal_level=logical and raises max_replication_slots / max_wal_senders.",
        "--    wal_sender_timeout must be 0 or >= 10000 ms (DMS fails below 10 s); keep it < 5 min for Multi-AZ",
        "--    DMS failover. Do not let idle_in_transaction_session_timeout kill DMS sessions.",
        "--    max_slot_wal_keep_size: -1 (no limit) or more WAL than the reverse task can fall behind; past it",
        "--    PostgreSQL invalidates the slot and the fallback cannot start from it.",
        (
            "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'max_replication_slots', "
            "'max_wal_senders', 'wal_sender_timeout', 'max_slot_wal_keep_size') ORDER BY name;"
        ),
        "",
    ]


def _postgres_source_grants(user: str, db: str, sources: Sequence[str], owners: Sequence[str]) -> list[str]:
    """The reverse DMS role: rds_replication to use logical replication, and SELECT on the source schemas' tables,
    both existing ones and, through default privileges, those created later."""
    u = quote_postgres(user)
    out = postgres_create_role(user)
    out += [
        f"GRANT CONNECT ON DATABASE {quote_postgres(db)} TO {u};",
        f"GRANT rds_replication TO {u};",
        f"SELECT pg_has_role({sql_literal(user)}, 'rds_replication', 'MEMBER') AS has_rds_replication;",
        "-- AWS documents rds_superuser + rds_replication for a non-master DMS source user; with CaptureDdls=false",
        "-- and a pre-created slot, rds_replication may be enough (uncertain: if the task fails on permissions,",
        f"-- GRANT rds_superuser TO {u};).",
    ]
    for schema in sources:
        out += [
            f"GRANT USAGE ON SCHEMA {quote_postgres(schema)} TO {u};",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {quote_postgres(schema)} TO {u};",
        ]
        out += default_privileges(schema, "SELECT", user, owners)
    return out


def _heartbeat_schema(heartbeat: str, user: str) -> list[str]:
    """An idle slot pins WAL and storage keeps growing; the DMS heartbeat writes here so the slot keeps advancing."""
    return [
        "-- heartbeat schema: with HeartbeatEnable=true DMS writes awsdms_heartbeat here so an idle slot keeps",
        "-- advancing instead of pinning WAL",
        f"CREATE SCHEMA IF NOT EXISTS {quote_postgres(heartbeat)};",
        f"GRANT USAGE, CREATE ON SCHEMA {quote_postgres(heartbeat)} TO {quote_postgres(user)};",
    ]


def _logical_decoding_limits() -> list[str]:
    """What logical decoding cannot carry back to Oracle, so nobody relies on it during the fallback window."""
    return [
        "-- Tables need a primary key, or UPDATE/DELETE are not replicated (REPLICA IDENTITY FULL works only",
        "-- with test_decoding). TRUNCATE, sequences and large objects are never replicated.",
    ]


def _pglogical_extension() -> list[str]:
    """The pglogical plugin needs its extension, which in turn needs the library preloaded (a reboot)."""
    return [
        "-- pglogical: add pglogical to shared_preload_libraries in the parameter group (reboot), then:",
        "CREATE EXTENSION IF NOT EXISTS pglogical;",
    ]


def _replication_slot(slot: str) -> list[str]:
    """Only a pointer: a slot retains all WAL from its creation until the reverse task consumes it, so the runbook
    creates it at cutover (step 5), right before the reverse task, with `slot_creation_sql` (its one home)."""
    return [
        "",
        f"-- Replication slot {slot} (endpoint SlotName): not now. A slot retains all WAL from its creation until",
        "-- the reverse task consumes it, so the runbook creates it at cutover (step 5), right before the reverse",
        "-- task starts; then watch OldestReplicationSlotLag / TransactionLogsDiskUsage.",
    ]


def replica_identity_sql(tables: Sequence[str], plugin: str = "test-decoding") -> list[str]:
    """PostgreSQL logs the old key of an UPDATE or DELETE by the primary key only (the default replica identity);
    a table without one logs nothing DMS can find the Oracle row by, and the reverse task (errors stop it) stops at
    its first such change. FULL logs the whole old row. The tables exist only once the before-load DDL (or DMS)
    created them: the runbook runs this at cutover (step 5), before any application writes to PostgreSQL."""
    if not tables:
        return []
    if plugin == "pglogical":
        return [
            f"-- WARNING {len(tables)} migrated table(s) have no primary key, and with pglogical REPLICA IDENTITY FULL",
            "-- does not help: give them a primary key, or use pluginName test-decoding: "
            + ", ".join(tables[:10])
            + (" ..." if len(tables) > 10 else ""),
        ]
    return [
        f"-- {len(tables)} migrated table(s) have no primary key: log whole old rows so the fallback can apply",
        "-- their UPDATEs and DELETEs to Oracle (the default replica identity logs the primary key only).",
        *(f"ALTER TABLE {t} REPLICA IDENTITY FULL;" for t in tables),
    ]


def _replica_identity_pointer(tables: Sequence[str], plugin: str) -> list[str]:
    """Before the load the keyless tables do not exist yet: say when their replica identity is set (pglogical:
    the warning stands now, since FULL would not help)."""
    if not tables:
        return []
    if plugin == "pglogical":
        return ["", *replica_identity_sql(tables, plugin)]
    return [
        "",
        f"-- {len(tables)} migrated table(s) have no primary key: the runbook sets REPLICA IDENTITY FULL on them at",
        "-- cutover (step 5), once the tables exist and before any application writes to PostgreSQL.",
    ]


def postgres_source_prereqs(
    *,
    dms_user: str,
    database: str,
    schemas: Sequence[str],
    slot_name: str | None,
    plugin: Literal["test-decoding", "pglogical"],
    heartbeat_schema: str,
    engine: Literal["postgres", "aurora-postgresql"],
    table_owners: Sequence[str] = (),
    parameter_group: str | None = None,
    db_instance: str | None = None,
    replica_identity_full: Sequence[str] = (),
) -> str:
    """Reverse-path source, what it needs before the load: logical replication, the replication role and its
    grants, the heartbeat schema. What needs the tables or retains WAL (REPLICA IDENTITY FULL, the slot, the start
    LSN) waits for cutover: the runbook's step 5 (`replica_identity_sql`, `slot_creation_sql`).
    `replica_identity_full`: qualified, quoted PostgreSQL names of the migrated tables without a primary key."""
    user = postgres_name(dms_user, "dms_user")
    db = postgres_name(database, "database")
    sources = schema_list(schemas, "schemas", oracle=False)
    heartbeat = postgres_name(heartbeat_schema, "heartbeat_schema")
    owners = unique([postgres_name(o, "table_owners") for o in table_owners])
    label = postgres_engine_label(engine)
    if plugin not in ("test-decoding", "pglogical"):
        raise PrereqsError(f"plugin: {plugin!r} is not supported; allowed: 'test-decoding', 'pglogical'")
    slot = postgres_name(slot_name, "slot_name") if slot_name else None
    out = _postgres_source_header(label, db, user, sources, plugin, heartbeat)
    out += _logical_replication_step(engine, parameter_group, db_instance)
    out += _postgres_source_grants(user, db, sources, owners)
    out += _heartbeat_schema(heartbeat, user)
    out += _logical_decoding_limits()
    out += _replica_identity_pointer(replica_identity_full, plugin)
    if plugin == "pglogical":
        out += _pglogical_extension()
    if slot:
        out += _replication_slot(slot)
    return "\n".join(out) + "\n"

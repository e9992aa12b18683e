"""The forward path's PostgreSQL target (RDS or Aurora PostgreSQL): the DMS role and its schema privileges.

Follows the AWS DMS User Guide, "Using a PostgreSQL database as a target for AWS Database Migration Service"
(security requirements), run as the master user connected to the target database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from migration.docs.prereqs.shared import (
    default_privileges,
    postgres_create_role,
    postgres_engine_label,
    postgres_name,
    schema_list,
    sql_in_list,
    sql_literal,
    unique,
)
from migration.inventory.names import quote_postgres

_TARGET_DML = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE"


def _postgres_target_header(label: str, db: str, user: str, targets: Sequence[str], control: str) -> list[str]:
    """States what the script sets up and where to run it: the grants are per database, so psql must connect to it."""
    return [
        f"-- AWS DMS target prerequisites: {label}, database {db}",
        f"-- DMS user {user}; target schemas {', '.join(targets)}; control schema {control}",
        f"-- Run as the master user connected to database {db} (psql -d {db}). Re-runnable.",
        "",
    ]


def _postgres_target_database_grants(user: str, db: str) -> list[str]:
    """The DMS role, with CONNECT to reach the database and CREATE so it can create missing target schemas."""
    return [
        *postgres_create_role(user),
        f"GRANT CONNECT, CREATE ON DATABASE {quote_postgres(db)} TO {quote_postgres(user)};",
        "",
    ]


def _target_schema_grants(schema: str, user: str, owners: Sequence[str]) -> list[str]:
    """DMS writes into tables that exist now and into tables created later (default privileges), and creates the
    tables that are missing; TRUNCATE is for TargetTablePrepMode=TRUNCATE_BEFORE_LOAD."""
    s, u = quote_postgres(schema), quote_postgres(user)
    out = [
        f"-- target schema {schema}: DMS creates missing tables and writes into pre-created ones",
        f"CREATE SCHEMA IF NOT EXISTS {s};",
        f"GRANT USAGE, CREATE ON SCHEMA {s} TO {u};",
        f"GRANT {_TARGET_DML} ON ALL TABLES IN SCHEMA {s} TO {u};",
    ]
    return out + default_privileges(schema, _TARGET_DML, user, owners)


def _control_schema_grants(control: str, user: str) -> list[str]:
    """DMS creates its control tables itself, so it needs CREATE on the control schema, not grants on tables."""
    return [
        f"-- control schema {control}: DMS creates awsdms_apply_exceptions (always) and the optional",
        "-- status/history/suspended-tables and validation-failure tables here, owned by the DMS user",
        f"CREATE SCHEMA IF NOT EXISTS {quote_postgres(control)};",
        f"GRANT USAGE, CREATE ON SCHEMA {quote_postgres(control)} TO {quote_postgres(user)};",
    ]


def _postgres_target_schema_grants(user: str, targets: Sequence[str], control: str, owners: Sequence[str]) -> list[str]:
    """Every target schema, then the control schema unless it is one of them (its grants would only repeat)."""
    out: list[str] = []
    if owners:
        out.append(
            f"-- Run as a member of {', '.join(owners)} (or a superuser): ALTER DEFAULT PRIVILEGES FOR ROLE needs it."
        )
    for schema in targets:
        out += _target_schema_grants(schema, user, owners)
    if control not in targets:
        out += _control_schema_grants(control, user)
    return out


def _session_replication_role_notes(user: str) -> list[str]:
    """During the full load, FKs and triggers would reject or duplicate rows DMS loads out of order;
    session_replication_role turns them off, but setting it needs rights only the DBA can give."""
    grantee = quote_postgres(user)
    return [
        "",
        "-- Foreign keys and triggers during the full load: the target endpoint's AfterConnectScript",
        "-- `SET session_replication_role = 'replica'` keeps FK and ordinary triggers from firing in DMS sessions.",
        "-- session_replication_role is a superuser-only setting:",
        f"--   * vanilla PostgreSQL 15+: GRANT SET ON PARAMETER session_replication_role TO {grantee};",
        "--   * RDS/Aurora: the master user (rds_superuser) may set it; AWS's DMS guide connects as the master user.",
        f"--     For a separate DMS user: GRANT rds_superuser TO {grantee};  (uncertain whether anything narrower",
        "--     works on RDS: verify with SET session_replication_role = 'replica' as the DMS user)",
        "-- Even with 'replica', PostgreSQL refuses TRUNCATE of a table referenced by a FK: keep",
        "-- TargetTablePrepMode=DO_NOTHING when FKs exist.",
    ]


def _force_ssl_note(engine: str) -> list[str]:
    """RDS/Aurora PostgreSQL 15+ refuse connections without TLS by default, a frequent first-connection failure."""
    param_group = "DB cluster parameter group" if engine == "aurora-postgresql" else "DB parameter group"
    return [
        f"-- TLS: RDS/Aurora PostgreSQL 15+ default rds.force_ssl=1 ({param_group}); set the DMS endpoint",
        "-- SslMode to require or verify-full, or connections are refused.",
    ]


def _postgres_target_verify(user: str, db: str, targets: Sequence[str], control: str) -> list[str]:
    """Queries that show the DBA the database and schema grants took effect before DMS connects."""
    return [
        "",
        "-- Verify",
        f"SELECT has_database_privilege({sql_literal(user)}, {sql_literal(db)}, 'CONNECT, CREATE') AS db_ok;",
        "SELECT nspname, has_schema_privilege(" + sql_literal(user) + ", nspname, 'USAGE, CREATE') AS schema_ok "
        "FROM pg_namespace WHERE nspname IN (" + sql_in_list(unique([*targets, control])) + ");",
    ]


def postgres_target_prereqs(
    *,
    dms_user: str,
    database: str,
    schemas: Sequence[str],
    control_schema: str,
    engine: Literal["postgres", "aurora-postgresql"],
    table_owners: Sequence[str] = (),
) -> str:
    """Forward target. `table_owners`: roles that create the pre-created target tables."""
    user = postgres_name(dms_user, "dms_user")
    db = postgres_name(database, "database")
    targets = schema_list(schemas, "schemas", oracle=False)
    control = postgres_name(control_schema, "control_schema")
    owners = unique([postgres_name(o, "table_owners") for o in table_owners])
    label = postgres_engine_label(engine)
    out = _postgres_target_header(label, db, user, targets, control)
    out += _postgres_target_database_grants(user, db)
    out += _postgres_target_schema_grants(user, targets, control, owners)
    out += _session_replication_role_notes(user)
    out += _force_ssl_note(engine)
    out += _postgres_target_verify(user, db, targets, control)
    return "\n".join(out) + "\n"

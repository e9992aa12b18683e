"""Database-side prerequisites as SQL scripts a DBA runs, derived from the stack's inputs.

DMS cannot create its own users, logging or slots; these scripts do it with least privilege where the reference
allows. The only placeholder is `<password>`: a real secret never belongs in generated text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal, TypeVar

from migration.inventory.names import quote_oracle

T = TypeVar("T")

PASSWORD_PLACEHOLDER = "<password>"
LSN_QUERY = "SELECT pg_current_wal_lsn()::text AS lsn"
SCN_QUERY = (
    "SELECT d.CURRENT_SCN, (SELECT MIN(t.START_SCN) FROM V$TRANSACTION t) AS OLDEST_OPEN_TXN_SCN FROM V$DATABASE d"
)
FALLBACK_TRACKING_TABLE = "DMS_FALLBACK_DISABLED"

# DMS does not support Oracle identifiers longer than 30 bytes (reference 3.6); unquoted names only.
_ORA_IDENT_RE = re.compile(r"[A-Za-z][A-Za-z0-9_$#]{0,29}")
_PG_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")
_PG_PLAIN_RE = re.compile(r"[a-z_][a-z0-9_$]*")
_GROUP_JUNK = re.compile(r"[^A-Z0-9_$#]")

# reference 3.3: SYS objects the source DMS user reads, granted through rdsadmin on RDS.
ORACLE_SOURCE_SYS_OBJECTS = (
    "ALL_VIEWS",
    "ALL_TAB_PARTITIONS",
    "ALL_INDEXES",
    "ALL_OBJECTS",
    "ALL_TABLES",
    "ALL_USERS",
    "ALL_CATALOG",
    "ALL_CONSTRAINTS",
    "ALL_CONS_COLUMNS",
    "ALL_TAB_COLS",
    "ALL_IND_COLUMNS",
    "ALL_LOG_GROUPS",
    "V_$ARCHIVED_LOG",
    "V_$LOG",
    "V_$LOGFILE",
    "V_$DATABASE",
    "V_$THREAD",
    "V_$PARAMETER",
    "V_$NLS_PARAMETERS",
    "V_$TIMEZONE_NAMES",
    "V_$TRANSACTION",
    "V_$CONTAINERS",
    "DBA_REGISTRY",
    "OBJ$",
    "ALL_ENCRYPTED_COLUMNS",
    "V_$LOGMNR_LOGS",
    "V_$LOGMNR_CONTENTS",
)
# reference 5.2: dictionary objects the reverse-path (target) DMS user reads.
ORACLE_TARGET_SYS_OBJECTS = (
    "V_$NLS_PARAMETERS",
    "V_$TIMEZONE_NAMES",
    "ALL_INDEXES",
    "ALL_OBJECTS",
    "DBA_OBJECTS",
    "ALL_TABLES",
    "ALL_USERS",
    "ALL_CATALOG",
    "ALL_CONSTRAINTS",
    "ALL_CONS_COLUMNS",
    "ALL_TAB_COLS",
    "ALL_IND_COLUMNS",
    "DBA_USERS",
    "DBA_TAB_PRIVS",
    "DBA_SYNONYMS",
    "DBA_SEQUENCES",
    "DBA_TYPES",
    "DBA_INDEXES",
    "DBA_TABLES",
    "DBA_TRIGGERS",
    "DBA_REGISTRY",
)
ORACLE_TARGET_SYSTEM_PRIVILEGES = (
    "CREATE SESSION",
    "SELECT ANY TRANSACTION",
    "SELECT ANY TABLE",
    "INSERT ANY TABLE",
    "UPDATE ANY TABLE",
    "DELETE ANY TABLE",
    "DROP ANY TABLE",
    "CREATE ANY VIEW",
    "DROP ANY VIEW",
    "CREATE ANY PROCEDURE",
    "ALTER ANY PROCEDURE",
    "DROP ANY PROCEDURE",
    "CREATE ANY SEQUENCE",
    "ALTER ANY SEQUENCE",
    "DROP ANY SEQUENCE",
)


class PrereqsError(ValueError):
    """Input that would produce a wrong or unsafe script; the message is one line naming the argument."""


def _ora(name: str, what: str) -> str:
    if not isinstance(name, str) or not _ORA_IDENT_RE.fullmatch(name):
        raise PrereqsError(
            f"{what}: {name!r} is not a usable Oracle identifier; allowed: a letter then letters, "
            "digits, _, $ or #, at most 30 characters (DMS does not support longer names)"
        )
    return name.upper()


def _ora_object(name: str, what: str) -> str:
    """A table or column name exactly as the Oracle dictionary stores it ("EventLog" stays EventLog): quoted where
    SQL needs it by `quote_oracle`, never upper-cased here (that turned "EventLog" into a table Oracle lacks)."""
    if not isinstance(name, str) or not name or '"' in name or "\x00" in name or len(name.encode("utf-8")) > 128:
        raise PrereqsError(
            f"{what}: {name!r} is not an Oracle name as the dictionary stores it; allowed: 1..128 bytes without "
            "double quotes"
        )
    return name


def _pg_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _PG_IDENT_RE.fullmatch(name):
        raise PrereqsError(
            f"{what}: {name!r} is not a usable PostgreSQL identifier; allowed: a letter or _ then "
            "letters, digits, _ or $, at most 63 characters"
        )
    return name


def _pg(name: str) -> str:
    """Quote only when PostgreSQL would otherwise fold or misread the name, so scripts stay readable."""
    return name if _PG_PLAIN_RE.fullmatch(name) else '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _unique(names: Sequence[T]) -> list[T]:
    return list(dict.fromkeys(names))


def _schema_list(schemas: Sequence[str], what: str, oracle: bool) -> list[str]:
    if isinstance(schemas, str) or not schemas:
        raise PrereqsError(f"{what}: give at least one schema as a list, got {schemas!r}")
    return _unique([_ora(s, what) if oracle else _pg_name(s, what) for s in schemas])


def _oracle_create_user(user: str) -> list[str]:
    return [
        "-- DMS user (re-runnable: created only when missing). Replace <password> before running.",
        "DECLARE",
        "  n NUMBER;",
        "BEGIN",
        f"  SELECT COUNT(*) INTO n FROM dba_users WHERE username = {_lit(user)};",
        "  IF n = 0 THEN",
        f"    EXECUTE IMMEDIATE 'CREATE USER {user} IDENTIFIED BY \"{PASSWORD_PLACEHOLDER}\"';",
        "  END IF;",
        "END;",
        "/",
    ]


def _grant_loop(privilege: str, owners: list[str], user: str) -> list[str]:
    """Per-table grants instead of an ANY privilege: tables created later need a re-run of this block."""
    in_list = ", ".join(_lit(o) for o in owners)
    return [
        "BEGIN",
        f"  FOR t IN (SELECT owner, table_name FROM all_tables WHERE owner IN ({in_list})",
        "            AND nested = 'NO' AND temporary = 'N' AND table_name NOT LIKE 'BIN$%') LOOP",
        f"    EXECUTE IMMEDIATE 'GRANT {privilege} ON \"' || t.owner || '\".\"' || t.table_name || '\" TO {user}';",
        "  END LOOP;",
        "END;",
        "/",
    ]


def _sys_grant(obj: str, user: str, privilege: str = "SELECT") -> str:
    return f"EXEC rdsadmin.rdsadmin_util.grant_sys_object('{obj}', '{user}', '{privilege}');"


def _guarded(log_group_filter: str, ddl: str) -> list[str]:
    """Adding logging that already exists is an error in Oracle, so each ALTER runs only when it is missing."""
    return [
        "DECLARE",
        "  n NUMBER;",
        "BEGIN",
        f"  SELECT COUNT(*) INTO n FROM dba_log_groups WHERE {log_group_filter};",
        f"  IF n = 0 THEN EXECUTE IMMEDIATE {_lit(ddl)}; END IF;",
        "END;",
        "/",
    ]


def _log_group_names(unique_key_only: Mapping[tuple[str, str], Sequence[str]]) -> dict[tuple[str, str], str]:
    """Deterministic log group names within 30 characters, plain upper case whatever the table's name (so they need
    no quotes and match dba_log_groups as written); a numeric suffix only when truncation collides."""
    used: set[tuple[str, str]] = set()
    names: dict[tuple[str, str], str] = {}
    for schema, table in sorted(unique_key_only):
        base = _GROUP_JUNK.sub("_", table.upper())
        base = base if base[:1].isalpha() else f"G_{base}"
        name = f"{base[:26]}_DLG"
        i = 1
        while (schema, name) in used:
            name = f"{base[:24]}_DLG{i}"
            i += 1
        used.add((schema, name))
        names[(schema, table)] = name
    return names


def _check_reader_and_retention(reader: str, archive_log_retention_hours: int, cdc: bool) -> None:
    """Refuse a reader DMS does not offer and, for CDC, a retention under an hour: RDS would purge the archived redo
    DMS still has to read after a stop. A full load reads no redo, so its retention is not checked."""
    if reader not in ("logminer", "binary-reader"):
        raise PrereqsError(f"reader: {reader!r} is not supported; allowed: 'logminer', 'binary-reader'")
    if cdc and (
        isinstance(archive_log_retention_hours, bool)
        or not isinstance(archive_log_retention_hours, int)
        or archive_log_retention_hours < 1
    ):
        raise PrereqsError(
            f"archive_log_retention_hours: {archive_log_retention_hours!r} is not allowed; "
            "give a whole number of hours >= 1, e.g. 24"
        )


def _oracle_key_tables(
    tables_without_key: Sequence[tuple[str, str]],
    unique_key_only: Mapping[tuple[str, str], Sequence[str]] | None,
    owners: Sequence[str],
) -> tuple[list[tuple[str, str]], dict[tuple[str, str], list[str]]]:
    """De-duplicated tables that need table-level logging, table and column names exactly as Oracle stores them
    (schemas as the replicated schemas spell them). Refused: a table outside the replicated schemas (logging DMS
    never reads) and one listed both ways (ALL COLUMNS and a log group contradict)."""

    def owner_of(schema: str, what: str) -> str:
        return schema if schema in owners else _ora(schema, what)

    keyless = _unique(
        [
            (owner_of(s, "tables_without_key schema"), _ora_object(t, "tables_without_key table"))
            for s, t in tables_without_key
        ]
    )
    uk_only: dict[tuple[str, str], list[str]] = {}
    for (s, t), cols in (unique_key_only or {}).items():
        key = (owner_of(s, "unique_key_only schema"), _ora_object(t, "unique_key_only table"))
        if isinstance(cols, str) or not cols:
            raise PrereqsError(f"unique_key_only[{s}.{t}]: give the unique key's columns as a non-empty list")
        uk_only[key] = _unique([_ora_object(c, f"unique_key_only[{s}.{t}] column") for c in cols])
    for s, t in [*keyless, *uk_only]:
        if s not in owners:
            raise PrereqsError(f"table {s}.{t}: schema {s} is not one of the replicated schemas {owners}")
    both = sorted(set(keyless) & set(uk_only))
    if both:
        s, t = both[0]
        raise PrereqsError(
            f"table {s}.{t} is listed both without key and with a unique key; it must be one or the "
            "other (ALL COLUMNS logging vs a log group)"
        )
    return keyless, uk_only


def _oracle_source_header(user: str, owners: Sequence[str], reader: str, cdc: bool) -> list[str]:
    """States what the script sets up and how to run it, so the DBA can check it against the stack before running."""
    reader_name = "Binary Reader" if reader == "binary-reader" else "LogMiner"
    return [
        "-- AWS DMS source prerequisites: Amazon RDS for Oracle",
        (
            f"-- DMS user {user}; schemas {', '.join(owners)}; CDC: {'yes' if cdc else 'no (full load only)'}; "
            f"reader: {reader_name if cdc else 'n/a'}"
        ),
        "-- Run as the RDS master user in SQL*Plus or SQLcl. Re-runnable.",
        "",
    ]


def _archive_log_retention(archive_log_retention_hours: int) -> list[str]:
    """Steps 1-2 (CDC): DMS reads archived redo, which exists only in ARCHIVELOG mode and which RDS purges early
    unless retention is raised; a DMS task stopped longer than the retention cannot resume."""
    return [
        "-- 1. Automated backups must be ON (backup retention period > 0): that is what puts RDS for Oracle in",
        "--    ARCHIVELOG mode. Check the instance's BackupRetentionPeriod; it cannot be done from SQL.",
        "-- 2. Keep archived redo long enough for DMS to catch up after a stop; size storage for the redo",
        "--    generated in this window.",
        (
            f"EXEC rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours', "
            f"{archive_log_retention_hours});"
        ),
        "COMMIT;",
    ]


def _database_supplemental_logging(add_supplemental_logging: bool) -> list[str]:
    """Steps 3-4 (CDC): without supplemental logging the redo lacks the key columns DMS needs to apply UPDATEs and
    DELETEs. PK logging is database-wide here, unless the endpoint's AddSupplementalLogging has DMS add it per table."""
    out = [
        "-- 3. Database-level minimal supplemental logging (always required for CDC).",
        "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');",
    ]
    if add_supplemental_logging:
        return out + [
            "-- 4. Primary-key logging: DMS adds it per table itself (AddSupplementalLogging=true), so no",
            "--    database-level PRIMARY KEY logging here; DMS needs ALTER on the tables (granted below).",
        ]
    return out + [
        "-- 4. Database-level primary-key supplemental logging.",
        "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD','PRIMARY KEY');",
    ]


def _table_supplemental_logging(
    keyless: Sequence[tuple[str, str]], uk_only: Mapping[tuple[str, str], Sequence[str]]
) -> list[str]:
    """Step 5 (CDC): PK logging does nothing for a table without a primary key, so its rows could not be identified
    on the target: log ALL columns when it has no unique key, a log group on the unique key otherwise."""
    out: list[str] = []
    if keyless or uk_only:
        out.append("-- 5. Tables without a primary key: ALL COLUMNS when there is no unique key (more redo),")
        out.append("--    a log group on the unique key's columns otherwise (DMS uses the alphabetically first")
        out.append("--    UK).")
    for s, t in keyless:
        out += _guarded(
            f"owner = {_lit(s)} AND table_name = {_lit(t)} AND log_group_type = 'ALL COLUMN LOGGING'",
            f"ALTER TABLE {quote_oracle(s)}.{quote_oracle(t)} ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS",
        )
    groups = _log_group_names(uk_only)
    for (s, t), cols in sorted(uk_only.items()):
        group = groups[(s, t)]
        columns = ", ".join(quote_oracle(c) for c in cols)
        out += _guarded(
            f"owner = {_lit(s)} AND log_group_name = {_lit(group)}",
            f"ALTER TABLE {quote_oracle(s)}.{quote_oracle(t)} ADD SUPPLEMENTAL LOG GROUP {group} ({columns}) ALWAYS",
        )
    return out


def _full_load_only_note() -> list[str]:
    """Without CDC the redo-related steps are left out; the note says why, and that writes must stop instead."""
    return [
        "-- Full load only (no CDC): archive log retention, supplemental logging and the LogMiner/Binary",
        "-- Reader grants are not needed and are left out. Stop writes on Oracle for the whole load.",
    ]


def _oracle_source_user_grants(user: str, owners: list[str], alter_tables: bool) -> list[str]:
    """The DMS user with least privilege: SELECT per table of the replicated schemas rather than SELECT ANY TABLE,
    and ALTER on those tables only when DMS adds table-level supplemental logging itself (`alter_tables`)."""
    out = ["", "-- DMS user and privileges"]
    out += _oracle_create_user(user)
    out += [
        f"GRANT CREATE SESSION TO {user};",
        f"GRANT SELECT ANY TRANSACTION TO {user};",
        f"GRANT SELECT ON DBA_TABLESPACES TO {user};",
        f"GRANT EXECUTE ON rdsadmin.rdsadmin_util TO {user};",
        "-- SELECT on each table of the replicated schemas (least privilege instead of SELECT ANY TABLE);",
        "-- re-run this block after creating tables in these schemas.",
    ]
    out += _grant_loop("SELECT", owners, user)
    if alter_tables:
        out.append("-- ALTER on the replicated tables so DMS can add table-level supplemental logging.")
        out += _grant_loop("ALTER", owners, user)
    return out


def _oracle_source_dictionary_grants(user: str) -> list[str]:
    """DMS reads table metadata and redo state from SYS views; on RDS they are granted only through rdsadmin."""
    out = ["-- Dictionary objects DMS reads (names must be upper-case)."]
    out += [_sys_grant(o, user) for o in ORACLE_SOURCE_SYS_OBJECTS]
    out.append(_sys_grant("REGISTRY$SQLPATCH", user) + "  -- Oracle 12.1 and later")
    return out


def _redo_reader_grants(user: str, reader: str) -> list[str]:
    """CDC only: each reader needs different rights. LogMiner runs DBMS_LOGMNR in the database; Binary Reader reads
    the redo files itself through the RDS directory objects."""
    if reader == "logminer":
        return [
            "-- LogMiner reader",
            f"GRANT LOGMINING TO {user};  -- Oracle 12c and later",
            _sys_grant("DBMS_LOGMNR", user, "EXECUTE"),
        ]
    return [
        "-- Binary Reader: DMS reads redo through directory objects (endpoint: UseLogminerReader=false,",
        "-- UseBFile=true; 11.2/12.1 also need the path-prefix settings).",
        _sys_grant("DBA_DIRECTORIES", user),
        "EXEC rdsadmin.rdsadmin_master_util.create_archivelog_dir;",
        "EXEC rdsadmin.rdsadmin_master_util.create_onlinelog_dir;",
        f"GRANT READ ON DIRECTORY ONLINELOG_DIR TO {user};",
        f"GRANT READ ON DIRECTORY ARCHIVELOG_DIR TO {user};",
    ]


def _oracle_source_optional_grants(user: str, validation_with_lobs: bool) -> list[str]:
    """Grants that depend on how the source is used: DBMS_CRYPTO, which data validation of LOB columns needs;
    Data Guard and TDE objects are named but not granted, since this script cannot tell whether they apply."""
    out = (
        ["-- Data validation of LOB columns", _sys_grant("DBMS_CRYPTO", user, "EXECUTE")]
        if validation_with_lobs
        else []
    )
    return out + [
        "-- Only when they apply: V_$STANDBY_LOG and V_$DATAGUARD_STATS (Data Guard standby source),",
        "-- ENC$ (TDE).",
    ]


def _oracle_source_verify(user: str, owners: Sequence[str], cdc: bool, add_supplemental_logging: bool) -> list[str]:
    """Queries whose results show the DBA that logging, retention and grants took effect before DMS is started."""
    out = ["", "-- Verify"]
    if cdc:
        in_list = ", ".join(_lit(o) for o in owners)
        out += [
            "SELECT log_mode, supplemental_log_data_min, supplemental_log_data_pk FROM v$database;",
            "-- expect ARCHIVELOG, YES, "
            + ("(PK logging added per table by DMS)" if add_supplemental_logging else "YES"),
            "SET SERVEROUTPUT ON",
            "EXEC rdsadmin.rdsadmin_util.show_configuration;",
            (
                f"SELECT owner, table_name, log_group_name, log_group_type FROM dba_log_groups WHERE owner IN "
                f"({in_list}) ORDER BY 1, 2;"
            ),
        ]
    return out + [
        f"SELECT privilege FROM dba_sys_privs WHERE grantee = {_lit(user)} ORDER BY 1;",
        f"SELECT owner, table_name, privilege FROM dba_tab_privs WHERE grantee = {_lit(user)} ORDER BY 1, 2;",
    ]


def oracle_source_prereqs(
    *,
    dms_user: str,
    schemas: Sequence[str],
    reader: Literal["logminer", "binary-reader"],
    archive_log_retention_hours: int,
    cdc: bool,
    tables_without_key: Sequence[tuple[str, str]] = (),
    unique_key_only: Mapping[tuple[str, str], Sequence[str]] | None = None,
    validation_with_lobs: bool = False,
    add_supplemental_logging: bool = False,
) -> str:
    """RDS for Oracle source (reference 3.1-3.3), run as the RDS master user in SQL*Plus/SQLcl."""
    user = _ora(dms_user, "dms_user")
    owners = _schema_list(schemas, "schemas", oracle=True)
    _check_reader_and_retention(reader, archive_log_retention_hours, cdc)
    keyless, uk_only = _oracle_key_tables(tables_without_key, unique_key_only, owners)
    out = _oracle_source_header(user, owners, reader, cdc)
    if cdc:
        out += _archive_log_retention(archive_log_retention_hours)
        out += _database_supplemental_logging(add_supplemental_logging)
        out += _table_supplemental_logging(keyless, uk_only)
    else:
        out += _full_load_only_note()
    out += _oracle_source_user_grants(user, owners, alter_tables=cdc and add_supplemental_logging)
    out += _oracle_source_dictionary_grants(user)
    if cdc:
        out += _redo_reader_grants(user, reader)
    out += _oracle_source_optional_grants(user, validation_with_lobs)
    out += _oracle_source_verify(user, owners, cdc, add_supplemental_logging)
    return "\n".join(out) + "\n"


def _pg_create_role(user: str) -> list[str]:
    return [
        "-- DMS role (re-runnable: created only when missing). Replace <password> before running.",
        "DO $$",
        "BEGIN",
        f"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_lit(user)}) THEN",
        f"    CREATE ROLE {_pg(user)} LOGIN PASSWORD '{PASSWORD_PLACEHOLDER}';",
        "  END IF;",
        "END",
        "$$;",
    ]


def _pg_engine(engine: str) -> str:
    if engine not in ("postgres", "aurora-postgresql"):
        raise PrereqsError(f"engine: {engine!r} is not supported; allowed: 'postgres', 'aurora-postgresql'")
    return "Aurora PostgreSQL" if engine == "aurora-postgresql" else "RDS for PostgreSQL"


def _default_privileges(schema: str, privileges: str, user: str, owners: Sequence[str]) -> list[str]:
    """Default privileges bind to the creating role: cover the script's runner and each named table owner."""
    lines = [f"ALTER DEFAULT PRIVILEGES IN SCHEMA {_pg(schema)} GRANT {privileges} ON TABLES TO {_pg(user)};"]
    lines += [
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {_pg(o)} IN SCHEMA {_pg(schema)} GRANT {privileges} ON TABLES "
        f"TO {_pg(user)};"
        for o in owners
    ]
    return lines


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
    return [*_pg_create_role(user), f"GRANT CONNECT, CREATE ON DATABASE {_pg(db)} TO {_pg(user)};", ""]


def _target_schema_grants(schema: str, user: str, owners: Sequence[str]) -> list[str]:
    """DMS writes into tables that exist now and into tables created later (default privileges), and creates the
    tables that are missing; TRUNCATE is for TargetTablePrepMode=TRUNCATE_BEFORE_LOAD."""
    out = [
        f"-- target schema {schema}: DMS creates missing tables and writes into pre-created ones",
        f"CREATE SCHEMA IF NOT EXISTS {_pg(schema)};",
        f"GRANT USAGE, CREATE ON SCHEMA {_pg(schema)} TO {_pg(user)};",
        f"GRANT {_TARGET_DML} ON ALL TABLES IN SCHEMA {_pg(schema)} TO {_pg(user)};",
    ]
    return out + _default_privileges(schema, _TARGET_DML, user, owners)


def _control_schema_grants(control: str, user: str) -> list[str]:
    """DMS creates its control tables itself, so it needs CREATE on the control schema, not grants on tables."""
    return [
        f"-- control schema {control}: DMS creates awsdms_apply_exceptions (always) and the optional",
        "-- status/history/suspended-tables and validation-failure tables here, owned by the DMS user",
        f"CREATE SCHEMA IF NOT EXISTS {_pg(control)};",
        f"GRANT USAGE, CREATE ON SCHEMA {_pg(control)} TO {_pg(user)};",
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
    return [
        "",
        "-- Foreign keys and triggers during the full load: the target endpoint's AfterConnectScript",
        "-- `SET session_replication_role = 'replica'` keeps FK and ordinary triggers from firing in DMS sessions.",
        "-- session_replication_role is a superuser-only setting:",
        f"--   * vanilla PostgreSQL 15+: GRANT SET ON PARAMETER session_replication_role TO {user};",
        "--   * RDS/Aurora: the master user (rds_superuser) may set it; AWS's DMS guide connects as the master user.",
        f"--     For a separate DMS user: GRANT rds_superuser TO {user};  (uncertain whether anything narrower",
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
        f"SELECT has_database_privilege({_lit(user)}, {_lit(db)}, 'CONNECT, CREATE') AS db_ok;",
        "SELECT nspname, has_schema_privilege(" + _lit(user) + ", nspname, 'USAGE, CREATE') AS schema_ok "
        "FROM pg_namespace WHERE nspname IN (" + ", ".join(_lit(s) for s in _unique([*targets, control])) + ");",
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
    """Forward target (reference 4.1, 4.2). `table_owners`: roles that create the pre-created target tables."""
    user = _pg_name(dms_user, "dms_user")
    db = _pg_name(database, "database")
    targets = _schema_list(schemas, "schemas", oracle=False)
    control = _pg_name(control_schema, "control_schema")
    owners = _unique([_pg_name(o, "table_owners") for o in table_owners])
    label = _pg_engine(engine)
    out = _postgres_target_header(label, db, user, targets, control)
    out += _postgres_target_database_grants(user, db)
    out += _postgres_target_schema_grants(user, targets, control, owners)
    out += _session_replication_role_notes(user)
    out += _force_ssl_note(engine)
    out += _postgres_target_verify(user, db, targets, control)
    return "\n".join(out) + "\n"


def slot_creation_sql(slot_name: str, plugin: Literal["test-decoding", "pglogical"] = "test-decoding") -> str:
    """Guarded so it is safe to re-run: a second create would fail with 'replication slot already exists'."""
    slot = _pg_name(slot_name, "slot_name")
    output_plugin = "pglogical_output" if plugin == "pglogical" else "test_decoding"
    return (
        f"SELECT * FROM pg_create_logical_replication_slot({_lit(slot)}, {_lit(output_plugin)})\n"
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = {_lit(slot)});"
    )


def _postgres_source_header(
    label: str, db: str, user: str, sources: Sequence[str], plugin: str, heartbeat: str
) -> list[str]:
    """States what the script sets up and how to run it: psql statement by statement, since a slot cannot be
    created in a transaction that has already written."""
    return [
        f"-- AWS DMS source prerequisites (reverse path PostgreSQL -> Oracle): {label}, database {db}",
        f"-- DMS user {user}; schemas {', '.join(sources)}; plugin {plugin}; heartbeat schema {heartbeat}",
        f"-- Run with psql as the master user connected to database {db} (psql -d {db} -f ...), not inside one",
        "-- transaction: a slot cannot be created after writes in the same transaction. Re-runnable.",
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
        (
            "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'max_replication_slots', "
            "'max_wal_senders', 'wal_sender_timeout') ORDER BY name;"
        ),
        "",
    ]


def _postgres_source_grants(user: str, db: str, sources: Sequence[str], owners: Sequence[str]) -> list[str]:
    """The reverse DMS role: rds_replication to use logical replication, and SELECT on the source schemas' tables,
    both existing ones and, through default privileges, those created later."""
    out = _pg_create_role(user)
    out += [
        f"GRANT CONNECT ON DATABASE {_pg(db)} TO {_pg(user)};",
        f"GRANT rds_replication TO {_pg(user)};",
        "-- AWS documents rds_superuser + rds_replication for a non-master DMS source user; with CaptureDdls=false",
        "-- and a pre-created slot, rds_replication may be enough (uncertain: if the task fails on permissions,",
        f"-- GRANT rds_superuser TO {user};).",
    ]
    for schema in sources:
        out += [
            f"GRANT USAGE ON SCHEMA {_pg(schema)} TO {_pg(user)};",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {_pg(schema)} TO {_pg(user)};",
        ]
        out += _default_privileges(schema, "SELECT", user, owners)
    return out


def _heartbeat_schema(heartbeat: str, user: str) -> list[str]:
    """An idle slot pins WAL and storage keeps growing; the DMS heartbeat writes here so the slot keeps advancing."""
    return [
        "-- heartbeat schema: with HeartbeatEnable=true DMS writes awsdms_heartbeat here so an idle slot keeps",
        "-- advancing instead of pinning WAL",
        f"CREATE SCHEMA IF NOT EXISTS {_pg(heartbeat)};",
        f"GRANT USAGE, CREATE ON SCHEMA {_pg(heartbeat)} TO {_pg(user)};",
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


def _replication_slot(slot: str, plugin: Literal["test-decoding", "pglogical"]) -> list[str]:
    """A pre-created slot fixes the reverse task's start position; the comment warns that it retains WAL from
    creation on, so it belongs at cutover and must be watched."""
    out = [
        "",
        f"-- Replication slot {slot} for a native CDC start position (endpoint SlotName). A slot retains all WAL",
        "-- from its creation until the reverse task consumes it: create it at cutover (runbook step 5), not",
        "-- during the forward full load, and watch OldestReplicationSlotLag / TransactionLogsDiskUsage.",
    ]
    if plugin == "pglogical":
        out.append(
            "-- (uncertain) output plugin name for pglogical slots: pglogical_output; verify against your "
            "pglogical version."
        )
    return out + [
        slot_creation_sql(slot, plugin),
        f"SELECT slot_name, plugin, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = {_lit(slot)};",
    ]


def _reverse_start_position() -> list[str]:
    """The LSN taken before applications write to PostgreSQL is where the reverse task must start, or it misses
    those writes."""
    return [
        "",
        "-- CDC start position for the reverse task, captured before applications write to PostgreSQL:",
        LSN_QUERY + ";",
    ]


def _replica_identity(tables: Sequence[str], plugin: str = "test-decoding") -> list[str]:
    """PostgreSQL logs the old key of an UPDATE or DELETE by the primary key only (the default replica identity);
    a table without one logs nothing DMS can find the Oracle row by, and the reverse task (errors stop it) stops at
    its first such change. FULL logs the whole old row."""
    if not tables:
        return []
    if plugin == "pglogical":
        return [
            "",
            f"-- WARNING {len(tables)} migrated table(s) have no primary key, and with pglogical REPLICA IDENTITY FULL",
            "-- does not help: give them a primary key, or use pluginName test-decoding: "
            + ", ".join(tables[:10])
            + (" ..." if len(tables) > 10 else ""),
        ]
    return [
        "",
        f"-- {len(tables)} migrated table(s) have no primary key: log whole old rows so the fallback can apply",
        "-- their UPDATEs and DELETEs to Oracle (the default replica identity logs the primary key only).",
        *(f"ALTER TABLE {t} REPLICA IDENTITY FULL;" for t in tables),
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
    """Reverse-path source (reference 5.1): logical replication, replication role, optional pre-created slot.
    `replica_identity_full`: qualified, quoted PostgreSQL names of the migrated tables without a primary key."""
    user = _pg_name(dms_user, "dms_user")
    db = _pg_name(database, "database")
    sources = _schema_list(schemas, "schemas", oracle=False)
    heartbeat = _pg_name(heartbeat_schema, "heartbeat_schema")
    owners = _unique([_pg_name(o, "table_owners") for o in table_owners])
    label = _pg_engine(engine)
    if plugin not in ("test-decoding", "pglogical"):
        raise PrereqsError(f"plugin: {plugin!r} is not supported; allowed: 'test-decoding', 'pglogical'")
    slot = _pg_name(slot_name, "slot_name") if slot_name else None
    out = _postgres_source_header(label, db, user, sources, plugin, heartbeat)
    out += _logical_replication_step(engine, parameter_group, db_instance)
    out += _postgres_source_grants(user, db, sources, owners)
    out += _heartbeat_schema(heartbeat, user)
    out += _logical_decoding_limits()
    out += _replica_identity(replica_identity_full, plugin)
    if plugin == "pglogical":
        out += _pglogical_extension()
    if slot:
        out += _replication_slot(slot, plugin)
    out += _reverse_start_position()
    return "\n".join(out) + "\n"


def oracle_target_prereqs(*, dms_user: str, schemas: Sequence[str], control_schema: str | None = None) -> str:
    """Reverse-path Oracle target user (reference 5.2). FK/trigger handling is separate: see `oracle_fallback_*`.

    `control_schema` is the reverse task's ControlSchema, which must be the user's own schema: left empty, DMS puts
    its control tables into the target schema, where this user may write rows but not create tables."""
    user = _ora(dms_user, "dms_user")
    owners = _schema_list(schemas, "schemas", oracle=True)
    control = _ora(control_schema, "control_schema") if control_schema else user
    if control != user:
        raise PrereqsError(
            f"control_schema: {control} must be the reverse DMS user's own schema ({user}): it is the one schema "
            "that user can create DMS's control tables in"
        )
    out = [
        "-- AWS DMS target prerequisites (reverse path PostgreSQL -> Oracle): Amazon RDS for Oracle",
        f"-- DMS user {user}; tables written: {', '.join(owners)} (the original Oracle tables, DO_NOTHING); "
        f"control schema {control}",
        "-- Run as the RDS master user in SQL*Plus or SQLcl. Re-runnable.",
        "",
    ]
    out += _oracle_create_user(user)
    out += [f"GRANT {p} TO {user};" for p in ORACLE_TARGET_SYSTEM_PRIVILEGES]
    out += [
        f"-- Control schema {control} (the reverse task's ControlSchema, reverse.controlSchema): the user's own schema.",
        "-- DMS creates awsdms_apply_exceptions, awsdms_status, awsdms_suspended_tables and awsdms_history there;",
        f"-- with ControlSchema empty it would try the target schema ({owners[0]}), where this user cannot create tables.",
        f"GRANT CREATE TABLE TO {user};",
        f"GRANT UNLIMITED TABLESPACE TO {user};",
        "-- Only for direct-path full load / other-schema table creation, which a CDC-only reverse task does",
        f"-- not do: GRANT LOCK ANY TABLE, CREATE ANY INDEX, CREATE ANY TABLE TO {user};",
        "-- Dictionary objects DMS reads (names must be upper-case).",
    ]
    out += [_sys_grant(o, user) for o in ORACLE_TARGET_SYS_OBJECTS]
    out += [
        "",
        "-- Foreign keys and triggers on the replicated tables would double-fire or reject out-of-order changes",
        "-- while DMS applies PostgreSQL's changes. Disable them only once Oracle no longer takes application",
        "-- writes (runbook step 8) with the fallback disable script, and re-enable them before Oracle takes",
        "-- production back; both are generated by oracle_fallback_disable_sql / oracle_fallback_enable_sql.",
        "",
        "-- Verify",
        f"SELECT privilege FROM dba_sys_privs WHERE grantee = {_lit(user)} ORDER BY 1;",
    ]
    return "\n".join(out) + "\n"


def oracle_fallback_disable_sql(*, schemas: Sequence[str]) -> str:
    """Disable enabled FKs/triggers and record exactly those, so re-enabling leaves already-disabled ones alone."""
    owners = _schema_list(schemas, "schemas", oracle=True)
    in_list = ", ".join(_lit(o) for o in owners)
    track = FALLBACK_TRACKING_TABLE
    return (
        "\n".join(
            [
                f"-- Disable FK constraints and triggers in {', '.join(owners)} before the reverse task writes to Oracle.",
                f"-- Run as the RDS master user; what was disabled is recorded in {track} (master user's schema).",
                "DECLARE",
                "  n NUMBER;",
                "BEGIN",
                f"  SELECT COUNT(*) INTO n FROM user_tables WHERE table_name = '{track}';",
                "  IF n = 0 THEN",
                (
                    f"    EXECUTE IMMEDIATE 'CREATE TABLE {track} (object_type VARCHAR2(10), owner VARCHAR2(128), "
                    "table_name VARCHAR2(128), object_name VARCHAR2(128))';"
                ),
                "  END IF;",
                "END;",
                "/",
                "BEGIN",
                "  FOR c IN (SELECT owner, table_name, constraint_name FROM all_constraints",
                f"            WHERE owner IN ({in_list}) AND constraint_type = 'R' AND status = 'ENABLED') LOOP",
                "    EXECUTE IMMEDIATE 'ALTER TABLE \"' || c.owner || '\".\"' || c.table_name || '\" DISABLE CONSTRAINT \"'",
                "      || c.constraint_name || '\"';",
                f"    INSERT INTO {track} VALUES ('CONSTRAINT', c.owner, c.table_name, c.constraint_name);",
                "    COMMIT;",
                "  END LOOP;",
                "  FOR t IN (SELECT owner, table_name, trigger_name FROM all_triggers",
                f"            WHERE table_owner IN ({in_list}) AND base_object_type = 'TABLE' AND status = 'ENABLED') LOOP",
                "    EXECUTE IMMEDIATE 'ALTER TRIGGER \"' || t.owner || '\".\"' || t.trigger_name || '\" DISABLE';",
                f"    INSERT INTO {track} VALUES ('TRIGGER', t.owner, t.table_name, t.trigger_name);",
                "    COMMIT;",
                "  END LOOP;",
                "END;",
                "/",
                f"SELECT object_type, COUNT(*) FROM {track} GROUP BY object_type;",
            ]
        )
        + "\n"
    )


def oracle_fallback_enable_sql() -> str:
    """Re-enable only what the disable script recorded; FKs are validated so bad fallback data surfaces."""
    track = FALLBACK_TRACKING_TABLE
    return (
        "\n".join(
            [
                "-- Re-enable the FK constraints and triggers disabled for the fallback, before Oracle takes production",
                f"-- back. Run as the same master user (reads {track}). ENABLE validates existing rows: an error names",
                "-- the constraint whose data PostgreSQL's changes broke.",
                "BEGIN",
                f"  FOR r IN (SELECT owner, object_name FROM {track} WHERE object_type = 'TRIGGER') LOOP",
                "    EXECUTE IMMEDIATE 'ALTER TRIGGER \"' || r.owner || '\".\"' || r.object_name || '\" ENABLE';",
                f"    DELETE FROM {track} WHERE object_type = 'TRIGGER' AND owner = r.owner AND object_name = r.object_name;",
                "    COMMIT;",
                "  END LOOP;",
                f"  FOR r IN (SELECT owner, table_name, object_name FROM {track} WHERE object_type = 'CONSTRAINT') LOOP",
                "    EXECUTE IMMEDIATE 'ALTER TABLE \"' || r.owner || '\".\"' || r.table_name || '\" ENABLE CONSTRAINT \"'",
                "      || r.object_name || '\"';",
                (
                    f"    DELETE FROM {track} WHERE object_type = 'CONSTRAINT' AND owner = r.owner "
                    "AND object_name = r.object_name;"
                ),
                "    COMMIT;",
                "  END LOOP;",
                "END;",
                "/",
                f"SELECT COUNT(*) AS still_disabled FROM {track};  -- expect 0",
            ]
        )
        + "\n"
    )

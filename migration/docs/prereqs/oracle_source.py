"""The forward path's Oracle source (Amazon RDS for Oracle): redo retention, supplemental logging and the DMS user.

Follows the AWS DMS User Guide, "Using an Oracle database as a source for AWS DMS" (working with an AWS-managed
Oracle database, and the user account privileges it lists), run as the RDS master user in SQL*Plus or SQLcl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from migration.docs.prereqs.shared import (
    PrereqsError,
    oracle_create_user,
    oracle_name,
    oracle_object,
    schema_list,
    sql_in_list,
    sql_literal,
    sys_grant,
    unique,
)
from migration.inventory.names import quote_oracle

_GROUP_JUNK = re.compile(r"[^A-Z0-9_$#]")

# SYS objects the source DMS user reads, granted through rdsadmin on RDS (AWS DMS User Guide, "User account
# privileges required on an AWS-managed Oracle source for AWS DMS").
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


def _grant_loop(privilege: str, owners: list[str], user: str) -> list[str]:
    """Per-table grants instead of an ANY privilege: tables created later need a re-run of this block."""
    return [
        "BEGIN",
        f"  FOR t IN (SELECT owner, table_name FROM all_tables WHERE owner IN ({sql_in_list(owners)})",
        "            AND nested = 'NO' AND temporary = 'N' AND table_name NOT LIKE 'BIN$%') LOOP",
        f"    EXECUTE IMMEDIATE 'GRANT {privilege} ON \"' || t.owner || '\".\"' || t.table_name || '\" TO "
        f"{quote_oracle(user)}';",
        "  END LOOP;",
        "END;",
        "/",
    ]


def _guarded(log_group_filter: str, ddl: str) -> list[str]:
    """Adding logging that already exists is an error in Oracle, so each ALTER runs only when it is missing."""
    return [
        "DECLARE",
        "  n NUMBER;",
        "BEGIN",
        f"  SELECT COUNT(*) INTO n FROM dba_log_groups WHERE {log_group_filter};",
        f"  IF n = 0 THEN EXECUTE IMMEDIATE {sql_literal(ddl)}; END IF;",
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
        return schema if schema in owners else oracle_name(schema, what)

    keyless = unique(
        [
            (owner_of(s, "tables_without_key schema"), oracle_object(t, "tables_without_key table"))
            for s, t in tables_without_key
        ]
    )
    uk_only: dict[tuple[str, str], list[str]] = {}
    for (s, t), cols in (unique_key_only or {}).items():
        key = (owner_of(s, "unique_key_only schema"), oracle_object(t, "unique_key_only table"))
        if isinstance(cols, str) or not cols:
            raise PrereqsError(f"unique_key_only[{s}.{t}]: give the unique key's columns as a non-empty list")
        uk_only[key] = unique([oracle_object(c, f"unique_key_only[{s}.{t}] column") for c in cols])
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
            f"owner = {sql_literal(s)} AND table_name = {sql_literal(t)} AND log_group_type = 'ALL COLUMN LOGGING'",
            f"ALTER TABLE {quote_oracle(s)}.{quote_oracle(t)} ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS",
        )
    groups = _log_group_names(uk_only)
    for (s, t), cols in sorted(uk_only.items()):
        group = groups[(s, t)]
        columns = ", ".join(quote_oracle(c) for c in cols)
        out += _guarded(
            f"owner = {sql_literal(s)} AND log_group_name = {sql_literal(group)}",
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
    grantee = quote_oracle(user)
    out = ["", "-- DMS user and privileges"]
    out += oracle_create_user(user)
    out += [
        f"GRANT CREATE SESSION TO {grantee};",
        f"GRANT SELECT ANY TRANSACTION TO {grantee};",
        f"GRANT SELECT ON DBA_TABLESPACES TO {grantee};",
        f"GRANT EXECUTE ON rdsadmin.rdsadmin_util TO {grantee};",
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
    out += [sys_grant(o, user) for o in ORACLE_SOURCE_SYS_OBJECTS]
    out.append(sys_grant("REGISTRY$SQLPATCH", user) + "  -- Oracle 12.1 and later")
    return out


def _redo_reader_grants(user: str, reader: str) -> list[str]:
    """CDC only: each reader needs different rights. LogMiner runs DBMS_LOGMNR in the database; Binary Reader reads
    the redo files itself through the RDS directory objects."""
    grantee = quote_oracle(user)
    if reader == "logminer":
        return [
            "-- LogMiner reader",
            f"GRANT LOGMINING TO {grantee};  -- Oracle 12c and later",
            sys_grant("DBMS_LOGMNR", user, "EXECUTE"),
        ]
    return [
        "-- Binary Reader: DMS reads redo through directory objects (endpoint: UseLogminerReader=false,",
        "-- UseBFile=true; 11.2/12.1 also need the path-prefix settings).",
        sys_grant("DBA_DIRECTORIES", user),
        "EXEC rdsadmin.rdsadmin_master_util.create_archivelog_dir;",
        "EXEC rdsadmin.rdsadmin_master_util.create_onlinelog_dir;",
        f"GRANT READ ON DIRECTORY ONLINELOG_DIR TO {grantee};",
        f"GRANT READ ON DIRECTORY ARCHIVELOG_DIR TO {grantee};",
    ]


def _oracle_source_optional_grants(user: str, validation_with_lobs: bool) -> list[str]:
    """Grants that depend on how the source is used: DBMS_CRYPTO, which data validation of LOB columns needs;
    Data Guard and TDE objects are named but not granted, since this script cannot tell whether they apply."""
    out = (
        ["-- Data validation of LOB columns", sys_grant("DBMS_CRYPTO", user, "EXECUTE")] if validation_with_lobs else []
    )
    return out + [
        "-- Only when they apply: V_$STANDBY_LOG and V_$DATAGUARD_STATS (Data Guard standby source),",
        "-- ENC$ (TDE).",
    ]


def _oracle_source_verify(user: str, owners: Sequence[str], cdc: bool, add_supplemental_logging: bool) -> list[str]:
    """Queries whose results show the DBA that logging, retention and grants took effect before DMS is started."""
    out = ["", "-- Verify"]
    if cdc:
        out += [
            "SELECT log_mode, supplemental_log_data_min, supplemental_log_data_pk FROM v$database;",
            "-- expect ARCHIVELOG, YES, "
            + ("(PK logging added per table by DMS)" if add_supplemental_logging else "YES"),
            "SET SERVEROUTPUT ON",
            "EXEC rdsadmin.rdsadmin_util.show_configuration;",
            (
                f"SELECT owner, table_name, log_group_name, log_group_type FROM dba_log_groups WHERE owner IN "
                f"({sql_in_list(owners)}) ORDER BY 1, 2;"
            ),
        ]
    return out + [
        f"SELECT privilege FROM dba_sys_privs WHERE grantee = {sql_literal(user)} ORDER BY 1;",
        f"SELECT owner, table_name, privilege FROM dba_tab_privs WHERE grantee = {sql_literal(user)} ORDER BY 1, 2;",
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
    """RDS for Oracle source, run as the RDS master user in SQL*Plus/SQLcl."""
    user = oracle_name(dms_user, "dms_user")
    owners = schema_list(schemas, "schemas", oracle=True)
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

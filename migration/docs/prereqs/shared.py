"""What every prerequisite script shares: the input checks, the one way each database's names and literals are
written into SQL, and the DMS user/role creation blocks.

Identifiers are quoted by `migration.inventory.names` (`quote_postgres`, `quote_oracle`), the same functions the
DDL, the mappings and the runbook use, so a name like `window` or `USER` is quoted wherever SQL would misread it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from migration.inventory.names import quote_oracle, quote_postgres

T = TypeVar("T")

PASSWORD_PLACEHOLDER = "<password>"
LSN_QUERY = "SELECT pg_current_wal_lsn()::text AS lsn"
SCN_QUERY = (
    "SELECT d.CURRENT_SCN, (SELECT MIN(t.START_SCN) FROM V$TRANSACTION t) AS OLDEST_OPEN_TXN_SCN FROM V$DATABASE d"
)

# AWS DMS does not support Oracle identifiers longer than 30 bytes (AWS DMS User Guide, "Limitations on using an
# Oracle database as a source for AWS DMS"): users and schemas are plain names of at most 30 characters.
_ORA_IDENT_RE = re.compile(r"[A-Za-z][A-Za-z0-9_$#]{0,29}")
_PG_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")


class PrereqsError(ValueError):
    """Input that would produce a wrong or unsafe script; the message is one line naming the argument."""


def oracle_name(name: str, what: str) -> str:
    """A user or schema name as Oracle stores an unquoted one (upper case); refused when DMS could not use it."""
    if not isinstance(name, str) or not _ORA_IDENT_RE.fullmatch(name):
        raise PrereqsError(
            f"{what}: {name!r} is not a usable Oracle identifier; allowed: a letter then letters, "
            "digits, _, $ or #, at most 30 characters (DMS does not support longer names)"
        )
    return name.upper()


def oracle_object(name: str, what: str) -> str:
    """A table or column name exactly as the Oracle dictionary stores it ("EventLog" stays EventLog): quoted where
    SQL needs it by `quote_oracle`, never upper-cased here (that turned "EventLog" into a table Oracle lacks)."""
    if not isinstance(name, str) or not name or '"' in name or "\x00" in name or len(name.encode("utf-8")) > 128:
        raise PrereqsError(
            f"{what}: {name!r} is not an Oracle name as the dictionary stores it; allowed: 1..128 bytes without "
            "double quotes"
        )
    return name


def postgres_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _PG_IDENT_RE.fullmatch(name):
        raise PrereqsError(
            f"{what}: {name!r} is not a usable PostgreSQL identifier; allowed: a letter or _ then "
            "letters, digits, _ or $, at most 63 characters"
        )
    return name


def sql_literal(text: str) -> str:
    """A string literal, the same in Oracle and PostgreSQL SQL."""
    return "'" + text.replace("'", "''") + "'"


def sql_in_list(names: Sequence[str]) -> str:
    """The inside of `IN (...)`: each name as a string literal."""
    return ", ".join(sql_literal(n) for n in names)


def unique(names: Sequence[T]) -> list[T]:
    return list(dict.fromkeys(names))


def schema_list(schemas: Sequence[str], what: str, oracle: bool) -> list[str]:
    if isinstance(schemas, str) or not schemas:
        raise PrereqsError(f"{what}: give at least one schema as a list, got {schemas!r}")
    return unique([oracle_name(s, what) if oracle else postgres_name(s, what) for s in schemas])


def oracle_create_user(user: str) -> list[str]:
    """`user` as Oracle stores it (upper case); the DDL quotes it where Oracle would misread it (`"USER"`)."""
    return [
        "-- DMS user (re-runnable: created only when missing). Replace <password> before running.",
        "DECLARE",
        "  n NUMBER;",
        "BEGIN",
        f"  SELECT COUNT(*) INTO n FROM dba_users WHERE username = {sql_literal(user)};",
        "  IF n = 0 THEN",
        f"    EXECUTE IMMEDIATE 'CREATE USER {quote_oracle(user)} IDENTIFIED BY \"{PASSWORD_PLACEHOLDER}\"';",
        "  END IF;",
        "END;",
        "/",
    ]


def sys_grant(obj: str, user: str, privilege: str = "SELECT") -> str:
    """rdsadmin takes the names as the dictionary stores them, so they are literals, never quoted identifiers."""
    return f"EXEC rdsadmin.rdsadmin_util.grant_sys_object('{obj}', '{user}', '{privilege}');"


def postgres_create_role(user: str) -> list[str]:
    return [
        "-- DMS role (re-runnable: created only when missing). Replace <password> before running.",
        "DO $$",
        "BEGIN",
        f"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {sql_literal(user)}) THEN",
        f"    CREATE ROLE {quote_postgres(user)} LOGIN PASSWORD '{PASSWORD_PLACEHOLDER}';",
        "  END IF;",
        "END",
        "$$;",
    ]


def postgres_engine_label(engine: str) -> str:
    if engine not in ("postgres", "aurora-postgresql"):
        raise PrereqsError(f"engine: {engine!r} is not supported; allowed: 'postgres', 'aurora-postgresql'")
    return "Aurora PostgreSQL" if engine == "aurora-postgresql" else "RDS for PostgreSQL"


def default_privileges(schema: str, privileges: str, user: str, owners: Sequence[str]) -> list[str]:
    """Default privileges bind to the creating role: cover the script's runner and each named table owner."""
    s, u = quote_postgres(schema), quote_postgres(user)
    lines = [f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {privileges} ON TABLES TO {u};"]
    lines += [
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote_postgres(o)} IN SCHEMA {s} GRANT {privileges} ON TABLES TO {u};"
        for o in owners
    ]
    return lines

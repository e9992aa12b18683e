"""Database-side prerequisites as SQL scripts a DBA runs, derived from the stack's inputs.

DMS cannot create its own users, logging or slots; these scripts do it with least privilege where the AWS DMS User
Guide allows. The only placeholder is `<password>`: a real secret never belongs in generated text.

One module per database side: `oracle_source` and `postgres_target` (the forward path), `postgres_source` and
`oracle_target` (the reverse path, for the fallback); `shared` holds the input checks and SQL quoting they share.
"""

from migration.docs.prereqs.oracle_source import ORACLE_SOURCE_SYS_OBJECTS, oracle_source_prereqs
from migration.docs.prereqs.oracle_target import (
    FALLBACK_TRACKING_TABLE,
    ORACLE_TARGET_SYS_OBJECTS,
    ORACLE_TARGET_SYSTEM_PRIVILEGES,
    oracle_fallback_disable_sql,
    oracle_fallback_enable_sql,
    oracle_target_prereqs,
)
from migration.docs.prereqs.postgres_source import postgres_source_prereqs, replica_identity_sql, slot_creation_sql
from migration.docs.prereqs.postgres_target import postgres_target_prereqs
from migration.docs.prereqs.shared import LSN_QUERY, PASSWORD_PLACEHOLDER, SCN_QUERY, PrereqsError

__all__ = [
    "FALLBACK_TRACKING_TABLE",
    "LSN_QUERY",
    "ORACLE_SOURCE_SYS_OBJECTS",
    "ORACLE_TARGET_SYSTEM_PRIVILEGES",
    "ORACLE_TARGET_SYS_OBJECTS",
    "PASSWORD_PLACEHOLDER",
    "SCN_QUERY",
    "PrereqsError",
    "oracle_fallback_disable_sql",
    "oracle_fallback_enable_sql",
    "oracle_source_prereqs",
    "oracle_target_prereqs",
    "postgres_source_prereqs",
    "postgres_target_prereqs",
    "replica_identity_sql",
    "slot_creation_sql",
]

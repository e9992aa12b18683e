"""The shapes config values must have (AWS ids and ARNs, host and database names) and the checks applying them.

Each check raises ValueError with the wording users see after the key (`<project>:<key>: <message>`)."""

from __future__ import annotations

import re

from migration.config.errors import CREDENTIALS_IN_URL_RE

ENGINE_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = f"(?:{'|'.join(DAYS)})"
MAINTENANCE_WINDOW_RE = re.compile(rf"^{_DAY}:\d{{2}}:\d{{2}}-{_DAY}:\d{{2}}:\d{{2}}$")
REGION_RE = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$")
VPC_ID_RE = re.compile(r"^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
SUBNET_ID_RE = re.compile(r"^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
SG_ID_RE = re.compile(r"^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
KMS_ALIAS_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias/")
SECRET_ARN_RE = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
CERT_ARN_RE = re.compile(r"^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:cert:[A-Za-z0-9-]+$")
HOST_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*$"
)
ORACLE_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_$#]{0,127}$")
ORACLE_PATTERN_RE = re.compile(r"^[A-Z0-9_$#%]{1,128}$")
PG_NAME_RE = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")
TASK_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
TAG_KEY_RE = re.compile(r"^[\w .:/=+@-]{1,128}$")
ORACLE_SCHEMA_30_RE = re.compile(r"^[A-Z][A-Z0-9_$#]{0,29}$")  # DMS supports Oracle names up to 30 bytes


def check_pattern(value: str, regex: re.Pattern[str], what: str) -> str:
    """`value` when it matches `regex`, else ValueError `<what>, got <value>` (a URL with credentials never shown)."""
    if not regex.match(value):
        if CREDENTIALS_IN_URL_RE.search(value):
            raise ValueError(f"{what}, got a URL with credentials in it")
        raise ValueError(f"{what}, got {value!r}")
    return value


def check_distinct(values: list[str], regex: re.Pattern[str], what: str, twice: str) -> list[str]:
    """A list of names that each match `regex` (else `what`) and are all different (else `twice`)."""
    for v in values:
        check_pattern(v, regex, what)
    if len(set(values)) != len(values):
        raise ValueError(twice)
    return values


def check_kms_key_arn(value: str | None) -> str | None:
    """Key ARNs only. DMS stores and returns the key ARN, so an alias ARN differs from what a refresh reads back,
    and `kms_key_arn` is ForceNew on the instance and the endpoints: a replace (a reload) on every `pulumi up`
    (pulumi-aws issue #2671). An IAM policy naming an alias ARN does not grant use of the key either."""
    if value is None:
        return None
    if KMS_ALIAS_ARN_RE.match(value):
        raise ValueError(
            f"must be a KMS key ARN (…:key/<id>), not an alias ARN: DMS reads back the key ARN, so an alias would "
            f"replace the resource on every pulumi up; find it with `aws kms describe-key --key-id {value}`"
        )
    return check_pattern(
        value, KMS_KEY_ARN_RE, "must be a KMS key ARN like arn:aws:kms:eu-west-1:111122223333:key/<id>"
    )


def starts_now(position: str | None) -> bool:
    """True when a CDC start position means "from whenever the task starts" (absent, or any spelling of now)."""
    return position is None or position.strip().lower() == "now"


# A quoted part of a table pattern: the name exactly as Oracle stores it, as Oracle SQL writes a mixed-case name
# (LEDGER."Invoice"); no quote or dot inside, at most 128 characters (Oracle's identifier limit).
_QUOTED_RE = re.compile(r'^"([^".]{1,128})"$')


# The one form of every key that names tables (migration.include/exclude, migration.tasks[].include/exclude,
# migration.lobUpdatesNotReplicated, sizing.groups, sizing.keyRanges): the field descriptions point here.
TABLE_PATTERN_FORM = (
    "each part upper case (% wildcards where patterns are allowed) or, as Oracle SQL writes a mixed-case name, "
    'the name as stored in double quotes (e.g. LEDGER."Invoice")'
)


def normalise_table_pattern(pattern: str, *, qualified: bool = False, wildcards: bool = True) -> str:
    """`SCHEMA.TABLE` (or `TABLE` unless `qualified`) with each part either upper case (with % wildcards when
    `wildcards`), or quoted as Oracle writes a mixed-case name (`LEDGER."Invoice"`): returned with the quotes
    dropped, the name as stored, which is what DMS selection rules and the inventory compare. ValueError, in one
    line, for anything else (an unquoted mixed-case part is shown quoted)."""
    parts = pattern.split(".")
    shape = "SCHEMA.TABLE" if qualified else "TABLE or SCHEMA.TABLE"
    fits = len(parts) == 2 if qualified else len(parts) <= 2
    out = []
    for part in parts:
        quoted = _QUOTED_RE.match(part)
        if quoted and fits:
            out.append(quoted.group(1))
        elif ORACLE_PATTERN_RE.match(part) and fits and (wildcards or "%" not in part):
            out.append(part)
        else:
            raise ValueError(f"must be {shape}, {TABLE_PATTERN_FORM}, got {pattern!r}{_quoted_hint(parts, fits)}")
    return ".".join(out)


def _quoted_hint(parts: list[str], fits: bool) -> str:
    """`; write SHOP."OrderLines"` for an unquoted mixed-case name, else ""."""
    plain = [p for p in parts if not _QUOTED_RE.match(p)]
    if not fits or not plain or all(ORACLE_PATTERN_RE.match(p) for p in plain):
        return ""
    if not all(p and '"' not in p and "%" not in p and len(p) <= 128 for p in plain):  # % in quotes is literal
        return ""
    shown = ".".join(p if ORACLE_PATTERN_RE.match(p) or _QUOTED_RE.match(p) else f'"{p}"' for p in parts)
    return f" (unquoted, Oracle reads it upper case); for the name as stored write {shown}"


def split_table_pattern(pattern: str) -> tuple[str | None, str]:
    """`APP.ORDERS%` -> ("APP", "ORDERS%"); `ORDERS` -> (None, "ORDERS") meaning every configured schema."""
    schema, _, table = pattern.rpartition(".")
    return (schema or None), table

"""DMS identifier rules in one place, and stable identifiers derived from project/stack/name.

DMS rules (DMS User Guide: the CreateReplicationInstance, CreateEndpoint and CreateReplicationTask identifier rules): replication instance, endpoint and task identifiers are letters, digits and
hyphens, start with a letter, never end with a hyphen nor contain two hyphens in a row; instance ids are at most
63 characters, endpoint and task ids at most 255; all are stored lower-case. Identifiers are part of what makes
a resource: changing one replaces it (for a task, a full reload), so derivation must be deterministic.
"""

from __future__ import annotations

import hashlib
import re

INSTANCE_ID_MAX = 63
ENDPOINT_ID_MAX = 255
TASK_ID_MAX = 255
SUBNET_GROUP_ID_MAX = 255
IAM_ROLE_NAME_MAX = 64
SECURITY_GROUP_NAME_MAX = 255

DMS_ID_RE = re.compile(r"^[a-z](?:[a-z0-9]|-(?!-))*(?<!-)$")


def is_valid_dms_id(value: str, max_len: int) -> bool:
    """True when `value` satisfies DMS's identifier rule (lower-case form) within `max_len` characters."""
    return 0 < len(value) <= max_len and bool(DMS_ID_RE.match(value))


def dms_id(*parts: str, max_len: int) -> str:
    """Join `parts` into a valid DMS identifier of at most `max_len` characters.

    Anything that is not a letter or digit becomes a hyphen; runs of hyphens collapse; a leading digit gets an
    `x` prefix. When the result is too long it is cut and suffixed with a short hash of the full text, so two long
    names that share a prefix still get different identifiers, and the same input always gives the same id.
    """
    raw = "-".join(p for p in parts if p)
    text = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    if not text:
        text = "x"
    if not text[0].isalpha():
        text = "x-" + text
    if len(text) > max_len:
        digest = hashlib.sha256(raw.encode()).hexdigest()[:8]
        text = text[: max_len - len(digest) - 1].rstrip("-") + "-" + digest
    assert is_valid_dms_id(text, max_len), text
    return text


def iam_role_name(*parts: str) -> str:
    """An IAM role name (letters, digits, `+=,.@_-`, <= 64) from the same parts; we keep to the DMS alphabet."""
    return dms_id(*parts, max_len=IAM_ROLE_NAME_MAX)


def partition_for(region: str) -> str:
    """The ARN partition of a region: managed policy ARNs differ in China and GovCloud."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class StackNames:
    """Every physical name of a stack, derived once from `<project>-<stack>` so they never drift."""

    def __init__(self, project: str, stack: str) -> None:
        self.prefix = dms_id(project, stack, max_len=40)
        self.instance_id = dms_id(self.prefix, max_len=INSTANCE_ID_MAX)
        self.subnet_group_id = dms_id(self.prefix, "subnets", max_len=SUBNET_GROUP_ID_MAX)
        # EC2 refuses group names starting with "sg-", which a project called "sg" would produce.
        self.security_group_name = dms_id("dms", self.prefix, max_len=SECURITY_GROUP_NAME_MAX)
        self.source_endpoint_id = dms_id(self.prefix, "oracle-source", max_len=ENDPOINT_ID_MAX)
        self.target_endpoint_id = dms_id(self.prefix, "postgres-target", max_len=ENDPOINT_ID_MAX)
        self.reverse_source_endpoint_id = dms_id(self.prefix, "postgres-source", max_len=ENDPOINT_ID_MAX)
        self.reverse_target_endpoint_id = dms_id(self.prefix, "oracle-target", max_len=ENDPOINT_ID_MAX)

    def instance_ids(self, count: int) -> list[str]:
        """The replication instance ids of a stack with `count` instances: the first keeps the single-instance id,
        so a stack that grows from one instance to several keeps its existing instance."""
        if count < 1:
            return []  # DMS Serverless: no replication instance
        return [self.instance_id] + [dms_id(self.prefix, str(i), max_len=INSTANCE_ID_MAX) for i in range(2, count + 1)]

    def task_id(self, task_name: str) -> str:
        return dms_id(self.prefix, task_name, max_len=TASK_ID_MAX)

    def secrets_role(self, endpoint: str) -> str:
        return iam_role_name(self.prefix, endpoint, "secrets")

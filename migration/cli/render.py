"""How the offline plan looks to a person: the resources as a tree by component (as `pulumi preview` shows them),
each with the settings a reviewer checks, and values that matter never cut short."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from migration.cli.offline import Recorded, mask_secrets

# Inputs worth showing per resource type, in this order.
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:iam/role:Role": ("name",),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("policyArn",),
    "aws:iam/rolePolicy:RolePolicy": (),
    "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup": ("replicationSubnetGroupId", "subnetIds"),
    "aws:ec2/securityGroup:SecurityGroup": ("name", "vpcId"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("fromPort", "cidrIpv4", "referencedSecurityGroupId"),
    "aws:dms/replicationInstance:ReplicationInstance": (
        "replicationInstanceId",
        "replicationInstanceClass",
        "allocatedStorage",
        "engineVersion",
        "multiAz",
        "publiclyAccessible",
        "kmsKeyArn",
    ),
    "aws:dms/endpoint:Endpoint": (
        "endpointId",
        "endpointType",
        "engineName",
        "serverName",
        "port",
        "databaseName",
        "sslMode",
        "username",
        "password",
        "secretsManagerArn",
        "kmsKeyArn",
        "certificateArn",
    ),
    "aws:dms/certificate:Certificate": ("certificateId",),
    "aws:dms/replicationTask:ReplicationTask": (
        "replicationTaskId",
        "migrationType",
        "startReplicationTask",
        "cdcStartPosition",
        "cdcStartTime",
    ),
    "aws:dms/replicationConfig:ReplicationConfig": (
        "replicationConfigIdentifier",
        "replicationType",
        "startReplication",
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("metricName", "comparisonOperator", "threshold"),
    "aws:dms/eventSubscription:EventSubscription": ("name", "sourceType", "sourceIds"),
    "aws:cloudwatch/eventRule:EventRule": ("name",),
    "aws:cloudwatch/eventTarget:EventTarget": ("rule", "arn"),
    "aws:sns/topic:Topic": ("name",),
    "aws:sns/topicPolicy:TopicPolicy": ("arn",),
    "aws:sns/topicSubscription:TopicSubscription": ("protocol", "endpoint"),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
}
_TASK = "aws:dms/replicationTask:ReplicationTask"


def value_text(value: Any) -> str:
    """A value in full: strings (ARNs, ids, KMS keys) are never cut. Structured documents (policies, patterns)
    are only named here: they are in resources.json, in full."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # the mock transport turns every number into a float
    if isinstance(value, str):
        if value[:1] in "{[" and len(value) > 80:
            return f"<{len(value)} characters of JSON: resources.json>"
        return value
    if isinstance(value, dict):
        return f"<{len(value)} keys: resources.json>"
    if isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def task_settings_summary(settings_json: str) -> list[str]:
    """The task settings a DBA checks first, from the document the task receives."""
    doc = json.loads(settings_json)
    meta, full = doc.get("TargetMetadata", {}), doc.get("FullLoadSettings", {})
    if not meta.get("SupportLobs", True):
        lob = "none"
    elif meta.get("FullLobMode"):
        lob = f"full/{meta.get('LobChunkSize')}KB-chunks"
    else:
        lob = f"limited/{meta.get('LobMaxSize')}KB"
    errors = doc.get("ErrorBehavior", {}).get("DataErrorPolicy", "?")
    validation = "on" if doc.get("ValidationSettings", {}).get("EnableValidation") else "off"
    if doc.get("ValidationSettings", {}).get("ValidationOnly"):
        validation = "only"
    return [
        f"prep={full.get('TargetTablePrepMode', '?')}",
        f"subtasks={full.get('MaxFullLoadSubTasks', '?')}",
        f"commitRate={full.get('CommitRate', '?')}",
        f"lob={lob}",
        f"validation={validation}",
        f"dataErrors={errors}",
    ]


def table_lob_summary(mappings_json: str) -> list[str]:
    """The per-table LOB settings a task carries (its table-settings rules win over the task's LobMaxSize)."""
    rules = json.loads(mappings_json).get("rules", [])
    sizes = [
        (r["lob-settings"].get("mode"), int(r["lob-settings"].get("bulk-max-size", 0)))
        for r in rules
        if r.get("rule-type") == "table-settings" and isinstance(r.get("lob-settings"), dict)
    ]
    if not sizes:
        return []
    full = sum(1 for mode, _ in sizes if mode == "unlimited")
    limited = [kb for mode, kb in sizes if mode == "limited"]
    text = f"lobTables={len(sizes)}"
    if limited:
        text += f"(limited up to {max(limited)}KB)"
    if full:
        text += f"(full LOB mode: {full})"
    return [text]


def describe(rec: Recorded) -> str:
    inputs = mask_secrets(rec.inputs)
    keys = KEY_INPUTS.get(rec.type)
    if keys is None:
        keys = tuple(k for k, v in inputs.items() if isinstance(v, (str, int, bool)))[:3]
    parts = [f"{k}={value_text(inputs[k])}" for k in keys if inputs.get(k) not in (None, "", [])]
    if rec.type == _TASK:
        parts += task_settings_summary(inputs.get("replicationTaskSettings", "{}"))
        parts += table_lob_summary(inputs.get("tableMappings", "{}"))
    flags = [
        flag
        for flag, on in (
            ("protected", rec.protect),
            ("retained-on-delete", rec.retain_on_delete),
            ("delete-before-replace", rec.delete_before_replace),
        )
        if on
    ]
    return " ".join(parts + ([f"[{', '.join(flags)}]"] if flags else []))


def render_tree(resources: Sequence[Recorded]) -> str:
    """Components with their children below them, each level sorted by name (registration order varies between
    runs: the SDK registers from a thread pool)."""
    names = {r.name for r in resources}
    children: dict[str, list[Recorded]] = {}
    roots: list[Recorded] = []
    for rec in sorted(resources, key=lambda r: r.name):
        if rec.parent in names:
            children.setdefault(rec.parent, []).append(rec)
        else:
            roots.append(rec)
    lines: list[str] = []

    def walk(rec: Recorded, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        detail = describe(rec) if rec.custom else ""
        lines.append(f"{prefix}{branch}{rec.name}  ({rec.type})" + (f"  {detail}" if detail else ""))
        kids = children.get(rec.name, [])
        for i, kid in enumerate(kids):
            walk(kid, prefix + ("" if top else ("   " if last else "│  ")), i == len(kids) - 1, False)

    for root in roots:
        walk(root, "", True, True)
    return "\n".join(lines)


def section(title: str, body: str) -> str:
    return f"\n== {title}\n{body.rstrip()}" if body.strip() else ""

"""Find the stack's DMS resources by their deterministic ids: instances, endpoints, tasks, serverless replications.

Every describe call is paginated (botocore paginators where the service model has one, the Marker loop where it
has none) and filtered by id, so a busy account with hundreds of tasks costs a few calls. DMS answers a filter
that matches nothing with ResourceNotFoundFault: that is "none found", not an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from migration.live.session import aws_errors, is_not_found


def describe_all(client: Any, method: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """Every item under `key` of a describe call, over all pages."""
    out: list[dict[str, Any]] = []
    try:
        if client.can_paginate(method):
            for page in client.get_paginator(method).paginate(**params):
                out.extend(page.get(key, []))
            return out
        marker: str | None = None
        while True:
            page = getattr(client, method)(**params, **({"Marker": marker} if marker else {}))
            out.extend(page.get(key, []))
            marker = page.get("Marker")
            if not marker:
                return out
    except ClientError as exc:
        if is_not_found(exc):
            return out
        raise


def _by_id(items: list[dict[str, Any]], id_key: str, wanted: Sequence[str]) -> dict[str, dict[str, Any]]:
    wanted_set = {w.lower() for w in wanted}
    return {str(i[id_key]).lower(): i for i in items if str(i.get(id_key, "")).lower() in wanted_set}


@dataclass(frozen=True)
class Instance:
    instance_id: str
    arn: str
    status: str
    instance_class: str
    allocated_storage_gb: int


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: str
    arn: str
    endpoint_type: str  # SOURCE | TARGET
    engine: str
    status: str


def find_instances(dms: Any, ids: Sequence[str]) -> dict[str, Instance]:
    if not ids:
        return {}
    with aws_errors("describe replication instances"):
        items = describe_all(
            dms,
            "describe_replication_instances",
            "ReplicationInstances",
            Filters=[{"Name": "replication-instance-id", "Values": list(ids)}],
        )
    return {
        k: Instance(
            instance_id=k,
            arn=i["ReplicationInstanceArn"],
            status=str(i.get("ReplicationInstanceStatus", "")),
            instance_class=str(i.get("ReplicationInstanceClass", "")),
            allocated_storage_gb=int(i.get("AllocatedStorage") or 0),
        )
        for k, i in _by_id(items, "ReplicationInstanceIdentifier", ids).items()
    }


def find_endpoints(dms: Any, ids: Sequence[str]) -> dict[str, Endpoint]:
    if not ids:
        return {}
    with aws_errors("describe endpoints"):
        items = describe_all(
            dms, "describe_endpoints", "Endpoints", Filters=[{"Name": "endpoint-id", "Values": list(ids)}]
        )
    return {
        k: Endpoint(
            endpoint_id=k,
            arn=e["EndpointArn"],
            endpoint_type=str(e.get("EndpointType", "")),
            engine=str(e.get("EngineName", "")),
            status=str(e.get("Status", "")),
        )
        for k, e in _by_id(items, "EndpointIdentifier", ids).items()
    }


def find_tasks(dms: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The replication tasks with these ids (without their settings documents: status needs none of it)."""
    if not ids:
        return {}
    with aws_errors("describe replication tasks"):
        items = describe_all(
            dms,
            "describe_replication_tasks",
            "ReplicationTasks",
            Filters=[{"Name": "replication-task-id", "Values": list(ids)}],
            WithoutSettings=True,
        )
    return _by_id(items, "ReplicationTaskIdentifier", ids)


def find_replications(dms: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """DMS Serverless: the replications of these replication configs (a config never started has none)."""
    if not ids:
        return {}
    with aws_errors("describe replications"):
        items = describe_all(
            dms,
            "describe_replications",
            "Replications",
            Filters=[{"Name": "replication-config-id", "Values": list(ids)}],
        )
    return _by_id(items, "ReplicationConfigIdentifier", ids)


def find_replication_configs(dms: Any, ids: Sequence[str]) -> dict[str, str]:
    """DMS Serverless: replication config id -> ARN."""
    if not ids:
        return {}
    with aws_errors("describe replication configs"):
        items = describe_all(
            dms,
            "describe_replication_configs",
            "ReplicationConfigs",
            Filters=[{"Name": "replication-config-id", "Values": list(ids)}],
        )
    return {k: str(c["ReplicationConfigArn"]) for k, c in _by_id(items, "ReplicationConfigIdentifier", ids).items()}

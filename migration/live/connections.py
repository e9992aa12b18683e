"""Endpoint connection tests: the last results DMS keeps (describe_connections, read-only) and new tests started
from each replication instance (test_connection), waited for with an injected clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from migration.live.discovery import Endpoint, Instance, describe_all
from migration.live.session import aws_errors

TESTING, SUCCESSFUL, FAILED = "testing", "successful", "failed"  # Connection.Status values (DMS API reference)
NOT_TESTED = "not tested"


@dataclass(frozen=True)
class ConnectionResult:
    endpoint_id: str
    instance_id: str
    status: str
    message: str  # LastFailureMessage, as DMS wrote it

    @property
    def ok(self) -> bool:
        return self.status == SUCCESSFUL

    def to_dict(self) -> dict[str, str]:
        return {
            "endpoint": self.endpoint_id,
            "instance": self.instance_id,
            "status": self.status,
            "message": self.message,
        }


def _result(c: dict[str, Any]) -> ConnectionResult:
    return ConnectionResult(
        endpoint_id=str(c.get("EndpointIdentifier", "")),
        instance_id=str(c.get("ReplicationInstanceIdentifier", "")),
        status=str(c.get("Status", "")),
        message=str(c.get("LastFailureMessage", "")),
    )


def last_results(dms: Any, endpoints: Sequence[Endpoint]) -> dict[str, list[ConnectionResult]]:
    """endpoint id -> the connection results DMS holds for it (one per instance it was tested from)."""
    if not endpoints:
        return {}
    with aws_errors("describe connections"):
        items = describe_all(
            dms,
            "describe_connections",
            "Connections",
            Filters=[{"Name": "endpoint-arn", "Values": [e.arn for e in endpoints]}],
        )
    by_arn = {e.arn: e.endpoint_id for e in endpoints}
    out: dict[str, list[ConnectionResult]] = {e.endpoint_id: [] for e in endpoints}
    for c in items:
        endpoint_id = by_arn.get(str(c.get("EndpointArn")))
        if endpoint_id is not None:
            out[endpoint_id].append(_result(c))
    return out


def run_connection_tests(
    dms: Any,
    endpoints: Sequence[Endpoint],
    instances: Sequence[Instance],
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    timeout_seconds: float = 600,
    poll_seconds: float = 10,
    progress: Callable[[str], None] = lambda _line: None,
    started: list[str] | None = None,
) -> list[ConnectionResult]:
    """Test every endpoint from every instance, then wait until no test is `testing` (or the timeout). Each test
    started is appended to `started` ("endpoint from instance") as it starts: after a Ctrl-C the caller names them.
    No instance or no endpoint: nothing to test, no result."""
    if not instances or not endpoints:
        return []
    for instance in instances:
        for endpoint in endpoints:
            with aws_errors(f"test connection of {endpoint.endpoint_id} from {instance.instance_id}"):
                dms.test_connection(ReplicationInstanceArn=instance.arn, EndpointArn=endpoint.arn)
            if started is not None:
                started.append(f"{endpoint.endpoint_id} from {instance.instance_id}")
            progress(f"testing {endpoint.endpoint_id} from {instance.instance_id}")
    deadline = clock() + timeout_seconds
    wanted = {(e.endpoint_id, i.instance_id) for e in endpoints for i in instances}
    while True:
        results = [r for rs in last_results(dms, endpoints).values() for r in rs]
        mine = [r for r in results if (r.endpoint_id, r.instance_id) in wanted]
        if all(r.status != TESTING for r in mine) or clock() >= deadline:
            return sorted(mine, key=lambda r: (r.endpoint_id, r.instance_id))
        progress(f"{sum(r.status == TESTING for r in mine)} test(s) still running")
        sleep(poll_seconds)

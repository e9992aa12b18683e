"""What `pulumi up` really does when an input of a DMS resource changes: one table, each row with its source.

Under mocks an input is only a value; under `pulumi up` the Terraform AWS provider that pulumi-aws bridges decides
whether a change is an in-place update, a replacement, or something AWS refuses. The offline plan's diff and its
warnings read this table, and the tests check the program against it. Sources are the provider's schema and
update code (hashicorp/terraform-provider-aws `internal/service/dms/*.go`), provider issues, and the AWS DMS user
guide; tests/components/test_provider_fidelity.py checks the table against its own reading of that source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TASK = "aws:dms/replicationTask:ReplicationTask"
INSTANCE = "aws:dms/replicationInstance:ReplicationInstance"
ENDPOINT = "aws:dms/endpoint:Endpoint"
SUBNET_GROUP = "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup"
CERTIFICATE = "aws:dms/certificate:Certificate"
EVENT_SUBSCRIPTION = "aws:dms/eventSubscription:EventSubscription"
IAM_ROLE = "aws:iam/role:Role"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
REPLICATION_CONFIG = "aws:dms/replicationConfig:ReplicationConfig"

# replace  : ForceNew; the old resource goes and a new one comes (for a task: it starts from scratch)
# refused  : the provider sends the change and AWS refuses it, after the provider already acted on the resource
# restart  : in place, but a running task is stopped, modified and started again (a pause in replication)
# move     : in place: the task is stopped, moved to the other instance and resumed
Effect = Literal["replace", "refused", "restart", "move"]


@dataclass(frozen=True)
class InputFact:
    type: str
    input: str  # the Pulumi (camelCase) input name
    effect: Effect
    source: str


PROVIDER_FACTS: tuple[InputFact, ...] = (
    # Tasks (replication_task.go: schema ForceNew flags; resourceReplicationTaskUpdate)
    InputFact(TASK, "replicationTaskId", "replace", "replication_task.go schema: ForceNew"),
    InputFact(TASK, "sourceEndpointArn", "replace", "replication_task.go schema: ForceNew"),
    InputFact(TASK, "targetEndpointArn", "replace", "replication_task.go schema: ForceNew"),
    InputFact(TASK, "resourceIdentifier", "replace", "replication_task.go schema: ForceNew"),
    InputFact(
        TASK,
        "migrationType",
        "refused",
        "not ForceNew: sent as ModifyReplicationTask after the provider stopped the task; AWS answers 'You can't "
        "change the migration type of a task' (DMS guide CHAP_Tasks.Modifying; provider issues #7898, #18450)",
    ),
    InputFact(
        TASK,
        "replicationInstanceArn",
        "move",
        "ForceNew in old provider versions; current ones call MoveReplicationTask (provider PR for issue #30721)",
    ),
    InputFact(TASK, "tableMappings", "restart", "resourceReplicationTaskUpdate: stop, ModifyReplicationTask, start"),
    InputFact(TASK, "replicationTaskSettings", "restart", "resourceReplicationTaskUpdate: stop, modify, start"),
    InputFact(TASK, "cdcStartPosition", "restart", "resourceReplicationTaskUpdate: stop, modify, start"),
    InputFact(TASK, "cdcStartTime", "restart", "resourceReplicationTaskUpdate: stop, modify, start"),
    # Replication instances (replication_instance.go schema)
    InputFact(INSTANCE, "replicationInstanceId", "replace", "replication_instance.go schema: ForceNew"),
    InputFact(INSTANCE, "kmsKeyArn", "replace", "replication_instance.go schema: ForceNew"),
    InputFact(INSTANCE, "publiclyAccessible", "replace", "replication_instance.go schema: ForceNew"),
    InputFact(INSTANCE, "replicationSubnetGroupId", "replace", "replication_instance.go schema: ForceNew"),
    InputFact(INSTANCE, "availabilityZone", "replace", "replication_instance.go schema: ForceNew"),
    # Endpoints (endpoint.go schema)
    InputFact(ENDPOINT, "endpointId", "replace", "endpoint.go schema: ForceNew"),
    InputFact(ENDPOINT, "kmsKeyArn", "replace", "endpoint.go schema: ForceNew (an alias ARN re-reads as the key ARN)"),
    # Subnet groups, certificates, event subscriptions
    InputFact(SUBNET_GROUP, "replicationSubnetGroupId", "replace", "replication_subnet_group.go schema: ForceNew"),
    InputFact(CERTIFICATE, "certificateId", "replace", "certificate.go schema: ForceNew"),
    InputFact(CERTIFICATE, "certificatePem", "replace", "certificate.go schema: ForceNew"),
    InputFact(CERTIFICATE, "certificateWallet", "replace", "certificate.go schema: ForceNew"),
    InputFact(EVENT_SUBSCRIPTION, "name", "replace", "event_subscription.go schema: ForceNew"),
    InputFact(EVENT_SUBSCRIPTION, "sourceType", "replace", "event_subscription.go schema: ForceNew"),
    InputFact(EVENT_SUBSCRIPTION, "sourceIds", "replace", "event_subscription.go schema: ForceNew"),
    InputFact(IAM_ROLE, "name", "replace", "iam role.go schema: ForceNew"),
    InputFact(EVENT_RULE, "name", "replace", "events rule.go schema: ForceNew (the event pattern updates in place)"),
    # DMS Serverless (replication_config.go: schema; resourceReplicationConfigUpdate stops, modifies, starts)
    InputFact(REPLICATION_CONFIG, "replicationConfigIdentifier", "replace", "replication_config.go schema: ForceNew"),
    InputFact(REPLICATION_CONFIG, "resourceIdentifier", "replace", "replication_config.go schema: ForceNew"),
    InputFact(REPLICATION_CONFIG, "replicationType", "restart", "replication_config.go: stop, modify, start"),
    InputFact(REPLICATION_CONFIG, "tableMappings", "restart", "replication_config.go: stop, modify, start"),
    InputFact(REPLICATION_CONFIG, "replicationSettings", "restart", "replication_config.go: stop, modify, start"),
    # Not ForceNew on a config (unlike a task): resourceReplicationConfigUpdate stops, modifies, starts.
    InputFact(REPLICATION_CONFIG, "sourceEndpointArn", "restart", "replication_config.go: stop, modify, start"),
    InputFact(REPLICATION_CONFIG, "targetEndpointArn", "restart", "replication_config.go: stop, modify, start"),
    InputFact(
        REPLICATION_CONFIG,
        "computeConfig",
        "restart",
        "replication_config.go: stop, modify, start (its subnet group, KMS key and zone are ForceNew inside it)",
    ),
)

_BY_INPUT = {(f.type, f.input): f for f in PROVIDER_FACTS}

# Resources whose id or name we set explicitly. Pulumi replaces create-before-delete by default, so the new one
# would be created under the id the old one still holds: AWS answers ResourceAlreadyExistsFault. They are
# declared delete_before_replace (the bridge does that on its own only for auto-named `name` fields).
DELETE_BEFORE_REPLACE = frozenset(
    {TASK, INSTANCE, ENDPOINT, SUBNET_GROUP, EVENT_SUBSCRIPTION, IAM_ROLE, EVENT_RULE, REPLICATION_CONFIG}
)


def effect_of(type_token: str, input_name: str) -> Effect | None:
    """What changing `input_name` of a `type_token` resource does under `pulumi up`; None for a plain update."""
    fact = _BY_INPUT.get((type_token, input_name))
    return fact.effect if fact else None

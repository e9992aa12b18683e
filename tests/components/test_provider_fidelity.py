"""The program against what the provider really does under `pulumi up` (migration.dms.provider_facts): resources
with fixed ids are replaced delete-first, endpoints pause their tasks to be modified, and the offline diff gives
every input the effect the provider gives it."""

from __future__ import annotations

import pytest

from migration.cli.offline import ProgramRun, Recorded, diff_runs
from migration.cli.plan import change_notices
from migration.dms.provider_facts import DELETE_BEFORE_REPLACE, PROVIDER_FACTS, effect_of
from migration.notices import Level
from tests.components.kinds import CERTIFICATE, CONFIG, ENDPOINT, INSTANCE, ROLE, SUBNET_GROUP, TASK
from tests.helpers import of_type, run_stack


@pytest.fixture(scope="module")
def prod_cutover():
    return run_stack(["phase=cutover", "reverse.cdcStartPosition=0/16B3748"], stack="prod")


def test_every_resource_with_a_fixed_id_is_replaced_delete_first(prod_cutover):
    custom = [r for r in prod_cutover.resources if r.custom]
    for rec in custom:
        if rec.type in DELETE_BEFORE_REPLACE and not rec.retain_on_delete:
            assert rec.delete_before_replace, (rec.type, rec.name)
    kinds = {r.type for r in custom if r.delete_before_replace}
    assert {TASK, ENDPOINT, INSTANCE} <= kinds


def test_dev_secrets_free_roles_and_certificates_keep_create_before_delete():
    """Content-hashed certificate ids and auto-named resources can be created before the old one goes."""
    run = run_stack(stack="dev")
    assert not [
        r.name for r in run.resources if r.custom and r.delete_before_replace and r.type not in DELETE_BEFORE_REPLACE
    ]


def test_endpoints_pause_their_running_tasks_to_be_modified(prod_cutover):
    endpoints = of_type(prod_cutover.resources, ENDPOINT)
    assert len(endpoints) == 4
    assert all(e.inputs["pauseReplicationTasks"] is True for e in endpoints)


def _run(*records: Recorded) -> ProgramRun:
    return ProgramRun(resources=list(records), outputs={})


EVENT_SUBSCRIPTION = "aws:dms/eventSubscription:EventSubscription"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"

# What changing one input does under `pulumi up`, written out here from the Terraform AWS provider's source
# (hashicorp/terraform-provider-aws, internal/service/...): the schema's ForceNew flags, and the update functions.
# It is kept apart from migration.dms.provider_facts on purpose: a wrong row there disagrees with this and fails.
# None: a plain in-place update (no ForceNew, no stop of a running task).
PROVIDER: dict[tuple[str, str], str | None] = {
    # dms/replication_task.go: ForceNew replication_task_id, resource_identifier, source_endpoint_arn and
    # target_endpoint_arn. resourceReplicationTaskUpdate: stop, ModifyReplicationTask, start; a new
    # replication_instance_arn goes through MoveReplicationTask instead. ModifyReplicationTask carries
    # migration_type, which AWS refuses to change (DMS User Guide, "Modifying a task").
    (TASK, "replicationTaskId"): "replace",
    (TASK, "resourceIdentifier"): "replace",
    (TASK, "sourceEndpointArn"): "replace",
    (TASK, "targetEndpointArn"): "replace",
    (TASK, "replicationInstanceArn"): "move",
    (TASK, "migrationType"): "refused",
    (TASK, "tableMappings"): "restart",
    (TASK, "replicationTaskSettings"): "restart",
    (TASK, "cdcStartPosition"): "restart",
    (TASK, "cdcStartTime"): "restart",
    (TASK, "startReplicationTask"): None,
    (TASK, "tags"): None,
    # dms/replication_instance.go: ForceNew availability_zone, kms_key_arn, publicly_accessible,
    # replication_instance_id, replication_subnet_group_id; the rest through ModifyReplicationInstance.
    (INSTANCE, "replicationInstanceId"): "replace",
    (INSTANCE, "kmsKeyArn"): "replace",
    (INSTANCE, "publiclyAccessible"): "replace",
    (INSTANCE, "replicationSubnetGroupId"): "replace",
    (INSTANCE, "availabilityZone"): "replace",
    (INSTANCE, "replicationInstanceClass"): None,
    (INSTANCE, "allocatedStorage"): None,
    (INSTANCE, "engineVersion"): None,
    (INSTANCE, "multiAz"): None,
    (INSTANCE, "vpcSecurityGroupIds"): None,
    (INSTANCE, "preferredMaintenanceWindow"): None,
    # dms/endpoint.go: ForceNew endpoint_id and kms_key_arn; the rest through ModifyEndpoint.
    (ENDPOINT, "endpointId"): "replace",
    (ENDPOINT, "kmsKeyArn"): "replace",
    (ENDPOINT, "certificateArn"): None,
    (ENDPOINT, "sslMode"): None,
    (ENDPOINT, "password"): None,
    (ENDPOINT, "secretsManagerArn"): None,
    (ENDPOINT, "extraConnectionAttributes"): None,
    # dms/replication_subnet_group.go: ForceNew replication_subnet_group_id; subnets are modified in place.
    (SUBNET_GROUP, "replicationSubnetGroupId"): "replace",
    (SUBNET_GROUP, "subnetIds"): None,
    # dms/certificate.go: every argument is ForceNew (the resource has no update but tags).
    (CERTIFICATE, "certificateId"): "replace",
    (CERTIFICATE, "certificatePem"): "replace",
    (CERTIFICATE, "certificateWallet"): "replace",
    # dms/event_subscription.go: ForceNew name, source_ids, source_type; categories and topic in place.
    (EVENT_SUBSCRIPTION, "name"): "replace",
    (EVENT_SUBSCRIPTION, "sourceIds"): "replace",
    (EVENT_SUBSCRIPTION, "sourceType"): "replace",
    (EVENT_SUBSCRIPTION, "eventCategories"): None,
    (EVENT_SUBSCRIPTION, "snsTopicArn"): None,
    # iam/role.go: ForceNew name; events/rule.go: ForceNew name (the event pattern is updated in place).
    (ROLE, "name"): "replace",
    (ROLE, "assumeRolePolicy"): None,
    (EVENT_RULE, "name"): "replace",
    (EVENT_RULE, "eventPattern"): None,
    # dms/replication_config.go: ForceNew replication_config_identifier and resource_identifier (and, inside
    # compute_config, its subnet group, KMS key and zone); resourceReplicationConfigUpdate stops the replication,
    # modifies it (the endpoints too: not ForceNew here, unlike a task's) and starts it again.
    (CONFIG, "replicationConfigIdentifier"): "replace",
    (CONFIG, "resourceIdentifier"): "replace",
    (CONFIG, "replicationType"): "restart",
    (CONFIG, "tableMappings"): "restart",
    (CONFIG, "replicationSettings"): "restart",
    (CONFIG, "computeConfig"): "restart",
    (CONFIG, "sourceEndpointArn"): "restart",
    (CONFIG, "targetEndpointArn"): "restart",
    (CONFIG, "startReplication"): None,
}


@pytest.mark.parametrize(
    ("key", "effect"),
    PROVIDER.items(),
    ids=lambda v: f"{v[0].rsplit(':', 1)[-1]}.{v[1]}" if isinstance(v, tuple) else str(v),
)
def test_the_offline_diff_gives_each_input_the_providers_effect(key: tuple[str, str], effect: str | None) -> None:
    type_token, name = key
    before = Recorded(type_token, "r", {name: "a", "other": 1}, custom=True)
    after = Recorded(type_token, "r", {name: "b", "other": 1}, custom=True)
    (change,) = diff_runs(_run(before), _run(after))
    assert change.effects == ({name: effect} if effect else {})
    assert change.kind == {"replace": "replace", "refused": "refused"}.get(effect or "", "update")


def test_every_fact_in_the_table_is_one_the_provider_source_gives() -> None:
    """A row of provider_facts this test's reading of the provider source lacks, or gives another effect: the table
    is wrong or this reading is incomplete; either way someone must look."""
    for fact in PROVIDER_FACTS:
        assert PROVIDER.get((fact.type, fact.input), "not read") == fact.effect, (fact.type, fact.input)


def test_an_input_without_a_fact_is_a_plain_update():
    before = Recorded(TASK, "t", {"tags": {"a": "1"}}, custom=True)
    after = Recorded(TASK, "t", {"tags": {"a": "2"}}, custom=True)
    (change,) = diff_runs(_run(before), _run(after))
    assert (change.kind, change.effects) == ("update", {})
    assert effect_of(TASK, "tags") is None


def test_event_subscription_source_ids_are_force_new():
    """The cutover `up` adds the reverse task to the task-events subscription: a delete and re-create."""
    before = Recorded(EVENT_SUBSCRIPTION, "s", {"sourceIds": ["a"]}, custom=True)
    after = Recorded(EVENT_SUBSCRIPTION, "s", {"sourceIds": ["a", "b"]}, custom=True)
    changes = diff_runs(_run(before), _run(after))
    assert [c.kind for c in changes] == ["replace"]
    (notice,) = change_notices(changes)
    assert notice.destructive and notice.code == "replace"
    assert notice.text.startswith("s would be REPLACED, delete then create (sourceIds)")


def test_a_task_move_and_a_restart_are_notes_not_replacements():
    before = Recorded(TASK, "t", {"replicationInstanceArn": "x", "tableMappings": "{}"}, custom=True)
    after = Recorded(TASK, "t", {"replicationInstanceArn": "y", "tableMappings": "{1}"}, custom=True)
    changes = diff_runs(_run(before), _run(after))
    assert [c.kind for c in changes] == ["update"]
    notices = change_notices(changes)
    notes = [n.text for n in notices if n.level is Level.NOTE]
    assert any(x.startswith("t moves to another replication instance") for x in notes)
    assert any(x.startswith("t is modified in place (tableMappings)") for x in notes)
    assert not any(n.destructive for n in notices if n.level is Level.NOTE)

"""The program against what the provider really does under `pulumi up` (migration.dms.provider_facts): resources
with fixed ids are replaced delete-first, endpoints pause their tasks to be modified, and the offline diff gives
every input the effect the provider gives it."""

from __future__ import annotations

import pytest

from migration.cli.offline import ProgramRun, Recorded, diff_runs
from migration.cli.plan import change_notices
from migration.dms.provider_facts import DELETE_BEFORE_REPLACE, ENDPOINT, PROVIDER_FACTS, TASK, effect_of
from migration.notices import Level
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
    assert {TASK, ENDPOINT, "aws:dms/replicationInstance:ReplicationInstance"} <= kinds


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


@pytest.mark.parametrize("fact", PROVIDER_FACTS, ids=lambda f: f"{f.type.rsplit(':', 1)[-1]}.{f.input}")
def test_the_offline_diff_gives_each_input_the_providers_effect(fact):
    before = Recorded(fact.type, "r", {fact.input: "a", "other": 1}, custom=True)
    after = Recorded(fact.type, "r", {fact.input: "b", "other": 1}, custom=True)
    (change,) = diff_runs(_run(before), _run(after))
    assert change.effects == {fact.input: fact.effect}
    expected_kind = {"replace": "replace", "refused": "refused"}.get(fact.effect, "update")
    assert change.kind == expected_kind


def test_an_input_without_a_fact_is_a_plain_update():
    before = Recorded(TASK, "t", {"tags": {"a": "1"}}, custom=True)
    after = Recorded(TASK, "t", {"tags": {"a": "2"}}, custom=True)
    (change,) = diff_runs(_run(before), _run(after))
    assert (change.kind, change.effects) == ("update", {})
    assert effect_of(TASK, "tags") is None


def test_event_subscription_source_ids_are_force_new():
    """The cutover `up` adds the reverse task to the task-events subscription: a delete and re-create."""
    token = "aws:dms/eventSubscription:EventSubscription"
    before = Recorded(token, "s", {"sourceIds": ["a"]}, custom=True)
    after = Recorded(token, "s", {"sourceIds": ["a", "b"]}, custom=True)
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

"""The phase order and the deployed tasks, enforced at `pulumi up`: the program reads its own last outputs through a
self StackReference and refuses what would break a running migration before any resource is registered."""

from __future__ import annotations

import os
import runpy
from datetime import date

import pulumi
import pytest
from pulumi.runtime.config import set_all_config

from migration.cli.offline import RecordingMocks, RecordingMonitor, run_program
from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.notices import Level, Notice
from migration.planning import transitions
from migration.planning.design import resolve
from migration.planning.transitions import DEPLOYED_STATE_OUTPUT, check_transition, deployed_state, read_deployed
from tests.helpers import ROOT

LSN = "0/16B3748"


def _design(*overrides: str, stack: str = "prod"):
    return resolve(read_stack_file(ROOT, stack, list(overrides)).load())


def _deployed(*overrides: str, stack: str = "prod", previous: dict | None = None) -> dict:
    """The deployedState output a stack with these overrides exports (after `previous`, if given)."""
    design = _design(*overrides, stack=stack)
    return deployed_state(design, read_deployed({DEPLOYED_STATE_OUTPUT: previous} if previous else None))


def _notices(deployed: dict | None, *overrides: str, stack: str = "prod", today: date | None = None) -> list[Notice]:
    state = read_deployed({DEPLOYED_STATE_OUTPUT: deployed} if deployed is not None else None)
    return check_transition(_design(*overrides, stack=stack), state, today=today)


def _check(deployed: dict | None, *overrides: str, stack: str = "prod", today: date | None = None) -> list[str]:
    return [n.text for n in _notices(deployed, *overrides, stack=stack, today=today)]


def test_going_back_and_abandoning_are_destructive_and_a_date_warning_is_not():
    (back,) = _notices(_deployed("phase=cutover"), "phase=replicate", "allowPhaseBack=cutover")
    (abandon,) = _notices(_deployed(), "phase=complete")
    (engine,) = _notices(None, "replicationInstance.engineVersion=3.5.4", today=date(2026, 12, 1))
    assert (back.code, back.destructive) == ("phase-back", True)
    assert (abandon.code, abandon.destructive) == ("abandon-migration", True)
    assert engine.level is Level.WARNING and not engine.destructive


def test_the_first_deployment_passes():
    assert _check(None) == []


def test_reverse_endpoints_appearing_before_cutover_are_no_transition_to_refuse():
    """A stack deployed at replicate without the reverse endpoints (reverse off, or a program that created them at
    cutover) gains them at replicate, and later the reverse task at cutover: creations, nothing said."""
    assert _check(_deployed("reverse.enabled=false")) == []
    assert _check(_deployed(), "phase=cutover") == []


def test_deployed_state_records_phase_and_each_task():
    state = _deployed("migration.startTask=true")
    assert state["phase"] == "replicate"
    assert (state["project"], state["stack"], state["region"]) == ("oracle2pg", "prod", "eu-west-1")
    task = state["tasks"]["oracle2pg-prod-load-01"]
    assert task == {
        "name": "load-01",
        "direction": "forward",
        "migrationType": "full-load-and-cdc",
        "cdcStartPosition": None,
        "hasRun": True,
        "tables": {
            "count": 5,
            "digest": task["tables"]["digest"],
            "names": ["APP.ADDRESSES", "APP.CUSTOMERS", "HR.DEPARTMENTS", "HR.EMPLOYEES", "HR.JOB_HISTORY"],
        },
        "lobs": {"task": 64.0, "tables": {}},  # no LOB table in load-01: only the task's LobMaxSize
    }
    assert state["replicationInstance"] == {"engineVersion": "3.6.1", "allocatedStorage": 500, "count": 1}


@pytest.mark.parametrize(
    ("old", "new"),
    [("cutover", "replicate"), ("fallback", "replicate"), ("fallback", "cutover"), ("complete", "fallback")],
)
def test_going_back_is_refused_naming_both_phases_and_the_override(old, new):
    deployed = _deployed(f"phase={old}", f"reverse.cdcStartPosition={LSN}")
    with pytest.raises(ConfigError) as err:
        _check(deployed, f"phase={new}", f"reverse.cdcStartPosition={LSN}")
    assert str(err.value).startswith(f"oracle2pg:phase: the stack is deployed at {old}; going back to {new}")
    assert f"oracle2pg:allowPhaseBack: {old}" in str(err.value)


def test_allow_phase_back_lets_one_deliberate_up_go_back():
    deployed = _deployed("phase=cutover")
    (warning,) = _check(deployed, "phase=replicate", "allowPhaseBack=cutover")
    assert warning.startswith("phase goes back from cutover to replicate (allowPhaseBack: cutover)")
    assert "protected ones stop this up: unprotect them first" in warning and warning.endswith("after this up")


def test_a_stale_allow_phase_back_is_refused():
    deployed = _deployed("phase=fallback", f"reverse.cdcStartPosition={LSN}")
    with pytest.raises(ConfigError, match=r"^oracle2pg:allowPhaseBack: is cutover but the deployed phase is fallback"):
        _check(deployed, "phase=fallback", f"reverse.cdcStartPosition={LSN}", "allowPhaseBack=cutover")


def test_replicate_to_fallback_without_a_cutover_is_refused():
    with pytest.raises(ConfigError, match="go through cutover first"):
        _check(_deployed(), "phase=fallback", f"reverse.cdcStartPosition={LSN}")


def test_replicate_to_complete_is_allowed_and_said_to_abandon_the_migration():
    (warning,) = _check(_deployed(), "phase=complete")
    assert "abandons the migration" in warning


@pytest.mark.parametrize(("old", "new"), [("replicate", "cutover"), ("cutover", "fallback"), ("fallback", "complete")])
def test_every_forward_step_passes_quietly(old, new):
    deployed = _deployed(f"phase={old}", f"reverse.cdcStartPosition={LSN}")
    assert _check(deployed, f"phase={new}", f"reverse.cdcStartPosition={LSN}") == []


def test_a_deployed_tasks_migration_type_cannot_change():
    deployed = _deployed(stack="dev")
    with pytest.raises(ConfigError) as err:
        _check(deployed, "migration.type=full-load-and-cdc", stack="dev")
    assert str(err.value).startswith(
        "oracle2pg:migration.type: task oracle2pg-dev-main is deployed as full-load; AWS cannot change"
    )


def test_a_running_reverse_task_keeps_its_start_position():
    deployed = _deployed("phase=fallback", f"reverse.cdcStartPosition={LSN}")
    with pytest.raises(ConfigError, match=r"^oracle2pg:reverse.cdcStartPosition: task oracle2pg-prod-reverse has run"):
        _check(deployed, "phase=fallback", "reverse.cdcStartPosition=0/FFFFFFF")


def test_an_idle_reverse_task_takes_its_position_at_fallback():
    """At cutover the reverse task exists but has not run: setting the cutover LSN then is the normal flow."""
    deployed = _deployed("phase=cutover")
    assert deployed["tasks"]["oracle2pg-prod-reverse"]["hasRun"] is False
    assert _check(deployed, "phase=fallback", f"reverse.cdcStartPosition={LSN}") == []


def _register_under(deployed_outputs: dict, *overrides: str) -> tuple[RecordingMocks, Exception | None]:
    """Run the real program with the self reference answering `deployed_outputs`; keep what was registered."""
    sf = read_stack_file(ROOT, "prod", list(overrides))
    mocks = RecordingMocks("eu-west-1", deployed_outputs)
    set_all_config(sf.pulumi_config(), sorted(sf.secret_keys))
    pulumi.runtime.settings.set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(mocks, project=sf.project, stack=sf.stack, preview=False, monitor=RecordingMonitor(mocks))

    @pulumi.runtime.test
    def _run():
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    cwd, error = os.getcwd(), None
    os.chdir(ROOT)
    try:
        _run()
    except Exception as exc:  # noqa: BLE001 - the refusal is what we look at
        error = exc
    finally:
        os.chdir(cwd)
    return mocks, error


def test_a_refused_up_registers_no_resource_at_all():
    """The gate sits on every resource: a refusal leaves AWS untouched, not half-updated."""
    deployed = {DEPLOYED_STATE_OUTPUT: _deployed("phase=fallback", f"reverse.cdcStartPosition={LSN}")}
    mocks, error = _register_under(deployed)
    assert isinstance(error, pulumi.RunError)
    assert "going back to replicate" in str(error)
    assert {r.type for r in mocks.resources} == {"oracle2pg:dms:MigrationPipeline"}


def test_an_allowed_up_registers_every_resource_after_the_check():
    deployed = {DEPLOYED_STATE_OUTPUT: _deployed()}
    mocks, error = _register_under(deployed)
    assert error is None
    tasks = [r for r in mocks.resources if r.type == "aws:dms/replicationTask:ReplicationTask"]
    assert len(tasks) == 4
    assert all("migration-deployed" in r.depends_on for r in mocks.resources if r.custom)


def test_the_program_exports_the_state_the_next_up_checks():
    run = run_program(read_stack_file(ROOT, "prod"))
    assert run.outputs[DEPLOYED_STATE_OUTPUT] == _deployed()
    again = run_program(read_stack_file(ROOT, "prod"), deployed=run.outputs)
    assert again.outputs[DEPLOYED_STATE_OUTPUT] == _deployed()


def test_an_engine_downgrade_is_refused_at_up():
    deployed = _deployed()
    deployed["replicationInstance"]["engineVersion"] = "3.7.0"
    with pytest.raises(ConfigError, match=r"^oracle2pg:replicationInstance.engineVersion: 3.6.1 is older than the "):
        _check(deployed)


def test_storage_never_shrinks_on_a_deployed_instance():
    with pytest.raises(ConfigError) as err:
        _check(_deployed(), "replicationInstance.allocatedStorage=400")
    assert str(err.value) == (
        "oracle2pg:replicationInstance.allocatedStorage: 400 GB is less than the deployed 500 GB; DMS storage cannot "
        "shrink: keep 500 or more"
    )
    assert _check(_deployed(), "replicationInstance.allocatedStorage=600") == []


def test_a_new_instance_on_a_version_dms_no_longer_creates_is_refused():
    with pytest.raises(ConfigError, match="DMS creates no new replication instance with it since 2026-02-28"):
        _check(None, "replicationInstance.engineVersion=3.5.3", today=date(2026, 12, 1))
    deployed = _deployed("replicationInstance.engineVersion=3.5.3")
    (warning,) = _check(deployed, "replicationInstance.engineVersion=3.5.3", today=date(2026, 12, 1))
    assert warning.startswith("engine version 3.5.3 reached its end of life on 2026-06-30")


def test_engine_dates_near_are_warned_on_the_first_up_too():
    (warning,) = _check(None, "replicationInstance.engineVersion=3.5.4", today=date(2026, 12, 1))
    assert warning == "engine version 3.5.4: no new instances on 2027-01-31, in 61 days (DMS release notes)"


def test_has_run_stays_true_after_the_task_stops():
    """A cdc task that ran in replicate keeps its start position at cutover and after, not only while it runs."""
    cdc = ("migration.type=cdc", "migration.cdcStartPosition=1234567890", "migration.targetTablePrepMode=DO_NOTHING")
    ran = _deployed(*cdc, "migration.startTask=true", stack="dev")
    stopped = _deployed(*cdc, "phase=cutover", stack="dev", previous=ran)
    assert stopped["tasks"]["oracle2pg-dev-main"]["hasRun"] is True
    moved = ("migration.type=cdc", "migration.cdcStartPosition=1234567999", "migration.targetTablePrepMode=DO_NOTHING")
    with pytest.raises(ConfigError, match=r"^oracle2pg:migration.cdcStartPosition: task oracle2pg-dev-main has run"):
        _check(stopped, *moved, "phase=cutover", stack="dev")


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ({DEPLOYED_STATE_OUTPUT: "fallback"}, "deployedState: the deployed stack's output is not one this program"),
        ({DEPLOYED_STATE_OUTPUT: {"phase": "FALLBACK"}}, "(phase: Input should be"),
        ({DEPLOYED_STATE_OUTPUT: {"phase": None}}, "(phase: Input should be"),
        ({DEPLOYED_STATE_OUTPUT: {"phase": "cutover", "tasks": []}}, "(tasks: Input should be a valid dictionary"),
        (
            {DEPLOYED_STATE_OUTPUT: {"phase": "cutover", "tasks": {"t": {"name": "t", "direction": "forward"}}}},
            "(tasks.t.migrationType: Field required",
        ),
    ],
)
def test_outputs_this_program_did_not_write_are_refused_not_taken_as_nothing(outputs, message):
    with pytest.raises(ConfigError) as err:
        read_deployed(outputs)
    assert message in str(err.value)


def test_a_stack_deployed_by_an_older_version_is_checked_on_its_phase():
    legacy = read_deployed({"phase": "fallback", "taskArns": {}})
    assert legacy is not None and legacy.phase == "fallback" and legacy.tasks == {}
    with pytest.raises(ConfigError, match="the stack is deployed at fallback; going back to replicate"):
        check_transition(_design(), legacy)


def test_outputs_of_another_stack_are_refused():
    dev = _deployed(stack="dev")
    with pytest.raises(ConfigError, match=r"^deployedState: these outputs belong to stack oracle2pg/dev, not "):
        _check(dev)


def test_a_region_change_is_refused():
    deployed = _deployed()
    deployed["region"] = "eu-central-1"
    with pytest.raises(ConfigError, match=r"^aws:region: the stack is deployed in eu-central-1; changing the region"):
        _check(deployed)


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("fallback", "cutover", "would stop the reverse task while PostgreSQL keeps taking writes"),
        ("complete", "fallback", "would restart replication after complete"),
    ],
)
def test_each_way_back_says_what_it_would_do(old, new, why):
    deployed = _deployed(f"phase={old}", f"reverse.cdcStartPosition={LSN}")
    with pytest.raises(ConfigError, match=why):
        _check(deployed, f"phase={new}", f"reverse.cdcStartPosition={LSN}")


def test_an_unused_allow_phase_back_is_said():
    (warning,) = _check(_deployed("phase=cutover"), "phase=cutover", "allowPhaseBack=cutover")
    assert warning == "allowPhaseBack: cutover has no effect: the phase does not go back; remove it"
    assert _check(None, "allowPhaseBack=cutover") == ["allowPhaseBack has no effect on a first deployment: remove it"]


def test_an_added_instance_must_be_creatable_on_the_pinned_version():
    deployed = _deployed("replicationInstance.engineVersion=3.5.3")
    with pytest.raises(ConfigError, match="DMS creates no new replication instance with it since 2026-02-28"):
        _check(deployed, "replicationInstance.engineVersion=3.5.3", "capacity.instances=2", today=date(2026, 12, 1))
    (warning,) = _check(deployed, "replicationInstance.engineVersion=3.5.3", today=date(2026, 12, 1))
    assert "end of life" in warning


def test_serverless_has_no_instance_to_check():
    loaded = _deployed("capacity.mode=serverless", "reverse.enabled=false", stack="prod")
    assert loaded["replicationInstance"] is None
    assert (
        _check(None, "capacity.mode=serverless", "reverse.enabled=false", "replicationInstance.engineVersion=3.4.7")
        == []
    )


def test_a_deployed_engine_version_that_is_no_version_is_one_config_error():
    deployed = _deployed()
    deployed["replicationInstance"]["engineVersion"] = "banana"
    with pytest.raises(ConfigError, match=r"replicationInstance.engineVersion: .*not 'banana'"):
        _check(deployed)


def test_outputs_of_another_project_are_refused_not_taken_as_a_first_deployment():
    with pytest.raises(ConfigError, match=r"^deployedState: the deployed stack's outputs \(bucketName, url\) hold no"):
        read_deployed({"bucketName": "b", "url": "https://example.com"})


def test_a_running_deployed_task_the_plan_no_longer_has_is_destructive():
    deployed = _deployed()
    (kept_id, kept), *_ = sorted(deployed["tasks"].items())
    deployed["tasks"]["oracle2pg-prod-gone-01"] = {**kept, "name": "gone-01", "hasRun": True}
    (dropped,) = [n for n in _notices(deployed) if n.code == "deployed-task-dropped"]
    assert dropped.destructive and "deployed task oracle2pg-prod-gone-01 (gone-01) has run" in dropped.text
    deployed["tasks"]["oracle2pg-prod-gone-01"]["hasRun"] = False  # never ran: deleting it loses nothing
    assert not [n for n in _notices(deployed) if n.code == "deployed-task-dropped"]
    assert kept_id in deployed["tasks"]


def test_each_forward_tasks_tables_are_recorded_by_count_and_digest_and_named_under_the_cap(monkeypatch):
    listed_state = _deployed()
    monkeypatch.setattr(transitions, "TABLE_NAMES_CAP", 7)  # prod moves 8 tables
    counted_state = _deployed()
    listed, counted = listed_state["tasks"], counted_state["tasks"]
    for task_id, task in listed.items():
        assert counted[task_id]["tables"] == {k: v for k, v in task["tables"].items() if k != "names"}
    digests = {t["tables"]["digest"] for t in listed.values()}
    assert len(digests) == len(listed) and all(len(d) == 32 for d in digests)
    assert sum(t["tables"]["count"] for t in listed.values()) == 8
    # the record reads back, and an unchanged stack says nothing about it
    assert _check(listed_state) == [] and _check(counted_state) == []


def test_a_changed_table_record_is_destructive_for_a_task_that_has_run_and_a_note_before():
    state = _deployed("migration.startTask=true")
    load = state["tasks"]["oracle2pg-prod-load-01"]
    load["tables"] = {"count": 4, "digest": "0" * 32, "names": load["tables"]["names"][:4]}
    state["tasks"]["oracle2pg-prod-nokey-01"]["hasRun"] = False
    (notice,) = _notices(state)
    assert (notice.code, notice.level, notice.destructive) == ("task-tables-change", Level.WARNING, True)
    assert notice.text.endswith(
        "has run and its tables change (in: HR.JOB_HISTORY): a table that moves in is loaded "
        "again, one that moves out stops replicating"
    )
    load["hasRun"] = False
    (notice,) = _notices(state)
    assert (notice.level, notice.destructive) == (Level.NOTE, False)


def test_a_state_without_the_table_record_is_said_once_and_never_a_change():
    state = _deployed()
    for task in state["tasks"].values():
        del task["tables"]
    (notice,) = _notices(state)
    assert (notice.code, notice.level, notice.destructive) == ("deployed-tables-unrecorded", Level.NOTE, False)


@pytest.mark.parametrize(
    ("tables", "expect"),
    [
        ({"count": -1, "digest": "0" * 32}, "tables.count: Input should be greater than or equal to 0"),
        ({"count": 1, "digest": "xyz"}, "tables.digest: String should match pattern"),
        ({"count": 2, "digest": "0" * 32, "names": ["A.B"]}, "names lists 1 tables but count is 2"),
        ({"count": 1, "digest": "0" * 32, "names": "A.B"}, "tables.names: Input should be a valid list"),
        ({"digest": "0" * 32}, "tables.count: Field required"),
        ([], "tables: Input should be a valid dictionary"),
    ],
)
def test_a_bad_table_record_is_one_line(tables, expect):
    state = _deployed()
    state["tasks"]["oracle2pg-prod-load-01"]["tables"] = tables
    with pytest.raises(ConfigError) as exc:
        read_deployed({DEPLOYED_STATE_OUTPUT: state})
    assert expect in str(exc.value) and "\n" not in str(exc.value)


def test_a_first_up_that_would_start_the_load_before_the_checks_is_a_warning():
    # today: prod shipped startTask: true and no plan line said the first up starts the load before the checks
    assert _design().stack.config.migration.start_task is False  # prod ships with the tasks created stopped
    assert not [n for n in check_transition(_design(), None) if n.code == "first-up-starts-load"]
    starting = _design("migration.startTask=true")
    (found,) = [n for n in check_transition(starting, None) if n.code == "first-up-starts-load"]
    assert found.level is Level.WARNING and "deploy first with migration.startTask: false" in found.text
    deployed = read_deployed({DEPLOYED_STATE_OUTPUT: _deployed()})
    assert not [n for n in check_transition(starting, deployed) if n.code == "first-up-starts-load"]

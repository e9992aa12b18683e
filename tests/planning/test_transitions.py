"""The phase order and the deployed tasks, enforced at `pulumi up`: the program reads its own last outputs through a
self StackReference and refuses what would break a running migration before any resource is registered."""

from __future__ import annotations

import logging
import os
import runpy
from datetime import date

import pulumi
import pytest
from pulumi.runtime.config import set_all_config

from migration.cli.offline import RecordingMocks, RecordingMonitor, run_program
from migration.config.model import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.tasks import all_tasks
from migration.planning.transitions import DEPLOYED_STATE_OUTPUT, check_transition, deployed_state
from tests.helpers import ROOT

LSN = "0/16B3748"
# A refused program leaves the futures of the resources that waited on the check unretrieved; asyncio logs each
# at garbage collection, long after the test. The refusal itself is asserted below.
logging.getLogger("asyncio").setLevel(logging.CRITICAL)


def _stack(*overrides: str, stack: str = "prod"):
    loaded = read_stack_file(ROOT, stack, list(overrides)).load()
    return loaded, all_tasks(loaded)


def _deployed(*overrides: str, stack: str = "prod") -> dict:
    loaded, specs = _stack(*overrides, stack=stack)
    return deployed_state(loaded, specs)


def _check(deployed: dict | None, *overrides: str, stack: str = "prod") -> list[str]:
    loaded, specs = _stack(*overrides, stack=stack)
    return check_transition(loaded, specs, deployed)


def test_the_first_deployment_passes():
    assert _check(None) == [] and _check({}) == []


def test_deployed_state_records_phase_and_each_task():
    state = _deployed()
    assert state["phase"] == "replicate"
    task = state["tasks"]["oracle2pg-prod-load-01"]
    assert task == {
        "name": "load-01",
        "direction": "forward",
        "migrationType": "full-load-and-cdc",
        "cdcStartPosition": None,
        "running": True,
    }
    assert state["replicationInstance"] == {"engineVersion": "3.6.1", "allocatedStorage": 500}


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
    warnings = _check(deployed, "phase=replicate", "allowPhaseBack=cutover")
    assert warnings == [
        "phase goes back from cutover to replicate (allowPhaseBack: cutover); remove allowPhaseBack after this up"
    ]


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
    with pytest.raises(ConfigError, match=r"^oracle2pg:reverse.cdcStartPosition: task oracle2pg-prod-reverse has been"):
        _check(deployed, "phase=fallback", "reverse.cdcStartPosition=0/FFFFFFF")


def test_an_idle_reverse_task_takes_its_position_at_fallback():
    """At cutover the reverse task exists but has not run: setting the cutover LSN then is the normal flow."""
    deployed = _deployed("phase=cutover")
    assert deployed["tasks"]["oracle2pg-prod-reverse"]["running"] is False
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
    loaded, specs = _stack("replicationInstance.engineVersion=3.5.3")
    with pytest.raises(ConfigError, match="DMS creates no new replication instance with it since 2026-02-28"):
        check_transition(loaded, specs, None, today=date(2026, 12, 1))
    deployed = _deployed("replicationInstance.engineVersion=3.5.3")
    (warning,) = check_transition(loaded, specs, deployed, today=date(2026, 12, 1))
    assert warning.startswith("engine version 3.5.3 reached its end of life on 2026-06-30")


def test_engine_dates_near_are_warned_on_the_first_up_too():
    loaded, specs = _stack("replicationInstance.engineVersion=3.5.4")
    (warning,) = check_transition(loaded, specs, None, today=date(2026, 12, 1))
    assert warning == "engine version 3.5.4: no new instances on 2027-01-31, in 61 days (DMS release notes)"

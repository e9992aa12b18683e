"""Re-trial B8: the runbook said "keep that schedule out of the cutover window" without printing the schedule."""

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.planning.design import resolve
from tests.helpers import ROOT


def test_the_runbook_prints_each_tasks_resync_window_next_to_keep_it_out_of_the_cutover():
    design = resolve(read_stack_file(ROOT, "prod").load())
    text = runbook(design)
    resyncing = [s for s in design.forward if "ResyncSettings" in s.settings]  # not the key-less task
    assert len(resyncing) == 3
    for spec in resyncing:
        resync = spec.settings["ResyncSettings"]
        assert f"- task {spec.name}: `{resync['ResyncSchedule']}`, for up to {resync['MaxResyncTime']} min" in text
    assert "- task big-orders: `0 3 ? * *`, for up to 60 min" in text  # staggered after the first
    off = runbook(resolve(read_stack_file(ROOT, "prod", ["migration.dataResync=false"]).load()))
    assert "resync windows" not in off

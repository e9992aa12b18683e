"""Every copy by hand says its time against the downtime window, at one MB/s (issue 22 re-trial B4): a key-less
LOB table copied whole after the freeze, an excluded table, and the LOB reconciliation's pass in the outage."""

from __future__ import annotations

import re
from pathlib import Path

from migration.config.stackfile import read_stack_file
from migration.docs.stack_docs import runbook
from migration.planning.design import resolve

ROOT = Path(__file__).resolve().parents[2]


def _design(*overrides: str):
    return resolve(read_stack_file(ROOT, "prod", list(overrides)).load())


def _left_behind(design, start: str) -> str:
    (line,) = [n.text for n in design.notices if n.code == "left-behind" and n.text.startswith(start)]
    return line


def test_a_keyless_lob_table_copied_whole_says_its_time_against_the_window():
    fits = _left_behind(_design(), "left behind: APP.AUDIT_LOG.DETAILS (LONG)")  # 2 GiB, a 0.25 h window
    assert "the copy: 2.0 GiB (the export's BYTES): about 3 min at 10 MB/s, within the 0.25 h downtime window" in fits
    over = _left_behind(_design("sizing.windowHours=0.05"), "left behind: APP.AUDIT_LOG.DETAILS (LONG)")
    assert over.endswith(
        "about 3 min at 10 MB/s, more than the 0.05 h downtime window: add the key rather than copy it in the outage"
    )


def test_an_excluded_table_says_its_time_against_the_window():
    design = _design('migration.exclude=["APP.ORDERS"]', "sizing.planFile=null")
    line = _left_behind(design, "left behind: APP.ORDERS:")
    assert line.endswith(
        "the copy: 9.6 GiB (the export's BYTES): about 0.3 h at 10 MB/s, more than the 0.25 h downtime window: "
        "include it rather than copy it in the outage"
    )


def _lob_warning(design) -> str:
    (note,) = [n.text for n in design.notices if n.code == "logminer-lob-updates-accepted"]
    return note


def test_the_lob_pass_in_the_outage_is_estimated_from_the_change_rate():
    """The second LOB pass (after the freeze) copies what changed while the first ran: at most the stated change
    rate over the first pass's time; the plan and the runbook say the same."""
    design = _design("sizing.throughput.changeRateMbPerS=0.5")
    note = _lob_warning(design)
    assert (
        "at the source's change rate of 0.5 MB/s (sizing.throughput.changeRateMbPerS, every change counted as a LOB "
        "change: an upper bound) over the first pass's 0.3 h, the pass after the freeze copies up to 0.6 GiB (of "
        "changes): about 1 min at 10 MB/s, within the 0.25 h downtime window, plus one ORA_ROWSCN scan of each table"
    ) in note
    said = note.split("(accepted in migration.lobUpdatesNotReplicated); ", 1)[1]
    assert said in re.sub(r"\s+", " ", runbook(design))
    assert "set sizing.throughput.changeRateMbPerS for an estimate of the pass after the freeze" in _lob_warning(
        _design()
    )

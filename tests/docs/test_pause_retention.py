"""A pause longer than Oracle's archived-log retention (re-trial on issue 21, A2): a task stopped after its full
load reads no redo while it waits for the other loads and the after-load build; its resume needs the logs from
where it stopped. The plan warns when that exceeds source.settings.archiveLogRetentionHours, and says what to do.
The hospital stack's after-load build is estimated at 14.1 h (indexes and checks at 100 MB/s per table read; foreign keys are added NOT VALID, no read)."""

from pathlib import Path

from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve

HOSPITAL = Path(__file__).resolve().parents[2] / "tests" / "data" / "hospital"
CODE = "pause-longer-than-log-retention"


def _warnings(*overrides: str) -> list[str]:
    design = resolve(read_stack_file(HOSPITAL, "hospital", list(overrides)).load())
    return [n.text for n in design.notices if n.code == CODE]


def test_a_build_longer_than_the_retention_is_a_warning_that_says_what_to_do():
    (text,) = _warnings("source.settings.archiveLogRetentionHours=12")
    assert "task main stops after its full load and reads no redo for ~14.1 h" in text
    assert "longer than the 12 h Oracle keeps archived logs (source.settings.archiveLogRetentionHours)" in text
    assert "Raise archiveLogRetentionHours above 15 h" in text and "inventory.pauseBeforeCachedChanges: false" in text


def test_the_shipped_retention_covers_the_build_and_no_pause_needs_none():
    assert _warnings() == []  # 48 h
    assert _warnings("source.settings.archiveLogRetentionHours=12", "inventory.pauseBeforeCachedChanges=false") == []


def test_the_first_paused_task_waits_for_the_longest_load_too():
    """Auto sizing splits the schema into tasks of very different loads: the shortest one waits the longest."""
    (text,) = _warnings(
        "sizing.mode=auto",
        "sizing.windowHours=4",
        "sizing.throughput.fullLoadMbPerSPerStream=0.05",
        "source.settings.archiveLogRetentionHours=168",
    )
    assert text.startswith("task rowapply-01 stops after its full load and reads no redo for ~888.8 h")
    assert "waits ~874.6 h for big-clinical-notes's full load, then the after-load build" in text

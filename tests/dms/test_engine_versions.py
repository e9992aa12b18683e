"""DMS engine versions against their dated table: what can be created today, what is near its dates, downgrades."""

from datetime import date

import pytest

from migration.dms.engine_versions import (
    DEFAULT_ENGINE_VERSION,
    ENGINE_VERSIONS,
    EngineVersionError,
    check_engine_version,
)


def test_the_default_can_be_created_whenever_the_tests_run():
    no_new, end_of_life = ENGINE_VERSIONS[DEFAULT_ENGINE_VERSION]
    assert (no_new, end_of_life) == (None, None)
    assert check_engine_version(DEFAULT_ENGINE_VERSION, today=date(2030, 1, 1), new_instance=True).warnings == ()


def test_a_version_past_its_no_new_instance_date_is_refused_for_a_new_instance():
    with pytest.raises(EngineVersionError, match=r"^3.5.3: DMS creates no new replication instance with it since "):
        check_engine_version("3.5.3", today=date(2026, 12, 1), new_instance=True)


def test_an_existing_instance_on_that_version_is_warned_not_refused():
    check = check_engine_version("3.5.3", today=date(2026, 12, 1), new_instance=False)
    assert check.warnings == (
        "engine version 3.5.3 reached its end of life on 2026-06-30: DMS upgrades the instance itself; pin the "
        "version it runs now",
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 2), ["no new instances on 2027-01-31, in 90 days"]),
        (date(2026, 11, 1), []),
        (date(2027, 1, 1), ["no new instances on 2027-01-31, in 30 days", "end of life on 2027-03-31, in 89 days"]),
    ],
)
def test_warnings_start_ninety_days_before_either_date(today, expected):
    warnings = check_engine_version("3.5.4", today=today, new_instance=True).warnings
    assert [w.removeprefix("engine version 3.5.4: ").removesuffix(" (DMS release notes)") for w in warnings] == expected


def test_a_downgrade_is_refused_whatever_the_dates():
    with pytest.raises(EngineVersionError, match=r"^3.5.4 is older than the deployed 3.6.1: DMS does not downgrade"):
        check_engine_version("3.5.4", today=date(2026, 12, 1), new_instance=False, deployed="3.6.1")
    assert check_engine_version("3.6.1", today=date(2026, 12, 1), new_instance=False, deployed="3.5.4").warnings == ()


def test_an_unknown_version_is_warned_about():
    (warning,) = check_engine_version("3.7.0", today=date(2026, 12, 1), new_instance=True).warnings
    assert warning.startswith("engine version 3.7.0 is not in this program's table")

"""DMS replication engine versions and their dates: one dated table, with its source.

Source: AWS DMS User Guide, "AWS DMS release notes" (CHAP_ReleaseNotes), the table of versions with the date after
which no new replication instance can be created with a version and its end-of-life date, after which DMS
upgrades instances itself whatever `auto_minor_version_upgrade` says. Two published copies of that page disagree;
this table follows the newer one (it names 3.5.4 the default engine and
extends 3.5.3/3.5.4), and notes the other copy's dates where they differ. None means "to be announced".
Re-check the page when you move the default: a pinned version past its no-new-instance date fails at create, and
after a forced upgrade a pinned older version is a permanent diff asking for a downgrade, which DMS does not do
(CHAP_ReplicationInstance.EngineVersions: "AWS DMS doesn't support engine version downgrades").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# version -> (no new instances after, end of life); the older copy's dates in the comment where they differ.
ENGINE_VERSIONS: dict[str, tuple[date | None, date | None]] = {
    "3.4.7": (date(2024, 9, 30), date(2024, 10, 31)),
    "3.5.1": (date(2024, 11, 30), date(2025, 3, 15)),
    "3.5.2": (date(2025, 3, 30), date(2025, 4, 29)),
    "3.5.3": (date(2026, 2, 28), date(2026, 6, 30)),  # older copy: 2025-08-31 / 2025-10-31
    "3.5.4": (date(2027, 1, 31), date(2027, 3, 31)),  # older copy: 2026-03-15 / 2026-05-15
    "3.6.0": (date(2026, 4, 27), date(2026, 7, 27)),  # older copy: end of life 2026-06-27
    "3.6.1": (None, None),  # older copy: 2026-09-15 / 2026-11-15
}
DEFAULT_ENGINE_VERSION = "3.6.1"  # the newest listed version without announced dates: creatable today
WARN_DAYS = 90


class EngineVersionError(ValueError):
    """A pinned engine version DMS will not create, or a downgrade; one line."""


@dataclass(frozen=True)
class EngineCheck:
    warnings: tuple[str, ...] = ()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def check_engine_version(version: str, *, today: date, new_instance: bool, deployed: str | None = None) -> EngineCheck:
    """Refuse a version DMS cannot create for a new instance, or a downgrade from `deployed`; warn within
    WARN_DAYS of either date, and for a version this table does not know."""
    if deployed is not None and version_key(version) < version_key(deployed):
        raise EngineVersionError(
            f"{version} is older than the deployed {deployed}: DMS does not downgrade a replication instance; keep "
            f"{deployed} or a newer version"
        )
    if version not in ENGINE_VERSIONS:
        known = ", ".join(ENGINE_VERSIONS)
        return EngineCheck(
            (
                f"engine version {version} is not in this program's table ({known}): check its dates "
                "in the DMS release notes",
            )
        )
    no_new, end_of_life = ENGINE_VERSIONS[version]
    if new_instance and no_new is not None and today > no_new:
        raise EngineVersionError(
            f"{version}: DMS creates no new replication instance with it since {no_new.isoformat()} (DMS release "
            f"notes); pin {DEFAULT_ENGINE_VERSION}"
        )
    warnings = []
    for label, when in (("no new instances", no_new), ("end of life", end_of_life)):
        if when is None:
            continue
        days = (when - today).days
        if 0 <= days <= WARN_DAYS:
            warnings.append(
                f"engine version {version}: {label} on {when.isoformat()}, in {days} days (DMS release notes)"
            )
        elif days < 0 and label == "end of life":
            warnings.append(
                f"engine version {version} reached its end of life on {when.isoformat()}: DMS upgrades the instance "
                "itself; pin the version it runs now"
            )
    return EngineCheck(tuple(warnings))

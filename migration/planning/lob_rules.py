"""The DMS LOB rules that span a stack's tasks: LOB buffers that fit each instance's memory (CommitRate and
StreamBufferSizeInMB per LOB task), and LogMiner's LOB-only updates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Sequence

from migration.config import ConfigError, Stack, did_you_mean
from migration.config.models.sizing import Throughput
from migration.dms.identifiers import StackNames
from migration.inventory.lobs import choose_lob_mode
from migration.inventory.model import Table
from migration.notices import Notice, info, warning
from migration.planning.capacity import serverless_dcu
from migration.planning.memory import MemoryFitError, TaskLobs, fit_lob_buffers
from migration.planning.settings import DEFAULT_LOB_KB, forward_settings, keyless_task
from migration.planning.spec import TaskSpec
from migration.planning.table_rules import TableRules


def with_lob_rules(
    stack: Stack, specs: list[TaskSpec], rules: dict[str, tuple[TableRules, int]]
) -> tuple[list[TaskSpec], list[Notice]]:
    """The specs with LOB buffers that fit each instance, and the stack notices that go with them."""
    accepted = _check_logminer_lob_updates(stack, [r for r, _ in rules.values()])
    guessed = guessed_lob_sizes(stack, [r for r, _ in rules.values()])
    fitted, summaries = _fit_per_instance(stack, specs, rules)
    _check_commit_rate_override(stack, fitted)
    out = []
    for slot, spec in enumerate(specs):
        buffers = fitted.get(spec.name)
        if buffers is None:
            out.append(spec)
            continue
        r, subtasks = rules[spec.name]
        settings = forward_settings(
            stack,
            _subtasks(spec, subtasks),
            r.lob_sizes_kb,
            r.batch,
            r.character_keys,
            resync_slot=slot,
            keyless=keyless_task(r.tables),
            commit_rate=buffers.commit_rate,
            stream_buffer_size_mb=buffers.stream_buffer_size_mb,
        )
        gib = (buffers.lob_buffer_bytes + buffers.stream_buffer_bytes) / 2**30
        why = f"{spec.name}: LOB buffers CommitRate {buffers.commit_rate}, StreamBufferSizeInMB "
        why += f"{buffers.stream_buffer_size_mb}: {gib:.1f} GiB"
        out.append(replace(spec, settings=settings, reasons=(*spec.reasons, why)))
    return out, [*summaries, *([accepted] if accepted else []), *guessed]


def _fit_per_instance(
    stack: Stack, specs: Sequence[TaskSpec], rules: dict[str, tuple[TableRules, int]]
) -> tuple[dict[str, Any], list[Notice]]:
    """Fit the LOB buffers of the tasks sharing each memory: an instance's tasks together, or on DMS Serverless
    each replication config alone (each has capacity of its own, up to capacity.maxDcu). Each summary names its
    instance (or replication) when the stack has more than one."""
    serverless = stack.config.capacity.mode == "serverless"
    names = StackNames(stack.project, stack.stack)
    groups: dict[str, list[TaskLobs]] = {}
    for spec in specs:
        if spec.name in rules:
            r, subtasks = rules[spec.name]
            where = f"replication {names.task_id(spec.name)}" if serverless else _instance_label(names, spec.instance)
            groups.setdefault(where, []).append(TaskLobs(spec.name, subtasks, tuple(r.lobs)))
    instance_class = stack.config.replication_instance.instance_class
    dcu = serverless_dcu(stack.config)[1] if serverless else None
    key = "capacity.maxDcu" if serverless else "replicationInstance.instanceClass"
    named = serverless or len({s.instance for s in specs}) > 1
    fitted: dict[str, Any] = {}
    summaries: list[Notice] = []
    for where, demands in groups.items():
        try:
            plan = fit_lob_buffers(demands, instance_class, serverless_dcu=dcu, where=where if named else "")
        except MemoryFitError as exc:
            on = f"{where}: " if named else ""
            raise ConfigError(f"{stack.project}:{key}: {on}{exc}", key=key) from None
        fitted |= plan.tasks
        if plan.tasks:
            summaries.append(info("lob-buffers", plan.summary()))
    return fitted, summaries


def guessed_lob_sizes(stack: Stack, rules: Sequence[TableRules]) -> list[Notice]:
    """A warning per LOB table whose bulk-max-size no measurement backs (LONG and LONG RAW cannot be measured in
    place): limited LOB mode cuts a larger value, or with FailTasksOnLobTruncation stops the task at it (DMS
    guide: Setting LOB support for source databases in an AWS DMS task), so the guess is to be measured."""
    stops = stack.config.source.settings.fail_tasks_on_lob_truncation
    out = []
    for r in rules:
        kept = {lob.label for lob in r.lobs}
        for t in r.tables:
            choice = choose_lob_mode(t, default_limited_kb=DEFAULT_LOB_KB) if f"{t.owner}.{t.name}" in kept else None
            if choice is None or not choice.guessed:
                continue
            longs = [c.name for c in t.columns if c.data_type.upper() in ("LONG", "LONG RAW")] or ["COL"]
            col = longs[0]
            out.append(
                warning(
                    "lob-size-guessed",
                    f"{t.owner}.{t.name}: LOB size not measured ({', '.join(longs)}): bulk-max-size {choice.bulk_max_size_kb} "
                    f"KB is a guess, and one larger value "
                    + ("stops the task (FailTasksOnLobTruncation)" if stops else "is cut silently")
                    + f"; measure it on Oracle (TO_LOB copies a LONG/LONG RAW into a LOB): CREATE TABLE scratch_lob "
                    f"AS SELECT TO_LOB({col}) AS v FROM {t.owner}.{t.name}; SELECT MAX(DBMS_LOB.GETLENGTH(v)) FROM "
                    f"scratch_lob; (x 4 for a LONG, in characters) and add it to lobs.csv "
                    f'("{t.owner}","{t.name}","{col}",MAX_BYTES)',
                )
            )
    return out


def _instance_label(names: StackNames, index: int) -> str:
    return f"instance {names.instance_ids(index + 1)[index]}"


def _subtasks(spec: TaskSpec, default: int) -> int:
    return int(spec.settings.get("FullLoadSettings", {}).get("MaxFullLoadSubTasks", default))


def _check_commit_rate_override(stack: Stack, fitted: Mapping[str, Any]) -> None:
    """An override may lower CommitRate, never raise it past what keeps the LOB tasks' buffers in memory."""
    override = stack.config.migration.task_settings_overrides.get("FullLoadSettings", {})
    rate = override.get("CommitRate") if isinstance(override, dict) else None
    if not isinstance(rate, int) or not fitted:
        return
    most = min(b.commit_rate for b in fitted.values())
    if rate > most:
        key = "migration.taskSettingsOverrides.FullLoadSettings.CommitRate"
        raise ConfigError(
            f"{stack.project}:{key}: {rate} would not fit the "
            f"LOB buffers in {stack.config.replication_instance.instance_class}'s memory; at most {most} (DMS guide: "
            "Setting LOB support)",
            key=key,
        )


def _like(pattern: str) -> re.Pattern[str]:
    """An acknowledgement pattern (SCHEMA.TABLE with % wildcards) as a regular expression."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("%")))


def _check_logminer_lob_updates(stack: Stack, rules: Sequence[TableRules]) -> Notice | None:
    """With LogMiner, DMS does not replicate UPDATEs that change only LOB columns (on Oracle 11 no LOB or XMLTYPE
    UPDATE at all): DMS guide, "Limitations on using Oracle as a source". A CDC stack with such tables must say
    which way it goes: Binary Reader, or an acknowledgement naming exactly the affected tables."""
    cfg = stack.config
    m = cfg.migration
    if not m.has_cdc or cfg.source.settings.reader != "logminer":
        return None
    affected = sorted({lob.label for r in rules for lob in r.lobs})
    ok = set(accepted_lob_tables(stack, affected))
    missing = [t for t in affected if t not in ok]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise ConfigError(
            f"{stack.project}:source.settings.reader: with LogMiner, DMS does not replicate UPDATEs that change only "
            f"LOB columns, and these CDC tables have LOBs: {shown}; use reader: binary-reader, or list them (or a "
            "pattern like APP.%) in migration.lobUpdatesNotReplicated to accept it",
            key="source.settings.reader",
        )
    stale = sorted(p for p in m.lob_updates_not_replicated if "%" not in p and p not in affected)
    note = ""
    if stale:
        hints = "".join(did_you_mean(t, affected) for t in stale[:1])
        note = f"; {', '.join(stale)} listed there but not a LOB table of the CDC tasks{hints}"
    if not affected and not note:
        return None
    by_label = {f"{t.owner}.{t.name}": t for r in rules for t in r.tables}
    text = (
        lob_reconciliation_text(
            [by_label[a] for a in affected],
            cfg.sizing.window_hours,
            logminer_only=cfg.source.settings.filter_transactions_of_user is not None,
            change_mb_per_s=change_rate(cfg.sizing.throughput),
        )
        if affected
        else ""
    )
    return warning(
        "logminer-lob-updates-accepted",
        f"LogMiner: UPDATEs that change only LOB columns of {', '.join(affected) or 'no table'} are not "
        f"replicated (accepted in migration.lobUpdatesNotReplicated){'; ' + text if text else ''}{note}",
    )


def change_rate(throughput: Mapping[str, float]) -> float | None:
    """The source's change rate the stack states (sizing.throughput.changeRateMbPerS), None when it states none."""
    return Throughput.model_validate(throughput).change_rate_mb_per_s if throughput else None


def accepted_lob_tables(stack: Stack, labels: Iterable[str]) -> list[str]:
    """The OWNER.TABLE labels whose LOB-only updates the stack accepts losing under LogMiner (named, or matched by
    a pattern, in migration.lobUpdatesNotReplicated), in the order given; none without LogMiner CDC."""
    cfg = stack.config
    if not cfg.migration.has_cdc or cfg.source.settings.reader != "logminer":
        return []
    accepted = set(cfg.migration.lob_updates_not_replicated)
    patterns = [_like(p) for p in accepted if "%" in p]
    return [t for t in labels if t in accepted or any(rx.fullmatch(t) for rx in patterns)]


# Planning assumption for every copy by hand (the LOB reconciliation of runbook steps 1 and 3, the whole-table
# copies of what DMS leaves behind, the LOB columns carried back after a fallback): one SQL*Plus spool (BLOBs as hex,
# twice their bytes, through a PL/SQL function) or psql \copy, and one load, table after table, move about this
# many MB of the export's BYTES per second. Not an AWS or Oracle figure: time the first table on a restored copy.
BY_HAND_MB_PER_S = 10


def by_hand_hours(nbytes: int) -> float:
    """Hours a copy by hand of `nbytes` of the export's BYTES takes at BY_HAND_MB_PER_S."""
    return nbytes / 2**20 / BY_HAND_MB_PER_S / 3600


def by_hand_time(nbytes: int, window_hours: float | None, of: str = "the export's BYTES") -> str:
    """A copy by hand's time against the downtime window (sizing.windowHours), as the plan and runbook say it."""
    hours = by_hand_hours(nbytes)
    took = f"{hours:.1f} h" if hours >= 0.1 else f"{max(1, round(hours * 60))} min"
    text = f"{nbytes / 2**30:,.1f} GiB ({of}): about {took} at {BY_HAND_MB_PER_S} MB/s"
    if window_hours is None:
        return text + " (no sizing.windowHours to hold it against)"
    if hours <= window_hours:
        return text + f", within the {window_hours:g} h downtime window"
    return text + f", more than the {window_hours:g} h downtime window"


def lob_reconciliation_text(
    tables: Sequence[Table],
    window_hours: float | None,
    *,
    logminer_only: bool = False,
    change_mb_per_s: float | None = None,
) -> str:
    """What the plan warning and the runbook both say about reconciling LogMiner's lost LOB-only updates: a full
    pass before the freeze (after recording the SCN), then after the freeze the rows changed since that SCN, with
    the full pass's time from the export's BYTES against the downtime window (sizing.windowHours). `logminer_only`:
    the stack sets filterTransactionsOfUser, which works with LogMiner only, so Binary Reader is not a plain switch;
    `change_mb_per_s` (sizing.throughput.changeRateMbPerS) bounds the pass after the freeze, in the outage."""
    total = sum(t.bytes for t in tables)
    hours = by_hand_hours(total)
    text = (
        f"reconcile them in two passes (runbook steps 1 and 3): before the freeze, record the SCN and copy every "
        f"row's LOBs; after the freeze and the drain, copy the rows changed since that SCN (ORA_ROWSCN). A full "
        f"pass reads {total / 2**30:,.1f} GiB (the export's BYTES of {len(tables)} table(s)): about {hours:.1f} h at "
        f"{BY_HAND_MB_PER_S} MB/s"
    )
    if window_hours is None:
        return text + " (no sizing.windowHours to hold it against)" + _second_pass(total, None, change_mb_per_s)
    if hours <= window_hours:
        return text + f", within the {window_hours:g} h downtime window even if every row changed"
    text += (
        f", more than the {window_hours:g} h downtime window: the pass after the freeze is only as short as the "
        "changes since the first pass, so run that one last thing before the freeze"
        + _second_pass(total, window_hours, change_mb_per_s)
        + "; better, use Binary Reader "
        "(source.settings.reader: binary-reader), which replicates LOB-only updates: the DMS guide steers LOB "
        "workloads there"
    )
    if logminer_only:
        text += (
            " (this stack's source.settings.filterTransactionsOfUser works with LogMiner only: switching means "
            "dropping it, and with it the loopback filter it gives the way back)"
        )
    return text


def _second_pass(total: int, window_hours: float | None, change_mb_per_s: float | None) -> str:
    """The pass after the freeze copies what changed while the first pass ran (it starts from the SCN recorded
    before it): at most the source's whole change rate over the first pass's time, at most every row."""
    if change_mb_per_s is None:
        return "; set sizing.throughput.changeRateMbPerS for an estimate of the pass after the freeze"
    first = by_hand_hours(total)
    changed = min(total, int(change_mb_per_s * 2**20 * first * 3600))
    return (
        f"; at the source's change rate of {change_mb_per_s:g} MB/s (sizing.throughput.changeRateMbPerS, every "
        f"change counted as a LOB change: an upper bound) over the first pass's {first:.1f} h, the pass after the "
        f"freeze copies up to {by_hand_time(changed, window_hours, 'of changes')}, plus one ORA_ROWSCN scan of each table"
    )

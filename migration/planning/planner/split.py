"""The split: tables into bundles (configured groups), bundles into task drafts within the task budget.

Big tables get their own task with parallel load; the rest share tasks by kind (load, lob, rowapply, nokey), balanced by
work, each with just the subtasks its work needs; drafts are then named."""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Mapping, Sequence

from migration.dms.limits import MAX_FULL_LOAD_SUBTASKS
from migration.notices import Notice
from migration.planning.planner.fmt import fmt_gb, fmt_time, names
from migration.planning.planner.model import PlannerError
from migration.planning.planner.parallel import parallel_load
from migration.planning.planner.records import KINDS, Bundle, Context, Draft, Shared, Tab, needs_own_task

_NAME_RE = re.compile(r"[^a-z0-9]+")


def bundles(
    tabs: Sequence[Tab], groups: Sequence[Sequence[str]], by_label: Mapping[str, Tab], max_tables: int
) -> list[Bundle]:
    """Union-find over the configured groups: overlapping groups merge, since 'same task' is transitive."""
    parent = {t.label: t.label for t in tabs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for gi, group in enumerate(groups):
        for label in group:
            if not isinstance(label, str) or label not in by_label:
                hint = next((k for k in by_label if isinstance(label, str) and k.upper() == label.upper()), None)
                more = f" (did you mean {hint!r}? names are case-sensitive)" if hint else ""
                raise PlannerError(
                    "groups", f"[{gi}]: unknown table {label!r}; use OWNER.TABLE as in the inventory{more}"
                )
            parent[find(label)] = find(group[0])
    members: dict[str, list[Tab]] = {}
    for t in tabs:
        members.setdefault(find(t.label), []).append(t)
    out = []
    for m in members.values():
        if len(m) > max_tables:
            raise PlannerError(
                "groups",
                f": {len(m)} tables ({m[0].label}, ...) must share one task but max_tables_per_task is "
                f"{max_tables}; split the group or raise max_tables_per_task",
            )
        kind = (
            "nokey"
            if not all(t.keyed for t in m)
            else "rowapply"
            if not all(t.batch for t in m)
            else "lob"
            if any(t.lob for t in m)
            else "load"
        )
        out.append(Bundle(m, sum(t.work for t in m), kind))
    out.sort(key=lambda b: (-b.work, b.tabs[0].key))
    return out


def mark_big(bundles: Iterable[Bundle], target: float) -> None:
    """Flag the bundles holding a table that needs its own task: they become `big` drafts with parallel load
    (if the task budget allows; `assign` may demote them). Not used for cdc plans, which load nothing."""
    for b in bundles:
        b.big = any(needs_own_task(t, target) for t in b.tabs)


def assign(bundles: list[Bundle], ctx: Context, warnings: list[Notice]) -> tuple[list[Draft], list[Tab]]:
    """Bundles -> task drafts within the task budget; returns the drafts and big tables demoted to shared tasks.

    Active streams share the instance equally, so a stream loaded above the others finishes last: the plan aims
    at one per-stream load `level` everywhere -- big tables are cut into segments of about that size and each
    shared task gets just the subtasks its bytes need at that level."""
    big = [b for b in bundles if b.big]
    shared = Shared()
    for b in bundles:
        if not b.big:
            shared.add(b)
    demoted = demote(big, shared, ctx)
    members = {k: [b for b in bundles if not b.big and b.kind == k] for k in KINDS}
    sizes, leftover, level = size_shared(members, shared, len(big), ctx)
    drafts = [big_draft(b, level, ctx, warnings) for b in big]
    for kind in KINDS:
        if members[kind]:
            tasks, leftover = pack(kind, members[kind], sizes[kind], leftover, ctx)
            set_subtasks(tasks, kind, level, ctx)
            drafts += tasks
    return drafts, demoted


def demote(big: list[Bundle], shared: Shared, ctx: Context) -> list[Tab]:
    """Give up own tasks for the smallest big bundles until the big tasks plus the fewest shared tasks fit the
    task budget; returns the demoted tables (for a warning). Raises when even no big task at all doesn't fit.

    Updates `big` (popped), the demoted bundles' `big` flag and `shared` in place."""
    demoted: list[Tab] = []
    while big and len(big) + sum(shared.minimal(ctx.max_tables).values()) > ctx.task_cap:
        b = big.pop()  # bundles are sorted largest first: demote the smallest big one
        b.big = False
        shared.add(b)
        demoted += b.tabs
    need = len(big) + sum(shared.minimal(ctx.max_tables).values())
    if need > ctx.task_cap:
        total = sum(shared.counts.values())
        raise PlannerError(
            None,  # about the table count against the task limit, not one argument
            f"{total} tables need {need} tasks at max_tables_per_task={ctx.max_tables}, over the {ctx.task_cap}-task "
            f"limit (DMS: 200 tasks per instance); raise max_tables_per_task to at least "
            f"{math.ceil(total / ctx.task_cap)} or split the inventory across replication instances",
        )
    return demoted


def size_shared(
    members: Mapping[str, Sequence[Bundle]], shared: Shared, n_big: int, ctx: Context
) -> tuple[dict[str, int], int, float]:
    """Task counts per shared kind and the per-stream `level`; returns (sizes, leftover task budget, level).

    Each kind first gets enough tasks for the table limit, then, while the budget lasts, enough streams to
    keep every stream near `target`; a second pass matches every kind to the level the count-bound kinds
    impose. The leftover budget is kept for groups that don't pack."""
    minimal = shared.minimal(ctx.max_tables)
    sizes = {k: min(minimal[k], len(members[k])) for k in KINDS}
    leftover = ctx.task_cap - (n_big + sum(minimal.values()))
    level = ctx.target
    total_work = sum(shared.works.values())
    for _ in range(2):
        for k in KINDS:
            if not ctx.preloaded and level > 0 and members[k]:
                want = min(math.ceil(shared.works[k] / (level * ctx.rates.max_streams)), len(members[k]))
                extra = max(0, min(want - sizes[k], leftover))
                leftover -= extra
                sizes[k] += extra
        n_shared = sum(sizes.values())
        if n_shared and total_work > 0:
            level = min(level, total_work / n_shared)
    # Several instances: at least one task per instance where the tables allow, or some would stay idle.
    for k in sorted(KINDS, key=lambda k: -shared.works[k]):
        deficit = ctx.instances - n_big - sum(sizes.values())
        extra = max(0, min(deficit, leftover, len(members[k]) - sizes[k]))
        sizes[k] += extra
        leftover -= extra
    return sizes, leftover, level


def big_draft(b: Bundle, level: float, ctx: Context, warnings: list[Notice]) -> Draft:
    """One own task for a big bundle: its big tables are cut into parallel-load segments of about `level`
    work, the others load whole; the task gets the default subtasks, or more if a table has more segments."""
    r = ctx.rates
    d = Draft("big", streams_cap=r.max_streams)
    for t in b.tabs:
        d.tabs.append(t)
        if needs_own_task(t, ctx.target):
            settings, segs, why = parallel_load(t, level, ctx.ranges.get(t.label), warnings, ctx.rates.stream)
            d.parallel[t.key] = settings
            d.units += [t.work / segs] * segs
            d.notes.append(
                f"{t.label} is {fmt_gb(t.bytes)} GB ({fmt_time(t.work / r.stream)} alone on a single stream): own "
                f"task; {why}"
            )
            d.streams_cap = max(d.streams_cap, min(MAX_FULL_LOAD_SUBTASKS, segs))
        else:
            d.units.append(t.work)
    if len(b.tabs) > 1:
        d.notes.append(f"keeps group {names(b.tabs)} together")
    return d


def pack(kind: str, bundles: Sequence[Bundle], size: int, leftover: int, ctx: Context) -> tuple[list[Draft], int]:
    """Bundles of one kind (largest first) onto the least-loaded of `size` tasks that still has room for the
    whole bundle; a bundle that fits nowhere opens a new task from the leftover budget. Returns the tasks and
    the budget left, which the next kind may use."""
    max_tables = ctx.max_tables
    tasks = [Draft(kind) for _ in range(max(1, size))]
    heap = [(0.0, i) for i in range(len(tasks))]
    for b in bundles:
        skipped = []
        while heap and len(tasks[heap[0][1]].tabs) + len(b.tabs) > max_tables:
            entry = heapq.heappop(heap)
            if len(tasks[entry[1]].tabs) < max_tables:
                skipped.append(entry)
        if heap:
            load, i = heapq.heappop(heap)
        else:
            if leftover <= 0:
                raise PlannerError(
                    "groups",
                    f" don't pack into {ctx.task_cap} tasks at max_tables_per_task={max_tables}; raise "
                    f"max_tables_per_task or make the groups smaller",
                )
            leftover -= 1
            tasks.append(Draft(kind))
            load, i = 0.0, len(tasks) - 1
        tasks[i].tabs += b.tabs
        tasks[i].units += [t.work for t in b.tabs]
        if len(b.tabs) > 1:
            tasks[i].notes.append(f"keeps group {names(b.tabs)} together")
        heapq.heappush(heap, (load + b.work, i))
        for entry in skipped:
            heapq.heappush(heap, entry)
    return tasks, leftover


def set_subtasks(tasks: Sequence[Draft], kind: str, level: float, ctx: Context) -> None:
    """Give each shared task just the subtasks its work needs at `level` (more would only slow the other
    tasks sharing the instance), or the full count for cdc plans, and put the task's main reason first."""
    r = ctx.rates
    blurb = {
        "load": "balanced by bytes (largest first onto the least-loaded task)",
        "lob": f"with LOB columns, kept apart: LOB lookups are slow (estimated x{r.lob_penalty:g}) and "
        f"need limited/full LOB settings",
        "rowapply": "that batch apply cannot take (both a primary key and a unique constraint, too many columns, "
        "XMLTYPE, LONG or LONG RAW, a key stored as bytea), kept apart so the other tasks apply changes in batches",
        "nokey": "without primary or unique key, kept apart: DMS applies their UPDATE/DELETE by matching every "
        "column (slow, needs full supplemental logging) and cannot batch them",
    }[kind]
    for d in tasks:
        note = f"{len(d.tabs)} table(s) {blurb}; {len(tasks)} {kind} task(s), <= {ctx.max_tables} tables each"
        if not ctx.preloaded and level > 0:
            d.streams_cap = max(1, min(r.max_streams, math.ceil(sum(d.units) / level - 1e-9)))
            note += (
                f"; {min(d.streams_cap, len(d.units))} subtask(s), enough for its share of the instance "
                f"(more would only slow the others)"
            )
        else:
            d.streams_cap = r.max_streams
        d.notes.insert(0, note)


def name_drafts(drafts: list[Draft]) -> None:
    """big-<largest table>, else <kind>-NN numbered per kind in draft order."""
    used: set[str] = set()
    counters = dict.fromkeys(KINDS, 0)
    width = max(2, len(str(len(drafts))))
    for d in drafts:
        if d.kind == "big":
            main = max(d.tabs, key=lambda t: (t.bytes, t.key))
            base = f"big-{_slug(main.src.name)}".rstrip("-")
            name, n = base, 1
            while name in used:
                n += 1
                name = f"{base}-{n}"
        else:
            counters[d.kind] += 1
            name = f"{d.kind}-{counters[d.kind]:0{width}d}"
        used.add(name)
        d.name = name


def _slug(text: str) -> str:
    return _NAME_RE.sub("-", text.lower()).strip("-")[:40].strip("-")

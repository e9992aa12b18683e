"""The runbook's pictures (Mermaid): the topology with the real ids, the phase state machine and the planned full
load as a Gantt chart, and the "At a glance" section that shows them."""

from __future__ import annotations

import math
from collections.abc import Sequence

from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.markdown import Doc

# Above these counts the topology draws one node per instance ("N tasks") or one for all instances: a flowchart
# with more boxes than that stops being readable, and the ids are all in the Shell helpers anyway.
MAX_TASK_NODES = 12
MAX_INSTANCE_NODES = 8
# The Gantt chart draws at most this many tasks (the longest ones: they set the pace of the load).
MAX_GANTT_ROWS = 40


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: Mermaid's entity codes for the characters that would end or mark up it."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _label(*lines: str) -> str:
    return '"' + "<br/>".join(_mermaid_text(line) for line in lines) + '"'


def _span(tasks: Sequence[str]) -> str:
    return tasks[0] if len(tasks) == 1 else f"{tasks[0]} ... {tasks[-1]}"


def _task_nodes(ctx: RunbookContext, group: str, tasks: Sequence[str], out: list[str]) -> list[str]:
    """Node ids for the forward tasks of one instance (or of DMS Serverless): one node each, or one "N tasks" node
    when the stack has more tasks than a readable picture holds."""
    kind = "replication config" if ctx.serverless else "task"
    if len(ctx.forward_task_ids) <= MAX_TASK_NODES:
        ids = []
        for task in tasks:
            node = f"task_{ctx.forward_task_ids.index(task) + 1}"
            out.append(f"    {node}({_label(task, f'forward {kind}')})")
            ids.append(node)
        return ids
    node = f"tasks_{group}"
    out.append(f"    {node}({_label(f'{len(tasks)} forward {kind}s', _span(tasks))})")
    return [node]


def _instance_groups(ctx: RunbookContext, out: list[str], edges: list[str]) -> str:
    """The replication instances (one node each, or one for all beyond MAX_INSTANCE_NODES) with their forward
    tasks; returns the node the reverse task runs through ("" without a reverse task)."""
    fwd = list(ctx.forward_task_ids)
    instances = ctx.instances
    reverse_hub = ""
    groups: list[tuple[str, list[str]]]  # (instance node, its tasks)
    if len(instances) <= MAX_INSTANCE_NODES:
        groups = []
        for i, instance in enumerate(instances, start=1):
            out.append(f"    inst_{i}{{{{{_label(instance, 'replication instance')}}}}}")
            groups.append((f"inst_{i}", [t for t in fwd if ctx.instance_of(t) == instance]))
        if ctx.reverse_task_id:
            reverse_hub = f"inst_{instances.index(ctx.instance_of(ctx.reverse_task_id)) + 1}"
    else:
        out.append(f"    insts{{{{{_label(f'{len(instances)} replication instances', _span(instances))}}}}}")
        groups = [("insts", fwd)]
        reverse_hub = "insts"
    edges.append(f"    src_ep --> {' & '.join(node for node, _ in groups)}")
    for node, tasks in groups:
        if tasks:
            nodes = _task_nodes(ctx, node.removeprefix("inst_"), tasks, out)
            edges.append(f"    {node} --> {' & '.join(nodes)}")
            edges.append(f"    {' & '.join(nodes)} --> tgt_ep")
    return reverse_hub


def topology_mermaid(ctx: RunbookContext) -> list[str]:
    """Oracle -> source endpoint -> replication instance(s) -> tasks -> target endpoint -> PostgreSQL, with the
    real ids, and the reverse path (dashed) back to Oracle when the stack has one."""
    ep = ctx.endpoints
    created_later = ctx.phase == "replicate"  # the reverse task comes with phase cutover (its endpoints before)
    later = ["(created at phase cutover)"] if created_later else []
    out = [
        "flowchart LR",
        f"    oracle[({_label(ctx.source_description)})]",
        f"    src_ep[{_label(ep.source, 'source endpoint')}]",
        f"    tgt_ep[{_label(ep.target, 'target endpoint')}]",
        f"    postgres[({_label(ctx.target_description)})]",
    ]
    edges = ["    oracle --> src_ep"]
    reverse_hub = ""
    if ctx.serverless_dcu is not None:
        low, high = ctx.serverless_dcu
        out.append(f"    subgraph serverless[{_label(f'DMS Serverless, {low}-{high} DCU')}]")
        nodes = _task_nodes(ctx, "serverless", list(ctx.forward_task_ids), out)
        out.append("    end")
        edges.append(f"    src_ep --> {' & '.join(nodes)}")
        edges.append(f"    {' & '.join(nodes)} --> tgt_ep")
    else:
        reverse_hub = _instance_groups(ctx, out, edges)
    edges.append("    tgt_ep --> postgres")
    if ctx.reverse_task_id and reverse_hub:
        out += [
            f"    rev_src_ep[{_label(ep.reverse_source, 'reverse source endpoint')}]",
            f"    rev_task({_label(ctx.reverse_task_id, 'reverse task, cdc', *later)})",
            f"    rev_tgt_ep[{_label(ep.reverse_target, 'reverse target endpoint')}]",
        ]
        edges += [
            "    postgres -.->|fallback| rev_src_ep",
            f"    rev_src_ep -.-> {reverse_hub}",
            f"    {reverse_hub} -.-> rev_task",
            "    rev_task -.-> rev_tgt_ep",
            "    rev_tgt_ep -.-> oracle",
        ]
    return out + edges


def phases_mermaid(ctx: RunbookContext) -> list[str]:
    """The phase state machine, the current phase marked; `fallback` only when the stack has a reverse path."""
    out = [
        "stateDiagram-v2",
        "    direction LR",
        f'    state "{ctx.phase} (current phase)" as {ctx.phase}',
        "    [*] --> replicate",
        "    replicate --> cutover: section 4",
    ]
    if ctx.reverse_task_id:
        out += ["    cutover --> fallback: fallback, section 8", "    fallback --> complete: take back, section 8"]
    out += [
        "    cutover --> complete: teardown, section 9",
        "    replicate --> complete: abandon",
        "    complete --> [*]: pulumi destroy",
        "    classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px",
        f"    class {ctx.phase} current",
    ]
    return out


def duration(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def _gantt_rows(ctx: RunbookContext) -> list[tuple[str, float]]:
    """The tasks the chart draws, in task order: all of them, or the longest MAX_GANTT_ROWS."""
    estimates = list(ctx.full_load_estimates or ())
    if len(estimates) <= MAX_GANTT_ROWS:
        return estimates
    keep = set(sorted(estimates, key=lambda e: (-e[1], e[0]))[:MAX_GANTT_ROWS])
    return [e for e in estimates if e in keep]


def gantt_mermaid(ctx: RunbookContext) -> list[str]:
    """Each task's planned full load from 0 to its estimated finish (tasks load side by side), grouped by the
    instance it runs on; [] when there is no plan or no full load."""
    if not ctx.full_load_estimates or ctx.migration_type == "cdc":
        return []
    out = [
        "gantt",
        "    title Planned full load per task (estimate, not a measurement)",
        "    dateFormat HH:mm",
        "    axisFormat %H:%M",
        "    todayMarker off",
    ]
    rows = _gantt_rows(ctx)
    groups = ["DMS Serverless"] if ctx.serverless else ctx.instances
    for group in groups:
        mine = [(t, s) for t, s in rows if ctx.serverless or ctx.instance_of(t) == group]
        if not mine:
            continue
        out.append(f"    section {group}")
        out += [
            f"    {task} ({duration(seconds)}) :t{ctx.forward_task_ids.index(task) + 1}, 00:00, "
            f"{max(1, math.ceil(seconds))}s"
            for task, seconds in mine
        ]
    return out


def pictures_section(ctx: RunbookContext, d: Doc) -> None:
    """The migration at a glance, before any command: what talks to what (with the ids the commands use), where
    the lifecycle stands, and how long the planned full load should take."""
    intro = "Topology, with the ids the commands below use"
    if ctx.reverse_task_id:
        intro += "; dashed: the reverse path (PostgreSQL -> Oracle) for the fallback"
        intro += " (its task created at phase cutover)" if ctx.phase == "replicate" else ""
    if len(ctx.forward_task_ids) > MAX_TASK_NODES:
        intro += f". With more than {MAX_TASK_NODES} tasks each instance shows its task count and first and last task"
    d.add("## At a glance", "", intro + ":", "")
    d.code("mermaid", *topology_mermaid(ctx))
    d.add(f"Phases (`pulumi config set phase <name>`), the current one, **{ctx.phase}**, highlighted:", "")
    d.code("mermaid", *phases_mermaid(ctx))
    gantt = gantt_mermaid(ctx)
    if not gantt:
        return
    assert ctx.full_load_estimates is not None
    longest_task, longest = max(ctx.full_load_estimates, key=lambda e: e[1])
    drawn = len(_gantt_rows(ctx))
    d.add(
        "Planned full load per task, from the migration plan (`migration-plan.json`): an **estimate** from the "
        "planner's throughput assumptions, not a measurement. The tasks load side by side, so each bar runs from "
        f"the start of the load (00:00) to the task's estimated finish; the longest, `{longest_task}`, sets the "
        f"pace at about {duration(longest)}."
        + (
            f" The {drawn} longest of {len(ctx.full_load_estimates)} tasks are drawn."
            if drawn < len(ctx.full_load_estimates)
            else ""
        ),
        "",
    )
    d.code("mermaid", *gantt)

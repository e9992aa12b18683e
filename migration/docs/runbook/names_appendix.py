"""The runbook's names appendix: every table and column whose PostgreSQL name is not the lower-case fold of its
Oracle name, and the names applications must quote."""

from __future__ import annotations

from migration.docs.runbook.context import RunbookContext
from migration.docs.runbook.markdown import Doc

_MAX_NAMES_LISTED = 500


def _quoted_names(ctx: RunbookContext, d: Doc) -> None:
    """The PostgreSQL names that only work quoted (reserved words, names DMS keeps as Oracle spells them because
    it transforms no name holding # \\ / or -): every application query must write them so, or PostgreSQL folds
    them (or reads a keyword) and finds no such object."""
    if not ctx.quoted:
        return
    d.add(
        f"{len(ctx.quoted)} migrated table(s) and column(s) only work quoted in PostgreSQL: a reserved word, or a "
        "name kept as Oracle spells it (DMS transforms no column name holding `#`, `\\`, `/` or `-`). "
        "Applications must write them exactly as below, quotes included, in every query:",
        "",
        "| Oracle | PostgreSQL (quoted) |",
        "|---|---|",
    )
    d.add(*[f"| `{ora}` | `{pg}` |" for ora, pg in ctx.quoted[:_MAX_NAMES_LISTED]])
    d.add("")


def names_section(ctx: RunbookContext, d: Doc) -> None:
    """Appendix: which Oracle object each PostgreSQL name stands for, where it is not the case fold. Row counts,
    validation failures and the fallback are read by these names; without an inventory, say what is assumed."""
    d.add("## Appendix: names in Oracle and PostgreSQL", "")
    if ctx.renamed is None:
        d.add(
            "This stack has no inventory: the task mappings fold names by case only (`APP.ORDERS` <-> `app.orders`). "
            'An Oracle table or column that is not plain upper case (`"OrderLines"`, `"select"`) or is longer '
            "than 63 bytes would come back under a name Oracle does not have: configure `oracle2pg:inventory` to "
            "get exact rename rules both ways.",
            "",
        )
        return
    if not ctx.renamed and not ctx.quoted:
        d.add("Every migrated name is plain upper case in Oracle and its lower-case form in PostgreSQL.", "")
        return
    _quoted_names(ctx, d)
    if not ctx.renamed:
        return
    d.add(
        f"{len(ctx.renamed)} migrated table(s) and column(s) are named differently from the case fold; the forward "
        + ("and reverse mappings carry" if ctx.reverse_task_id else "mappings carry")
        + " a rename rule for each:",
        "",
        "| Oracle | PostgreSQL |",
        "|---|---|",
    )
    d.add(*[f"| `{ora}` | `{pg}` |" for ora, pg in ctx.renamed[:_MAX_NAMES_LISTED]])
    if len(ctx.renamed) > _MAX_NAMES_LISTED:
        d.add(
            "",
            f"... and {len(ctx.renamed) - _MAX_NAMES_LISTED} more: `python -m migration inventory report --stack "
            f"{ctx.stack} --format json` lists every column's PostgreSQL name.",
        )
    d.add("")

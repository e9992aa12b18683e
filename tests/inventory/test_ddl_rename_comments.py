"""The DDL's comment on a renamed table or column names the mappings that really carry the rename: "both ways"
only when the stack has a reverse task, and a LOB column (which takes the wildcard fold, no rule) never claims a
rename, in the whole DDL and in the before-load part alike (issue 22 trial finding 11)."""

from migration.inventory.ddl import render_ddl
from migration.inventory.ddl_parts import render_ddl_part
from migration.inventory.model import Column, Inventory, Table
from migration.inventory.objects import SchemaObjects

ORDER = Table(
    "WMS",
    "Order",
    1,
    1,
    True,
    key_columns=("ID",),
    columns=(
        Column("WMS", "Order", "ID", "NUMBER", 22, 12, 0, False, None),
        Column("WMS", "Order", "LabelPdf", "BLOB", 4000, None, None, True, None),
    ),
    lob_columns=("LabelPdf",),
)
INV = Inventory({("WMS", "Order"): ORDER})


def _notes(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("-- WMS.")]


def test_without_a_reverse_path_a_rename_is_the_forward_mappings_only():
    for text in (render_ddl(INV), render_ddl_part(INV, SchemaObjects(), "before-load")):
        notes = _notes(text)
        assert "-- WMS.Order: created as order (the forward task mappings rename it)" in notes
        assert not any("both ways" in n for n in notes)
        (lob,) = [n for n in notes if "LabelPdf" in n]
        assert lob.startswith("-- WMS.Order.LabelPdf: created as labelpdf, no rule of its own")


def test_with_a_reverse_path_the_rename_goes_both_ways_but_the_lob_column_still_has_no_rule():
    for text in (
        render_ddl(INV, reverse_path=True),
        render_ddl_part(INV, SchemaObjects(), "before-load", reverse_path=True),
    ):
        notes = _notes(text)
        assert "-- WMS.Order: created as order (the task mappings rename it both ways)" in notes
        (lob,) = [n for n in notes if "LabelPdf" in n]
        assert "rename" not in lob.split(":", 2)[1] and "no rule of its own" in lob

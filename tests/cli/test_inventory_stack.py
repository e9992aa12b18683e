"""`inventory report|ddl --stack` cover exactly the tables the stack's tasks move (the design's selection)."""

from __future__ import annotations

import shutil
from pathlib import Path

from migration.cli.main import main
from migration.config.stackfile import read_stack_file
from migration.planning.design import resolve
from tests.helpers import ROOT


def _project(tmp_path: Path, policy: str) -> Path:
    root = tmp_path / "project"
    (root / "tests" / "data").mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    text = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    (root / "Pulumi.prod.yaml").write_text(
        text.replace("unsupportedColumns: remove-column", f"unsupportedColumns: {policy}")
    )
    shutil.copytree(ROOT / "tests" / "data" / "inventory", root / "tests" / "data" / "inventory")
    return root


def test_a_table_the_stack_excludes_for_unsupported_columns_gets_no_ddl(tmp_path, capsys):
    root = _project(tmp_path, "exclude-table")
    design = resolve(read_stack_file(root, "prod").load())
    left_out = sorted(set(design.inventory.tables) - set(design.moved))
    assert left_out, "the sample inventory has a table with a column DMS cannot move"
    assert main(["inventory", "ddl", "--stack", "prod", "--root", str(root)]) == 0
    ddl = capsys.readouterr().out
    for owner, table in left_out:
        pg = f"{design.names.schema(owner)}.{design.names.table(owner, table)}"
        assert f"CREATE TABLE IF NOT EXISTS {pg} " not in ddl and f"CREATE TABLE {pg} " not in ddl
    moved = next(iter(design.moved))
    assert design.names.table(*moved) in ddl


def test_the_ddl_says_both_ways_only_for_a_stack_with_a_reverse_path(tmp_path, capsys):
    """Issue 22 trial finding 11: the rename comments claimed a way back on a stack that has none."""
    shop = tmp_path / "shop"
    shutil.copytree(ROOT / "tests" / "data" / "shop", shop)
    for part in ("", "before-load"):
        extra = ["--part", part] if part else []
        assert main(["inventory", "ddl", "--stack", "shop", "--root", str(shop), *extra]) == 0
        assert "(the task mappings rename it both ways)" in capsys.readouterr().out
    stackfile = shop / "Pulumi.shop.yaml"
    stackfile.write_text(
        stackfile.read_text().replace(
            "  oracle2pg:reverse:\n    enabled: true", "  oracle2pg:reverse:\n    enabled: false"
        )
    )
    assert main(["inventory", "ddl", "--stack", "shop", "--root", str(shop)]) == 0
    ddl = capsys.readouterr().out
    assert "both ways" not in ddl and "(the forward task mappings rename it)" in ddl

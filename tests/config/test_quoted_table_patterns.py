"""A mixed-case Oracle table can be named exactly in migration.include/exclude, as Oracle SQL writes it:
LEDGER."Invoice" (issue 23 CI trial, finding 7). Unquoted parts stay upper case; the error stays one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migration.cli.main import main
from migration.config import ConfigError
from migration.config.stackfile import read_stack_file
from migration.planning.stack_inventory import load_stack_inventory, selected_tables
from tests.helpers import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The prod stack without its frozen plan, over an inventory that also holds APP."Invoice" and APP.INVOICE."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    inv = root / "inv"
    shutil.copytree(ROOT / "tests/data/inventory", inv)
    with open(inv / "tables.csv", "a", encoding="utf-8") as f:
        f.write('"APP","Invoice",10,65536,"N","N","NO"\n"APP","INVOICE",10,65536,"N","N","NO"\n')
    with open(inv / "columns.csv", "a", encoding="utf-8") as f:
        for table in ("Invoice", "INVOICE"):
            f.write(f'"APP","{table}","ID","NUMBER",22,10,0,"N",,0\n')
    text = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8").replace("tests/data/inventory/", "inv/")
    text = "\n".join(line for line in text.splitlines() if "planFile:" not in line) + "\n"
    (root / "Pulumi.prod.yaml").write_text(text, encoding="utf-8")
    return root


def selected(root: Path, *sets: str) -> set[str]:
    stack = read_stack_file(root, "prod", list(sets)).load()
    inv = load_stack_inventory(stack)
    assert inv is not None
    m = stack.config.migration
    return {f"{t.owner}.{t.name}" for t in selected_tables(stack, inv, m.include, m.exclude)}


def test_a_quoted_name_excludes_exactly_that_table(project):
    assert {"APP.Invoice", "APP.INVOICE"} <= selected(project)
    left = selected(project, 'migration.exclude=[APP."Invoice"]')
    assert "APP.Invoice" not in left and "APP.INVOICE" in left
    left = selected(project, "migration.exclude=[APP.INVOICE]")
    assert "APP.Invoice" in left and "APP.INVOICE" not in left


def test_a_quoted_name_includes_exactly_that_table(project):
    assert selected(project, 'migration.include=[APP."Invoice"]') == {"APP.Invoice"}


@pytest.mark.parametrize("pattern", ["APP.Invoice", 'APP."Inv.oice"', 'APP."Inv"oice"', 'APP.""', "A.B.C"])
def test_anything_else_is_one_line_naming_the_quoted_form(project, pattern):
    with pytest.raises(ConfigError) as err:
        read_stack_file(project, "prod", [f"migration.exclude=['{pattern}']"]).load()
    message = str(err.value)
    assert message.startswith("oracle2pg:migration.exclude: ") and "\n" not in message
    assert 'in double quotes (e.g. LEDGER."Invoice")' in message


def test_the_plan_leaves_out_the_quoted_table(project, tmp_path, capsys):
    argv = ["--root", str(project), "plan", "--stack", "prod", "--out", str(tmp_path / "out")]
    assert main([*argv, "--set", 'migration.exclude=[APP."Invoice"]']) == 0
    out = capsys.readouterr().out
    assert "APP.Invoice: excluded by migration.include/exclude" in out


# ------------------------------------- re-trial: one form for every key that names tables, documented in each field

# Each key naming tables, and the --set value naming APP."Invoice" there.
KEYS = {
    "migration.exclude": "migration.exclude=['{t}']",
    "migration.lobUpdatesNotReplicated": "migration.lobUpdatesNotReplicated=['{t}']",
    "sizing.groups": "sizing.groups=[['{t}', 'APP.INVOICE']]",
    "sizing.keyRanges": "sizing.keyRanges={{'{t}': [1, 9]}}",
    "migration.tasks": "migration.tasks=[{{name: inv, include: ['{t}']}}]",
}


def _config(project: Path, key: str, table: str):
    manual = ["sizing.mode=manual"] if key == "migration.tasks" else []
    return read_stack_file(project, "prod", [*manual, KEYS[key].format(t=table)]).load().config


@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_table_key_takes_the_quoted_form_and_refuses_unquoted_mixed_case(project, key):
    cfg = _config(project, key, 'APP."Invoice"')
    named = {
        "migration.exclude": lambda: cfg.migration.exclude,
        "migration.lobUpdatesNotReplicated": lambda: cfg.migration.lob_updates_not_replicated,
        "sizing.groups": lambda: cfg.sizing.groups[0],
        "sizing.keyRanges": lambda: list(cfg.sizing.key_ranges),
        "migration.tasks": lambda: cfg.migration.tasks[0].include,
    }[key]()
    assert "APP.Invoice" in named  # the name as stored, quotes dropped, as DMS rules and the inventory compare
    with pytest.raises(ConfigError) as err:
        _config(project, key, "APP.Invoice")
    message = str(err.value)
    assert "\n" not in message and key.split(".")[-1] in message
    assert 'for the name as stored write APP."Invoice"' in message


def test_a_quoted_upper_case_name_is_the_plain_one(project):
    cfg = _config(project, "migration.lobUpdatesNotReplicated", 'APP."DOCUMENTS"')
    assert cfg.migration.lob_updates_not_replicated == ["APP.DOCUMENTS"]


def test_each_table_key_documents_the_quoted_form():
    from migration.config.models.migration import MigrationConfig, TaskConfig
    from migration.config.models.sizing import SizingConfig

    fields = [
        MigrationConfig.model_fields["include"],
        MigrationConfig.model_fields["lob_updates_not_replicated"],
        TaskConfig.model_fields["include"],
        SizingConfig.model_fields["groups"],
        SizingConfig.model_fields["key_ranges"],
    ]
    for f in fields:
        assert "double quotes" in (f.description or ""), f.description

"""docs/configuration.md is generated from the config models and kept in step with them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import Field

from migration._model import StrictModel
from migration.config import CONFIG_KEYS
from migration.docs.config_reference import OUTPUT, REGENERATE, project_name, render, write

ROOT = Path(__file__).resolve().parents[2]


def test_docs_configuration_md_is_the_generated_reference() -> None:
    committed = (ROOT / OUTPUT).read_text(encoding="utf-8") if (ROOT / OUTPUT).exists() else ""
    assert committed == render(project_name(ROOT)), (
        f"{OUTPUT} is out of date with the config models; regenerate it with `{REGENERATE}` and commit it"
    )


def test_every_top_level_key_and_nested_keys_have_a_row_with_type_default_and_allowed_values() -> None:
    text = render("oracle2pg")
    for key in CONFIG_KEYS:
        assert f"| `{key}` |" in text, key
    assert "| `source.settings.reader` | string | `logminer` | `logminer`, `binary-reader` |" in text
    assert "| `migration.tasks[].instance` | integer | none | >= 1 and <= 60 |" in text
    assert "| `sizing.throughput.maxStreams` | integer | none | >= 1 and <= 49 |" in text
    assert "| `network.vpcId` | string | **required** |" in text
    assert "under `oracle2pg:`" in text


def test_a_field_without_a_description_is_refused() -> None:
    class Inner(StrictModel):
        """A nested block."""

        size_gb: int = Field(default=5, ge=1, description="How big.")
        mode: str = "x"

    class Outer(StrictModel):
        inner: Inner = Field(default_factory=Inner, description="The inner block.")

    with pytest.raises(ValueError, match=r"inner\.mode: the config field has no description"):
        render("p", Outer)


def test_cells_escape_pipes_and_tags_outside_code() -> None:
    class Model(StrictModel):
        arn: str = Field(default="a", description="like `arn:<id>` or key/<id> | nothing")

    row = render("p", Model).splitlines()[-1]
    assert row == "| `arn` | string | `a` |  | like `arn:<id>` or key/\\<id> \\| nothing |"


def test_write_puts_the_reference_under_the_given_root(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    path = write(tmp_path)
    assert path == tmp_path / OUTPUT
    assert path.read_text(encoding="utf-8") == render(project_name(ROOT))

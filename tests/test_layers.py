"""The layers hold: import-linter checks the contracts of pyproject.toml ([tool.importlinter])
on the code as it is, and fails on a copy of it into which an upward import was planted.
Why the layers are in this order: docs/decisions/0004-layers.md."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` as CI would run it, on the package found under `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}  # this tree's nhandao before the installed one
    return subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [LINT_IMPORTS, "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_code_keeps_every_layer_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The package's Python files and the config, in a folder of their own."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", root)
    shutil.copytree(
        ROOT / "nhandao",
        root / "nhandao",
        ignore=lambda folder, names: [
            n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir())
        ],
    )
    return root


PLANTED = [
    # (module, its text, the contract it breaks, the import that breaks it)
    (
        "nhandao/lib/planted.py",
        "from nhandao.orgs.models import Organisation\n",
        "Layers:",
        "nhandao.lib.planted -> nhandao.orgs.models",
    ),
    (
        "nhandao/campaigns/planted.py",
        # a lazy import inside a function counts as much as one at the top
        "def figures():\n    from nhandao.donations import models\n\n    return models\n",
        "Layers:",
        "nhandao.campaigns.planted -> nhandao.donations.models",
    ),
    (
        "nhandao/relief/planted.py",
        "from nhandao.portal import sources\n",
        "The back office never imports the public portal",
        "nhandao.relief.planted -> nhandao.portal.sources",
    ),
    (
        "nhandao/beneficiaries/planted.py",
        "from nhandao.demo import build\n",
        "Layers:",
        "nhandao.beneficiaries.planted -> nhandao.demo.build",
    ),
]


@pytest.mark.parametrize(("path", "text", "contract", "line"), PLANTED)
def test_an_import_against_the_layers_breaks_a_contract(copy, path, text, contract, line):
    planted = copy / path
    planted.write_text(text)
    try:
        result = lint_imports(copy)
    finally:
        planted.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout.split("Broken contracts")[-1]
    assert contract in report and line in report, result.stdout

"""The apps' layering contract ([tool.importlinter] in pyproject.toml) holds,
and covers every app: CI runs the suite, so this is where CI checks it."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"


def test_every_app_of_the_project_is_in_the_layering_contract():
    """A new app outside root_packages would be invisible to the contracts."""
    ours = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
    }
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    assert set(config["root_packages"]) == ours | {"civic"}


def test_the_layering_contract_is_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [lint_imports, "--no-logo"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

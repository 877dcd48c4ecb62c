#!/usr/bin/env python
"""Write docs/import/: the framework template and seed 001 filled into it.

Run after changing the template's columns or the demo's Community Cohesion
framework (demo/data/community_cohesion.toml):
`.venv/bin/python scripts/make-import-examples.py`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://unused@localhost/unused")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402

from demo.examples import community_cohesion_example  # noqa: E402
from exchange.framework import (  # noqa: E402
    EXAMPLES_DIR,
    TEMPLATE_FILE,
    example_file_name,
    framework_file,
    guide_lines,
)
from exchange.spreadsheets import xlsx_bytes  # noqa: E402

EXAMPLES_DIR.mkdir(parents=True, exist_ok=True)
with translation.override("en-gb"):
    (EXAMPLES_DIR / TEMPLATE_FILE).write_bytes(framework_file(partnership=None))
# The worked example in each language: sheet names, headers and guide.
for language in ("en-gb", "cy"):
    with translation.override(language):
        name = example_file_name(language)
        (EXAMPLES_DIR / name).write_bytes(
            xlsx_bytes(community_cohesion_example(), guide=guide_lines())
        )
        print(f"wrote {EXAMPLES_DIR}/{name}")
print(f"wrote {EXAMPLES_DIR}/{TEMPLATE_FILE}")

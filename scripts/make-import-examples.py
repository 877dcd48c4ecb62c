#!/usr/bin/env python
"""Write docs/import/: the framework template and seed 001 filled into it.

Run after changing the template's columns or the demo's Community Cohesion
framework: `.venv/bin/python scripts/make-import-examples.py`.
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

from exchange.examples import community_cohesion_example  # noqa: E402
from exchange.framework import GUIDE, framework_file  # noqa: E402
from exchange.spreadsheets import xlsx_bytes  # noqa: E402

out = ROOT / "docs" / "import"
out.mkdir(parents=True, exist_ok=True)
(out / "framework-template.xlsx").write_bytes(framework_file(partnership=None))
(out / "community-cohesion-framework.xlsx").write_bytes(
    xlsx_bytes(community_cohesion_example(), guide=GUIDE)
)
print(f"wrote {out}/framework-template.xlsx and community-cohesion-framework.xlsx")

#!/usr/bin/env python3
"""Compile the translation catalogues (locale/*/LC_MESSAGES/*.po) to .mo.

The .mo files are built, not committed (a binary copy of the .po would only
drift from it). This uses polib, a dependency, rather than GNU msgfmt, so that
`make demo` still needs nothing but Python. Fuzzy and untranslated entries are
left out, as msgfmt leaves them out. Only catalogues newer than their .mo are
compiled; --force compiles all.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    force = "--force" in argv
    for po_path in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if (
            not force
            and mo_path.exists()
            and mo_path.stat().st_mtime >= po_path.stat().st_mtime
        ):
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        print(f"compiled {mo_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

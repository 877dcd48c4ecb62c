#!/usr/bin/env python3
"""The Welsh catalogue's checks (civic/catalogue_check.py says what they are).

scripts/check-catalogue.py            fail if anything is missing
scripts/check-catalogue.py --update   run makemessages on the catalogue
                                      itself first (then translate what
                                      it added, and run the check again)
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from civic import catalogue_check  # noqa: E402


def main(argv: list[str]) -> int:
    if "--update" in argv:
        catalogue_check.run_makemessages(catalogue_check.ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.test")
    problems = catalogue_check.all_problems()
    for problem in problems:
        print(problem)
    if problems:
        print(f"The Welsh catalogue check found {len(problems)} problem(s).")
        return 1
    print("The Welsh catalogue is complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

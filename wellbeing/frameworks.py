"""Ship the national well-being frameworks: the loader behind `load_frameworks`.

Each folder under ``wellbeing/reference/`` holds one framework: a
``framework.toml`` naming it, its indicator sets and its data files (goals,
ways of working, numbered indicators with their verification, derived desired
directions and set memberships). Nothing here knows about any one nation.

The same function runs from the management command and from the data
migration (with the migration's historical models), so a fresh database, the
demo, the tests and production all hold the same reference data.

Idempotence and platform-staff edits
------------------------------------
Rows are matched by natural key (framework slug; goal and way-of-working
code; indicator number; set slug; set and indicator). Each shipped row keeps
the values the loader last wrote (``shipped_values``):

* a missing row is created;
* a row that still holds the values last shipped is unedited: it is brought
  up to date if the shipped values changed, and left untouched otherwise;
* a row that no longer holds them (platform staff changed its wording,
  confirmed it, or created it by hand) is never overwritten, whatever path
  the edit took, and is counted as kept. Only the fields that were shipped
  are compared, so a field added in a later release does not make every row
  look edited.

So running the loader twice changes nothing, and a later release can correct
unconfirmed wording everywhere it was not already corrected by hand. The
loader never deletes: a row dropped from the files stays until staff delete
it, and a shipped row staff delete comes back on the next load (edit it
instead of deleting it).
"""

import csv
import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps as django_apps
from django.core.exceptions import FieldDoesNotExist

from partnerships import tenancy

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


class ReferenceDataError(ValueError):
    """The shipped files contradict themselves; nothing is loaded."""


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    # Rows platform staff changed, which the loader leaves as they are.
    kept: Counter = field(default_factory=Counter)
    frameworks: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def summary(self) -> str:
        parts = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("kept as edited by staff", self.kept),
        ):
            if counter:
                detail = ", ".join(f"{n} {name}" for name, n in sorted(counter.items()))
                parts.append(f"{label}: {detail}")
        return "; ".join(parts) or "nothing to load"


def load_frameworks(
    *, apps=django_apps, directory: Path = REFERENCE_DIR, slugs=None
) -> LoadResult:
    """Create or bring up to date every framework shipped under ``directory``.

    ``apps`` is Django's app registry, or a migration's historical one.
    Runs in the platform context: reference data is written by nobody else.
    """
    result = LoadResult()
    manifests = sorted(directory.glob("*/framework.toml"))
    with tenancy.platform_scope():
        for manifest in manifests:
            spec = _read_manifest(manifest)
            if slugs and spec["slug"] not in slugs:
                continue
            _Loader(apps, manifest.parent, spec, result).load()
            result.frameworks.append(spec["slug"])
    return result


def _read_manifest(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _read_csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def _plain(value):
    """The value as JSON holds it (dates as ISO text), for storing and comparing."""
    return json.loads(json.dumps(value, default=str))


def _text(value: str) -> str:
    return " ".join(value.split())


class _Loader:
    def __init__(self, apps, folder: Path, spec: dict, result: LoadResult):
        self.apps = apps
        self.folder = folder
        self.spec = spec
        self.result = result

    def model(self, name: str):
        return self.apps.get_model("wellbeing", name)

    def load(self) -> None:
        spec = self.spec
        framework = self.upsert(
            self.model("NationalFramework"),
            {"slug": spec["slug"]},
            {
                "name": spec["name"],
                "name_en": spec["name"],
                "name_cy": spec.get("name_cy") or None,
                "nation": spec["nation"],
                "version": spec["version"],
                "description": _text(spec.get("description", "")),
                "source_url": spec.get("source_url", ""),
            },
        )
        welsh = (
            {
                (row["kind"], row["code"]): row
                for row in _read_csv(self.folder, spec["welsh_names"])
            }
            if spec.get("welsh_names")
            else {}
        )
        for kind, welsh_kind, model_name in (
            ("goals", "goal", "WellbeingGoal"),
            ("ways_of_working", "way", "WayOfWorking"),
        ):
            for position, row in enumerate(_read_csv(self.folder, spec[kind]), 1):
                cy = welsh.get((welsh_kind, row["code"]), {})
                self.upsert(
                    self.model(model_name),
                    {"framework": framework, "code": row["code"]},
                    {
                        "name": row["name"],
                        "name_en": row["name"],
                        "name_cy": cy.get("name_cy") or None,
                        "welsh_confirmed": cy.get("confirmed") == "yes",
                        "description": row["short_description"],
                        "position": position,
                    },
                )
        # The set in force last, so that a release moving "in force" to a
        # new set clears the old one before the one-current rule sees two.
        items = sorted(
            enumerate(spec.get("sets", []), 1),
            key=lambda pair: bool(pair[1].get("is_current", False)),
        )
        sets = {
            item["slug"]: self.upsert(
                self.model("IndicatorSet"),
                {"framework": framework, "slug": item["slug"]},
                {
                    "name": item["name"],
                    "laid_on": item.get("laid_on"),
                    "is_current": bool(item.get("is_current", False)),
                    "description": _text(item.get("description", "")),
                    "position": position,
                },
            )
            for position, item in items
        }
        indicators = self.load_indicators(framework)
        if spec.get("set_memberships"):
            self.load_memberships(sets, indicators)

    def load_indicators(self, framework) -> dict:
        spec = self.spec
        rows = _read_csv(self.folder, spec["indicators"])
        verification = {
            row["number"]: row for row in _read_csv(self.folder, spec["verification"])
        }
        directions = (
            {
                row["number"]: row["direction"]
                for row in _read_csv(self.folder, spec["directions"])
            }
            if spec.get("directions")
            else {}
        )
        numbers = [row["number"] for row in rows]
        if set(verification) != set(numbers) or (
            directions and set(directions) != set(numbers)
        ):
            raise ReferenceDataError(
                f"{self.folder.name}: the indicator, verification and direction "
                "files must list the same indicator numbers."
            )
        confirmed_statuses = set(spec.get("confirmed_statuses", ["VERIFIED"]))
        indicators = {}
        for row in rows:
            number = row["number"]
            status = verification[number]["status"]
            indicators[number] = self.upsert(
                self.model("NationalIndicator"),
                {"framework": framework, "number": int(number)},
                {
                    "title": row["title"],
                    "title_en": row["title"],
                    "unit_kind": row["unit_kind"],
                    "direction": directions.get(number, "unknown"),
                    "confirmed": status in confirmed_statuses,
                    "verification": status,
                    "evidence": verification[number]["evidence"],
                    "source_hint": row["source_hint"],
                },
            )
        return indicators

    def load_memberships(self, sets: dict, indicators: dict) -> None:
        for row in _read_csv(self.folder, self.spec["set_memberships"]):
            if row["set"] not in sets or row["number"] not in indicators:
                raise ReferenceDataError(
                    f"{self.folder.name}: set membership {row['set']}/"
                    f"{row['number']} names an unknown set or indicator."
                )
            self.upsert(
                self.model("IndicatorSetMembership"),
                {
                    "indicator_set": sets[row["set"]],
                    "indicator": indicators[row["number"]],
                },
                {
                    "title_in_set": row["title_in_set"],
                    "direction_in_set": row["direction_in_set"],
                    "basis": row["basis"],
                },
            )

    def upsert(self, model, lookup: dict, values: dict):
        # A migration's historical model may predate a field added later;
        # write only what the table has.
        values = {
            name: _plain(value) for name, value in values.items() if _has(model, name)
        }
        label = model._meta.verbose_name_plural
        row = model.objects.filter(**lookup).first()
        if row is None:
            row = model.objects.create(**lookup, **values, shipped_values=values)
            self.result.created[label] += 1
            return row
        last_shipped = row.shipped_values or {}
        edited = not last_shipped or any(
            _plain(getattr(row, name)) != value
            for name, value in last_shipped.items()
            if _has(model, name)
        )
        if edited:
            self.result.kept[label] += 1
            return row
        if last_shipped == values:
            self.result.unchanged[label] += 1
            return row
        for name, value in values.items():
            setattr(row, name, value)
        row.shipped_values = values
        row.save()
        self.result.updated[label] += 1
        return row


def _has(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True

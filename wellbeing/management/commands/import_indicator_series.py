from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wellbeing.models import NationalFramework
from wellbeing.population import IndicatorImportError, indicator_series_import


class Command(BaseCommand):
    help = (
        "Import national indicator series (population data) from a CSV file "
        "in the layout wellbeing/population.py describes: "
        "Indicator,Area code,Area,Period,Value[,Breakdown][,Period start]. "
        "Every row is checked first; if any is bad, each bad row is reported "
        "by its line number and nothing is imported. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--framework",
            required=True,
            help="Slug of the national framework whose indicator numbers the "
            "file uses, e.g. wales-wfg-2015.",
        )

    def handle(self, *args, file: Path, framework: str, **options):
        try:
            chosen = NationalFramework.objects.get(slug=framework)
        except NationalFramework.DoesNotExist:
            raise CommandError(f"No framework called {framework!r}.") from None
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            result = indicator_series_import(text=text, framework=chosen)
        except IndicatorImportError as error:
            raise CommandError(
                f"Nothing imported: {len(error.errors)} bad row(s) in {file}.\n"
                + "\n".join(error.errors)
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.series} series: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{result.skipped} not available (skipped)."
            )
        )

from django.core.management.base import BaseCommand

from wellbeing.frameworks import load_frameworks


class Command(BaseCommand):
    help = (
        "Load the national well-being frameworks shipped in wellbeing/reference/ "
        "(goals, ways of working, national indicators and their sets). Safe to "
        "run again: it creates what is missing, brings unedited rows up to "
        "date, and never overwrites a row platform staff have edited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", help="Only these frameworks (default: all)."
        )

    def handle(self, *args, slugs: list[str], **options):
        result = load_frameworks(slugs=slugs or None)
        if slugs and set(slugs) - set(result.frameworks):
            missing = ", ".join(sorted(set(slugs) - set(result.frameworks)))
            self.stderr.write(f"No shipped framework called: {missing}")
        self.stdout.write(f"Frameworks: {', '.join(result.frameworks) or 'none'}")
        self.stdout.write(result.summary())
        if not result.changed:
            self.stdout.write(self.style.SUCCESS("Already up to date."))

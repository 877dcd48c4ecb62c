import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from demo.loader import demo_load
from partnerships.models import Role


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"not a date like 2026-11-23 ({error})"
        ) from error


class Command(BaseCommand):
    help = (
        "Load the two demo partnerships (Wrexham University Civic Mission "
        "Partnership and Wrexham Community Cohesion) with demo users and eight "
        "quarters of illustrative figures. Safe to run again; refuses to run "
        "on a database that holds anything but the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Load as if today were this date (YYYY-MM-DD); by default, today.",
        )
        parser.add_argument(
            "--beside-others",
            action="store_true",
            help=(
                "Where the demo is loaded already, refresh its partnerships and "
                "leave any others (and their people) alone, instead of refusing. "
                "`make demo` passes it."
            ),
        )

    def handle(self, *args, today: datetime.date | None = None, **options):
        result = demo_load(
            today=today or timezone.localdate(),
            beside_others=options.get("beside_others", False),
        )
        for summary in result.partnerships:
            self.stdout.write(
                f"{summary.name} ({summary.slug}): {summary.priorities} priorities, "
                f"{summary.outcomes} outcomes, {summary.projects} projects, "
                f"{summary.measures} measures ({summary.headline_measures} "
                f"headline), {summary.values} quarterly values"
            )
        self.stdout.write(f"Values added this run: {result.values_created}")
        self.stdout.write(
            f"Engagement activities added this run: {result.activities_created}"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password: {result.password}):")
        )
        for user in result.logins:
            roles = "; ".join(
                f"{Role(role).label} of {slug}" for slug, role in user.roles.items()
            )
            self.stdout.write(f"  {user.email}  {user.full_name}: {roles}")

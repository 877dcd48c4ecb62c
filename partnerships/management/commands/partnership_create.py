from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partnerships import members, tenancy

CONSOLE = "django.core.mail.backends.console.EmailBackend"


class Command(BaseCommand):
    help = (
        "Create a partnership and invite its first admin by email (platform "
        "staff's job; the admin then runs the partnership alone). Prints the "
        "invitation link when email goes to the console, as in the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The partnership's name.")
        parser.add_argument(
            "--slug", required=True, help="Its short name, as in /p/<slug>/."
        )
        parser.add_argument(
            "--admin-email", required=True, help="Who to invite as its first admin."
        )
        parser.add_argument(
            "--year-start",
            type=int,
            default=4,
            help="The month its reporting year starts (1-12; default 4, April).",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language of the invitation email.",
        )

    def handle(self, *args, **options):
        try:
            with tenancy.platform_scope():
                sent = members.partnership_create_with_admin(
                    name=options["name"],
                    slug=options["slug"],
                    admin_email=options["admin_email"],
                    reporting_year_start_month=options["year_start"],
                    language=options["language"],
                    actor=None,
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                problems = "; ".join(
                    f"{field}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
            else:
                problems = " ".join(error.messages)
            raise CommandError(f"Nothing was created. {problems}") from None
        partnership = sent.invitation.partnership
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {partnership.name} (/p/{partnership.slug}/) and invited "
                f"{sent.invitation.email} as its admin."
            )
        )
        if settings.EMAIL_BACKEND == CONSOLE:
            self.stdout.write(f"Invitation link (valid for 7 days): {sent.url}")

from django.db.models import QuerySet

from partnerships.models import Partnership

from .models import Mission, Outcome, Priority, Project


def mission_get(*, partnership: Partnership) -> Mission | None:
    return Mission.objects.filter(partnership=partnership).first()


def priority_list(*, partnership: Partnership) -> QuerySet[Priority]:
    return Priority.objects.filter(partnership=partnership)


def outcome_list(*, partnership: Partnership) -> QuerySet[Outcome]:
    return Outcome.objects.filter(partnership=partnership)


def project_list(*, partnership: Partnership) -> QuerySet[Project]:
    return (
        Project.objects.filter(partnership=partnership)
        .select_related("lead_organisation", "lead_person")
        .order_by("name", "id")
    )

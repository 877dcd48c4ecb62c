from django.db.models import QuerySet

from partnerships.models import Partnership

from .models import Mission, Outcome, Priority


def mission_get(*, partnership: Partnership) -> Mission | None:
    return Mission.objects.filter(partnership=partnership).first()


def priority_list(*, partnership: Partnership) -> QuerySet[Priority]:
    return Priority.objects.filter(partnership=partnership)


def outcome_list(*, partnership: Partnership) -> QuerySet[Outcome]:
    return Outcome.objects.filter(partnership=partnership)

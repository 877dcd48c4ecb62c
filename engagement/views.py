"""The engagement log's pages: the calendar (a month by weeks, or a list), an
activity, its form, and the admins' settings (standards, the levels' names,
measures computed from the log). No page needs JavaScript."""

import calendar
import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kpis.selectors import measure_list_current
from partnerships import policy as roles
from partnerships.decorators import tenant_view

from . import services
from .forms import ActivityForm, ComputationForm, LevelNamesForm, StandardForm
from .models import LEVEL_METHODS, ActivityStatus, ComputedKind, ContinuumLevel
from .selectors import (
    activities_between,
    activity_list,
    computed_measure_list,
    level_names,
    organisation_list,
    overlaps_for,
    standard_list,
)

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month(request: HttpRequest) -> datetime.date:
    """The first day of the month asked for (``?month=YYYY-MM``), or of today's."""
    match = _MONTH.fullmatch(request.GET.get("month", ""))
    if match and 1 <= int(match.group(2)) <= 12 and 1990 <= int(match.group(1)) <= 2200:
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)
    return timezone.localdate().replace(day=1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


def _log_url(slug: str, **query) -> str:
    url = reverse("engagement:log", kwargs={"slug": slug})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _annotated(activities, overlaps, names) -> list:
    """Each activity with its level's name and its possible duplicates."""
    for activity in activities:
        activity.overlaps = overlaps.get(activity.pk, [])
        activity.level_name = names[activity.level]
    return activities


def _methods() -> list[str]:
    return sorted({str(m) for methods in LEVEL_METHODS.values() for m in methods})


@tenant_view
@require_GET
def engagement_log(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = request.partnership
    names = level_names(partnership=partnership)
    context = {
        "level_names": names,
        "may_log": services.may_log(request.membership),
        "may_administer": roles.may_administer(request.membership),
    }
    if request.GET.get("view") == "list":
        activities = activity_list(partnership=partnership).order_by(
            "-starts_on", "title", "id"
        )
        chosen = {
            "level": request.GET.get("level", ""),
            "organisation": request.GET.get("organisation", ""),
            "status": request.GET.get("status", ""),
        }
        if chosen["level"] in ContinuumLevel.values:
            activities = activities.filter(level=chosen["level"])
        if chosen["status"] in ActivityStatus.values:
            activities = activities.filter(status=chosen["status"])
        if chosen["organisation"].isdigit():
            activities = activities.filter(
                activityorganisation__organisation_id=int(chosen["organisation"])
            )
        page = Paginator(activities, 50).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        overlaps = overlaps_for(
            partnership=partnership, activity_ids=[a.pk for a in rows]
        )
        context.update(
            view="list",
            page=page,
            activities=_annotated(rows, overlaps, names),
            chosen=chosen,
            organisations=organisation_list(partnership=partnership),
            statuses=ActivityStatus.choices,
        )
        return render(request, "engagement/log.html", context)
    month = _month(request)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    first_monday = month - datetime.timedelta(days=month.weekday())
    # Whole weeks: the month's first and last weeks show all their days.
    last_sunday = last + datetime.timedelta(days=6 - last.weekday())
    activities = list(
        activities_between(
            partnership=partnership, first=first_monday, last=last_sunday
        )
    )
    overlaps = overlaps_for(
        partnership=partnership, activity_ids=[a.pk for a in activities]
    )
    _annotated(activities, overlaps, names)
    weeks = []
    monday = first_monday
    while monday <= last:
        sunday = monday + datetime.timedelta(days=6)
        weeks.append(
            {
                "monday": monday,
                "sunday": sunday,
                "activities": [
                    a
                    for a in activities
                    if a.starts_on <= sunday and a.ends_on >= monday
                ],
            }
        )
        monday += datetime.timedelta(days=7)
    context.update(
        view="month",
        month=month,
        weeks=weeks,
        warnings=sum(1 for a in activities if a.pk in overlaps),
        previous_url=_log_url(slug, month=_shift(month, -1).strftime("%Y-%m")),
        next_url=_log_url(slug, month=_shift(month, 1).strftime("%Y-%m")),
        previous_month=_shift(month, -1),
        next_month=_shift(month, 1),
    )
    return render(request, "engagement/log.html", context)


def _activity(request: HttpRequest, pk: int):
    return get_object_or_404(activity_list(partnership=request.partnership), pk=pk)


@tenant_view
@require_GET
def activity_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    names = level_names(partnership=request.partnership)
    breakdown = []
    if activity.participant_breakdown:
        categories = {c.pk: c for c in activity.communities.all()}
        from .selectors import category_list

        categories = {
            c.pk: c
            for c in category_list(partnership=request.partnership).filter(
                pk__in=[int(k) for k in activity.participant_breakdown]
            )
        }
        breakdown = [
            (categories[int(k)], v)
            for k, v in activity.participant_breakdown.items()
            if int(k) in categories
        ]
    return render(
        request,
        "engagement/activity.html",
        {
            "activity": activity,
            "level_name": names[activity.level],
            "breakdown": breakdown,
            "overlaps": overlaps_for(
                partnership=request.partnership, activity_ids=[activity.pk]
            ).get(activity.pk, []),
            "may_change": services.may_change(request.membership, activity),
        },
    )


def _render_form(request, form, activity=None, status=200):
    return render(
        request,
        "engagement/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "methods": _methods(),
        },
        status=status,
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, slug: str) -> HttpResponse:
    if not services.may_log(request.membership):
        raise PermissionDenied
    partnership = request.partnership
    if request.method == "GET":
        initial = {}
        if request.membership.organisation_id:
            initial["organisations"] = [str(request.membership.organisation_id)]
        form = ActivityForm(partnership=partnership, initial=initial)
        return _render_form(request, form)
    form = ActivityForm(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            activity = services.activity_create(
                partnership=partnership, actor=request.user, data=form.as_input()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The activity is in the log."))
            return redirect(
                "engagement:activity", slug=partnership.slug, pk=activity.pk
            )
    return _render_form(request, form, status=422)


@tenant_view
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    if not services.may_change(request.membership, activity):
        raise PermissionDenied
    partnership = request.partnership
    if request.method == "GET":
        form = ActivityForm(
            partnership=partnership, initial=ActivityForm.initial_for(activity)
        )
        return _render_form(request, form, activity)
    form = ActivityForm(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            services.activity_update(
                partnership=partnership,
                actor=request.user,
                activity=activity,
                data=form.as_input(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("engagement:activity", slug=partnership.slug, pk=pk)
    return _render_form(request, form, activity, status=422)


@tenant_view
@require_POST
def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    if not services.may_change(request.membership, activity):
        raise PermissionDenied
    try:
        services.activity_delete(
            partnership=request.partnership, actor=request.user, activity=activity
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("engagement:activity", slug=slug, pk=pk)
    messages.success(request, _("The activity is deleted from the log."))
    return redirect("engagement:log", slug=slug)


def _render_settings(request, *, status=200, **forms):
    partnership = request.partnership
    computations = list(computed_measure_list(partnership=partnership))
    measures = measure_list_current(partnership=partnership)
    context = {
        "standards": standard_list(partnership=partnership),
        "standard_form": forms.get("standard_form") or StandardForm(),
        "levels_form": forms.get("levels_form")
        or LevelNamesForm(partnership=partnership),
        "computation_form": forms.get("computation_form")
        or ComputationForm(partnership=partnership, measures=measures),
        "computations": computations,
        "level_names": level_names(partnership=partnership),
        "kinds": dict(ComputedKind.choices),
    }
    return render(request, "engagement/settings.html", context, status=status)


def _require_admin(request: HttpRequest) -> None:
    if not roles.may_administer(request.membership):
        raise PermissionDenied


@tenant_view
@require_http_methods(["GET", "POST"])
def engagement_settings(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    if request.method == "GET":
        return _render_settings(request)
    partnership = request.partnership
    action = request.POST.get("action")
    settings_url = reverse("engagement:settings", kwargs={"slug": slug})
    try:
        if action == "standard":
            form = StandardForm(request.POST)
            form.is_valid()
            try:
                services.standard_create(
                    partnership=partnership,
                    actor=request.user,
                    name=form.cleaned_data.get("name", ""),
                    description=form.cleaned_data.get("description", ""),
                )
            except ValidationError as error:
                form.add_service_errors(error)
                return _render_settings(request, status=422, standard_form=form)
            messages.success(request, _("The standard is added."))
            return redirect(settings_url + "#standards")
        if action == "standard_delete":
            standard = get_object_or_404(
                standard_list(partnership=partnership),
                pk=_int(request.POST.get("standard")),
            )
            services.standard_delete(
                partnership=partnership, actor=request.user, standard=standard
            )
            messages.success(request, _("The standard is removed."))
            return redirect(settings_url + "#standards")
        if action == "levels":
            form = LevelNamesForm(request.POST, partnership=partnership)
            if not form.is_valid():
                return _render_settings(request, status=422, levels_form=form)
            services.level_names_set(
                partnership=partnership, actor=request.user, names=form.cleaned_data
            )
            messages.success(request, _("The levels' names are saved."))
            return redirect(settings_url + "#levels")
        if action in ("computation", "computation_clear"):
            measures = measure_list_current(partnership=partnership)
            if action == "computation_clear":
                measure = get_object_or_404(
                    measures, pk=_int(request.POST.get("measure"))
                )
                services.computed_measure_clear(
                    partnership=partnership, actor=request.user, measure=measure
                )
                messages.success(
                    request, _("The measure's figures are entered again from now on.")
                )
                return redirect(settings_url + "#computed")
            form = ComputationForm(
                request.POST, partnership=partnership, measures=measures
            )
            if form.is_valid():
                measure = get_object_or_404(
                    measures, pk=int(form.cleaned_data["measure"])
                )
                try:
                    services.computed_measure_set(
                        partnership=partnership,
                        actor=request.user,
                        measure=measure,
                        data=form.as_input(),
                    )
                except ValidationError as error:
                    form.add_service_errors(error)
                else:
                    messages.success(
                        request, _("The measure is now computed from the log.")
                    )
                    return redirect(settings_url + "#computed")
            return _render_settings(request, status=422, computation_form=form)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(settings_url)
    raise Http404


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpRequest

from outcomes.selectors import priority_list
from partnerships import policy as roles
from partnerships.decorators import recent_authentication_required, tenant_view
from partnerships.i18n import label_once
from partnerships.models import Membership, WelshStatus

from . import policy, recording, review, rules, selectors, services, welsh
from .forms import (
    DimensionForm,
    MeasureChecksForm,
    QuarterlyValueForm,
    ReopenForm,
    ReportingSettingsForm,
    ReturnForm,
)
from .models import (
    Dimension,
    MeasureLead,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    Question,
    ValueType,
)
from .periods import Quarter
from .review_rows import review_rows_html
from .selectors import periods_for_entry, year_summary
from .year import YearFigures


@dataclass
class EntryRow:
    """One measure on My measures: its form, or (``summary``) a line with
    its figure and state whose form opens on demand."""

    measure: PerformanceMeasure
    form: QuarterlyValueForm | None
    current: QuarterlyValue | None
    previous: QuarterlyValue | None
    year: YearFigures | None
    flags: list[rules.Flag] = field(default_factory=list)
    editable: bool = True
    saved: bool = False
    conflict: QuarterlyValue | None = None
    summary: bool = False

    @property
    def status(self) -> str:
        return self.current.status if self.current else "missing"

    @property
    def status_label(self) -> str:
        return str(selectors.STATE_LABELS[self.status])

    # The measure's RBA question and kind of value, as get_..._display
    # shows them, looked up once per language (not through each choice's
    # lazy label on every row).
    @property
    def question_label(self) -> str:
        return _choice_label(Question, self.measure.question)

    @property
    def value_type_label(self) -> str:
        return _choice_label(ValueType, self.measure.value_type)

    @property
    def needs_note(self) -> bool:
        return bool(self.flags) and not (self.current and self.current.story.strip())

    @property
    def current_display(self) -> str:
        return _figure_display(self.measure, self.current) if self.current else "—"

    @property
    def conflict_display(self) -> str:
        return _figure_display(self.measure, self.conflict)

    @property
    def previous_display(self) -> str:
        if self.previous is None:
            return "—"
        return _figure_display(self.measure, self.previous)


def _figure_display(measure: PerformanceMeasure, value: QuarterlyValue) -> str:
    return rules.value_display(measure.value_type, value)


def _initial(value: QuarterlyValue | None) -> dict:
    if value is None:
        return {"version": 0}
    initial = {
        "story": value.story,
        "version": value.version,
        "breakdown": value.breakdown,
    }
    for name in ("value", "numerator", "denominator"):
        number = getattr(value, name)
        if number is not None:
            initial[name] = (
                int(number)
                if name == "value" and value.value_type == "milestone"
                else f"{number.normalize():f}"
            )
    return initial


def _chosen_quarter(request: HttpRequest, quarters: list[Quarter]) -> Quarter:
    wanted = request.GET.get("quarter") or request.POST.get("quarter")
    for quarter in quarters:
        if wanted == quarter.key:
            return quarter
    if wanted:
        raise Http404(_("That quarter is not open for entry."))
    return quarters[0]


def _choice_label(choices, value: str) -> str:
    if value not in choices.values:
        return value
    return label_once((choices.__name__, value), choices(value).label)


def _rows(
    request: HttpRequest,
    quarter: Quarter,
    measures: list[PerformanceMeasure],
    period: Period | None,
    opened: set[int] | None = None,
    categories: dict[int, list] | None = None,
) -> list[EntryRow]:
    """Each measure's row; with ``opened``, only those measures get their
    form (and the year and checks it shows), the others a summary line.
    ``categories``: the partnership's breakdown categories, if read already."""
    partnership = request.partnership
    formed = measures if opened is None else [m for m in measures if m.pk in opened]
    previous_quarter = quarter.previous()
    periods = selectors.period_list(partnership=partnership)
    # A summary line shows this quarter's figure and the last one's; a form
    # also the year so far. The quarters are named by their periods, so the
    # planner reads the figures by (partnership, period), not every figure
    # of the partnership's measures.
    last = Q(year=previous_quarter.year, quarter=previous_quarter.quarter)
    for_form = Q(year=quarter.year) | last
    # One form (the row saved, or opened in place): the plausibility checks'
    # quarters are read with its other figures, not in a query of their own
    # (for many forms, tuples in their own query cost less than instances).
    recent = review.recent_quarters(quarter) if len(formed) == 1 else []
    for q in recent:
        for_form |= Q(year=q.year, quarter=q.quarter)
    if len(measures) == 1 and recent:
        # One measure's form (a row saved, or opened in place): its figures
        # of the few years those quarters span, by a range the planner and
        # the query compiler both make short work of (a dozen rows at most;
        # the quarters not wanted are never looked up).
        first_year = min(q.year for q in [*recent, previous_quarter])
        wanted = Q(measure=measures[0], period__year__range=(first_year, quarter.year))
    elif opened is None:
        wanted = Q(measure__in=measures, period__in=periods.filter(for_form))
    else:
        wanted = Q(
            measure__in=measures,
            period__in=periods.filter(
                Q(year=quarter.year, quarter=quarter.quarter) | last
            ),
        )
        if formed:
            wanted |= Q(measure__in=formed, period__in=periods.filter(for_form))
    values = selectors.value_list_for_entry(partnership=partnership).filter(wanted)
    by_key = {(v.measure_id, v.period.year, v.period.quarter): v for v in values}
    # Each measure's figures of the year so far, in quarter order, grouped
    # once (not by sorting every figure for every measure).
    year_so_far: dict[int, list] = {}
    for (m, y, q), v in sorted(by_key.items()):
        if y == quarter.year and q <= quarter.quarter:
            year_so_far.setdefault(m, []).append(rules.Entry.of(v))
    if recent:
        figures = review.recent_series(
            formed,
            recent,
            {(m, y, q): rules.Entry.of(v) for (m, y, q), v in by_key.items()},
        )
    elif formed:
        figures = review.recent_figures(
            partnership=partnership, measures=formed, quarter=quarter
        )
    else:
        figures = {}
    if categories is None:
        categories = (
            selectors.category_map(partnership=partnership)
            if any(m.breakdown_first_id for m in formed)
            else {}
        )
    locked = bool(period and period.is_locked)
    rows = []
    for measure in measures:
        current = by_key.get((measure.pk, quarter.year, quarter.quarter))
        if opened is not None and measure.pk not in opened:
            rows.append(
                EntryRow(
                    measure=measure,
                    form=None,
                    current=current,
                    previous=by_key.get(
                        (measure.pk, previous_quarter.year, previous_quarter.quarter)
                    ),
                    year=None,
                    editable=not measure.computed
                    and policy.figure_editable(
                        request.membership, current, period, locked=locked
                    ),
                    summary=True,
                )
            )
            continue
        this_year = year_so_far.get(measure.pk, [])
        rows.append(
            EntryRow(
                measure=measure,
                form=QuarterlyValueForm(
                    measure=measure, categories=categories, initial=_initial(current)
                ),
                current=current,
                previous=by_key.get(
                    (measure.pk, previous_quarter.year, previous_quarter.quarter)
                ),
                year=year_summary(
                    measure=measure,
                    year=quarter.year,
                    label=quarter.year_label,
                    entries=this_year,
                    start_month=quarter.start_month,
                ),
                flags=review.plausibility_flags_for(measure, figures[measure.pk]),
                # A computed measure's figure changes with its source alone.
                editable=not measure.computed
                and policy.figure_editable(
                    request.membership, current, period, locked=locked
                ),
            )
        )
    return rows


@dataclass
class EntryFilter:
    """Which of the measures an admin may enter My measures shows: all of
    them, those without a figure this quarter, those they lead, one
    priority's. Every measure stays one choice away."""

    show: str
    priority: int | None
    shown: list[PerformanceMeasure]
    total: int
    missing: int
    mine: int
    priorities: list[tuple[int, str, int]]


ENTRY_SHOW = ("missing", "mine")


def _entry_filter(
    request: HttpRequest, quarter: Quarter, measures: list[PerformanceMeasure]
) -> EntryFilter:
    partnership = request.partnership
    show = request.GET.get("show", "")
    show = show if show in ENTRY_SHOW else ""
    wanted = request.GET.get("priority", "")
    reported = set(
        selectors.value_list_for_entry(partnership=partnership)
        .filter(measure__in=measures, period__in=_quarter_periods(request, quarter))
        .values_list("measure_id", flat=True)
    )
    mine = set(
        MeasureLead.objects.filter(
            partnership=partnership, user=request.user, measure__in=measures
        ).values_list("measure_id", flat=True)
    )
    counts: dict[int, int] = {}
    for measure in measures:
        if measure.priority_id is not None:
            counts[measure.priority_id] = counts.get(measure.priority_id, 0) + 1
    priorities = [
        (p.pk, p.name, counts[p.pk])
        for p in priority_list(partnership=partnership)
        if p.pk in counts
    ]
    priority = next((pk for pk, _name, _n in priorities if str(pk) == wanted), None)
    shown = [
        m
        for m in measures
        if (show != "missing" or m.pk not in reported)
        and (show != "mine" or m.pk in mine)
        and (priority is None or m.priority_id == priority)
    ]
    return EntryFilter(
        show=show,
        priority=priority,
        shown=shown,
        total=len(measures),
        missing=sum(1 for m in measures if m.pk not in reported),
        mine=len(mine),
        priorities=priorities,
    )


# An admin's list of more measures than this shows each as a line (its
# figure of the quarter and of the one before, its state), its form opened
# on demand: 150 forms at once are slow to build and to work through, and a
# filter of a priority or of the figures still missing opens every form.
ENTRY_FORMS_OPEN = 50


def _opened(
    request: HttpRequest, measures: list[PerformanceMeasure]
) -> PerformanceMeasure | None:
    """The measure whose form a summary line asked to open (``?open=<pk>``),
    among those the person may enter; any other value opens nothing."""
    wanted = request.GET.get("open", "")
    if not wanted.isdecimal() or len(wanted) > 18:
        return None
    pk = int(wanted)
    return next((m for m in measures if m.pk == pk), None)


def _quarter_periods(request: HttpRequest, quarter: Quarter):
    """The quarter's period as a subquery: figures filtered by it are read by
    (partnership, period), not by scanning every figure of the measures."""
    return selectors.period_list(partnership=request.partnership).filter(
        year=quarter.year, quarter=quarter.quarter
    )


def _period(request: HttpRequest, quarter: Quarter) -> Period | None:
    return (
        selectors.period_list(partnership=request.partnership)
        .filter(year=quarter.year, quarter=quarter.quarter)
        .first()
    )


def _entry_url(slug: str, quarter: Quarter, anchor: str = "") -> str:
    url = reverse("kpis:my_measures", kwargs={"slug": slug})
    return f"{url}?quarter={quarter.key}{anchor}"


@tenant_view
@require_http_methods(["GET", "POST"])
def my_measures(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead's quarterly entry: each measure editable in place."""
    membership = request.membership
    if request.method == "POST" and not roles.may_enter_figures(membership):
        raise PermissionDenied
    quarters = selectors.periods_open_for_figures(partnership=request.partnership)
    quarter = _chosen_quarter(request, quarters)
    context = {
        "quarter": quarter,
        "quarters": quarters,
        "quarter_key": quarter.key,
        "is_current": quarter == quarters[0],
        "deadline": request.partnership.deadline_for(quarter),
        # Each form posts here: reversed once, not twice a row.
        "entry_url": reverse("kpis:my_measures", kwargs={"slug": slug}),
    }
    if request.method == "GET":
        measures = list(selectors.measure_list_for_entry(membership=membership))
        # Every measure the person reports, whatever a filter shows.
        context["to_report"] = len(measures)
        context["period"] = period = _period(request, quarter)
        opening = _opened(request, measures)
        if request.GET.get("open") and opening is None:
            raise Http404(_("That measure is not one you enter."))
        if request.htmx and opening is not None:
            # One summary line opened in place: that measure's form alone.
            context["row"] = _rows(request, quarter, [opening], period)[0]
            context["opening"] = True
            return render(request, "kpis/my_measures.html#measure-row", context)
        shown = measures
        opened = None
        if roles.may_enter_every_measure(membership):
            context["filter"] = entry_filter = _entry_filter(request, quarter, measures)
            shown = entry_filter.shown
            if len(shown) > ENTRY_FORMS_OPEN:
                opened = {opening.pk} if opening is not None else set()
                context["summaries"] = True
                context["forms_open"] = ENTRY_FORMS_OPEN
        context["rows"] = _rows(request, quarter, shown, period, opened)
        context["submittable"] = _submittable(membership, period)
        return render(request, "kpis/my_measures.html", context)

    measure_id = request.POST.get("measure", "")
    pk = int(measure_id) if measure_id.isdecimal() and len(measure_id) <= 18 else 0
    # Only the measure saved is read among the person's own, with what its
    # row shows; it is looked up again only to tell another partnership's
    # (404) from one not theirs.
    measure = selectors.measure_for_entry_get(membership=membership, pk=pk)
    if measure is None:
        get_object_or_404(
            selectors.measure_list(partnership=request.partnership), pk=pk
        )
        raise PermissionDenied(_("This measure is not assigned to you."))
    categories = (
        selectors.category_map(partnership=request.partnership)
        if measure.breakdown_first_id
        else {}
    )
    form = QuarterlyValueForm(request.POST, measure=measure, categories=categories)
    conflict = None
    period = None
    if form.is_valid():
        try:
            period = services.period_get_or_create(
                partnership=request.partnership, quarter=quarter
            )
            recording.quarterly_value_record(
                partnership=request.partnership,
                measure=measure,
                period=period,
                actor=request.user,
                membership=membership,
                **form.service_kwargs(),
            )
        except recording.ValueConflict as error:
            conflict = error.current
            # Saving again from here replaces the value now stored, knowingly.
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = conflict.version
            values = {
                "who": conflict.entered_by,
                "when": date_format(timezone.localtime(conflict.updated_at), "H:i"),
            }
            if conflict.entered_by:
                text = _(
                    "%(who)s saved this figure at %(when)s while you were "
                    "editing. Check the value now stored; your figures are still "
                    "below. Save again to replace it with yours."
                )
            else:
                text = _(
                    "Someone saved this figure at %(when)s while you were "
                    "editing. Check the value now stored; your figures are still "
                    "below. Save again to replace it with yours."
                )
            form.add_error(None, text % values)
        except ValidationError as error:
            form.add_service_errors(error)
    saved = form.is_valid()
    if saved and not request.htmx:
        messages.success(
            request,
            _("Saved %(measure)s for %(quarter)s.")
            % {"measure": measure.name, "quarter": quarter.label},
        )
        return redirect(_entry_url(slug, quarter, f"#measure-{measure.pk}"))
    # Rows are built after the save, so they show the figures now stored; a
    # row with errors keeps what the person typed. The quarter's period, read
    # for the save, is the one shown (a save refused before it is read
    # reads it here).
    context["period"] = period = period or _period(request, quarter)
    opened = None
    if request.htmx:
        measures = [measure]
    else:
        measures = list(selectors.measure_list_for_entry(membership=membership))
        context["to_report"] = len(measures)
        if (
            roles.may_enter_every_measure(membership)
            and len(measures) > ENTRY_FORMS_OPEN
        ):
            opened = {measure.pk}
            context["summaries"] = True
            context["forms_open"] = ENTRY_FORMS_OPEN
    rows = _rows(
        request,
        quarter,
        measures,
        period,
        opened,
        # Read for the form above; the whole list's may need them too.
        categories=categories if request.htmx or measure.breakdown_first_id else None,
    )
    row = next(r for r in rows if r.measure.pk == measure.pk)
    row.saved = saved
    row.conflict = conflict
    if not saved:
        row.form = form
        row.editable = True
    context["submittable"] = _submittable(membership, period)
    if request.htmx:
        context["row"] = row
        return render(request, "kpis/my_measures.html#measure-row", context)
    context["rows"] = rows
    return render(request, "kpis/my_measures.html", context, status=400)


def _submittable(membership: Membership, period: Period | None) -> int:
    """How many of the person's saved figures are not submitted yet (none
    in a quarter without its period: nothing was saved in it)."""
    if period is None:
        return 0
    return selectors.figures_unsubmitted_count(membership=membership, period=period)


@tenant_view
@require_POST
def my_measures_submit(request: HttpRequest, slug: str) -> HttpResponse:
    """Submit the quarter's figures for review (a plain form, no htmx)."""
    if not roles.may_enter_figures(request.membership):
        raise PermissionDenied
    quarters = selectors.periods_open_for_figures(partnership=request.partnership)
    quarter = _chosen_quarter(request, quarters)
    try:
        result = review.quarter_submit(
            partnership=request.partnership, quarter=quarter, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_entry_url(slug, quarter))
    if result.needs_note:
        names = [
            m.name
            for m in selectors.measure_list(partnership=request.partnership).filter(
                pk__in=result.needs_note
            )
        ]
        messages.error(
            request,
            _(
                "Nothing was submitted. Add the story behind the number to: "
                "%(names)s. Each is marked below."
            )
            % {"names": "; ".join(names)},
        )
        return redirect(_entry_url(slug, quarter))
    parts = []
    if result.submitted or not result.messages():
        parts.append(
            ngettext(
                "Submitted %(count)d figure for review.",
                "Submitted %(count)d figures for review.",
                len(result.submitted),
            )
            % {"count": len(result.submitted)}
        )
    # The quarter's other returns (the action updates) went with the figures.
    parts.extend(result.messages())
    text = " ".join(parts)
    if result.missing:
        text += " " + ngettext(
            "%(count)d measure still has no figure.",
            "%(count)d measures still have no figure.",
            len(result.missing),
        ) % {"count": len(result.missing)}
    messages.success(request, text)
    return redirect(_after_submit(request, slug, quarter))


def _after_submit(request: HttpRequest, slug: str, quarter: Quarter) -> str:
    """Back to the page the submit was made from (My quarter posts here too),
    if it is one of this partnership's pages; else to the entry page."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and back.split("?")[0].startswith((f"/p/{slug}/", f"/cy/p/{slug}/")):
        return back
    return _entry_url(slug, quarter)


def _review_quarter(request: HttpRequest) -> tuple[Quarter, list[Quarter]]:
    """The quarter asked for, or by default the last one that has ended."""
    quarters = periods_for_entry(partnership=request.partnership)
    wanted = request.GET.get("quarter") or request.POST.get("quarter")
    if not wanted:
        return quarters[1], quarters
    return _chosen_quarter(request, quarters), quarters


def _review_url(slug: str, quarter: Quarter, anchor: str = "") -> str:
    url = reverse("kpis:quarter_review", kwargs={"slug": slug})
    return f"{url}?quarter={quarter.key}{anchor}"


def _render_review(
    request: HttpRequest,
    *,
    status: int = 200,
    return_form: tuple[int, ReturnForm] | None = None,
    reopen_form: ReopenForm | None = None,
    settings_form: ReportingSettingsForm | None = None,
) -> HttpResponse:
    quarter, quarters = _review_quarter(request)
    quarter_review = review.quarter_review_with_flags(
        partnership=request.partnership, quarter=quarter
    )
    partnership = request.partnership
    return render(
        request,
        "kpis/quarter_review.html",
        {
            "review": quarter_review,
            "rows_html": review_rows_html(
                quarter_review.rows,
                # One reverse() each for a page of 150 rows: the address of
                # pk 0 without its last segment, each row's pk in its place.
                measure_url_prefix=_url_prefix(
                    "reports:measure_detail", partnership.slug
                ),
                review_url_prefix=_url_prefix(
                    "kpis:quarter_review_value", partnership.slug
                ),
                quarter_key=quarter.key,
                csrf_token=get_token(request),
                reviewing=roles.may_review(request.membership)
                and not quarter_review.is_locked,
                return_form=return_form,
                request=request,
            ),
            "quarter": quarter,
            "quarters": quarters,
            "quarter_key": quarter.key,
            "states": [
                (state, selectors.STATE_LABELS[state]) for state in selectors.STATES
            ],
            "return_form": return_form,
            "reopen_form": reopen_form or ReopenForm(),
            "settings_form": settings_form
            or ReportingSettingsForm(
                initial={
                    "quarter_deadline_days": partnership.quarter_deadline_days,
                    "reminder_days_before": partnership.reminder_days_before,
                    "remind_when_overdue": partnership.remind_when_overdue,
                }
            ),
        },
        status=status,
    )


def _url_prefix(name: str, slug: str) -> str:
    return reverse(name, kwargs={"slug": slug, "pk": 0}).removesuffix("0/")


def _require_reviewer(request: HttpRequest) -> None:
    if not roles.may_follow_progress(request.membership):
        raise PermissionDenied(
            _("The quarter's progress is for admins and steering-group members.")
        )


def _require_admin(request: HttpRequest) -> None:
    if not roles.may_lock(request.membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))


@tenant_view
@require_GET
def quarter_review(request: HttpRequest, slug: str) -> HttpResponse:
    """Completeness for a quarter; admins approve, return and lock here."""
    _require_reviewer(request)
    return _render_review(request)


@tenant_view
@require_POST
def quarter_review_value(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    quarter, _quarters = _review_quarter(request)
    action = request.POST.get("action")
    try:
        if action == "approve":
            value = review.value_approve(
                partnership=request.partnership, value_id=pk, actor=request.user
            )
            text = _("Approved %(name)s.")
        elif action == "return":
            form = ReturnForm(request.POST, prefix=f"v{pk}")
            if not form.is_valid():
                get_object_or_404(
                    selectors.value_list(partnership=request.partnership), pk=pk
                )
                return _render_review(request, status=400, return_form=(pk, form))
            value = review.value_return(
                partnership=request.partnership,
                value_id=pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            text = _("Returned %(name)s to its lead.")
        else:
            return HttpResponse(_("Choose approve or return."), status=400)
    except QuarterlyValue.DoesNotExist:
        raise Http404(_("No such figure.")) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_review_url(slug, quarter))
    messages.success(request, text % {"name": value.measure.name})
    return redirect(_review_url(slug, quarter, f"#value-{pk}"))


@tenant_view
@require_http_methods(["GET", "POST"])
def quarter_approve_submitted(request: HttpRequest, slug: str) -> HttpResponse:
    """Approve every submitted figure at once, after a page that lists them.

    The confirmation carries each figure's version, so a figure changed or
    returned after the admin saw it is not approved unseen.
    """
    _require_admin(request)
    quarter, _quarters = _review_quarter(request)
    if request.method == "POST":
        seen = {}
        for item in request.POST.getlist("value"):
            pk, _sep, version = item.partition(":")
            if pk.isdecimal() and version.isdecimal() and len(item) < 40:
                seen[int(pk)] = int(version)
        period = (
            selectors.period_list(partnership=request.partnership)
            .filter(year=quarter.year, quarter=quarter.quarter)
            .first()
        )
        if period is None or not seen:
            messages.error(request, _("There were no submitted figures to approve."))
            return redirect(_review_url(slug, quarter))
        try:
            result = review.values_approve_submitted(
                partnership=request.partnership,
                period=period,
                actor=request.user,
                seen=seen,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_review_url(slug, quarter))
        messages.success(
            request,
            ngettext(
                "Approved %(count)s figure.",
                "Approved %(count)s figures.",
                result.approved,
            )
            % {"count": result.approved},
        )
        if result.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)s figure changed after you looked, so it was not "
                    "approved: look at it again below.",
                    "%(count)s figures changed after you looked, so they were not "
                    "approved: look at them again below.",
                    result.skipped,
                )
                % {"count": result.skipped},
            )
        return redirect(_review_url(slug, quarter))
    quarter_review = review.quarter_review_with_flags(
        partnership=request.partnership, quarter=quarter
    )
    if quarter_review.is_locked or not quarter_review.submitted:
        return redirect(_review_url(slug, quarter))
    return render(
        request,
        "kpis/quarter_approve.html",
        {
            "review": quarter_review,
            # One reverse() each for a page of 150 rows: the address of pk 0
            # without its last segment, each row's pk put in its place.
            "measure_url_prefix": _url_prefix(
                "reports:measure_detail", request.partnership.slug
            ),
            "review_url_prefix": _url_prefix(
                "kpis:quarter_review_value", request.partnership.slug
            ),
            "quarter": quarter,
            "quarter_key": quarter.key,
            "back_url": _review_url(slug, quarter),
        },
    )


@tenant_view
@require_POST
@recent_authentication_required
def quarter_lock(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    quarter, _quarters = _review_quarter(request)
    try:
        review.period_lock(
            partnership=request.partnership, quarter=quarter, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Locked %(quarter)s. Its figures can no longer change.")
            % {"quarter": quarter.label},
        )
    return redirect(_review_url(slug, quarter))


@tenant_view
@require_POST
@recent_authentication_required
def quarter_reopen(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    quarter, _quarters = _review_quarter(request)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_review(request, status=400, reopen_form=form)
    try:
        review.period_reopen(
            partnership=request.partnership,
            quarter=quarter,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Reopened %(quarter)s.") % {"quarter": quarter.label}
        )
    return redirect(_review_url(slug, quarter))


@tenant_view
@require_POST
def reporting_settings(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    quarter, _quarters = _review_quarter(request)
    form = ReportingSettingsForm(request.POST)
    if not form.is_valid():
        return _render_review(request, status=400, settings_form=form)
    review.reporting_settings_update(
        partnership=request.partnership, actor=request.user, **form.cleaned_data
    )
    messages.success(request, _("Saved the deadline and reminders."))
    return redirect(_review_url(slug, quarter, "#settings"))


def _render_setup(
    request: HttpRequest,
    *,
    status: int = 200,
    dimension_form: DimensionForm | None = None,
    bound: MeasureChecksForm | None = None,
) -> HttpResponse:
    partnership = request.partnership
    dimensions = Dimension.objects.filter(partnership=partnership)
    categories = selectors.category_map(partnership=partnership)
    measures = list(selectors.measure_list(partnership=partnership))
    forms = [
        bound
        if bound is not None and bound.measure.pk == measure.pk
        else MeasureChecksForm(measure=measure, dimensions=dimensions)
        for measure in measures
    ]
    return render(
        request,
        "kpis/setup.html",
        {
            "dimensions": [(d, categories.get(d.pk, [])) for d in dimensions],
            "dimension_form": dimension_form or DimensionForm(),
            "measure_forms": forms,
            "default_threshold": rules.DEFAULT_CHANGE_THRESHOLD,
            "welsh_missing": welsh.texts_without_welsh_count(partnership=partnership),
        },
        status=status,
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def reporting_setup(request: HttpRequest, slug: str) -> HttpResponse:
    """Breakdown dimensions and each measure's breakdown and threshold."""
    _require_admin(request)
    if request.method == "GET":
        return _render_setup(request)
    form = DimensionForm(request.POST)
    if form.is_valid():
        try:
            dimension = services.dimension_create(
                partnership=request.partnership,
                actor=request.user,
                name=form.cleaned_data["name"],
                categories=form.cleaned_data["categories"].splitlines(),
                is_exhaustive=form.cleaned_data["is_exhaustive"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Added the breakdown “%(name)s”.") % {"name": dimension.name},
            )
            return redirect(reverse("kpis:reporting_setup", kwargs={"slug": slug}))
    return _render_setup(request, status=400, dimension_form=form)


@tenant_view
@require_POST
def measure_checks(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    measure = get_object_or_404(
        selectors.measure_list(partnership=request.partnership), pk=pk
    )
    dimensions = Dimension.objects.filter(partnership=request.partnership)
    form = MeasureChecksForm(request.POST, measure=measure, dimensions=dimensions)
    if form.is_valid():
        try:
            services.measure_checks_update(
                partnership=request.partnership,
                actor=request.user,
                measure=measure,
                breakdown_first=form.cleaned_data.get("breakdown_first"),
                breakdown_second=form.cleaned_data.get("breakdown_second"),
                change_threshold=form.cleaned_data["change_threshold"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": measure.name})
            url = reverse("kpis:reporting_setup", kwargs={"slug": slug})
            return redirect(f"{url}#checks-{measure.pk}")
    # The measure object may hold the refused values; show the stored ones.
    measure.refresh_from_db()
    return _render_setup(request, status=400, bound=form)


@tenant_view
@require_http_methods(["GET", "POST"])
def welsh_texts(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's texts that still need Welsh, each with a form to add it."""
    _require_admin(request)
    errors: dict[tuple[str, int, str], list[str]] = {}
    status = 200
    if request.method == "POST":
        key = (
            request.POST.get("kind", ""),
            _int(request.POST.get("pk")),
            request.POST.get("field", ""),
        )
        try:
            welsh.welsh_text_set(
                partnership=request.partnership,
                actor=request.user,
                kind=key[0],
                pk=key[1],
                field=key[2],
                text=request.POST.get("text", ""),
            )
        except ValidationError as error:
            errors[key] = [m for ms in error.message_dict.values() for m in ms]
            status = 400
        else:
            if request.POST.get("text", "").strip():
                messages.success(request, _("Saved the Welsh text."))
            url = reverse("kpis:welsh_texts", kwargs={"slug": slug})
            return redirect(url)
    groups = welsh.texts_without_welsh(partnership=request.partnership)
    for group in groups:
        for text in group.texts:
            refused = errors.get((text.kind.key, text.obj.pk, text.field))
            if refused:
                text.errors = refused
                text.posted = request.POST.get("text", "")
    return render(
        request,
        "kpis/welsh_texts.html",
        {
            "groups": groups,
            "count": sum(len(group.texts) for group in groups),
            "draft": request.partnership.welsh_status == WelshStatus.DRAFT,
        },
        status=status,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0

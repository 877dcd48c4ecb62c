"""The partnership's admins choose what its public page shows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kpis.selectors import measure_list
from outcomes.selectors import priority_list
from partnerships import policy as roles
from partnerships.bilingual import text_for
from partnerships.decorators import tenant_view
from reports.models import ReportStatus
from reports.selectors import annual_report_list

from . import disclosure, services
from .forms import PublicationForm
from .selectors import publication_get, published_ids, published_report_list


def _measure_label(measure) -> str:
    """The measure's choice, saying whether disclosure control applies to it
    (its "counts people", set in the measure editor)."""
    names = {"code": measure.code, "name": text_for(measure, "name").text}
    if disclosure.counts_people(measure):
        return _("%(code)s %(name)s (counts people: small numbers withheld)") % names
    return _("%(code)s %(name)s (counts no one: shown in full)") % names


def _choices(partnership) -> dict:
    return {
        "priorities": [
            (p.pk, text_for(p, "name").text)
            for p in priority_list(partnership=partnership)
        ],
        "measures": [
            (m.pk, _measure_label(m)) for m in measure_list(partnership=partnership)
        ],
        "reports": [
            (r.pk, f"{r.year_label} ({r.get_language_display()})")
            for r in annual_report_list(partnership=partnership).filter(
                status=ReportStatus.READY
            )
        ],
    }


@tenant_view
@require_http_methods(["GET", "POST"])
def publishing(request: HttpRequest, slug: str) -> HttpResponse:
    if not roles.may_administer(request.membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    partnership = request.partnership
    publication = publication_get(partnership=partnership)
    choices = _choices(partnership)
    status = 200
    if request.method == "POST":
        form = PublicationForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.publication_update(
                    partnership=partnership,
                    membership=request.membership,
                    is_published=data["is_published"],
                    threshold=data["threshold"],
                    priority_ids=data["priorities"],
                    measure_ids=data["measures"],
                    report_ids=data["reports"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("The public page is published.")
                    if data["is_published"]
                    else _("The public page is not published."),
                )
                return redirect("publishing:publishing", slug=slug)
        status = 400
    else:
        chosen = published_ids(partnership=partnership)
        form = PublicationForm(
            initial={
                "is_published": publication.is_published,
                "threshold": publication.threshold,
                "priorities": sorted(chosen["priorities"]),
                "measures": sorted(chosen["measures"]),
                "reports": sorted(chosen["reports"]),
            },
            **choices,
        )
    context = {
        "form": form,
        "publication": publication,
        "editions": published_report_list(partnership=partnership),
    }
    return render(request, "public/publishing.html", context, status=status)

"""A partnership's networks, under /p/<slug>/networks/ (thin views: the
services write, the selectors read)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kpis.selectors import measure_list
from outcomes.selectors import priority_list
from partnerships import policy as roles
from partnerships.bilingual import text_for
from partnerships.decorators import tenant_view

from . import selectors, services
from .forms import AdoptionForm
from .models import MembershipStatus, Network


def copy_language() -> str:
    """The shared copies' language key for the active language."""
    return "cy" if (translation.get_language() or "").startswith("cy") else "en-gb"


def _network(request, pk: int):
    return get_object_or_404(
        selectors.network_list(partnership=request.partnership), pk=pk
    )


@tenant_view
@require_http_methods(["GET"])
def networks(request: HttpRequest, slug: str) -> HttpResponse:
    memberships = list(
        selectors.network_membership_list(partnership=request.partnership)
    )
    return render(
        request,
        "networks/networks.html",
        {
            "invitations": [
                m for m in memberships if m.status == MembershipStatus.INVITED
            ],
            "joined": [m for m in memberships if m.status == MembershipStatus.ACCEPTED],
            "past": [
                m
                for m in memberships
                if m.status in (MembershipStatus.DECLINED, MembershipStatus.LEFT)
            ],
        },
    )


@tenant_view
@require_POST
def network_respond(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    accept = request.POST.get("response") == "accept"
    try:
        network = selectors.invited_network_get(partnership=request.partnership, pk=pk)
    except Network.DoesNotExist:
        raise Http404("No such invitation.") from None
    try:
        services.invitation_respond(
            partnership=request.partnership,
            membership=request.membership,
            network_id=network.pk,
            accept=accept,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("networks:networks", slug=slug)
    if accept:
        messages.success(request, _("You joined %(name)s.") % {"name": network})
        return redirect("networks:network", slug=slug, pk=pk)
    messages.success(
        request, _("You declined the invitation to %(name)s.") % {"name": network}
    )
    return redirect("networks:networks", slug=slug)


@tenant_view
@require_POST
def network_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, pk)
    services.network_leave(
        partnership=request.partnership,
        membership=request.membership,
        network_id=network.pk,
    )
    messages.success(
        request,
        _("You left %(name)s. Nothing of this partnership is shared with it now.")
        % {"name": network},
    )
    return redirect("networks:networks", slug=slug)


@tenant_view
@require_http_methods(["GET"])
def network(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, pk)
    pages = selectors.network_page_get(partnership=request.partnership, network=network)
    language = copy_language()
    for page in pages:
        page.shown = [
            {
                "name": copy.partnership_name,
                "own": copy.partnership_id == request.partnership.pk,
                "measure": copy.payload["languages"][language],
                # The two latest years with figures, beside each other.
                "years": [
                    y
                    for y in copy.payload["languages"][language]["years"]
                    if y["quarters"]
                ][:2],
                "curve_stories": copy.payload.get("curve_stories", []),
            }
            for copy in page.copies
        ]
    return render(
        request,
        "networks/network.html",
        {
            "network": network,
            "pages": pages,
            "may_administer": roles.may_administer(request.membership),
        },
    )


def _adoption_form(request, data=None, initial=None):
    partnership = request.partnership
    return AdoptionForm(
        data,
        initial=initial,
        measures=[
            (str(m.pk), f"{m.code} {text_for(m, 'name').text}")
            for m in measure_list(partnership=partnership, include_retired=False)
        ],
        priorities=[
            (p.pk, text_for(p, "name").text)
            for p in priority_list(partnership=partnership)
        ],
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def adoption(request: HttpRequest, slug: str, pk: int, measure_pk: int) -> HttpResponse:
    if not roles.may_administer(request.membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    network = _network(request, pk)
    shared_measure = get_object_or_404(
        selectors.shared_measure_list(network=network), pk=measure_pk
    )
    current = selectors.adoption_map(
        partnership=request.partnership, network=network
    ).get(shared_measure.pk)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.adoption_remove(
            partnership=request.partnership,
            membership=request.membership,
            shared_measure=shared_measure,
        )
        messages.success(
            request, _("Your measure no longer adopts this shared measure.")
        )
        return redirect("networks:network", slug=slug, pk=pk)
    if request.method == "POST":
        form = _adoption_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            new = data["measure"] == AdoptionForm.NEW
            try:
                services.adoption_set(
                    partnership=request.partnership,
                    membership=request.membership,
                    actor=request.user,
                    shared_measure=shared_measure,
                    measure_id=None if new else int(data["measure"]),
                    new_code=data["new_code"].strip() if new else "",
                    new_priority_id=data["new_priority"] if new else None,
                    is_shared=data["is_shared"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    target = {"code": "new_code", "priority": "new_priority"}.get(
                        field, field
                    )
                    form.add_error(target if target in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Saved. Its figures are shared with the network.")
                    if data["is_shared"]
                    else _("Saved. Its figures are not shared with the network."),
                )
                return redirect("networks:network", slug=slug, pk=pk)
        status = 400
    else:
        form = _adoption_form(
            request,
            initial={
                "measure": str(current.measure_id) if current else "",
                "is_shared": current.is_shared if current else False,
            },
        )
    return render(
        request,
        "networks/adoption.html",
        {
            "network": network,
            "shared_measure": shared_measure,
            "adoption": current,
            "form": form,
        },
        status=status,
    )

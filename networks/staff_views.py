"""Platform staff run the learning networks, beside the new-partnership page
(/staff/networks/): every read and write in the platform scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnerships import tenancy
from partnerships.models import Partnership

from . import selectors, services
from .forms import InviteForm, NetworkForm, SharedMeasureForm


def _staff(request) -> None:
    if not request.user.is_staff:
        raise PermissionDenied


def _texts(data: dict, fields: tuple[str, ...]) -> tuple[dict, dict]:
    return (
        {f: data[f"{f}_en"] for f in fields},
        {f: data[f"{f}_cy"] for f in fields},
    )


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for name in (field, f"{field}_en"):
            if name in form.fields:
                form.add_error(name, errors)
                break
        else:
            form.add_error(None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def networks(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = NetworkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            english, welsh = _texts(form.cleaned_data, services.NETWORK_TEXTS)
            try:
                network = services.network_save(
                    actor=request.user, english=english, welsh=welsh
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Created %(name)s.") % {"name": network})
                return redirect("networks_staff:network", pk=network.pk)
    with tenancy.platform_scope():
        rows = list(selectors.staff_network_list())
    return render(
        request,
        "networks/staff_networks.html",
        {"form": form, "networks": rows},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def network(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    with tenancy.platform_scope():
        network = get_object_or_404(selectors.staff_network_list(), pk=pk)
        partnerships = list(Partnership.objects.order_by("name"))
    details = NetworkForm(
        initial={
            f"{f}_{lang}": getattr(network, f"{f}_{lang}") or ""
            for f in services.NETWORK_TEXTS
            for lang in ("en", "cy")
        }
    )
    invite = InviteForm(partnerships=partnerships)
    measure = SharedMeasureForm()
    status = 200
    if request.method == "POST":
        status = 400
        which = request.POST.get("form")
        if which == "details":
            details = NetworkForm(request.POST)
            if details.is_valid():
                english, welsh = _texts(details.cleaned_data, services.NETWORK_TEXTS)
                try:
                    services.network_save(
                        actor=request.user,
                        network=network,
                        english=english,
                        welsh=welsh,
                    )
                except ValidationError as error:
                    _form_errors(details, error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("networks_staff:network", pk=pk)
        elif which == "invite":
            invite = InviteForm(request.POST, partnerships=partnerships)
            if invite.is_valid():
                chosen = next(
                    p
                    for p in partnerships
                    if p.pk == invite.cleaned_data["partnership"]
                )
                try:
                    services.network_invite(
                        actor=request.user, network=network, partnership=chosen
                    )
                except ValidationError as error:
                    _form_errors(invite, error)
                else:
                    messages.success(
                        request, _("Invited %(name)s.") % {"name": chosen.name}
                    )
                    return redirect("networks_staff:network", pk=pk)
        elif which == "measure":
            measure = SharedMeasureForm(request.POST)
            if measure.is_valid():
                saved = _measure_save(request, network, measure)
                if saved:
                    return redirect("networks_staff:network", pk=pk)
    with tenancy.platform_scope():
        memberships = list(selectors.staff_membership_list(network=network))
        library = list(selectors.shared_measure_list(network=network))
    return render(
        request,
        "networks/staff_network.html",
        {
            "network": network,
            "details": details,
            "invite": invite,
            "measure_form": measure,
            "memberships": memberships,
            "library": library,
        },
        status=status,
    )


def _measure_save(request, network, form, shared_measure=None) -> bool:
    data = form.cleaned_data
    english, welsh = _texts(data, services.SHARED_MEASURE_TEXTS)
    try:
        saved = services.shared_measure_save(
            actor=request.user,
            network=network,
            shared_measure=shared_measure,
            question=data["question"],
            value_type=data["value_type"],
            english=english,
            welsh=welsh,
        )
    except ValidationError as error:
        _form_errors(form, error)
        return False
    messages.success(request, _("Saved %(name)s.") % {"name": saved})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def shared_measure(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    _staff(request)
    with tenancy.platform_scope():
        network = get_object_or_404(selectors.staff_network_list(), pk=pk)
        item = get_object_or_404(
            selectors.shared_measure_list(network=network), pk=measure_pk
        )
    form = SharedMeasureForm(
        request.POST or None,
        initial={
            "question": item.question,
            "value_type": item.value_type,
            **{
                f"{f}_{lang}": getattr(item, f"{f}_{lang}") or ""
                for f in services.SHARED_MEASURE_TEXTS
                for lang in ("en", "cy")
            },
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and _measure_save(request, network, form, item):
            return redirect("networks_staff:network", pk=pk)
    return render(
        request,
        "networks/staff_shared_measure.html",
        {"network": network, "item": item, "form": form},
        status=status,
    )

"""The action plan in the API: actions (read, write), their quarterly updates
and the updates' review steps, through delivery's services as the pages use
them. Submitting a quarter's updates is the quarter's submit
(``/quarters/<key>/submit/``), which sends the figures and the updates
(read an update's ``review_status`` to see it submitted)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from kpis import selectors as kpi_selectors
from kpis.periods import KEY_PATTERN, Quarter
from partnerships import policy as roles
from partnerships.api import BilingualSerializerMixin, TenantAPIView, error_responses
from partnerships.apiconf import ApiError
from partnerships.models import Membership, Organisation

from . import selectors, services
from .models import ActionStatus, ActionUpdate, RiskRating


class RiskSerializer(serializers.Serializer):
    risk = serializers.CharField(max_length=services.ITEM_LIMIT)
    rating = serializers.ChoiceField(choices=RiskRating.choices)


class NextStepSerializer(serializers.Serializer):
    step = serializers.CharField(max_length=services.ITEM_LIMIT)
    timescale = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )


class UpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    quarter = serializers.CharField(source="period.as_quarter.key", read_only=True)
    label = serializers.CharField(source="period.label", read_only=True)
    status = serializers.CharField()
    progress = serializers.CharField()
    risks = RiskSerializer(many=True)
    next_steps = NextStepSerializer(many=True)
    review_status = serializers.CharField(
        help_text=gettext_lazy("draft, submitted, returned or approved.")
    )
    return_reason = serializers.CharField()
    locked = serializers.BooleanField(source="period.is_locked")


class ActionSerializer(BilingualSerializerMixin, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    name_cy = serializers.CharField(
        allow_null=True, help_text="The action in Welsh; null while there is none."
    )
    description_cy = serializers.CharField(allow_null=True)
    priority = serializers.IntegerField(source="priority_id", allow_null=True)
    lead_agencies = serializers.SerializerMethodField()
    lead_person = serializers.EmailField(source="lead_person.email", allow_null=True)
    start_quarter = serializers.CharField(
        source="start_period.as_quarter.key", allow_null=True
    )
    due_quarter = serializers.CharField(
        source="due_period.as_quarter.key", allow_null=True
    )
    status = serializers.CharField()
    outcomes = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()
    latest_update = serializers.SerializerMethodField()

    def get_lead_agencies(self, action) -> list[str]:
        return [o.name for o in action.lead_agencies.all()]

    def get_outcomes(self, action) -> list[int]:
        return [o.pk for o in action.outcomes.all()]

    def get_measures(self, action) -> list[str]:
        return [m.code for m in action.measures.all()]

    def get_latest_update(self, action) -> dict | None:
        update = selectors.latest_update(action)
        return UpdateSerializer(update).data if update else None


def _welsh_text(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text=gettext_lazy("In Welsh; empty clears it, left out or null keeps it."),
        **kwargs,
    )


class ActionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=400)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    name_cy = _welsh_text(max_length=400)
    description_cy = _welsh_text()
    priority = serializers.IntegerField(required=False, allow_null=True, default=None)
    lead_agencies = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        max_length=50,
        help_text=gettext_lazy("Organisation names, as the partnership has them."),
    )
    lead_person = serializers.EmailField(required=False, allow_null=True, default=None)
    start_quarter = serializers.RegexField(
        KEY_PATTERN, required=False, allow_null=True, default=None
    )
    due_quarter = serializers.RegexField(
        KEY_PATTERN, required=False, allow_null=True, default=None
    )
    status = serializers.ChoiceField(
        choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    outcomes = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=100
    )
    measures = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        max_length=100,
        help_text=gettext_lazy("Measure codes."),
    )


class UpdateWriteSerializer(serializers.Serializer):
    quarter = serializers.RegexField(KEY_PATTERN, help_text="YYYY-Q")
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    progress = serializers.CharField(max_length=services.PROGRESS_LIMIT)
    risks = RiskSerializer(many=True, required=False, default=list)
    next_steps = NextStepSerializer(many=True, required=False, default=list)


class UpdateReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _quarter(request: Request, key: str | None, field: str) -> Quarter | None:
    """The quarter a "YYYY-Q" names; a 400 on the field for a year outside
    2000-2100 (as the rest of the API's years)."""
    if not key:
        return None
    quarter = Quarter.parse_key(key, request.partnership.reporting_year_start_month)
    if not 2000 <= quarter.year <= 2100:
        message = _("Give a quarter between 2000-1 and 2100-4.")
        raise ApiError(message, errors={field: [message]})
    return quarter


def _fields(request: Request, data: dict) -> services.ActionFields:
    partnership = request.partnership
    start_quarter = _quarter(request, data["start_quarter"], "start_quarter")
    due_quarter = _quarter(request, data["due_quarter"], "due_quarter")
    errors = {}
    names = data["lead_agencies"]
    found = dict(
        Organisation.objects.filter(
            partnership=partnership, name__in=names
        ).values_list("name", "pk")
    )
    if set(names) - set(found):
        errors["lead_agencies"] = [
            _("Unknown organisations: %(names)s")
            % {"names": ", ".join(sorted(set(names) - set(found)))}
        ]
    lead_id = None
    if data["lead_person"]:
        lead_id = (
            Membership.objects.filter(
                partnership=partnership, user__email__iexact=data["lead_person"]
            )
            .values_list("user_id", flat=True)
            .first()
        )
        if lead_id is None:
            errors["lead_person"] = [
                _("The lead person must be a member of the partnership.")
            ]
    codes = data["measures"]
    measures = dict(
        kpi_selectors.measure_list(partnership=partnership)
        .filter(code__in=codes)
        .values_list("code", "pk")
    )
    if set(codes) - set(measures):
        errors["measures"] = [
            _("Unknown measure codes: %(codes)s")
            % {"codes": ", ".join(sorted(set(codes) - set(measures)))}
        ]
    if errors:
        raise ApiError(_("The action has errors; nothing was saved."), errors=errors)
    return services.ActionFields(
        name=data["name"],
        description=data["description"],
        welsh={
            field: data[f"{field}_cy"]
            for field in ("name", "description")
            if data[f"{field}_cy"] is not None
        },
        priority_id=data["priority"],
        lead_agency_ids=tuple(found[n] for n in names),
        lead_person_id=lead_id,
        start_quarter=start_quarter,
        due_quarter=due_quarter,
        status=data["status"],
        outcome_ids=tuple(data["outcomes"]),
        measure_ids=tuple(measures[c] for c in codes),
    )


def _action(request: Request, pk: int):
    action = (
        selectors.action_list(partnership=request.partnership).filter(pk=pk).first()
    )
    if action is None:
        raise NotFound(_("No such action."))
    return action


@extend_schema(tags=["actions"])
class ActionList(TenantAPIView):
    @extend_schema(
        summary="The action plan: each action with its lead agencies, status and "
        "latest update",
        responses={200: ActionSerializer(many=True), **error_responses()},
    )
    def get(self, request: Request, slug: str) -> Response:
        actions = selectors.action_list(partnership=request.partnership)
        return Response(ActionSerializer(actions, many=True).data)

    @extend_schema(
        summary="Add an action (admins)",
        request=ActionWriteSerializer,
        responses={201: ActionSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = ActionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            action = services.action_create(
                partnership=request.partnership,
                fields=_fields(request, incoming.validated_data),
                actor=request.user,
            )
        return Response(
            ActionSerializer(_action(request, action.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["actions"])
class ActionDetail(TenantAPIView):
    @extend_schema(
        summary="One action", responses={200: ActionSerializer, **error_responses()}
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(ActionSerializer(_action(request, pk)).data)

    @extend_schema(
        summary="Change an action (admins)",
        request=ActionWriteSerializer,
        responses={200: ActionSerializer, **error_responses(400, 403)},
    )
    def put(self, request: Request, slug: str, pk: int) -> Response:
        action = _action(request, pk)
        incoming = ActionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with self.history_context():
            services.action_edit(
                partnership=request.partnership,
                action=action,
                fields=_fields(request, incoming.validated_data),
                actor=request.user,
            )
        return Response(ActionSerializer(_action(request, pk)).data)


@extend_schema(tags=["actions"])
class ActionUpdateList(TenantAPIView):
    @extend_schema(
        summary="An action's quarterly updates, newest first",
        responses={200: UpdateSerializer(many=True), **error_responses()},
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        action = _action(request, pk)
        return Response(UpdateSerializer(action.updates.all(), many=True).data)

    @extend_schema(
        summary="Write the action's update for a quarter (its lead, or an admin)",
        description="Saved as a draft; the quarter's submit sends it for review.",
        request=UpdateWriteSerializer,
        responses={200: UpdateSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        action = _action(request, pk)
        incoming = UpdateWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        quarter = _quarter(request, data["quarter"], "quarter")
        with self.history_context():
            update = services.action_update_save(
                partnership=request.partnership,
                action=action,
                quarter=quarter,
                actor=request.user,
                status=data["status"],
                progress=data["progress"],
                risks=[dict(r) for r in data["risks"]],
                next_steps=[dict(s) for s in data["next_steps"]],
            )
        update = selectors.update_list(partnership=request.partnership).get(
            pk=update.pk
        )
        return Response(UpdateSerializer(update).data)


class _UpdateReview(TenantAPIView):
    step = ""

    def post(self, request: Request, slug: str, pk: int) -> Response:
        if not roles.may_review(request.membership):
            raise ApiError(
                _("Only the partnership's admins can do this."),
                status_code=status.HTTP_403_FORBIDDEN,
            )
        try:
            with self.history_context():
                if self.step == "approve":
                    update = services.action_update_approve(
                        partnership=request.partnership,
                        update_id=pk,
                        actor=request.user,
                    )
                else:
                    incoming = UpdateReturnSerializer(data=request.data)
                    incoming.is_valid(raise_exception=True)
                    update = services.action_update_return(
                        partnership=request.partnership,
                        update_id=pk,
                        actor=request.user,
                        reason=incoming.validated_data["reason"],
                    )
        except ActionUpdate.DoesNotExist:
            raise NotFound(_("No such action update.")) from None
        update = selectors.update_list(partnership=request.partnership).get(
            pk=update.pk
        )
        return Response(UpdateSerializer(update).data)


@extend_schema(
    tags=["actions"],
    summary="Approve a submitted action update (admins)",
    request=None,
    responses={200: UpdateSerializer, **error_responses(400, 403)},
)
class UpdateApprove(_UpdateReview):
    step = "approve"


@extend_schema(
    tags=["actions"],
    summary="Return an action update to its lead with a reason (admins)",
    request=UpdateReturnSerializer,
    responses={200: UpdateSerializer, **error_responses(400, 403)},
)
class UpdateReturn(_UpdateReview):
    step = "return"

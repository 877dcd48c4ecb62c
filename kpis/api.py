"""Performance measures (read) and quarterly values (read, bulk record)."""

import base64
import binascii
import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from outcomes.selectors import outcome_list, priority_list
from partnerships.api import (
    NON_FIELD,
    AdminForWrites,
    ApiError,
    BilingualSerializerMixin,
    CanEnterValues,
    ErrorSerializer,
    FilteredListMixin,
    TenantAPIView,
    django_errors,
    error_responses,
)
from partnerships.apiconf import PageNumberPagination
from partnerships.models import User
from partnerships.text_limits import limit_of

from . import recording, selectors, services, value_pages, welsh
from .models import (
    Aggregation,
    Dimension,
    DimensionCategory,
    Direction,
    PerformanceMeasure,
    QuarterlyValue,
    Question,
    ReviewStatus,
    ValueType,
)
from .periods import KEY_PATTERN, Quarter

DECIMAL = {"max_digits": 14, "decimal_places": 2}


class CategorySerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = DimensionCategory
        fields = ["id", "name", "name_cy"]


class DimensionSerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["name", "name_cy", "is_exhaustive", "categories"]


class MeasureSerializer(BilingualSerializerMixin, serializers.ModelSerializer):
    baseline_period = serializers.CharField(
        source="baseline_period.label",
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy(
            "The quarter the baseline was measured in, e.g. “2023/24 Q4”."
        ),
    )
    due_quarter = serializers.SerializerMethodField(
        help_text="A milestone's due quarter as YYYY-Q, or null."
    )
    leads = serializers.SerializerMethodField(
        help_text=gettext_lazy("Email addresses of the people assigned to report it.")
    )
    targets = serializers.SerializerMethodField()
    retired = serializers.SerializerMethodField(
        help_text="Retired: off the dashboard and entry, kept in history."
    )
    breakdowns = DimensionSerializer(
        source="dimensions",
        many=True,
        read_only=True,
        help_text=(
            gettext_lazy(
                "The dimensions its counts are broken down by, in order; a value's "
                "breakdown is keyed “<category id>” or “<first id>:<second id>”."
            )
        ),
    )

    class Meta:
        model = PerformanceMeasure
        fields = [
            "id",
            "code",
            "name",
            "priority",
            "outcome",
            "question",
            "value_type",
            "unit",
            "direction",
            "is_headline",
            "counts_people",
            "aggregation",
            "annual_target",
            "baseline_value",
            "baseline_period",
            "due_quarter",
            "definition",
            "data_source",
            "leads",
            "breakdowns",
            "name_cy",
            "unit_cy",
            "definition_cy",
            "data_source_cy",
            "change_threshold",
            "targets",
            "retired",
        ]

    def get_due_quarter(self, measure) -> str | None:
        if measure.due_year is None:
            return None
        return f"{measure.due_year}-{measure.due_quarter}"

    def get_leads(self, measure: PerformanceMeasure) -> list[str]:
        return sorted(user.email for user in measure.leads.all())

    @extend_schema_field(
        serializers.DictField(
            child=serializers.DecimalField(**DECIMAL),
            help_text=(
                "The target of each reporting year that has its own, keyed by the "
                "calendar year it starts in; other years have `annual_target`."
            ),
        )
    )
    def get_targets(self, measure: PerformanceMeasure) -> dict[str, str]:
        years = getattr(measure, "target_years", None) or []
        values = getattr(measure, "target_values", None) or []
        return {
            str(year): f"{value:.2f}" for year, value in zip(years, values, strict=True)
        }

    def get_retired(self, measure: PerformanceMeasure) -> bool:
        return measure.retired_at is not None


class MeasureWriteSerializer(serializers.Serializer):
    """A measure's fields as the editor sets them (PATCH: any of them)."""

    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=300)
    question = serializers.ChoiceField(choices=Question.choices)
    value_type = serializers.ChoiceField(choices=ValueType.choices)
    unit = serializers.CharField(max_length=60, allow_blank=True, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    is_headline = serializers.BooleanField(required=False)
    counts_people = serializers.BooleanField(
        required=False,
        help_text="Its figures are numbers (or percentages) of people: public "
        "pages withhold small ones. Left out on a new measure: yes.",
    )
    aggregation = serializers.ChoiceField(
        choices=Aggregation.choices,
        required=False,
        help_text="Left out: the usual rule for the kind of value.",
    )
    annual_target = serializers.DecimalField(
        **DECIMAL,
        allow_null=True,
        required=False,
        help_text="The target of every year without its own (see `targets`).",
    )
    baseline_value = serializers.DecimalField(
        **DECIMAL, allow_null=True, required=False
    )
    baseline_period = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="The quarter the baseline was measured in, as “YYYY-Q”.",
        validators=[
            RegexValidator(KEY_PATTERN, "Give the quarter as YYYY-Q, e.g. 2024-1.")
        ],
    )
    due_quarter = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="A milestone's due quarter, as “YYYY-Q”; null clears it. A "
        "milestone not done is on track until it has ended, off track after.",
        validators=[
            RegexValidator(KEY_PATTERN, "Give the quarter as YYYY-Q, e.g. 2026-3.")
        ],
    )
    definition = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=limit_of(PerformanceMeasure, "definition"),
    )
    data_source = serializers.CharField(
        allow_blank=True, required=False, max_length=300
    )
    change_threshold = serializers.IntegerField(
        allow_null=True, required=False, min_value=1, max_value=1000
    )
    breakdowns = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=2,
        required=False,
        help_text="The names of up to two breakdown dimensions, in order.",
    )
    priority = serializers.IntegerField(allow_null=True, required=False, min_value=1)
    outcome = serializers.IntegerField(allow_null=True, required=False, min_value=1)
    position = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    leads = serializers.ListField(
        child=serializers.EmailField(),
        max_length=100,
        required=False,
        help_text="Email addresses of the leads (members only); replaces the list.",
    )
    targets = serializers.DictField(
        child=serializers.DecimalField(**DECIMAL, allow_null=True),
        required=False,
        help_text=(
            "Targets by reporting year, keyed by the calendar year it starts in "
            '(as in `values/bulk/`): `{"2026": "60"}`; null clears a year\'s own '
            "target. Years left out keep theirs."
        ),
    )
    retired = serializers.BooleanField(
        required=False,
        help_text="Retire (true) or bring back (false); a retired measure leaves "
        "the dashboard and entry, and keeps its figures and history.",
    )

    def validate_baseline_period(self, key: str | None) -> str | None:
        if key is not None and not 2000 <= int(key[:4]) <= 2100:
            raise serializers.ValidationError(_("Give a year from 2000 to 2100."))
        return key

    def validate_targets(self, targets: dict) -> dict[int, object]:
        result = {}
        for key, value in targets.items():
            if not (isinstance(key, str) and key.isdecimal() and len(key) == 4):
                raise serializers.ValidationError(
                    _("Name each year by the calendar year it starts in, like 2026.")
                )
            result[int(key)] = value
        return result


def _measure_changes(request: Request, data: dict) -> tuple[dict, list | None, dict]:
    """The serializer's data as the service's fields, leads and targets."""
    partnership = request.partnership
    data = dict(data)
    leads = data.pop("leads", None)
    targets = data.pop("targets", None) or {}
    data.pop("retired", None)
    errors: dict[str, list[str]] = {}
    if "due_quarter" in data:
        key = data.pop("due_quarter")
        data["due_year"], data["due_quarter"] = (
            (int(key[:4]), int(key[5])) if key else (None, None)
        )
    if "baseline_period" in data:
        key = data.pop("baseline_period")
        data["baseline_period"] = (
            services.period_get_or_create(
                partnership=partnership,
                quarter=Quarter.parse_key(key, partnership.reporting_year_start_month),
            )
            if key
            else None
        )
    for name, rows, message in (
        ("priority", priority_list(partnership=partnership), _("No such priority.")),
        ("outcome", outcome_list(partnership=partnership), _("No such outcome.")),
    ):
        if data.get(name) is not None:
            found = rows.filter(pk=data[name]).first()
            if found is None:
                errors[name] = [message]
            data[name] = found
    if "breakdowns" in data:
        names = data.pop("breakdowns")
        dimensions = {
            d.name: d for d in Dimension.objects.filter(partnership=partnership)
        }
        unknown = [n for n in names if n not in dimensions]
        if unknown:
            errors["breakdowns"] = [
                _("No breakdown is called “%(name)s”.") % {"name": n} for n in unknown
            ]
        found = [dimensions.get(n) for n in names] + [None, None]
        data["breakdown_first"], data["breakdown_second"] = found[0], found[1]
    users = None
    if leads is not None:
        members = {
            u.email.casefold(): u
            for u in User.objects.filter(memberships__partnership=partnership)
        }
        outsiders = [e for e in leads if e.casefold() not in members]
        if outsiders:
            errors["leads"] = [
                _("%(email)s is not a member of this partnership.") % {"email": e}
                for e in outsiders
            ]
        users = [members[e.casefold()] for e in leads if e.casefold() in members]
    if errors:
        raise ValidationError(errors)
    return data, users, targets


def _measure_answer(request: Request, measure: PerformanceMeasure, code: int):
    return Response(
        MeasureSerializer(_measures(request.partnership).get(pk=measure.pk)).data,
        status=code,
    )


class MeasureFilters(serializers.Serializer):
    priority = serializers.IntegerField(required=False, min_value=1)
    outcome = serializers.IntegerField(required=False, min_value=1)
    headline = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Headline KPIs only."),
    )


def _measures(partnership):
    categories = Prefetch(
        "categories", queryset=DimensionCategory.objects.filter(partnership=partnership)
    )
    return selectors.measure_list(partnership=partnership).prefetch_related(
        "leads",
        Prefetch("breakdown_first__categories", queryset=categories.queryset),
        Prefetch("breakdown_second__categories", queryset=categories.queryset),
    )


@extend_schema(
    tags=["framework"],
    parameters=[MeasureFilters],
    responses={200: MeasureSerializer(many=True), **error_responses(400)},
)
class MeasureList(TenantAPIView, FilteredListMixin, generics.ListAPIView):
    """The partnership's performance measures, in the framework's order;
    admins add one with POST."""

    serializer_class = MeasureSerializer
    filter_serializer_class = MeasureFilters
    permission_classes = [IsAuthenticated, AdminForWrites]

    @extend_schema(
        parameters=[],
        request=MeasureWriteSerializer,
        responses={201: MeasureSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = MeasureWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic(), self.history_context():
            fields, leads, targets = _measure_changes(request, incoming.validated_data)
            measure = services.measure_create(
                partnership=request.partnership,
                actor=request.user,
                fields=fields,
                leads=leads,
                targets=targets,
            )
            if incoming.validated_data.get("retired"):
                services.measure_retire(
                    partnership=request.partnership,
                    actor=request.user,
                    measure=measure,
                )
        return _measure_answer(request, measure, status.HTTP_201_CREATED)

    def get_queryset(self):
        filters = self.filters()
        measures = _measures(self.request.partnership)
        if "priority" in filters:
            measures = measures.filter(priority_id=filters["priority"])
        if "outcome" in filters:
            measures = measures.filter(outcome_id=filters["outcome"])
        if "headline" in filters:
            measures = measures.filter(is_headline=filters["headline"])
        return measures


@extend_schema(
    tags=["framework"], responses={200: MeasureSerializer, **error_responses()}
)
class MeasureDetail(TenantAPIView, generics.RetrieveAPIView):
    """One measure, by its code; admins change it with PATCH, or DELETE one
    without figures (one with figures is retired instead)."""

    serializer_class = MeasureSerializer
    lookup_field = "code"
    permission_classes = [IsAuthenticated, AdminForWrites]

    def get_queryset(self):
        return _measures(self.request.partnership)

    @extend_schema(
        request=MeasureWriteSerializer,
        responses={200: MeasureSerializer, **error_responses(400, 403)},
    )
    def patch(self, request: Request, slug: str, code: str) -> Response:
        measure = self.get_object()
        incoming = MeasureWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        retired = incoming.validated_data.get("retired")
        with transaction.atomic(), self.history_context():
            fields, leads, targets = _measure_changes(request, incoming.validated_data)
            measure = services.measure_update(
                partnership=request.partnership,
                actor=request.user,
                measure=measure,
                changes=fields,
                leads=leads,
                targets=targets,
            )
            if retired is not None:
                change = (
                    services.measure_retire if retired else services.measure_restore
                )
                change(
                    partnership=request.partnership,
                    actor=request.user,
                    measure=measure,
                )
        return _measure_answer(request, measure, status.HTTP_200_OK)

    @extend_schema(responses={204: None, **error_responses(400, 403)})
    def delete(self, request: Request, slug: str, code: str) -> Response:
        measure = self.get_object()
        with self.history_context():
            services.measure_delete(
                partnership=request.partnership, actor=request.user, measure=measure
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuarterlyValueSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(
        source="measure.code", help_text=gettext_lazy("Measure code.")
    )
    year = serializers.IntegerField(
        source="period.year",
        help_text=gettext_lazy(
            "The reporting year, named by the calendar year it starts in."
        ),
    )
    quarter = serializers.IntegerField(source="period.quarter")
    period = serializers.SerializerMethodField(
        help_text=gettext_lazy("“YYYY-Q”, e.g. “2024-1”.")
    )
    period_label = serializers.CharField(source="period.label")
    quarter_locked = serializers.BooleanField(source="period.is_locked")
    breakdown = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy(
            "Counts by breakdown category (see the measure's breakdowns)."
        ),
    )
    entered_by = serializers.EmailField(source="entered_by.email", allow_null=True)

    class Meta:
        model = QuarterlyValue
        fields = [
            "id",
            "measure",
            "year",
            "quarter",
            "period",
            "period_label",
            "quarter_locked",
            "value_type",
            "value",
            "numerator",
            "denominator",
            "story",
            "breakdown",
            "status",
            "return_reason",
            "version",
            "entered_by",
            "updated_at",
        ]
        read_only_fields = fields

    def get_period(self, value: QuarterlyValue) -> str:
        return value.period.as_quarter.key


class ValueFilters(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)
    period = serializers.CharField(
        required=False,
        help_text=gettext_lazy("A quarter as “YYYY-Q”, e.g. “2024-1”."),
        validators=[
            RegexValidator(KEY_PATTERN, "Give the quarter as YYYY-Q, e.g. 2024-1.")
        ],
    )
    measure = serializers.CharField(
        required=False, max_length=20, help_text=gettext_lazy("A measure code.")
    )
    status = serializers.ChoiceField(choices=ReviewStatus.choices, required=False)


def _values(partnership):
    return (
        selectors.value_list(partnership=partnership)
        .select_related("measure")
        .order_by(
            "period__year", "period__quarter", "measure__position", "measure__code"
        )
    )


class ValuePagination(PageNumberPagination):
    """The values list's two ways through: keyset (the default, ``next``
    carries a ``cursor``) and numbered pages (``?page=N``, as before).

    Both read quarter by quarter (``kpis.value_pages``), never sorting the
    partnership's whole history. A keyset walk does not repeat or skip a
    row when figures are added while it pages; the first page says how many
    rows there are (``count``), the later ones do not.
    """

    cursor_query_param = "cursor"

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": force_str(
                    gettext_lazy(
                        "Where a keyset page starts: copy it from the previous "
                        "answer's `next` link, never make one. Not with `page`."
                    )
                ),
                "schema": {"type": "string"},
            },
        ]

    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["next", "previous", "results"]
        paged["properties"]["count"]["description"] = force_str(
            gettext_lazy(
                "How many values match: on numbered pages and on the first keyset page."
            )
        )
        paged["properties"]["next"]["description"] = force_str(
            gettext_lazy(
                "The next page: `?cursor=` in keyset order, `?page=` on numbered pages."
            )
        )
        paged["properties"]["previous"]["description"] = force_str(
            gettext_lazy("The previous numbered page; always null in keyset order.")
        )
        return paged


def _cursor_encode(key: value_pages.ValueKey) -> str:
    text = json.dumps([key.year, key.quarter, key.position, key.code])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> value_pages.ValueKey:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        year, quarter, position, code = json.loads(text)
        whole = all(
            isinstance(n, int) and not isinstance(n, bool)
            for n in (year, quarter, position)
        )
        # Within the columns' ranges, so that no cursor reaches the database
        # as a number it cannot hold.
        if not (
            whole
            and 1 <= year <= 9999
            and 1 <= quarter <= 4
            and -(2**31) <= position < 2**31
            and isinstance(code, str)
            and len(code) <= 20
        ):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ApiError(
            _("Invalid cursor."),
            errors={
                "cursor": [
                    _(
                        "This cursor was not made by the API: copy it from "
                        "the previous answer's next link."
                    )
                ]
            },
        ) from error
    return value_pages.ValueKey(year, quarter, position, code)


def _decimal(value) -> str | None:
    # The columns hold two decimal places, as DRF's DecimalField(**DECIMAL)
    # shows them; formatting them here costs a fifth of that field.
    return None if value is None else f"{value:.2f}"


def _when(value: datetime.datetime) -> str:
    """As DRF's DateTimeField shows it: local time, ISO 8601, UTC as "Z"."""
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _values_json(rows: list[value_pages.ValueRow]) -> list[dict]:
    """The rows as ``QuarterlyValueSerializer`` shows them, from lean rows:
    each quarter's key, label and lock worked out once, not once a row."""
    quarters: dict[int, dict] = {}
    answer = []
    for row in rows:
        shown = quarters.get(row.period.id)
        if shown is None:
            quarter = row.period.quarter
            shown = quarters[row.period.id] = {
                "year": quarter.year,
                "quarter": quarter.quarter,
                "period": quarter.key,
                "period_label": quarter.label,
                "quarter_locked": row.period.locked,
            }
        answer.append(
            {
                "id": row.id,
                "measure": row.code,
                **shown,
                "value_type": row.value_type,
                "value": _decimal(row.value),
                "numerator": _decimal(row.numerator),
                "denominator": _decimal(row.denominator),
                "story": row.story,
                "breakdown": {str(k): int(v) for k, v in row.breakdown.items()},
                "status": row.status,
                "return_reason": row.return_reason,
                "version": row.version,
                "entered_by": row.entered_by,
                "updated_at": _when(row.updated_at),
            }
        )
    return answer


@extend_schema(
    tags=["values"],
    parameters=[ValueFilters],
    responses={200: QuarterlyValueSerializer(many=True), **error_responses(400)},
)
class ValueList(TenantAPIView, FilteredListMixin, generics.ListAPIView):
    """Quarterly values, oldest quarter first (then by the measure's place in
    the framework), filtered by quarter and measure. Follow `next` (keyset
    order, `?cursor=`) to read them all; `?page=N` still numbers pages."""

    serializer_class = QuarterlyValueSerializer
    filter_serializer_class = ValueFilters
    pagination_class = ValuePagination

    def wanted(self) -> value_pages.ValueFilter:
        filters = self.filters()
        year, quarter = filters.get("year"), filters.get("quarter")
        if "period" in filters:
            key = Quarter.parse_key(
                filters["period"], self.request.partnership.reporting_year_start_month
            )
            # Asked with ?year= or ?quarter= too, both must hold, as before.
            if (year is not None and year != key.year) or (
                quarter is not None and quarter != key.quarter
            ):
                year = quarter = -1
            else:
                year, quarter = key.year, key.quarter
        return value_pages.ValueFilter(
            year=year,
            quarter=quarter,
            measure=filters.get("measure"),
            status=filters.get("status"),
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        paginator = self.paginator
        wanted = self.wanted()
        limit = paginator.get_page_size(request)
        cursor = request.query_params.get(paginator.cursor_query_param)
        number = request.query_params.get(paginator.page_query_param)
        if cursor is not None and number is not None:
            raise ApiError(
                _("Give either a page or a cursor, not both."),
                errors={"cursor": [_("Leave out page when you give a cursor.")]},
            )
        if number is not None:
            return self._numbered(request, wanted, number, limit)
        after = _cursor_decode(cursor) if cursor is not None else None
        found = value_pages.value_page_after(
            partnership=request.partnership,
            wanted=wanted,
            after=after,
            limit=limit + 1,
            counted=after is None,
        )
        rows = found.rows
        url = request.build_absolute_uri()
        following = None
        if len(rows) > limit:
            rows = rows[:limit]
            following = replace_query_param(
                url, paginator.cursor_query_param, _cursor_encode(rows[-1].key)
            )
        body = {
            "next": following,
            "previous": None,
            "results": _values_json(rows),
        }
        if after is None:
            body = {"count": found.count, **body}
        return Response(body)

    def _numbered(self, request, wanted, number: str, limit: int) -> Response:
        paginator = self.paginator
        invalid = NotFound(paginator.invalid_page_message)
        last = number in paginator.last_page_strings
        if not last:
            try:
                page = int(number)
            except ValueError:
                raise invalid from None
            if page < 1:
                raise invalid
        else:
            total = value_pages.value_count(
                partnership=request.partnership, wanted=wanted
            )
            page = max(1, -(-total // limit))
        found = value_pages.value_page_numbered(
            partnership=request.partnership,
            wanted=wanted,
            offset=(page - 1) * limit,
            limit=limit,
        )
        if page > 1 and not found.rows:
            raise invalid
        url = request.build_absolute_uri()
        following = previous = None
        if page * limit < found.count:
            following = replace_query_param(url, paginator.page_query_param, page + 1)
        if page == 2:
            previous = remove_query_param(url, paginator.page_query_param)
        elif page > 2:
            previous = replace_query_param(url, paginator.page_query_param, page - 1)
        return Response(
            {
                "count": found.count,
                "next": following,
                "previous": previous,
                "results": _values_json(found.rows),
            }
        )


@extend_schema(
    tags=["values"], responses={200: QuarterlyValueSerializer, **error_responses()}
)
class ValueDetail(TenantAPIView, generics.RetrieveAPIView):
    serializer_class = QuarterlyValueSerializer

    def get_queryset(self):
        return _values(self.request.partnership)


class ValueRowSerializer(serializers.Serializer):
    measure = serializers.CharField(
        max_length=20, help_text=gettext_lazy("The measure's code.")
    )
    value = serializers.DecimalField(
        **DECIMAL,
        required=False,
        allow_null=True,
        help_text=(
            gettext_lazy(
                "The figure: a count (whole, 0 or more), a score, a milestone (1 done, "
                "0 not), or a percentage given directly."
            )
        ),
    )
    numerator = serializers.DecimalField(
        **DECIMAL,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("For percentages and “number and %”: the number …"),
    )
    denominator = serializers.DecimalField(
        **DECIMAL,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("… out of this many."),
    )
    story = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=recording.STORY_MAX_LENGTH,
        help_text=gettext_lazy("The story behind the number."),
    )
    breakdown = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=10**12, allow_null=True),
        required=False,
        help_text=gettext_lazy(
            "Counts by breakdown category, keyed as the measure's breakdowns say."
        ),
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**31 - 1,
        help_text=(
            gettext_lazy(
                "The version you last read (0: you expect none stored). When the "
                "stored value has moved on, nothing is recorded and the answer is "
                "409 with the value now stored. Leave out to overwrite."
            )
        ),
    )


class BulkValuesSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy(
            "The reporting year, named by the calendar year it starts in."
        ),
    )
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    values = ValueRowSerializer(
        many=True, allow_empty=False, max_length=settings.API_BULK_MAX_ROWS
    )


class BulkResultSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    created = serializers.IntegerField(
        help_text=gettext_lazy("Values recorded for the first time.")
    )
    updated = serializers.IntegerField(
        help_text=gettext_lazy("Values that replaced stored ones.")
    )
    values = QuarterlyValueSerializer(
        many=True, help_text=gettext_lazy("In the order sent.")
    )


class ConflictSerializer(ErrorSerializer):
    current = serializers.DictField(
        child=QuarterlyValueSerializer(),
        help_text=gettext_lazy(
            "The value now stored, keyed by the index of the row it stopped."
        ),
    )


BULK_EXAMPLE = {
    "year": 2026,
    "quarter": 1,
    "values": [
        {"measure": "CR-01", "value": "12", "story": "Two new schools joined."},
        {"measure": "CR-02", "numerator": "45", "denominator": "60", "version": 3},
    ],
}


class ValueBulk(TenantAPIView):
    permission_classes = [IsAuthenticated, CanEnterValues]

    @extend_schema(
        tags=["values"],
        operation_id="values_bulk_record",
        summary=gettext_lazy("Record a quarter's values, all or none"),
        description=(
            gettext_lazy(
                "Creates or replaces one quarter's values for the listed measures in one "
                "transaction, with the entry form's rules: project leads only their own "
                "measures and only figures not yet submitted or approved, admins every "
                "measure; nothing in a locked quarter. If any row fails nothing is "
                "recorded, and `errors.values` lists the failing rows by index, e.g. "
                '`{"errors": {"values": {"3": {"value": ["A count is a whole number, 0 '
                'or more."]}}}}`. 403 when a row names a measure you may not record; '
                "409 when a row's `version` is stale, with the stored value under "
                "`current`."
            )
        ),
        request=BulkValuesSerializer,
        examples=[
            OpenApiExample("Two measures", value=BULK_EXAMPLE, request_only=True)
        ],
        responses={
            200: BulkResultSerializer,
            **error_responses(400, 403),
            409: OpenApiResponse(
                ConflictSerializer,
                description=gettext_lazy("A row's version was stale."),
            ),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = BulkValuesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        rows = [recording.ValueInput(**row) for row in data["values"]]
        try:
            with self.history_context():
                records = recording.quarterly_values_record(
                    partnership=request.partnership,
                    year=data["year"],
                    quarter=data["quarter"],
                    rows=rows,
                    actor=request.user,
                )
        except recording.BulkRecordError as error:
            raise _bulk_error(error) from error
        created = sum(1 for record in records if record.version == 1)
        return Response(
            {
                "year": data["year"],
                "quarter": data["quarter"],
                "created": created,
                "updated": len(records) - created,
                "values": QuarterlyValueSerializer(records, many=True).data,
            },
            status=status.HTTP_200_OK,
        )


def _bulk_error(error: recording.BulkRecordError) -> ApiError:
    rows = {
        str(index): {
            (NON_FIELD if name == "__all__" else name): messages
            for name, messages in fields.items()
        }
        for index, fields in sorted(error.errors.items())
    }
    errors = {"values": rows}
    if error.denied:
        return ApiError(
            _("You cannot record some of these measures; nothing was recorded."),
            status_code=status.HTTP_403_FORBIDDEN,
            errors=errors,
        )
    if len(error.conflicts) == len(error.errors):
        return ApiError(
            _("Someone else changed some of these values; nothing was recorded."),
            status_code=status.HTTP_409_CONFLICT,
            errors=errors,
            extra={
                "current": {
                    str(index): QuarterlyValueSerializer(record).data
                    for index, record in sorted(error.conflicts.items())
                }
            },
        )
    return ApiError(_("Some values have errors; nothing was recorded."), errors=errors)


class WelshTextSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[kind.key for kind in welsh.KINDS],
        help_text="What the text belongs to.",
    )
    id = serializers.IntegerField(min_value=1, help_text="Its id.")
    field = serializers.ChoiceField(
        choices=sorted({name for kind in welsh.KINDS for name in kind.fields}),
        help_text=(
            "Which of its texts: mission statement, description; priority name, "
            "mission_statement; outcome statement, what_it_looks_like; measure "
            "name, unit, definition, data_source; project name, description; "
            "dimension or category name."
        ),
    )
    text = serializers.CharField(
        allow_blank=True,
        max_length=5000,
        help_text="The Welsh text; empty removes it (pages then show the English).",
    )


class WelshTextSet(TenantAPIView):
    permission_classes = [IsAuthenticated, AdminForWrites]

    @extend_schema(
        tags=["framework"],
        operation_id="welsh_text_set",
        summary="Set one of the partnership's texts in Welsh",
        description=(
            "Admins only, through the same service as the Texts that need Welsh "
            "page. The texts' Welsh versions are read as `<field>_cy` on the "
            "mission, priorities, outcomes, projects and measures; `<field>` is "
            "always the English text."
        ),
        request=WelshTextSerializer,
        responses={200: WelshTextSerializer, **error_responses(400, 403)},
    )
    def post(self, request: Request, slug: str) -> Response:
        incoming = WelshTextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            with self.history_context():
                obj = welsh.welsh_text_set(
                    partnership=request.partnership,
                    actor=request.user,
                    kind=data["kind"],
                    pk=data["id"],
                    field=data["field"],
                    text=data["text"],
                )
        except DjangoValidationError as error:
            raise ApiError(
                _("The Welsh text was not saved."), errors=django_errors(error)
            ) from error
        return Response(
            {**data, "text": getattr(obj, f"{data['field']}_cy") or ""},
            status=status.HTTP_200_OK,
        )


class PartnershipSettingsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    reporting_year_start_month = serializers.IntegerField(min_value=1, max_value=12)
    first_reporting_quarter = serializers.RegexField(
        KEY_PATTERN,
        help_text=(
            "The first quarter that takes figures, as YYYY-Q; quarters before it "
            "are neither missing nor overdue. Not after the current quarter, nor "
            "after the earliest quarter holding figures."
        ),
        error_messages={"invalid": gettext_lazy("Give a quarter as YYYY-Q.")},
    )
    area_code = serializers.CharField(max_length=20, allow_blank=True)
    comparator_area_code = serializers.CharField(max_length=20, allow_blank=True)


def _settings_answer(partnership) -> dict:
    return {
        "name": partnership.name,
        "reporting_year_start_month": partnership.reporting_year_start_month,
        "first_reporting_quarter": selectors.first_reporting_quarter_read(
            partnership=partnership
        ).key,
        "area_code": partnership.area_code,
        "comparator_area_code": partnership.comparator_area_code,
    }


class PartnershipSettings(TenantAPIView):
    """The partnership's settings, as on its Settings page (admins change them)."""

    permission_classes = [IsAuthenticated, AdminForWrites]

    @extend_schema(tags=["framework"], responses={200: PartnershipSettingsSerializer})
    def get(self, request: Request, slug: str) -> Response:
        return Response(_settings_answer(request.partnership))

    @extend_schema(
        tags=["framework"],
        request=PartnershipSettingsSerializer,
        responses={200: PartnershipSettingsSerializer, **error_responses(400, 403)},
    )
    def patch(self, request: Request, slug: str) -> Response:
        incoming = PartnershipSettingsSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        partnership = request.partnership
        changes = {**_settings_answer(partnership), **incoming.validated_data}
        if "first_reporting_quarter" not in incoming.validated_data:
            changes["first_reporting_quarter"] = None
        with self.history_context():
            services.partnership_settings_update(
                partnership=partnership, actor=request.user, **changes
            )
        partnership.refresh_from_db()
        return Response(_settings_answer(partnership))

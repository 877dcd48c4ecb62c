"""Which of the partnership's texts still need Welsh, and adding it.

Every text held in English and Welsh (``*/translation.py``) is listed here by
kind, in the order a strategy reads. A text "needs Welsh" when it has English
and no Welsh (NULL: modeltranslation stores an empty text so). The Welsh texts
page (``kpis:welsh_texts``) lists them for the partnership's admins, with a
form beside each to add it; the API's ``welsh-texts`` endpoint writes through
the same service.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.models import Mission, Outcome, Priority, Project
from partnerships.bilingual import texts_set
from partnerships.models import Partnership, User

from .models import Dimension, DimensionCategory, PerformanceMeasure
from .services import require_admin


@dataclass(frozen=True)
class TextKind:
    key: str
    label: str
    model: type[models.Model]
    fields: tuple[str, ...]
    order: tuple[str, ...]
    # Raises ValidationError when the object's texts cannot change now (an
    # activity of a locked quarter); None: they always can.
    refuse: Callable[[models.Model], None] | None = None


KINDS = [
    TextKind(
        "mission",
        gettext_lazy("Mission"),
        Mission,
        ("statement", "description"),
        ("pk",),
    ),
    TextKind(
        "priority",
        gettext_lazy("Priorities"),
        Priority,
        ("name", "mission_statement"),
        ("position", "pk"),
    ),
    TextKind(
        "outcome",
        gettext_lazy("Outcomes"),
        Outcome,
        ("statement", "what_it_looks_like"),
        ("priority__position", "position", "pk"),
    ),
    TextKind(
        "measure",
        gettext_lazy("Performance measures"),
        PerformanceMeasure,
        ("name", "unit", "definition", "data_source"),
        ("position", "code"),
    ),
    TextKind(
        "project", gettext_lazy("Projects"), Project, ("name", "description"), ("pk",)
    ),
    TextKind(
        "dimension",
        gettext_lazy("Breakdowns"),
        Dimension,
        ("name",),
        ("position", "pk"),
    ),
    TextKind(
        "category",
        gettext_lazy("Breakdown categories"),
        DimensionCategory,
        ("name",),
        ("dimension__position", "position", "pk"),
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def text_kind_register(kind: TextKind) -> None:
    """A kind of text from an app above this one (the action plan, the
    engagement log), registered from its AppConfig.ready(): listed after the
    strategy's own, on the page and in the API's choices."""
    if kind.key in KINDS_BY_KEY:
        raise ValueError(f"Two kinds of Welsh text named {kind.key!r}")
    KINDS.append(kind)
    KINDS_BY_KEY[kind.key] = kind


def _needs_welsh(field: str) -> Q:
    return (
        Q(**{f"{field}_en__isnull": False})
        & ~Q(**{f"{field}_en": ""})
        & Q(**{f"{field}_cy__isnull": True})
    )


@dataclass
class MissingText:
    kind: TextKind
    obj: models.Model
    field: str
    english: str
    # A refused Welsh text's messages, and the text, to show beside its form.
    errors: list[str] = dataclass_field(default_factory=list)
    posted: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind.key}-{self.obj.pk}-{self.field}"

    @property
    def admin_url(self) -> str:
        """The admin site's change form (platform staff), which shows both languages."""
        meta = self.obj._meta
        try:
            return reverse(
                f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.obj.pk]
            )
        except NoReverseMatch:
            return ""

    @property
    def field_label(self) -> str:
        return self.kind.model._meta.get_field(self.field).verbose_name

    @property
    def max_length(self) -> int | None:
        return self.kind.model._meta.get_field(f"{self.field}_cy").max_length


@dataclass
class MissingGroup:
    kind: TextKind
    texts: list[MissingText]


def texts_without_welsh(*, partnership: Partnership) -> list[MissingGroup]:
    """Each kind's texts with English and no Welsh: one query per kind."""
    groups = []
    for kind in KINDS:
        condition = Q()
        for field in kind.fields:
            condition |= _needs_welsh(field)
        rows = kind.model.objects.filter(condition, partnership=partnership).order_by(
            *kind.order
        )
        texts = [
            MissingText(kind, row, field, getattr(row, f"{field}_en"))
            for row in rows
            for field in kind.fields
            if getattr(row, f"{field}_en") and getattr(row, f"{field}_cy") is None
        ]
        if texts:
            groups.append(MissingGroup(kind, texts))
    return groups


def texts_without_welsh_count(*, partnership: Partnership) -> int:
    return sum(
        len(group.texts) for group in texts_without_welsh(partnership=partnership)
    )


@transaction.atomic
def welsh_text_set(
    *,
    partnership: Partnership,
    actor: User,
    kind: str,
    pk: int,
    field: str,
    text: str,
) -> models.Model:
    """A partnership admin sets (or, with an empty text, clears) one Welsh text.

    Another partnership's object is "not found", as on every page.
    """
    require_admin(partnership, actor)
    text_kind = KINDS_BY_KEY.get(kind)
    if text_kind is None or field not in text_kind.fields:
        raise ValidationError({"field": _("There is no such text to translate.")})
    obj = (
        text_kind.model.objects.select_for_update(of=("self",))
        .filter(partnership=partnership, pk=pk)
        .first()
    )
    if obj is None:
        raise Http404
    if text_kind.refuse is not None:
        text_kind.refuse(obj)
    text = (text or "").strip()
    limit = text_kind.model._meta.get_field(f"{field}_cy").max_length
    if limit and len(text) > limit:
        raise ValidationError(
            {
                "text": _("Keep this under %(limit)s characters (it has %(length)s).")
                % {"limit": limit, "length": len(text)}
            }
        )
    column = f"{field}_cy"
    if text and _taken(obj, column, text):
        raise ValidationError(
            {"text": _("Another one already has this Welsh name: give it another.")}
        )
    texts_set(obj, welsh={field: text})
    obj.save(update_fields=[column])
    return obj


def _taken(obj: models.Model, column: str, text: str) -> bool:
    """Whether a unique constraint on ``column`` already holds ``text``."""
    for constraint in obj._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and column in (
            constraint.fields or ()
        ):
            lookup = {name: getattr(obj, name) for name in constraint.fields}
            lookup[column] = text
            clash = type(obj)._base_manager.filter(**lookup).exclude(pk=obj.pk)
            if clash.exists():
                return True
    return False

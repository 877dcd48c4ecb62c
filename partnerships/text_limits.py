"""Length limits for free text, one per field, shared by every path in.

A model's text field carries its limit (``limited_text``); its ModelForms,
its services' ``full_clean()``, the API's serializers and the spreadsheet
import read the same number from the field, so a 100,000-character story is
refused with the same limit whichever way it comes, with a message beside
the field rather than a page the database would have to hold.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# Statements, descriptions, definitions and stories: several pages of text,
# far beyond what any page or the annual report shows of one.
LONG_TEXT = 10_000
# Why something was returned or reopened: a few sentences.
REASON_TEXT = 2_000
# The story behind one quarter's number.
STORY_TEXT = 5_000


@deconstructible
class MaxTextLength:
    """The message the import gives for a long cell, everywhere else too."""

    code = "max_length"

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        if value is not None and len(value) > self.limit:
            raise ValidationError(text_too_long(self.limit, len(value)), code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxTextLength) and other.limit == self.limit


def text_too_long(limit: int, length: int) -> str:
    return _("Keep this to %(limit)s characters or fewer (it has %(length)s).") % {
        "limit": f"{limit:,}",
        "length": f"{length:,}",
    }


def limited_text(verbose_name=None, *, limit: int = LONG_TEXT, **kwargs):
    """A TextField with its length limit (the database column stays text)."""
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxTextLength(limit)], **kwargs
    )


def limit_of(model, field: str) -> int:
    """The limit a model's text field carries, for a form, serializer or import."""
    return model._meta.get_field(field).max_length

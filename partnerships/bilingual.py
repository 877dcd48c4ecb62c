"""The partnership's own texts in the reader's language, or English marked so.

Texts registered with django-modeltranslation (``*/translation.py``) hold
``<field>_en`` and ``<field>_cy``. ``text_for`` says which one a page in the
active language shows and whether it fell back to English, so that the page
can mark the fallback ``lang="en"`` and a screen reader switches voice
(``{% bilingual obj "field" %}`` in templates). A model with no Welsh column
(an organisation's name) is shown as it is, marked English on a Welsh page.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

DEFAULT = "en"


def content_language(language: str | None = None) -> str:
    """The content column's language for a interface language: en-gb is en."""
    language = (language or get_language() or DEFAULT).lower()
    return language.split("-")[0]


@dataclass(frozen=True)
class Text:
    text: str
    # The language the text is in, when it differs from the page's.
    fallback_language: str | None = None


def text_for(obj, field: str, language: str | None = None) -> Text:
    language = content_language(language)
    if obj is None:
        return Text("")
    if language == DEFAULT:
        return Text(_value(obj, f"{field}_{DEFAULT}", field))
    own = getattr(obj, f"{field}_{language}", None)
    if own:
        return Text(own)
    english = _value(obj, f"{field}_{DEFAULT}", field)
    return Text(english, DEFAULT if english else None)


def _value(obj, name: str, field: str) -> str:
    if hasattr(obj, name):
        return getattr(obj, name) or ""
    return getattr(obj, field, "") or ""


def missing_welsh(obj, field: str) -> bool:
    """An English text with no Welsh one."""
    return bool(getattr(obj, f"{field}_en", None)) and not getattr(
        obj, f"{field}_cy", None
    )


def texts_set(obj, *, english: dict | None = None, welsh: dict | None = None) -> None:
    """Set ``obj``'s texts by language, whatever language is active.

    ``english`` and ``welsh`` are keyed by the field's own name (``name``,
    ``definition``); a field of a model with no Welsh columns takes the English
    text as it is. A Welsh text that is empty clears it (NULL: "no Welsh yet");
    ``welsh`` None, or a field left out of it, leaves the Welsh text alone.
    Setting ``name`` itself would write the active language's column, so a
    write from a Welsh page would put English in the Welsh column.
    """
    for field, value in (english or {}).items():
        column = f"{field}_{DEFAULT}"
        setattr(obj, column if hasattr(obj, column) else field, value)
    for field, value in (welsh or {}).items():
        setattr(obj, f"{field}_cy", (value or "").strip() or None)


def english(field: str) -> str:
    """The lookup of a translated field's English text (``name`` → ``name_en``)."""
    return f"{field}_{DEFAULT}"

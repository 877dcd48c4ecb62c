"""The action plan's texts in English and Welsh (django-modeltranslation; see
outcomes/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from delivery.models import Action


@register(Action)
class ActionTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None

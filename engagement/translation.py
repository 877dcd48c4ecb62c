"""The engagement log's texts in English and Welsh (django-modeltranslation;
see outcomes/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from engagement.models import Activity


@register(Activity)
class ActivityTranslation(TranslationOptions):
    fields = ("title",)
    empty_values = None

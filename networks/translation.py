"""Networks' and shared measures' texts in English and Welsh
(django-modeltranslation; see outcomes/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from networks.models import Network, SharedMeasure


@register(Network)
class NetworkTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None


@register(SharedMeasure)
class SharedMeasureTranslation(TranslationOptions):
    fields = ("name", "definition", "data_source")
    empty_values = None

"""The national frameworks' names in English and Welsh (django-modeltranslation).

The Welsh names ship in the framework's files (``name_cy`` columns, see
``wellbeing/frameworks.py``); an indicator without a sourced Welsh title is
shown in English, marked ``lang="en"``.
"""

from modeltranslation.translator import TranslationOptions, register

from wellbeing.models import (
    NationalFramework,
    NationalIndicator,
    WayOfWorking,
    WellbeingGoal,
)


@register(NationalFramework)
class NationalFrameworkTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None


@register([WellbeingGoal, WayOfWorking])
class FrameworkElementTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None


@register(NationalIndicator)
class NationalIndicatorTranslation(TranslationOptions):
    fields = ("title",)
    empty_values = None

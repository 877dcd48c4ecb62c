"""Measures' and breakdowns' texts in English and Welsh (django-modeltranslation).

See outcomes/translation.py for the columns and why NULL stands for "no
text". The measure's history records the Welsh texts too:
``history_tracks_translations`` (called from ``KpisConfig.ready``) adds them
to MeasureEvent.
"""

from django.db import models
from django.utils.module_loading import import_string
from modeltranslation.translator import TranslationOptions, register, translator

from kpis.models import Dimension, DimensionCategory, PerformanceMeasure


@register([Dimension, DimensionCategory])
class DimensionTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None


@register(PerformanceMeasure)
class MeasureTranslation(TranslationOptions):
    fields = ("name", "unit", "definition", "data_source")
    empty_values = None


def history_tracks_translations(event_model: type[models.Model]) -> None:
    """Give the measure's event model its ``<field>_en``/``_cy`` columns.

    pghistory copies the measure's fields into MeasureEvent when the model is
    declared, before modeltranslation (in its ``ready``) adds the language
    columns. The triggers' SQL is rendered from the event model's fields, but
    the update trigger's "any change" condition was fixed then: both gain the
    language columns here, so a change to a Welsh definition is an event like
    any other.
    """
    options = translator.get_options_for_model(PerformanceMeasure)
    names = [field.name for fields in options.all_fields.values() for field in fields]
    for name in names:
        if any(f.name == name for f in event_model._meta.local_fields):
            continue
        _, path, args, kwargs = PerformanceMeasure._meta.get_field(name).deconstruct()
        event_model.add_to_class(name, import_string(path)(*args, **kwargs))
    for trigger in PerformanceMeasure._meta.triggers:
        condition = getattr(trigger, "condition", None)
        fields = getattr(condition, "fields", None)
        if getattr(trigger, "label", None) == "update" and fields:
            condition.fields = [*fields, *(n for n in names if n not in fields)]

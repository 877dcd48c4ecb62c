"""The strategy's texts in English and Welsh (django-modeltranslation).

Each field listed gets ``<field>_en`` and ``<field>_cy`` columns in the same
row, so the row-level security of the table covers the Welsh text with no new
table or policy. An empty text is stored as NULL (``empty_values``), so that
the per-language unique constraints modeltranslation adds (a priority's name
is unique per partnership in each language) never see two empty Welsh names.
"""

from modeltranslation.translator import TranslationOptions, register

from outcomes.models import Mission, Outcome, Priority, Project


@register(Mission)
class MissionTranslation(TranslationOptions):
    fields = ("statement", "description")
    empty_values = None


@register(Priority)
class PriorityTranslation(TranslationOptions):
    fields = ("name", "mission_statement")
    empty_values = None


@register(Outcome)
class OutcomeTranslation(TranslationOptions):
    fields = ("statement", "what_it_looks_like")
    empty_values = None


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None

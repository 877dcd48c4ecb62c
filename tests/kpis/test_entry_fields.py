"""The entry form's fields written in Python ({% entry_field %}, with
partnerships.form_renderer.PlainInputRenderer) are the HTML the templates
they replace wrote: includes/field.html and the milestone's radio fieldset
over Django's own widget templates."""

import re
from decimal import Decimal as D

import pytest
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.utils import translation

from kpis.forms import PLAIN_INPUTS, QuarterlyValueForm
from kpis.models import Aggregation, ValueType
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

# My measures' markup before the tag, kept here as the reference.
REFERENCE = Template(
    """{% load i18n %}
    {% for field in form.number_fields %}
      {% if field.field.widget.input_type == "radio" %}
        <fieldset class="field{% if field.errors %} field--error{% endif %}">
          <legend>{{ field.label }}</legend>
          {% if field.errors %}<p class="field-error" id="{{ field.auto_id }}_error">{% for error in field.errors %}<span class="visually-hidden">{% translate "Error:" %} </span>{{ error }} {% endfor %}</p>{% endif %}
          {% for radio in field %}<label class="radio">{{ radio.tag }} {{ radio.choice_label }}</label>{% endfor %}
        </fieldset>
      {% else %}
        {% include "includes/field.html" %}
      {% endif %}
    {% endfor %}
    {{ form.version }}
    {% include "includes/field.html" with field=form.story %}"""
)
PYTHON = Template(
    """{% load entry_fields %}
    {% for field in form.number_fields %}{% entry_field field %}{% endfor %}
    {{ form.version }}
    {% entry_field form.story %}"""
)

KINDS = [
    {"value_type": ValueType.COUNT, "unit": 'families <& "others">'},
    {"value_type": ValueType.COUNT, "unit": ""},
    {"value_type": ValueType.SCORE, "aggregation": Aggregation.MEAN},
    {"value_type": ValueType.MILESTONE, "aggregation": Aggregation.LATEST},
    {"value_type": ValueType.PERCENTAGE, "aggregation": Aggregation.RATIO_OF_SUMS},
    {"value_type": ValueType.PERCENTAGE, "aggregation": Aggregation.MEAN},
    {
        "value_type": ValueType.NUMBER_AND_PERCENTAGE,
        "aggregation": Aggregation.RATIO_OF_SUMS,
    },
]

STATES = {
    "empty": {"initial": {"version": 0}},
    "stored": {
        "initial": {
            "version": 3,
            "value": "1",
            "numerator": "12.5",
            "denominator": "40",
            "story": 'Up, as "planned" <b>& more</b>\nsecond line',
        }
    },
    "refused": {
        "data": {
            "value": "1e20",
            "numerator": "twelve",
            "denominator": "12.345",
            "story": "x" * 5000,
            "version": "-1",
        }
    },
    "milestone done": {"data": {"value": "1", "story": "Done.", "version": "2"}},
}


def _normalised(html: str) -> str:
    """Whitespace between tags and at the ends does not change the page."""
    return re.sub(r">\s+<", "><", html).strip()


def _form(measure, state, renderer):
    kwargs = dict(STATES[state])
    if "data" in kwargs:
        prefix = f"m{measure.pk}-"
        kwargs = {"data": {prefix + k: v for k, v in kwargs["data"].items()}}
    form = QuarterlyValueForm(measure=measure, renderer=renderer, **kwargs)
    if form.is_bound:
        form.is_valid()
    return form


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("kind", range(len(KINDS)))
def test_entry_fields_write_what_the_templates_wrote(kind, state, language):
    measure = MeasureFactory(**KINDS[kind])
    with translation.override(language):
        reference = REFERENCE.render(
            Context({"form": _form(measure, state, DjangoTemplates())})
        )
        python = PYTHON.render(Context({"form": _form(measure, state, PLAIN_INPUTS)}))
    assert _normalised(python) == _normalised(reference)
    # Something was written, errors included where the data was refused.
    assert "<input" in python and "<textarea" in python
    if state == "refused":
        assert 'class="field-error"' in python


def test_the_entry_form_renders_with_the_plain_renderer_by_default():
    measure = MeasureFactory(value_type=ValueType.COUNT)
    form = QuarterlyValueForm(measure=measure, initial={"value": D(5)})
    assert form.renderer is PLAIN_INPUTS
    assert str(form["value"]) == str(
        QuarterlyValueForm(
            measure=measure, initial={"value": D(5)}, renderer=DjangoTemplates()
        )["value"]
    )

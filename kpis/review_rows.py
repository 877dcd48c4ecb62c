"""The Quarter page's table rows, written in Python.

A 150-measure partnership's Quarter page rendered about 150 template nodes
a row (a dozen translations, a bilingual name, filters, two forms): three
quarters of the page's time. This writes the same markup once a row, each
label translated once a page; tests/kpis/test_review_rows.py holds it to
``kpis/includes/quarter_review_row.html``, the template it replaced. That
template still renders the one row that carries a return form with an
error, which needs the form's field layout.
"""

from collections.abc import Sequence
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from partnerships.templatetags.bilingual import bilingual

from .selectors import STATE_LABELS, ReviewRow

ROW_TEMPLATE = "kpis/includes/quarter_review_row.html"


def review_rows_html(
    rows: Sequence[ReviewRow],
    *,
    measure_url_prefix: str,
    review_url_prefix: str,
    quarter_key: str,
    csrf_token: str,
    reviewing: bool,
    return_form=None,
    request=None,
) -> SafeString:
    """Each row of the Quarter page's table, as the row template writes it.

    ``reviewing``: the Review column is shown (a reviewer, the quarter
    open). ``return_form`` is ``(value pk, ReturnForm)`` after a return
    without a reason: that row is rendered by the template.
    """
    # Every text escaped here is plain (none is marked safe): the standard
    # library's escape writes what Django's does, without its lazy-text and
    # safe-text checks on each of some 2,000 texts a page.
    esc = escape
    # What {% translate %} writes: the words in the page's language, as they
    # are (a template's literal text is not escaped).
    leads_label = _("Leads")
    no_lead = _("No lead assigned")
    figure_label = _("Figure")
    story_label = _("Story behind the number")
    state_label = _("State")
    review_label = _("Review")
    approve = _("Approve")
    return_with = _("Return with a reason")
    reason_label = _("Reason for returning")
    return_label = _("Return")
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(csrf_token)}">'
    # Each state's name translated once (ReviewRow.state_label's words).
    state_labels = {state: esc(str(label)) for state, label in STATE_LABELS.items()}
    returned_pk = return_form[0] if return_form else None
    parts = []
    for row in rows:
        value = row.value
        measure = row.measure
        if returned_pk is not None and value is not None and value.pk == returned_pk:
            parts.append(
                render_to_string(
                    ROW_TEMPLATE,
                    {
                        "row": row,
                        "measure_url_prefix": measure_url_prefix,
                        "review_url_prefix": review_url_prefix,
                        "quarter_key": quarter_key,
                        "reviewing": reviewing,
                        "return_form": return_form,
                    },
                    request,
                )
            )
            continue
        name = bilingual(measure, "name")
        row_id = f"value-{value.pk}" if value is not None else f"measure-{measure.pk}"
        leads = (
            ", ".join(esc(str(lead)) for lead in row.leads)
            if row.leads
            else f'<span class="muted">{no_lead}</span>'
        )
        organisations = (
            '<br><span class="muted small">'
            f"{', '.join(esc(o) for o in row.organisations)}</span>"
            if row.organisations
            else ""
        )
        flags = "".join(
            f'<p class="notice notice--needs-note small">{esc(str(flag.message))}</p>'
            for flag in row.flags
        )
        story = (
            f'<details class="story small"><summary>{story_label}'
            f'<span class="visually-hidden"> ({esc(measure.name)})</span></summary>'
            f"<p>{_linebreaksbr(value.story)}</p></details>"
            if value is not None and value.story
            else ""
        )
        state = row.state
        returned = (
            f'<br><span class="small">{esc(value.return_reason)}</span>'
            if state == "returned"
            else ""
        )
        actions = ""
        if reviewing:
            forms = ""
            if state == "submitted":
                action = f"{review_url_prefix}{value.pk}/?quarter={quarter_key}"
                action = esc(action)
                forms = (
                    f'\n<form method="post" action="{action}" class="review-form"'
                    f" novalidate>\n{csrf}\n"
                    '<button type="submit" name="action" value="approve"'
                    f' class="button button--small">{approve}'
                    f'<span class="visually-hidden"> {name}</span></button>\n</form>\n'
                    f'<form method="post" action="{action}" class="review-form"'
                    f" novalidate>\n{csrf}\n"
                    f"<details><summary>{return_with}"
                    f'<span class="visually-hidden"> ({name})</span></summary>\n'
                    f'<div class="field"><label for="v{value.pk}-reason">'
                    f"{reason_label}</label>\n"
                    f'<textarea id="v{value.pk}-reason" name="v{value.pk}-reason"'
                    ' rows="3"></textarea></div>\n'
                    '<button type="submit" name="action" value="return"'
                    f' class="button button--secondary button--small">{return_label}'
                    f'<span class="visually-hidden"> {name}</span></button>\n'
                    "</details>\n</form>"
                )
            actions = (
                f'\n<td class="review-table__actions" data-label="{review_label}">'
                f"{forms}\n</td>"
            )
        parts.append(
            f'<tr id="{row_id}">\n'
            f'<th scope="row"><a href="{esc(measure_url_prefix)}{measure.pk}/">'
            f'{name}</a><br><span class="muted small">{esc(measure.code)}</span></th>\n'
            f'<td data-label="{leads_label}">{leads}\n{organisations}</td>\n'
            f'<td data-label="{figure_label}">{esc(row.figure_display)}\n'
            f"{flags}\n{story}</td>\n"
            f'<td data-label="{state_label}"><span class="review review--{state}">'
            f"{state_labels[state]}</span>\n{returned}</td>{actions}\n</tr>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def _linebreaksbr(text: str) -> str:
    """Django's ``linebreaksbr`` filter on a plain text (escaped, each line
    break a <br>)."""
    return escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")

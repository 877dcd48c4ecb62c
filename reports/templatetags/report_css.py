"""Text placed inside the report's CSS, such as the running page header."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def css_string(value) -> SafeString:
    """The text escaped for a CSS string: every character but letters, digits
    and spaces as a CSS hex escape ("Arts & Health" → "Arts \\26  Health").

    escapejs is for JavaScript: CSS reads its "\\u0026" as "u0026". Nothing
    left unescaped can close the string, the rule or the <style> element.
    """
    return mark_safe(
        "".join(
            char if char.isalnum() or char == " " else f"\\{ord(char):x} "
            for char in str(value)
        )
    )

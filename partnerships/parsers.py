"""The API's JSON parser: DRF's, with a limit on how deeply a body may nest.

Python's JSON decoder recurses once per level, so a body nested a few
thousand levels deep raises RecursionError, which DRF does not catch (a
500). Nothing the API takes nests more than a few levels, so anything
deeper than ``API_JSON_MAX_DEPTH`` is refused as a parse error (400).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def json_depth(data) -> int:
    """How many arrays and objects deep ``data`` goes, without recursion."""
    deepest = 0
    pending = [(data, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_DEPTH
        message = _("JSON parse error - nested deeper than %(limit)d levels.") % {
            "limit": limit
        }
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if json_depth(data) > limit:
            raise ParseError(message)
        return data

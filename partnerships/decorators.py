from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied


def tenant_view(view: Callable) -> Callable:
    """Mark a view as living under /p/<slug>/.

    The tenant middleware sees the mark, checks membership (404 for
    non-members) and sets ``request.partnership``, ``request.membership`` and
    the row-level security context before the view runs.
    """
    view.tenant_view = True
    return view


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.tenant_view = True
    return wrapper

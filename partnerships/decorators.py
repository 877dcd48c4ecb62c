from collections.abc import Callable


def tenant_view(view: Callable) -> Callable:
    """Mark a view as living under /p/<slug>/.

    The tenant middleware sees the mark, checks membership (404 for
    non-members) and sets ``request.partnership``, ``request.membership`` and
    the row-level security context before the view runs.
    """
    view.tenant_view = True
    return view

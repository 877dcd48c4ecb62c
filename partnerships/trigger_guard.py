"""No session switches the database's triggers off.

django-pgtrigger's triggers all start by asking
``_pgtrigger_should_ignore(TG_NAME)``, which reads the ``pgtrigger.ignore``
setting: a setting any session may set, so the runtime role could skip the
append-only histories and the locked-quarter guards with one ``SET``. Civic
never uses ``pgtrigger.ignore``; after every ``migrate`` (pgtrigger's own
installs recreate the function as it was), the owner replaces it with one
that ignores nothing.
"""

from django.db import connections

NEVER_IGNORE = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    -- Civic: the database's guards are never skipped (partnerships/trigger_guard.py).
    SELECT FALSE;
$$ LANGUAGE sql IMMUTABLE;
"""


def trigger_ignoring_disable(*, using: str = "default", **kwargs) -> None:
    """post_migrate: make every trigger's ignore check answer no.

    Only the function's owner (the role that migrates) may replace it; a
    ``migrate`` or ``flush`` run as another role leaves it as it is.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_proc WHERE proname = '_pgtrigger_should_ignore' "
            "AND pronamespace = 'public'::regnamespace "
            "AND pg_has_role(proowner, 'USAGE')"
        )
        if cursor.fetchone() is not None:
            cursor.execute(NEVER_IGNORE)

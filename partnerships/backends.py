from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection


class EmailBackend(ModelBackend):
    """Sign in by email address, whatever its case or stray spaces."""

    def get_user(self, user_id):
        """The session's user, as ``ModelBackend.get_user`` reads it (every
        column: the password hash checks the session, ``is_active`` that
        the person may still sign in), by a statement written once: every
        signed-in request reads it."""
        sql, fields = _user_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user = get_user_model().from_db(connection.alias, fields, row)
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )


def login_username(request, credentials: dict | None) -> str | None:
    """The sign-in's email address as the lockout counts it (django-axes):
    normalised as EmailBackend normalises it, so " Ann@X.org" and "ann@x.org"
    are one account's failures."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username")
    if username is None:
        return None
    return username.strip().lower()


@cache
def _user_sql() -> tuple[str, list[str]]:
    model = get_user_model()
    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{field.column}"' for field in fields)
    sql = (
        f'SELECT {columns} FROM "{model._meta.db_table}" '
        f'WHERE "{model._meta.pk.column}" = %s'
    )
    return sql, [field.attname for field in fields]

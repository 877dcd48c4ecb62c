"""Sessions in the database, as Django's own backend keeps them, read by a
statement written once.

Every signed-in request reads its session first. Django's backend compiles
``Session.objects.get(session_key=..., expire_date__gt=now)`` through the
ORM each time; this reads the same row (an expired or unknown key is no
session) with the same SQL written out. Saving, rotating (``cycle_key`` at
sign-in), expiry and deletion are Django's own, untouched.
"""

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        row = None
        if key is not None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT session_data, expire_date FROM "{self.model._meta.db_table}" '
                    "WHERE session_key = %s AND expire_date > %s",
                    [key, timezone.now()],
                )
                row = cursor.fetchone()
        if row is None:
            # As Django's: a key that names no live session is dropped, so
            # that saving makes a new one rather than reviving it.
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0], expire_date=row[1])

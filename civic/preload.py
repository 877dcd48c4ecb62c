"""What gunicorn's master process does once, before it forks the workers
(deploy/gunicorn.conf.py): load everything a request needs, so that each
worker starts warm and shares it copy-on-write, then freeze it out of the
garbage collector's sight.

Without it each worker imports the views, compiles the templates and loads
the translation catalogues on its first requests, and, worse, every full
collection afterwards walks the hundreds of thousands of objects that
Django, the apps and their libraries are made of: a pause of several
milliseconds that lands on whichever request is running, the tail of every
page's latency.
"""

import gc
from pathlib import Path

from django.conf import settings


def warm_up() -> None:
    """Import every view, compile the project's templates and load the
    English and Welsh catalogues; opens no database or Redis connection
    (and closes any that something opened), since a connection made before
    the fork would be shared by every worker."""
    from django.core.cache import caches
    from django.db import connections
    from django.template import TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # Reversing builds the resolver's tables for the language
            # (importing every view); i18n_patterns keeps one per language.
            get_resolver().reverse_dict  # noqa: B018
    engine = engines["django"]
    for directory in engine.dirs:
        for path in sorted(Path(directory).rglob("*.html")):
            try:
                engine.get_template(str(path.relative_to(directory)))
            except TemplateSyntaxError:
                # Not a page of its own (a fragment extended or included
                # with context it needs at parse time): compiled when used.
                continue
    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()


def freeze() -> None:
    """Move every object alive now into the collector's permanent
    generation: collections in the workers no longer scan them."""
    gc.collect()
    gc.freeze()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signin
        from .platform_scope import install_platform_key
        from .trigger_guard import trigger_ignoring_disable

        signin.connect()
        # Sent once per app after every migrate; partnerships' own is enough.
        post_migrate.connect(trigger_ignoring_disable, sender=self)
        post_migrate.connect(install_platform_key, sender=self)

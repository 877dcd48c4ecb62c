from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement log")

    def ready(self) -> None:
        from kpis import welsh

        from .models import Activity
        from .services import activity_texts_refuse_locked

        welsh.text_kind_register(
            welsh.TextKind(
                "activity",
                _("Engagement activities"),
                Activity,
                ("title",),
                ("starts_on", "pk"),
                refuse=activity_texts_refuse_locked,
            )
        )

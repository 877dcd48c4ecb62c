from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from kpis import review, welsh

        from .models import Action
        from .review import ACTION_UPDATES

        review.quarter_return_register(ACTION_UPDATES)
        welsh.text_kind_register(
            welsh.TextKind(
                "action",
                _("Actions"),
                Action,
                ("name", "description"),
                ("position", "pk"),
            )
        )

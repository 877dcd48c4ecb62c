from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("Performance measures")

    def ready(self) -> None:
        from kpis.translation import history_tracks_translations

        history_tracks_translations(self.get_model("MeasureEvent"))

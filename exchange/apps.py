from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Spreadsheet import and export of frameworks and quarterly values."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "Import and export"

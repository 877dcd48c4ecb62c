from django.apps import AppConfig


class JobsConfig(AppConfig):
    """What the background jobs share: attempts, failure, claiming a job."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "Background jobs"

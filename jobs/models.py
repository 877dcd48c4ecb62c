"""The fields every background job keeps, for the apps' own job models.

``exchange.ImportJob`` and ``reports.AnnualReport`` each go through their
own statuses, but both are taken by a Celery worker, may be taken again when
the broker redelivers a message, give up after a number of attempts and end
failed with a reason. The statuses stay the apps' own (each with its own
``TextChoices``); the failed one is spelled ``"failed"`` in all of them.
This app imports no other app and has no tables of its own.
"""

from typing import ClassVar

from django.db import models


class BackgroundJob(models.Model):
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the task could not be handed to the broker (Redis down): the
    # job waits, and the sweep (jobs.services.jobs_resend) sends it again.
    send_failed_at = models.DateTimeField(null=True, blank=True, editable=False)

    FAILED: ClassVar[str] = "failed"

    class Meta:
        abstract = True

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
from django.utils.functional import Promise


class BackgroundJob(models.Model):
    attempts = models.PositiveSmallIntegerField(default=0)
    # A failure is stored as a code and its parameters, never as text in the
    # worker's language: the page or the API puts it into the reader's
    # language (``failure_message``). ``failure_reason`` holds the text of
    # failures recorded before codes, and a message no code covers.
    failure_code = models.CharField(max_length=40, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)
    failure_reason = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the task could not be handed to the broker (Redis down): the
    # job waits, and the sweep (jobs.services.jobs_resend) sends it again.
    send_failed_at = models.DateTimeField(null=True, blank=True, editable=False)

    FAILED: ClassVar[str] = "failed"
    # Each job model's failure codes and their (lazy) messages, which may
    # name the failure's parameters as ``%(name)s``.
    FAILURE_MESSAGES: ClassVar[dict[str, Promise | str]] = {}

    class Meta:
        abstract = True

    @property
    def failure_message(self) -> str:
        """The failure in the active language ("" when the job has not failed)."""
        if not self.failure_code:
            return self.failure_reason
        message = self.FAILURE_MESSAGES.get(self.failure_code)
        if message is None:
            return self.failure_reason or self.failure_code
        try:
            return str(message) % self.failure_params
        except (KeyError, TypeError, ValueError):
            return str(message)

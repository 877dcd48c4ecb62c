"""Rebuild a shared copy after its sharing's transaction commits (so that the
copy shows whatever else the transaction wrote). Safe to run twice."""

from celery import shared_task

from partnerships.models import Partnership

from .copies import copy_build


@shared_task
def shared_copy_refresh(partnership_id: int, adoption_id: int) -> None:
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is not None:
        copy_build(partnership=partnership, adoption_id=adoption_id)

from django.db.models import QuerySet

from partnerships import policy as roles
from partnerships.models import Membership

from .models import ImportJob


def import_job_list(*, membership: Membership) -> QuerySet[ImportJob]:
    """Admins see every import of the partnership; others their own."""
    jobs = ImportJob.objects.filter(partnership=membership.partnership).select_related(
        "created_by"
    )
    if not roles.may_see_others_imports(membership):
        jobs = jobs.filter(created_by=membership.user_id)
    return jobs

"""Learning networks: partnerships that compare what they have chosen to share.

Platform staff create a network, invite partnerships and keep its library of
shared measure definitions. A partnership adopts a shared measure by linking
one of its own measures to it, and chooses per shared measure whether to
share its figures. Sharing makes a published copy (``SharedCopy``) of that
measure's figures, disclosure control applied, in the network's own table:
other members read the copies, never the tenant tables, whose row-level
security stays as it is. Each table's policies are in migration 0002.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kpis.models import PerformanceMeasure, Question, ValueType
from partnerships.models import Partnership
from partnerships.text_limits import limited_text


class Network(models.Model):
    """Readable by platform staff and by the partnerships invited to it."""

    name = models.CharField(_("name"), max_length=200)
    description = limited_text(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or ""


class MembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class NetworkMembership(models.Model):
    """A partnership's place in a network: invited by staff, accepted (or
    declined, or left) by the partnership's admins. The partnership's own row."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.INVITED,
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "network"], name="network_membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values),
                name="network_membership_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id} in network {self.network_id}: {self.status}"


class SharedMeasure(models.Model):
    """A measure definition the network's partnerships agree to measure alike."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="shared_measures"
    )
    name = models.CharField(_("name"), max_length=300)
    question = models.CharField(
        _("RBA question"), max_length=10, choices=Question.choices
    )
    value_type = models.CharField(
        _("kind of value"), max_length=10, choices=ValueType.choices
    )
    definition = limited_text(_("definition"), blank=True)
    data_source = limited_text(_("data source guidance"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__in=Question.values),
                name="shared_measure_question_valid",
            ),
            models.CheckConstraint(
                condition=Q(value_type__in=ValueType.values),
                name="shared_measure_value_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name or ""


class Adoption(models.Model):
    """A partnership's own measure linked to a shared measure, and whether
    its figures are shared with the network (off until an admin says so)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    shared_measure = models.ForeignKey(
        SharedMeasure, on_delete=models.CASCADE, related_name="adoptions"
    )
    measure = models.ForeignKey(
        PerformanceMeasure, on_delete=models.CASCADE, related_name="+"
    )
    is_shared = models.BooleanField(
        _("share its figures with the network"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "shared_measure"], name="adoption_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="adoption_partnership_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"measure {self.measure_id} adopts {self.shared_measure_id}"


class SharedCopy(models.Model):
    """The published copy of one partnership's shared figures of one shared
    measure: plain JSON per language, disclosure control applied, with the
    partnership's name. Readable by the network's accepted members.

    ``source_version`` is moved on by the database, in the writer's own
    transaction, by every write to the figures, measure, targets, breakdowns
    or stories of the sharing partnership, whatever path made it (migration
    0002's triggers); a copy whose ``built_version`` lags it (or built on an
    earlier day) is rebuilt before it is read (networks/copies.py).
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    shared_measure = models.ForeignKey(
        SharedMeasure, on_delete=models.CASCADE, related_name="copies"
    )
    adoption = models.OneToOneField(
        Adoption, on_delete=models.CASCADE, related_name="copy"
    )
    partnership_name = models.CharField(max_length=200)
    source_version = models.BigIntegerField(default=1)
    built_version = models.BigIntegerField(default=0)
    built_on = models.DateField(null=True)
    payload = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "shared_measure"], name="shared_copy_unique"
            ),
        ]
        indexes = [models.Index(fields=["network", "shared_measure"])]

    def __str__(self) -> str:
        return f"copy of {self.partnership_id}'s {self.shared_measure_id}"

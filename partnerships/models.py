import datetime
import hashlib

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. People log in by email and may belong to several partnerships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_staff = models.BooleanField(
        _("platform staff"),
        default=False,
        help_text=_("Platform staff can use the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The language of this person's emails, and of the pages they land on
    # when they sign in (partnerships.i18n); a page's own address still
    # decides the language it is shown in.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en-gb",
        help_text=_("The language of your emails and of the site when you sign in."),
    )
    # Admins' daily email of the figures submitted, approved and returned
    # (kpis.digest); each person may turn it off on Your account.
    wants_daily_digest = models.BooleanField(
        _("daily digest of submitted figures"),
        default=True,
        help_text=_(
            "As a partnership's admin, one email a day listing the figures "
            "submitted, approved and returned since the last one."
        ),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class WelshStatus(models.TextChoices):
    """How far the partnership's Welsh texts can be trusted."""

    UNSTATED = "", _("Not stated")
    DRAFT = "draft", _("Draft translation, to be checked")
    CHECKED = "checked", _("Checked")


class Partnership(models.Model):
    """The tenant. Every tenant-owned row points at one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    reporting_year_start_month = models.PositiveSmallIntegerField(
        _("reporting year starts in month"),
        default=4,
        help_text=_("1 = January … 9 = September (academic year), 4 = April."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    welsh_status = models.CharField(
        _("Welsh texts"),
        max_length=8,
        choices=WelshStatus.choices,
        default=WelshStatus.UNSTATED,
        blank=True,
    )
    quarter_deadline_days = models.PositiveSmallIntegerField(
        _("days after a quarter ends that its figures are due"),
        default=30,
        help_text=_("Leads see the deadline; reminders count from it."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("days before the deadline to remind leads"),
        default=7,
        help_text=_("0 sends no reminder before the deadline."),
    )
    remind_when_overdue = models.BooleanField(
        _("remind leads once when their figures are overdue"), default=True
    )
    # Where the partnership works, by official area code (e.g. ONS/GSS codes
    # such as W06000006), for its population indicator pages; and an area to
    # compare it with.
    area_code = models.CharField(_("area code"), max_length=20, blank=True)
    comparator_area_code = models.CharField(
        _("comparator area code"), max_length=20, blank=True
    )
    # Admins (and platform staff) must use a second factor in any case; this
    # asks it of everyone else too (partnerships.mfa.mfa_required).
    members_need_second_factor = models.BooleanField(
        _("every member must use two-step sign-in"), default=False
    )
    # The first quarter the partnership reports: quarters before it are
    # neither missing nor overdue, and take no figures. Unset, it is derived
    # (kpis.selectors.first_reporting_quarter_get); the migration that added
    # it set it for every partnership that then existed.
    first_reporting_year = models.PositiveSmallIntegerField(
        _("first reporting year"), null=True, blank=True
    )
    first_reporting_quarter = models.PositiveSmallIntegerField(
        _("first reporting quarter"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reporting_year_start_month__range=(1, 12)),
                name="partnership_year_start_month_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(welsh_status__in=WelshStatus.values),
                name="partnership_welsh_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter_deadline_days__lte=120),
                name="partnership_deadline_within_120_days",
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_days_before__lte=60),
                name="partnership_reminder_within_60_days",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    first_reporting_year__isnull=True,
                    first_reporting_quarter__isnull=True,
                )
                | models.Q(
                    first_reporting_year__range=(1990, 2200),
                    first_reporting_quarter__range=(1, 4),
                ),
                name="partnership_first_reporting_quarter_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:dashboard", kwargs={"slug": self.slug})

    def deadline_for(self, quarter) -> "datetime.date":
        """The day a quarter's figures are due."""
        return quarter.ends_on + datetime.timedelta(days=self.quarter_deadline_days)


class DataVersion(models.Model):
    """A number that changes whenever the partnership's strategy, measures,
    quarters or figures change, by whatever path (services, imports, the
    admin site, bulk updates, raw SQL): the database's own statement-level
    triggers bump it (partnerships.rls.data_version_triggers). Read models
    cached by it (the dashboard's, the public pages') are never stale; it
    is the one data version (the public page's ETag names it too)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField(default=0)
    # When it last moved (the public pages' Last-Modified).
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.partnership_id}: {self.version}"


class Organisation(models.Model):
    """A partner body: a university, council, health board, voluntary group."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="organisation_name_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="organisation_partnership_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VIEWER = "viewer", _("Steering-group member")
    LEAD = "lead", _("Project lead")
    ADMIN = "admin", _("Partnership admin")


class Membership(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.partnership}"


class Invitation(models.Model):
    """An invitation to join a partnership, sent by email as a single-use link.

    Only the SHA-256 digest of the link's secret is stored (like an API
    token's): a leaked database cannot be turned into working links. The
    link works until it is accepted, revoked or ``expires_at`` passes;
    sending it again makes a new secret, so an older email stops working.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    # The language of the emails, and of the page the link opens first.
    language = models.CharField(_("language of the email"), max_length=10)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest__regex=r"^[0-9a-f]{64}$"),
                name="invitation_digest_is_sha256_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True)
                | models.Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
            # One open invitation per person and partnership: a second
            # would leave two live links with perhaps different roles.
            models.UniqueConstraint(
                "partnership",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.partnership}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class ApiToken(models.Model):
    """A person's named key to the API, kept only as a hash.

    The secret is shown once, when the token is made; the database keeps its
    SHA-256 digest (a high-entropy secret needs no slow hash) and the first
    characters, so people can tell their tokens apart. A token acts as its
    user, in whichever partnerships they belong to, with their roles there.
    Revoking keeps the row, so the list still says when it was last used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest__regex=r"^[0-9a-f]{64}$"),
                name="apitoken_digest_is_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    LOCKED_OUT = "locked_out", _("Locked out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    MEMBERSHIP_GRANTED = "membership_granted", _("Membership granted")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MEMBERSHIP_REMOVED = "membership_removed", _("Membership removed")
    EXPORTED = "exported", _("Data exported")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    MEMBER_ORGANISATION_CHANGED = (
        "member_organisation_changed",
        _("Member's organisation changed"),
    )
    ORGANISATION_ADDED = "organisation_added", _("Organisation added")
    ORGANISATION_RENAMED = "organisation_renamed", _("Organisation renamed")
    ORGANISATION_MERGED = "organisation_merged", _("Organisations merged")
    PARTNERSHIP_CREATED = "partnership_created", _("Partnership created")
    MFA_ENROLLED = "mfa_enrolled", _("Authenticator app added")
    MFA_REMOVED = "mfa_removed", _("Authenticator app removed")
    MFA_FAILED = "mfa_failed", _("Wrong authentication code")
    PASSKEY_ADDED = "passkey_added", _("Passkey added")
    PASSKEY_REMOVED = "passkey_removed", _("Passkey removed")
    PASSKEY_USED = "passkey_used", _("Passkey used")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    RECOVERY_CODES_MADE = "recovery_codes_made", _("Recovery codes made")
    REAUTHENTICATED = "reauthenticated", _("Identity confirmed again")
    MFA_REQUIREMENT_CHANGED = (
        "mfa_requirement_changed",
        _("Two-step sign-in requirement changed"),
    )


class SecurityEvent(models.Model):
    """One thing that matters to the security of accounts and data, kept for
    good: a trigger refuses to update or delete a row, whoever asks.

    The partnership is empty for events outside any partnership (signing in,
    tokens); row-level security shows those to platform staff only. Neither
    the person nor the partnership is a database foreign key, so that the
    record outlives them (deleting a person must not delete, or be blocked
    by, what they did); the email address is kept as it was at the time.
    """

    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=32, choices=SecurityEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    email = models.CharField(_("email address"), max_length=254, blank=True)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["partnership", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SecurityEventKind.values),
                name="securityevent_kind_valid",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="securityevent_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.email} {self.occurred_at:%Y-%m-%d %H:%M}"
        )


def recovery_code_digest(code: str) -> str:
    """A recovery code's fingerprint: the code is random and long (60 bits),
    so a plain SHA-256 is enough, as for API tokens; spaces, dashes and case
    do not count."""
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodeDevice(Device):
    """A person's set of single-use recovery codes, kept only as digests.

    A django-otp device, so that signing in with a recovery code is one more
    way of passing the second factor. Each code works once: verifying removes
    its digest, under a row lock, so two requests cannot both use it.
    """

    digests = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token) -> bool:
        digest = recovery_code_digest(str(token))
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            if digest not in locked.digests:
                return False
            locked.digests = [d for d in locked.digests if d != digest]
            locked.save(update_fields=["digests"])
        self.digests = locked.digests
        return True

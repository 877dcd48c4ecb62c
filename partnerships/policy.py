"""Who may do what in a partnership, by role alone.

The one place that says what each role may do; services, views, templates
(through ``policy_context``) and the API ask here. Rules that also depend on
a measure or a figure (which measures a lead may enter, whether a figure can
still change) are in ``kpis.policy``, built on these. Every function takes
the person's membership of the partnership (None for someone who is not a
member) and answers False for None.
"""

from dataclasses import dataclass

from .models import Membership, Role

# The kinds of spreadsheet the import and export handle (exchange.ImportKind).
FRAMEWORK = "framework"
FIGURES = "values"


def may_administer(membership: Membership | None) -> bool:
    """Settings, people, the framework, the reports: the partnership's admins."""
    return membership is not None and membership.role == Role.ADMIN


def may_enter_figures(membership: Membership | None) -> bool:
    """Enter, submit and import quarterly figures (for some measures at least)."""
    return membership is not None and membership.role in (Role.LEAD, Role.ADMIN)


def may_enter_every_measure(membership: Membership | None) -> bool:
    """Admins enter any measure; leads only the measures they are assigned."""
    return may_administer(membership)


def may_review(membership: Membership | None) -> bool:
    """Approve and return figures, change any figure whatever its review state."""
    return may_administer(membership)


def may_follow_progress(membership: Membership | None) -> bool:
    """The quarter's progress page: admins and the steering group (viewers)."""
    return membership is not None and membership.role in (Role.ADMIN, Role.VIEWER)


def may_lock(membership: Membership | None) -> bool:
    """Lock and reopen quarters, set deadlines and reminders."""
    return may_administer(membership)


def may_import(membership: Membership | None, kind: str) -> bool:
    if kind == FRAMEWORK:
        return may_administer(membership)
    return may_enter_figures(membership)


def may_export(membership: Membership | None, kind: str) -> bool:
    if kind == FRAMEWORK:
        return may_administer(membership)
    return membership is not None


def may_see_others_imports(membership: Membership | None) -> bool:
    """See and confirm imports that someone else uploaded."""
    return may_administer(membership)


@dataclass(frozen=True)
class Allowed:
    """The policy's answers for one member, for templates (``may.review``)."""

    administer: bool
    enter_figures: bool
    review: bool
    follow_progress: bool
    lock: bool
    import_framework: bool
    import_figures: bool
    export_framework: bool
    export_figures: bool

    @classmethod
    def of_role(cls, role: str | None) -> "Allowed":
        """The answers for a member with this role (None: not a member)."""
        return cls.of(None if role is None else Membership(role=role))

    @classmethod
    def of(cls, membership: Membership | None) -> "Allowed":
        return cls(
            administer=may_administer(membership),
            enter_figures=may_enter_figures(membership),
            review=may_review(membership),
            follow_progress=may_follow_progress(membership),
            lock=may_lock(membership),
            import_framework=may_import(membership, FRAMEWORK),
            import_figures=may_import(membership, FIGURES),
            export_framework=may_export(membership, FRAMEWORK),
            export_figures=may_export(membership, FIGURES),
        )


def policy_context(request) -> dict:
    """Context processor: ``may`` holds the policy's answers for tenant pages."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {"may": Allowed.of(membership)}

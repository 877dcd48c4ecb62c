"""The API's members, invitations and organisations endpoints.

Included under /api/v1/p/<slug>/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "two-step-sign-in/",
        api.SecondFactorRequirement.as_view(),
        name="second_factor_requirement",
    ),
    path("members/", api.MemberList.as_view(), name="member_list"),
    path("members/<int:pk>/", api.MemberDetail.as_view(), name="member_detail"),
    path("invitations/", api.InvitationList.as_view(), name="invitation_list"),
    path(
        "invitations/<int:pk>/resend/",
        api.InvitationResend.as_view(),
        name="invitation_resend",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        api.InvitationRevoke.as_view(),
        name="invitation_revoke",
    ),
    path("organisations/", api.OrganisationList.as_view(), name="organisation_list"),
    path(
        "organisations/<int:pk>/",
        api.OrganisationDetail.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisations/<int:pk>/merge/",
        api.OrganisationMerge.as_view(),
        name="organisation_merge",
    ),
]

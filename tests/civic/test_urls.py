"""Every named route: at the address it has always had, reversible, and
resolving back to itself.

The table pins each route's address, so moving a page (or renaming a route)
shows here; a new route must be added to it. The admin site's own routes are
left to Django.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

ROUTES = {
    "partnerships:home": "/",
    "partnerships:healthz": "/healthz",
    "partnerships:account": "/account/",
    "partnerships:language_switch": "/account/language/",
    "partnerships:api_tokens": "/account/tokens/",
    "partnerships:api_token_revoke": "/account/tokens/7/revoke/",
    "partnerships:security_events": "/p/wrexham-civic-mission/security/",
    "partnerships:members": "/p/wrexham-civic-mission/members/",
    "partnerships:member_invite": "/p/wrexham-civic-mission/members/invite/",
    "partnerships:member_change": "/p/wrexham-civic-mission/members/7/",
    "partnerships:member_remove": "/p/wrexham-civic-mission/members/7/remove/",
    "partnerships:invitation_resend": (
        "/p/wrexham-civic-mission/invitations/7/resend/"
    ),
    "partnerships:invitation_revoke": (
        "/p/wrexham-civic-mission/invitations/7/revoke/"
    ),
    "partnerships:organisations": "/p/wrexham-civic-mission/organisations/",
    "partnerships:organisation_rename": "/p/wrexham-civic-mission/organisations/7/",
    "partnerships:organisation_merge": (
        "/p/wrexham-civic-mission/organisations/7/merge/"
    ),
    "partnerships:invitation_accept": "/invitations/abc_DEF-123/",
    "partnerships:partnership_new": "/staff/partnerships/new/",
    "partnerships:mfa_overview": "/account/security/",
    "partnerships:mfa_verify": "/account/security/verify/",
    "partnerships:mfa_enrol": "/account/security/authenticator/",
    "partnerships:mfa_device_remove": "/account/security/authenticator/7/remove/",
    "partnerships:mfa_recovery_regenerate": "/account/security/recovery-codes/",
    "partnerships:mfa_passkey_add": "/account/security/passkey/",
    "partnerships:mfa_passkey_added": "/account/security/passkey/added/",
    "partnerships:mfa_passkey_remove": "/account/security/passkey/7/remove/",
    "partnerships:passkey_registration_begin": (
        "/account/security/passkey/registration/begin/"
    ),
    "partnerships:passkey_registration_complete": (
        "/account/security/passkey/registration/complete/"
    ),
    "partnerships:passkey_authentication_begin": (
        "/account/security/passkey/authentication/begin/"
    ),
    "partnerships:passkey_authentication_complete": (
        "/account/security/passkey/authentication/complete/"
    ),
    "partnerships:passkey_javascript_catalog": "/account/security/passkey/jsi18n/",
    "partnerships:reauthenticate": "/account/confirm/",
    "login": "/accounts/login/",
    "logout": "/accounts/logout/",
    "password_change": "/accounts/password_change/",
    "password_change_done": "/accounts/password_change/done/",
    "password_reset": "/accounts/password_reset/",
    "password_reset_done": "/accounts/password_reset/done/",
    "password_reset_confirm": "/accounts/reset/MQ/set-password/",
    "password_reset_complete": "/accounts/reset/done/",
    "reports:dashboard": "/p/wrexham-civic-mission/",
    "reports:measure_detail": "/p/wrexham-civic-mission/measures/7/",
    "reports:contribution": "/p/wrexham-civic-mission/contribution/",
    "reports:contribution_indicators": (
        "/p/wrexham-civic-mission/contribution/indicators/"
    ),
    "reports:contribution_framework": "/p/wrexham-civic-mission/contribution/framework/",
    "reports:indicator_detail": "/p/wrexham-civic-mission/indicators/12/",
    "reports:reports": "/p/wrexham-civic-mission/reports/",
    "reports:report_download": "/p/wrexham-civic-mission/reports/7/download/",
    "reports:report_withdraw": "/p/wrexham-civic-mission/reports/7/withdraw/",
    "kpis:my_measures": "/p/wrexham-civic-mission/my-measures/",
    "kpis:my_measures_submit": "/p/wrexham-civic-mission/my-measures/submit/",
    "kpis:quarter_review": "/p/wrexham-civic-mission/quarter/",
    "kpis:quarter_approve_submitted": "/p/wrexham-civic-mission/quarter/approve/",
    "kpis:quarter_review_value": "/p/wrexham-civic-mission/quarter/values/7/",
    "kpis:quarter_lock": "/p/wrexham-civic-mission/quarter/lock/",
    "kpis:quarter_reopen": "/p/wrexham-civic-mission/quarter/reopen/",
    "kpis:reporting_settings": "/p/wrexham-civic-mission/quarter/settings/",
    "kpis:reporting_setup": "/p/wrexham-civic-mission/setup/",
    "kpis:welsh_texts": "/p/wrexham-civic-mission/welsh/",
    "kpis:measure_checks": "/p/wrexham-civic-mission/setup/measures/7/",
    "kpis:strategy": "/p/wrexham-civic-mission/strategy/",
    "kpis:mission_edit": "/p/wrexham-civic-mission/strategy/mission/",
    "kpis:priority_add": "/p/wrexham-civic-mission/strategy/priorities/",
    "kpis:priority_edit": "/p/wrexham-civic-mission/strategy/priorities/7/",
    "kpis:outcome_add": "/p/wrexham-civic-mission/strategy/outcomes/",
    "kpis:outcome_edit": "/p/wrexham-civic-mission/strategy/outcomes/7/",
    "kpis:measure_add": "/p/wrexham-civic-mission/strategy/measures/new/",
    "kpis:measure_edit": "/p/wrexham-civic-mission/strategy/measures/7/",
    "kpis:measure_retire": "/p/wrexham-civic-mission/strategy/measures/7/retire/",
    "kpis:measure_delete": "/p/wrexham-civic-mission/strategy/measures/7/delete/",
    "kpis:partnership_settings": "/p/wrexham-civic-mission/settings/",
    "kpis:partnership_second_factor": "/p/wrexham-civic-mission/settings/two-step/",
    "reports:measure_curve": "/p/wrexham-civic-mission/measures/7/curve/",
    "delivery:action_plan": "/p/wrexham-civic-mission/actions/",
    "delivery:action_add": "/p/wrexham-civic-mission/actions/new/",
    "delivery:updates_review": "/p/wrexham-civic-mission/actions/review/",
    "delivery:actions_by_status": "/p/wrexham-civic-mission/actions/by-status/",
    "delivery:action_detail": "/p/wrexham-civic-mission/actions/7/",
    "delivery:action_edit": "/p/wrexham-civic-mission/actions/7/edit/",
    "delivery:action_update": "/p/wrexham-civic-mission/actions/7/update/",
    "delivery:my_quarter": "/p/wrexham-civic-mission/my-quarter/",
    "exchange:data": "/p/wrexham-civic-mission/data/",
    "exchange:import_upload": "/p/wrexham-civic-mission/data/import/",
    "exchange:import_job": "/p/wrexham-civic-mission/data/import/7/",
    "exchange:import_confirm": "/p/wrexham-civic-mission/data/import/7/confirm/",
    "exchange:values_template": "/p/wrexham-civic-mission/data/values-template/",
    "exchange:values_export": "/p/wrexham-civic-mission/data/values/",
    "exchange:framework_export": "/p/wrexham-civic-mission/data/framework/",
    "exchange:framework_template": (
        "/p/wrexham-civic-mission/data/framework-template/"
    ),
    "exchange:framework_example": "/p/wrexham-civic-mission/data/framework-example/",
    "api:schema": "/api/v1/schema/",
    "api:docs": "/api/v1/docs/",
    "api:redoc": "/api/v1/redoc/",
    "api:partnership_list": "/api/v1/partnerships/",
    "api:member_list": "/api/v1/p/wrexham-civic-mission/members/",
    "api:second_factor_requirement": (
        "/api/v1/p/wrexham-civic-mission/two-step-sign-in/"
    ),
    "api:member_detail": "/api/v1/p/wrexham-civic-mission/members/7/",
    "api:invitation_list": "/api/v1/p/wrexham-civic-mission/invitations/",
    "api:invitation_resend": "/api/v1/p/wrexham-civic-mission/invitations/7/resend/",
    "api:invitation_revoke": "/api/v1/p/wrexham-civic-mission/invitations/7/revoke/",
    "api:organisation_list": "/api/v1/p/wrexham-civic-mission/organisations/",
    "api:organisation_detail": "/api/v1/p/wrexham-civic-mission/organisations/7/",
    "api:organisation_merge": "/api/v1/p/wrexham-civic-mission/organisations/7/merge/",
    "api:mission": "/api/v1/p/wrexham-civic-mission/mission/",
    "api:priority_list": "/api/v1/p/wrexham-civic-mission/priorities/",
    "api:priority_detail": "/api/v1/p/wrexham-civic-mission/priorities/7/",
    "api:outcome_list": "/api/v1/p/wrexham-civic-mission/outcomes/",
    "api:outcome_detail": "/api/v1/p/wrexham-civic-mission/outcomes/7/",
    "api:project_list": "/api/v1/p/wrexham-civic-mission/projects/",
    "api:project_detail": "/api/v1/p/wrexham-civic-mission/projects/7/",
    "api:measure_list": "/api/v1/p/wrexham-civic-mission/measures/",
    "api:measure_detail": "/api/v1/p/wrexham-civic-mission/measures/CR-01/",
    "api:measure_years": "/api/v1/p/wrexham-civic-mission/measures/CR-01/years/",
    "api:measure_curve_story_list": (
        "/api/v1/p/wrexham-civic-mission/measures/CR-01/curve-stories/"
    ),
    "api:measure_curve_story_detail": (
        "/api/v1/p/wrexham-civic-mission/measures/CR-01/curve-stories/2025/"
    ),
    "api:indicator_curve_story_list": (
        "/api/v1/p/wrexham-civic-mission/indicators/12/curve-stories/"
    ),
    "api:indicator_curve_story_detail": (
        "/api/v1/p/wrexham-civic-mission/indicators/12/curve-stories/2025/"
    ),
    "api:curve_story_list": "/api/v1/p/wrexham-civic-mission/curve-stories/",
    "api:value_list": "/api/v1/p/wrexham-civic-mission/values/",
    "api:value_bulk": "/api/v1/p/wrexham-civic-mission/values/bulk/",
    "api:value_approve": "/api/v1/p/wrexham-civic-mission/values/7/approve/",
    "api:value_return": "/api/v1/p/wrexham-civic-mission/values/7/return/",
    "api:quarter_detail": "/api/v1/p/wrexham-civic-mission/quarters/2026-1/",
    "api:quarter_submit": "/api/v1/p/wrexham-civic-mission/quarters/2026-1/submit/",
    "api:quarter_approve_submitted": "/api/v1/p/wrexham-civic-mission/quarters/2026-1/approve-submitted/",
    "api:quarter_lock": "/api/v1/p/wrexham-civic-mission/quarters/2026-1/lock/",
    "api:quarter_reopen": "/api/v1/p/wrexham-civic-mission/quarters/2026-1/reopen/",
    "api:welsh_text_set": "/api/v1/p/wrexham-civic-mission/welsh-texts/",
    "api:partnership_settings": "/api/v1/p/wrexham-civic-mission/settings/",
    "api:value_detail": "/api/v1/p/wrexham-civic-mission/values/7/",
    "api:action_list": "/api/v1/p/wrexham-civic-mission/actions/",
    "api:action_detail": "/api/v1/p/wrexham-civic-mission/actions/7/",
    "api:action_update_list": "/api/v1/p/wrexham-civic-mission/actions/7/updates/",
    "api:action_update_approve": (
        "/api/v1/p/wrexham-civic-mission/action-updates/7/approve/"
    ),
    "api:action_update_return": (
        "/api/v1/p/wrexham-civic-mission/action-updates/7/return/"
    ),
    "api:report_list": "/api/v1/p/wrexham-civic-mission/reports/",
    "api:report_detail": "/api/v1/p/wrexham-civic-mission/reports/7/",
    "api:report_download": "/api/v1/p/wrexham-civic-mission/reports/7/download/",
    "api:report_withdraw": "/api/v1/p/wrexham-civic-mission/reports/7/withdraw/",
    "engagement:log": "/p/wrexham-civic-mission/engagement/",
    "engagement:activity_new": "/p/wrexham-civic-mission/engagement/new/",
    "engagement:activity": "/p/wrexham-civic-mission/engagement/7/",
    "engagement:activity_edit": "/p/wrexham-civic-mission/engagement/7/edit/",
    "engagement:activity_delete": "/p/wrexham-civic-mission/engagement/7/delete/",
    "engagement:settings": "/p/wrexham-civic-mission/engagement/settings/",
    "exchange:activities_data": "/p/wrexham-civic-mission/engagement/data/",
    "exchange:activities_export": ("/p/wrexham-civic-mission/engagement/data/export/"),
    "api:activity_list": "/api/v1/p/wrexham-civic-mission/activities/",
    "api:activity_detail": "/api/v1/p/wrexham-civic-mission/activities/7/",
    "api:import_list": "/api/v1/p/wrexham-civic-mission/imports/",
    "api:import_detail": "/api/v1/p/wrexham-civic-mission/imports/7/",
    "api:import_confirm": "/api/v1/p/wrexham-civic-mission/imports/7/confirm/",
    "api:publication": "/api/v1/p/wrexham-civic-mission/publication/",
    "publishing:publishing": "/p/wrexham-civic-mission/publishing/",
    "public:page": "/public/wrexham-civic-mission/",
    "public:measure": "/public/wrexham-civic-mission/measures/7/",
    "public:embed": "/public/wrexham-civic-mission/measures/7/embed/",
    "public:open_data_csv": "/public/wrexham-civic-mission/figures.csv",
    "public:open_data_json": "/public/wrexham-civic-mission/figures.json",
    "public:report_pdf": "/public/wrexham-civic-mission/reports/7.pdf",
    "networks:networks": "/p/wrexham-civic-mission/networks/",
    "networks:network": "/p/wrexham-civic-mission/networks/7/",
    "networks:respond": "/p/wrexham-civic-mission/networks/7/respond/",
    "networks:leave": "/p/wrexham-civic-mission/networks/7/leave/",
    "networks:adoption": "/p/wrexham-civic-mission/networks/7/measures/8/",
    "networks_staff:networks": "/staff/networks/",
    "networks_staff:network": "/staff/networks/7/",
    "networks_staff:shared_measure": "/staff/networks/7/measures/8/",
    "api:network_list": "/api/v1/p/wrexham-civic-mission/networks/",
    "api:network_detail": "/api/v1/p/wrexham-civic-mission/networks/7/",
    "api:network_response": "/api/v1/p/wrexham-civic-mission/networks/7/response/",
    "api:network_leave": "/api/v1/p/wrexham-civic-mission/networks/7/leave/",
    "api:network_adoption": (
        "/api/v1/p/wrexham-civic-mission/networks/7/measures/8/adoption/"
    ),
}


def named_routes(patterns=None, namespace=""):
    """(view name, pattern) for every named route, the admin site's aside."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


ALL = sorted(name for name, _pattern in named_routes())


def test_every_named_route_is_pinned():
    assert sorted(ROUTES) == ALL


def test_route_names_are_unique():
    assert len(ALL) == len(set(ALL))


@pytest.mark.parametrize("name", ALL)
def test_route_reverses_to_its_address_and_resolves_back(name):
    path = ROUTES[name]
    match = resolve(path)
    assert match.view_name == name
    assert reverse(name, kwargs=match.kwargs) == path


@pytest.mark.parametrize(
    "name", [n for n in ALL if ROUTES[n].startswith("/p/")], ids=str
)
def test_every_partnership_page_passes_the_tenant_check(name):
    """The tenant middleware checks membership only for views marked so."""
    assert getattr(resolve(ROUTES[name]).func, "tenant_view", False)

"""django-otp-webauthn's own messages, for our catalogue to translate.

The package ships no Welsh. The refusals its views send back to the passkey
scripts (shown to the person beside the "Use a passkey" button) and its models'
names in the admin site would reach a Welsh reader in English. Named here with
``gettext_noop``, makemessages keeps them in locale/cy, and the package's own
``gettext`` calls find their Welsh there (as partnerships/drf_messages.py does
for DRF). Each is the package's msgid exactly (django_otp_webauthn/
exceptions.py, models.py, apps.py).
"""

from django.utils.translation import gettext_noop

WEBAUTHN_MESSAGES = (
    # The refusals a person may see.
    gettext_noop("Authentication required."),
    gettext_noop("Error processing WebAuthn request."),
    gettext_noop("Malformed request. JSON not parsable."),
    gettext_noop("Passwordless login is disabled."),
    gettext_noop("This Passkey has been marked as disabled."),
    gettext_noop("This user account is marked as disabled."),
    gettext_noop("Unprocessable Entity"),
    gettext_noop("User is not verified."),
    gettext_noop(
        "State is missing or invalid. Please begin the operation first before "
        "trying to complete it."
    ),
    gettext_noop("The Passkey you tried to use was not found. Perhaps it was removed?"),
    gettext_noop(
        "The Passkey you tried to use does not belong to the currently logged-in "
        "user. Try using a different Passkey or logout first to use this Passkey."
    ),
    # Names in the admin site.
    gettext_noop("OTP WebAuthn"),
    gettext_noop("WebAuthn credential"),
    gettext_noop("WebAuthn credentials"),
    gettext_noop("WebAuthn attestation"),
    gettext_noop("WebAuthn attestations"),
    gettext_noop("WebAuthn user handle"),
    gettext_noop("WebAuthn user handles"),
    gettext_noop("WebAuthn credential data"),
    gettext_noop("Identity"),
    gettext_noop("Public Key"),
    gettext_noop("transports"),
    gettext_noop("sign count"),
    gettext_noop("discoverable"),
    gettext_noop("backup eligible"),
    gettext_noop("backup state"),
    gettext_noop("credential type"),
    gettext_noop("hashed credential id"),
)

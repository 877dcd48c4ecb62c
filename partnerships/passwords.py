from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotCurrentPasswordValidator:
    """Refuses, on a change or reset, the password the account has now.

    A reset is often prompted by a password that leaked: accepting it again
    would undo the reset. Compares with the stored hash, so nothing but the
    hash is kept.
    """

    def validate(self, password: str, user=None) -> None:
        if user is None or not user.pk or not user.has_usable_password():
            return
        # The hashers' check, not user.check_password: that would also
        # re-hash and save the password being replaced.
        if check_password(password, user.password):
            raise ValidationError(
                _("Choose a password different from your current one."),
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be the one you have now.")

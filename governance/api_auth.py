"""API authentication: tokens that expire, and no API use while a password chosen by someone else is still in place."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission

from governance.services import api_token_expiry


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token older than API_TOKEN_TTL_DAYS is refused and deleted; the client asks /api/auth/token/ again."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if api_token_expiry(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed(_("This token has expired; request a new one at /api/auth/token/."))
        return user, token


class PasswordChangeNotPending(BasePermission):
    """After a reset or on a new account, the person must first choose their own password on the web pages."""

    message = _("Your password was set by someone else: log in on the web page and choose your own password before using the API.")

    def has_permission(self, request, view):
        return not getattr(request.user, "must_change_password", False)

"""API conventions: one error shape for every error, and one pagination for every list."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from governance.services import DailyLimitReached


class Router(DefaultRouter):
    """Object ids in API paths are integers: any other value is a 404 from the URL resolver, never a failed lookup."""

    # No ".json" suffix routes: they handed a `format` argument to actions that take none (a 500); ?format= remains.
    include_format_suffixes = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{getattr(viewset, 'lookup_value_regex', '[0-9]+')})"


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Every API error answers {"message": ..., "extra": {...}}."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DailyLimitReached):
        exc = exceptions.Throttled(detail=str(exc))
    elif isinstance(exc, PermissionDenied):
        # A service's reason (e.g. "You cannot revoke your own role") is meant for the caller.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message = _("The submitted data is not valid.")
        extra = {"fields": response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        message = str(detail)
        extra = dict(getattr(exc, "extra", {}))
    response.data = {"message": message, "extra": extra}
    return response

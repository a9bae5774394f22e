"""API conventions: one error shape for every error, strict filters, and one pagination for every list."""

import functools

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from core.replicas import replica_reads
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

    def get_page_size(self, request):
        # A page size out of range is refused by name: DRF would silently fall back to the default.
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [_("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}]})
        return int(value)

    def paginate_queryset(self, queryset, request, view=None):
        # Every API list reads its page from a replica when there is one (core/replicas.py).
        with replica_reads(request):
            return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); any other value is an error, where Django's field would read it as "no filter"."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if str(value).lower() not in self.VALUES:
            raise DjangoValidationError(gettext_lazy("Enter true or false."), code="invalid")
        return self.VALUES[str(value).lower()]

    def validate(self, value):
        return


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictFilterSet(django_filters.FilterSet):
    """Every API filter set: an unusable value answers 400 naming the parameter (the backend raises on an invalid form)."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.NullBooleanField: {"filter_class": StrictBooleanFilter},
    }


@functools.cache
def _strict(filterset_class):
    # Re-created over StrictFilterSet so that its generated filters are strict too, without per-view code.
    return type(filterset_class.__name__, (filterset_class, StrictFilterSet), {"__module__": filterset_class.__module__})


class FilterBackend(DjangoFilterBackend):
    """django-filter with strict filter sets for `filterset_fields` and `filterset_class` alike."""

    filterset_base = StrictFilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is None or issubclass(filterset_class, StrictFilterSet):
            return filterset_class
        return _strict(filterset_class)


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

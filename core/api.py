"""Page forms on the API: the page's form validates, and its fields are read off as the action's OpenAPI input."""

import functools
import json
from collections.abc import Mapping
from contextlib import contextmanager

from django import forms as django_forms
from django.forms.fields import BaseTemporalField
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from core.params import BadQuery


class ErrorSerializer(serializers.Serializer):
    """The one shape of every API error: a message for people and, for invalid input, `extra.fields` with each field's messages."""

    message = serializers.CharField()
    extra = serializers.DictField(help_text="`fields` (field or parameter name → messages) for invalid input; other details otherwise.")

    class Meta:
        ref_name = "Error"


ERROR_DESCRIPTIONS = {
    400: "The input is not valid; `extra.fields` names each field (or query parameter) and what is wrong with it.",
    403: "The caller's roles do not allow this.",
    404: "No such record in the caller's area (missing and out-of-scope records answer alike).",
    409: "The record changed meanwhile; read it again.",
    429: "A limit is used up (e.g. the caller's personal-data reveals for today); try again later.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation, each in the one error shape."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


def _input_field(field: django_forms.Field) -> serializers.Field:
    """The schema of one form field; the form itself still validates, so the page and the API accept exactly the same."""
    common = {"required": field.required, "help_text": field.help_text or None}
    if isinstance(field, django_forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, django_forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    if isinstance(field, django_forms.MultipleChoiceField):
        return serializers.MultipleChoiceField(choices=field.choices, **common)
    if isinstance(field, django_forms.ChoiceField):
        return serializers.ChoiceField(choices=[choice for choice in field.choices if choice[0] != ""], allow_blank=not field.required, **common)
    if isinstance(field, django_forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, django_forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, django_forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, django_forms.DecimalField):
        return serializers.DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places, **common)
    # FloatField is an IntegerField subclass in Django, so it is read first.
    if isinstance(field, django_forms.FloatField):
        return serializers.FloatField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, django_forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, django_forms.FileField):
        return serializers.FileField(**common)
    return serializers.CharField(max_length=getattr(field, "max_length", None), allow_blank=not field.required, **common)


@functools.cache
def form_input(form_class, **added: django_forms.Field) -> type[serializers.Serializer]:
    """The OpenAPI input of an action, read off the form the page uses (with `added`, fields its __init__ adds)."""
    fields = {name: _input_field(field) for name, field in {**form_class.base_fields, **added}.items() if not getattr(field, "honeypot", False)}
    return type(f"{form_class.__name__.removesuffix('Form')}Input", (serializers.Serializer,), fields)


def request_body(request):
    """The request body as a mapping: a JSON array, number or string is a 400, never a form reading `.get` on it."""
    if not isinstance(request.data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [_("Send the fields as a JSON object or a form.")]})
    return request.data


def _shape_errors(form) -> dict[str, list[str]]:
    """Fields sent as a JSON object, as a list where one value is expected, or a date as a number: a form field would
    fail on them with a 500 (a date field strips its text); each is named for the 400 instead."""
    errors = {}
    for name, field in form.fields.items():
        value = form.data.get(name) if form.is_bound else None
        values = value if isinstance(value, list) and isinstance(field, django_forms.MultipleChoiceField | django_forms.ModelMultipleChoiceField) else [value]
        if any(isinstance(item, dict | list) or (isinstance(field, BaseTemporalField) and item is not None and not isinstance(item, str)) for item in values):
            errors[name] = [_("Send this field as one value, in text.")]
    return errors


def form_valid(form) -> dict:
    """The form's cleaned data, or the API's 400 with the form's messages per field."""
    if shape_errors := _shape_errors(form):
        raise serializers.ValidationError(shape_errors)
    if not form.is_valid():
        raise serializers.ValidationError({("non_field_errors" if name == "__all__" else name): list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


class FormCreateMixin:
    """POST to the list: the page's form validates, the feature's service writes; the answer is the new row as the list shows it."""

    create_form: type[django_forms.Form]
    create_service = None

    def create(self, request):
        data = form_valid(self.create_form(request_body(request), user=request.user))
        created = self.create_service(actor=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=created.pk)).data, status=status.HTTP_201_CREATED)


def form_create(form_class, service):
    """Give a viewset its POST to the list through the page's form and the service, documented with the form's fields."""

    def decorate(viewset):
        viewset.create_form, viewset.create_service = form_class, staticmethod(service)
        return extend_schema_view(create=extend_schema(request=form_input(form_class), responses={201: viewset.serializer_class}))(viewset)

    return decorate


@contextmanager
def query_parameter(name: str):
    """A page's strict query parsing (core.params) on the API: its 400 names the parameter, in the API's error shape."""
    try:
        yield
    except BadQuery as exc:
        raise serializers.ValidationError({name: [str(exc)]}) from exc


class FileRenderer(BaseRenderer):
    """Lets a download answer to a client that asks for the file's type; errors still go out as JSON bytes."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:00"})
class ClockField(serializers.TimeField):
    """A time of day as people write it, "09:00" (JSON Schema's "time" format would demand a UTC offset)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# A creation sent again with the same Idempotency-Key (core/idempotency.py): the header, and the 409 of a reused key.
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="A retried POST with the same key and body answers what was created the first time; up to 100 characters.",
)


IDEMPOTENCY_REUSED_RESPONSE = OpenApiResponse(ErrorSerializer, description="The Idempotency-Key was used before with another body.")


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_reused"
    extra = {"code": default_code, "header": "Idempotency-Key"}

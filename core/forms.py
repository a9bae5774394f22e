"""Page forms read the way a page's action reads them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.params import degrees


def form_cleaned(form) -> dict:
    """The form's cleaned data; invalid input raises the ValidationError a page shows as its error message, like a service's refusal."""
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    return form.cleaned_data


def _is_id(value) -> bool:
    """An id as a form or JSON sends it: ASCII digits or an integer, never a boolean, "１" or "1.0"."""
    if isinstance(value, str):
        return value.isascii() and value.isdigit()
    return isinstance(value, int) and not isinstance(value, bool)


class IdChoiceField(forms.ModelChoiceField):
    """A choice of a row by id: anything but an id is refused like an id outside the choices."""

    def to_python(self, value):
        if value not in self.empty_values and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows by id, each refused like IdChoiceField's when it is not an id."""

    def clean(self, value):
        for item in value if isinstance(value, list | tuple) else ():
            if not _is_id(item):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item})
        return super().clean(value)


class DegreesField(forms.FloatField):
    """A longitude (limit 180) or latitude (limit 90) as core.params.degrees reads it: plain decimal text or a finite JSON number."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(min_value=-limit, max_value=limit, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = degrees(value, limit=self.limit)
        if number is None:
            raise ValidationError(_("Enter decimal degrees from -%(limit)d to %(limit)d, e.g. 114.52.") % {"limit": self.limit}, code="invalid")
        return number


class _RenderedField(SafeString):
    """A field's HTML, made once; an unbound form's field has no errors."""

    errors = ()


class RenderedOnce:
    """An unbound form shown on every row of a list (a reveal form per member): each field's HTML is made once, not per
    row, since Django renders every widget through a template (0.4 ms for a purpose and a reason)."""

    def __init__(self, form):
        if form.is_bound:
            raise ValueError("Only an unbound form renders the same on every row.")
        self._form = form
        self._fields: dict[str, _RenderedField] = {}

    def __getitem__(self, name: str) -> _RenderedField:
        if name not in self._fields:
            self._fields[name] = _RenderedField(str(self._form[name]))
        return self._fields[name]

    def non_field_errors(self):
        return self._form.non_field_errors()

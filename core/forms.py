"""Page forms read the way a page's action reads them."""

from django.core.exceptions import ValidationError


def form_cleaned(form) -> dict:
    """The form's cleaned data; invalid input raises the ValidationError a page shows as its error message, like a service's refusal."""
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    return form.cleaned_data

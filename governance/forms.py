from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.models import PersonalDataLog, User
from governance.roles import Role
from governance.services import personal_data_purpose_clean
from governance.validators import MOBILE_RE


class LoginForm(AuthenticationForm):
    """Log in with a username or a mobile number; the throttle counts the resolved username."""

    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )

    def clean(self):
        identifier = (self.cleaned_data.get("username") or "").strip()
        match = MOBILE_RE.match(identifier.replace(" ", ""))
        if match:
            username = User.objects.filter(phone=match.group(1)).values_list("username", flat=True).first()
            if username:
                self.cleaned_data["username"] = username
        return super().clean()


class PersonCreateForm(forms.Form):
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$", error_messages={"invalid": _("Letters, digits and @ . + - _ only.")})
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput(render_value=False), min_length=8)
    role = forms.ChoiceField(label=_("Role"))
    unit_label = forms.CharField(label=_("Unit (for unit heads)"), max_length=20, required=False)

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]


class RoleGrantForm(forms.Form):
    identifier = forms.CharField(label=_("Username or mobile number of an existing account"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    unit_label = forms.CharField(label=_("Unit (for unit heads)"), max_length=20, required=False)

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]


def form_add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class PurposeForm(forms.Form):
    """Why full ID numbers and phones are needed (a reveal, an unmasked export): a purpose from the list, logged with its text."""

    purpose = forms.ChoiceField(
        label=_("Purpose (logged)"),
        choices=[("", _("Why do you need the full values?")), *PersonalDataLog.Purpose.choices],
        widget=forms.Select(attrs={"class": "form-select", "aria-label": _("Purpose (logged)")}),
    )
    reason = forms.CharField(
        label=_("Details (required for “other”)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Details (required for “other”)"), "aria-label": _("Details")}),
    )

    def clean(self):
        data = super().clean()
        if data.get("purpose"):
            try:
                data["purpose"], data["reason"] = personal_data_purpose_clean(purpose=data["purpose"], reason=data.get("reason", ""))
            except ValidationError as exc:
                form_add_service_errors(self, exc)
        return data

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.models import Community, PersonalDataLog, Street, User
from governance.roles import Role
from governance.services import personal_data_purpose_clean
from governance.validators import MOBILE_RE
from grids.models import Grid


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


class PlaceFilterForm(forms.Form):
    """Street, community and grid of the user's area, each list narrowed by the choice above it.

    Validation reads the user's whole area, so an id outside it is an invalid choice (a form error) like a missing one.
    A lower choice outside the higher one is dropped (the higher was changed since), and an empty higher one is taken
    from the lower, so the selects always show the filter applied. Lists longer than SMALL_AREA wait for the choice above.
    """

    SMALL_AREA = 60
    PLACE_FIELDS = ("street", "community", "grid")

    OUTSIDE = {"invalid_choice": _("Choose from the list: this place is not in your area.")}
    street = forms.ModelChoiceField(Street.objects.none(), label=_("Street"), required=False, empty_label=_("All streets"), error_messages=OUTSIDE)
    community = forms.ModelChoiceField(Community.objects.none(), label=_("Community"), required=False, empty_label=_("All communities"), error_messages=OUTSIDE)
    grid = forms.ModelChoiceField(Grid.objects.none(), label=_("Grid"), required=False, empty_label=_("All grids"), error_messages=OUTSIDE)

    def __init__(self, *args, user, capability: str, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Mutable: clean() writes back the derived and dropped choices so that the selects show what is applied.
            self.data = self.data.copy()
        self.fields["street"].queryset = Street.objects.visible_to(user, capability).order_by("code")
        self.fields["community"].queryset = Community.objects.visible_to(user, capability).order_by("code")
        self.fields["grid"].queryset = Grid.objects.visible_to(user, capability).order_by("code")
        if not self.is_bound:
            self._narrow(street=None, community=None)

    def clean(self):
        data = super().clean()
        street, community, grid = data.get("street"), data.get("community"), data.get("grid")
        if street and community and community.street_id != street.pk:
            community = None
        if grid and ((community and grid.community_id != community.pk) or (street and grid.street_id != street.pk)):
            grid = None
        lowest = grid or community
        place = {
            "street": street.pk if street else lowest.street_id if lowest else None,
            "community": community.pk if community else grid.community_id if grid else None,
            "grid": grid.pk if grid else None,
        }
        for name, value in place.items():
            if name not in self.errors:
                self.data[name] = "" if value is None else str(value)
        self.place = place
        self._narrow(street=place["street"], community=place["community"])
        return data

    def _narrow(self, *, street: int | None, community: int | None) -> None:
        """The options of each select: the streets of the area, the communities of the street, the grids of the community."""
        streets = list(self.fields["street"].queryset.values_list("pk", "name"))
        communities = self.fields["community"].queryset.filter(**({"street_id": street} if street else {}))
        grids = self.fields["grid"].queryset.filter(**({"community_id": community} if community else {"street_id": street} if street else {}))
        self._options("street", streets, waiting=None)
        self._options("community", list(communities.values_list("pk", "name")[: self.SMALL_AREA + 1]), waiting=_("Choose a street first"))
        self._options("grid", list(grids.values_list("pk", "name")[: self.SMALL_AREA + 1]), waiting=_("Choose a community first"))

    def _options(self, name: str, options: list, *, waiting) -> None:
        field = self.fields[name]
        field.widget.choices = [("", waiting)] if len(options) > self.SMALL_AREA else [("", field.empty_label), *options]
        # One option or none is no choice at all (a community cadre has no street to pick).
        field.shown = len(options) > 1
        field.widget.attrs["data-place"] = name

    @property
    def place_fields(self) -> list:
        return [self[name] for name in self.PLACE_FIELDS if self.fields[name].shown]

    def place_filters(self) -> dict:
        """The chosen street, community and grid ids (None where not chosen), for the list's selector."""
        return getattr(self, "place", dict.fromkeys(self.PLACE_FIELDS))

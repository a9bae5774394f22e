from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from governance.held_photos import photo_hold, photos_held, photos_release
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


def held_choices(photos) -> list[tuple[str, str]]:
    """(token, thumbnail address) of each held photo: the choices KeptPhotosWidget shows."""
    return [(photo.token, reverse("held-photo", kwargs={"token": photo.token})) for photo in photos]


class KeptPhotosWidget(forms.CheckboxSelectMultiple):
    """Each kept photo as its thumbnail with a checkbox (checked = send it); unticking one drops it."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(value or [])
        boxes = format_html_join(
            "",
            '<label class="kept-photo"><input type="checkbox" name="{}" value="{}"{}> <img src="{}" alt="" width="72" height="72"></label>',
            ((name, token, " checked" if token in chosen else "", url) for token, url in self.choices),
        )
        return format_html('<div class="d-flex flex-wrap gap-2" id="{}" data-kept-photos>{}</div>', (attrs or {}).get("id", ""), boxes)


class KeepsPhotosMixin:
    """A form whose chosen photos survive its errors: they are uploaded and kept, and offered again as ticked thumbnails.

    Any error (a field's, the form's, or a service's added with add_error) keeps the photos posted with it; on success
    the view calls `photos_release()` once the record holds them. Each photo field `F` gets a companion `F_kept`.
    """

    photo_fields: tuple[str, ...] = ("photos",)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        # Through the API (no browser session) nothing is kept: the client still holds its files.
        self._photos_kept = request is None
        self._held = {}
        if request is None:
            return
        order = []
        for name in self.fields:
            order.append(name)
            if name in self.photo_fields:
                order.append(f"{name}_kept")
        data = self.data.copy()
        for name in [name for name in self.photo_fields if name in self.fields]:
            tokens = self.data.getlist(f"{name}_kept") if self.is_bound else []
            self._held[name] = photos_held(request=request, tokens=tokens)
            # A token this browser did not send is dropped as if never posted: no error tells it exists.
            data.setlist(f"{name}_kept", [token for token in tokens if token in {photo.token for photo in self._held[name]}])
            self.fields[f"{name}_kept"] = forms.MultipleChoiceField(
                label=_("Photos you chose before"), required=False, help_text=_("Kept for you: untick a photo to leave it out.")
            )
            self._offer(name)
        if self.is_bound:
            self.data = data
        self.order_fields(order)

    def _offer(self, name: str) -> None:
        field = self.fields[f"{name}_kept"]
        field.choices = held_choices(self._held[name])
        field.widget = KeptPhotosWidget(choices=field.choices) if field.choices else forms.MultipleHiddenInput()

    def photo_field_remove(self, name: str) -> None:
        """Leave a photo field out of this form (with its kept photos)."""
        del self.fields[name]
        self.fields.pop(f"{name}_kept", None)
        self._held.pop(name, None)

    def clean(self):
        data = super().clean()
        for name, held in self._held.items():
            ticked = set(data.pop(f"{name}_kept", None) or [])
            kept = [photo.image for photo in held if photo.token in ticked]
            value = data.get(name)
            # A several-photo field gets the kept ones added; a one-photo field takes a kept one only when none is new.
            data[name] = [*value, *kept] if isinstance(value, list) else value or (kept[0] if kept else None)
        return data

    def add_error(self, field, error):
        super().add_error(field, error)
        self.photos_keep()

    def photos_keep(self) -> None:
        """Hold the photos posted with this form (once), so that the form shown again still has them."""
        if self._photos_kept or not self.is_bound:
            return
        self._photos_kept = True
        data = self.data.copy()
        for name in self._held:
            for upload in self.files.getlist(name):
                try:
                    self._held[name].append(photo_hold(request=self.request, upload=upload))
                except ValidationError as exc:
                    self.add_error(name, exc)
                    continue
                data.appendlist(f"{name}_kept", self._held[name][-1].token)
            self._offer(name)
        self.data = data

    def photos_release(self) -> None:
        if self.request is None:
            return
        photos_release(request=self.request, photos=[photo for held in self._held.values() for photo in held])


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

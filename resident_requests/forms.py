import re
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.params import degrees, parse_w3c_datetime
from governance.forms import KeepsPhotosMixin
from governance.public_forms import HoneypotField
from governance.validators import normalize_mobile
from grids.models import Building, Grid
from grids.places import place_locate
from households.models import Household
from households.selectors import household_by_token
from resident_requests.models import DESCRIPTION_MAX_LENGTH, WEB_LINK, Category, ResidentRequest, ServiceAttribute, Urgency
from resident_requests.selectors import buildings_by_address


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked by content in the service."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif", "multiple": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def category_field() -> CategoryChoiceField:
    """Two levels: each parent category is a group of its children (a parent without children is chosen itself)."""
    queryset = Category.objects.filter(active=True).select_related("parent").order_by("parent__sort_order", "sort_order")
    field = CategoryChoiceField(queryset=queryset, label=_("Category"))
    children: dict[int, list] = {}
    parents = []
    for category in queryset:
        if category.parent_id is None:
            parents.append(category)
        else:
            children.setdefault(category.parent_id, []).append((category.pk, category.name))
    field.choices = [("", "---------")] + [
        (parent.name, children[parent.pk]) if parent.pk in children else (parent.pk, parent.name) for parent in sorted(parents, key=lambda c: c.sort_order)
    ]
    return field


def building_field(*, buildings_url: str) -> forms.TypedChoiceField:
    """The building, picked from the chosen grid's list (the page refreshes the list when the grid changes)."""
    return forms.TypedChoiceField(
        label=_("Building (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("This building is not in the grid you chose; pick the building again.")},
        widget=forms.Select(attrs={"data-buildings-of": "id_grid", "data-buildings-url": buildings_url}),
    )


def building_choices(grid_id) -> list[tuple]:
    """The grid's buildings in number order, named as on their plates; before a grid is chosen, a prompt."""
    if grid_id is None:
        return [("", _("Choose the grid first"))]
    buildings = Building.objects.filter(grid_id=grid_id).order_by("number").only("pk", "name", "address")
    return [("", _("Not known / no building"))] + [(b.pk, f"{b.name}（{b.address}）" if b.address else b.name) for b in buildings]


def chosen_grid(form) -> int | None:
    """The grid the building list is for: the one posted if it is among the choices, else the initial or only one."""
    choices = {str(value) for value, _label in form.fields["grid"].choices}
    posted = form.data.get(form.add_prefix("grid")) if form.is_bound else None
    for candidate in (posted, form.initial.get("grid"), next(iter(choices)) if len(choices) == 1 else None):
        if candidate is not None and str(candidate) in choices:
            return int(candidate)
    return None


class IntakeForm(KeepsPhotosMixin, forms.Form):
    """A cadre's intake (phone, 12345 hotline) or a grid worker's patrol report."""

    source = forms.ChoiceField(label=_("Source"), choices=[])
    category = forms.ModelChoiceField(queryset=Category.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.SCHEDULED)
    description = forms.CharField(label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=DESCRIPTION_MAX_LENGTH)
    grid = forms.TypedChoiceField(label=_("Grid"), coerce=int)
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Resident's phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    anonymous = forms.BooleanField(label=_("The resident wants to stay anonymous"), required=False)
    photos = PhotosField(label=_("Photos (up to 9)"), required=False)
    handled_on_spot = forms.BooleanField(label=_("I handled it on the spot (自行处置)"), required=False)
    result_note = forms.CharField(label=_("What I did"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    result_photos = PhotosField(label=_("Photos of the result"), required=False)
    photo_fields = ("photos", "result_photos")

    def __init__(self, *args, grids, sources, **kwargs):
        super().__init__(*args, **kwargs)
        if ResidentRequest.Source.PATROL not in sources:
            for name in ("handled_on_spot", "result_note"):
                del self.fields[name]
            self.photo_field_remove("result_photos")
        self.fields["category"] = category_field()
        self.fields["grid"].choices = [(grid.pk, f"{grid.community.name} {grid.name}") for grid in grids]
        self.fields["building"] = building_field(buildings_url=reverse("request-intake-buildings"))
        self.fields["building"].choices = building_choices(chosen_grid(self))
        self.order_fields(["source", "category", "urgency", "description", "grid", "building"])
        self.fields["source"].choices = [(value, ResidentRequest.Source(value).label) for value in sources]
        if len(sources) == 1:
            self.fields["source"].widget = forms.HiddenInput()
            self.fields["source"].initial = sources[0]

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_mobile(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("handled_on_spot") and data.get("source") != ResidentRequest.Source.PATROL:
            self.add_error("handled_on_spot", _("Only a problem found on patrol can be reported as handled on the spot."))
        return data


class PublicRequestForm(KeepsPhotosMixin, forms.Form):
    """The resident's form: only what is needed, a honeypot field, phone optional for anonymous reports."""

    category = forms.ModelChoiceField(queryset=Category.objects.none())
    description = forms.CharField(
        label=_("What is the problem or what do you need?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DESCRIPTION_MAX_LENGTH,
        min_length=5,
        error_messages={"min_length": _("Describe the problem in a few words (at least 5 characters).")},
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Your mobile number (optional, for the answer)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    anonymous = forms.BooleanField(label=_("Stay anonymous"), required=False)
    photos = PhotosField(label=_("Photos (up to 9)"), required=False)
    website = HoneypotField()

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = category_field()
        if community is not None:
            # From the community's link the place is not known yet: the resident says which grid.
            self.fields["grid"] = forms.TypedChoiceField(
                label=_("Your grid"), coerce=int, choices=[(grid.pk, grid.name) for grid in community.grids.order_by("sequence")]
            )
            self.fields["building"] = building_field(buildings_url=reverse("public-community-buildings", kwargs={"code": community.code}))
            self.fields["building"].choices = building_choices(chosen_grid(self))
            self.order_fields(["category", "description", "grid", "building"])

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_mobile(value) if value else ""


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"), choices=ResidentRequest.Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Comment (optional)"), max_length=200, required=False)


def _coordinate(value: str, *, limit: int, name: str):
    if value == "":
        return None
    number = degrees(value, limit=limit)
    if number is None:
        raise forms.ValidationError(_("%(name)s must be decimal degrees from -%(limit)d to %(limit)d, like 38.0428.") % {"name": name, "limit": limit})
    return number


class Place(NamedTuple):
    grid: Grid
    building: Building | None
    household: Household | None


def place_at(*, lon: float, lat: float) -> Place:
    """The grid containing the point and the nearest building in it; a point in no grid is refused, never guessed."""
    try:
        found = place_locate(lon=lon, lat=lat)
    except ValidationError as exc:
        raise forms.ValidationError({"lat": exc.messages}) from exc
    return Place(grid=found.grid, building=found.building, household=None)


def building_by_address(text: str) -> Building:
    """The one building whose address is the text, contains it, or is the longest one contained in it; several → a 400 naming them."""
    candidates = buildings_by_address(text)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise forms.ValidationError({"address_string": _("No building has an address like %(text)s; write it as on the building's plate.") % {"text": text}})
    names = "；".join(f"{building.address}（{building.grid.community.name}{building.grid.name}）" for building in candidates)
    raise forms.ValidationError({"address_string": _("%(text)s matches several buildings: %(names)s. Send the full address.") % {"text": text, "names": names}})


def attribute_answers(category: Category, answers: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """The answers to the service's questions (attribute[code], attribute[code][] for several), checked against their types."""
    declared = {attribute.code: attribute for attribute in category.attributes.all()}
    values = {}
    for key, given in answers.items():
        match = re.fullmatch(r"attribute\[([A-Za-z0-9_-]{1,40})\](\[\])?", key)
        if match is None or match.group(1) not in declared:
            raise forms.ValidationError(
                _("This service has no attribute %(key)s; GET services/%(code)s.json lists them.") % {"key": key, "code": category.code}
            )
        values.setdefault(match.group(1), []).extend(value.strip() for value in given if value.strip())
    cleaned = {}
    for code, attribute in declared.items():
        given = values.get(code, [])
        if not given:
            if attribute.required:
                raise forms.ValidationError(_("attribute[%(code)s] is required: %(question)s") % {"code": code, "question": attribute.description})
            continue
        cleaned[code] = attribute_value(attribute, given)
    return cleaned


def attribute_value(attribute: ServiceAttribute, given: list[str]) -> str | list[str]:
    Datatype = ServiceAttribute.Datatype
    wrong = forms.ValidationError(_("attribute[%(code)s] does not fit: %(question)s") % {"code": attribute.code, "question": attribute.description})
    if attribute.datatype == Datatype.MULTI:
        keys = {key for key, _name in attribute.choices()}
        if not set(given) <= keys:
            raise wrong
        return list(dict.fromkeys(given))
    if len(given) > 1:
        raise wrong
    value = given[0]
    valid = {
        Datatype.STRING: len(value) <= 200,
        Datatype.TEXT: len(value) <= DESCRIPTION_MAX_LENGTH,
        Datatype.NUMBER: re.fullmatch(r"-?[0-9]{1,12}(\.[0-9]{1,6})?", value) is not None,
        Datatype.DATETIME: parse_w3c_datetime(value) is not None,
        Datatype.SINGLE: value in {key for key, _name in attribute.choices()},
    }[attribute.datatype]
    if not valid:
        raise wrong
    return value


class Open311RequestForm(forms.Form):
    """An Open311 GeoReport v2 POST, with the spec's field names: one location (card, point or address) is required."""

    service_code = forms.CharField(max_length=40)
    description = forms.CharField(max_length=DESCRIPTION_MAX_LENGTH, required=False, strip=True)
    lat = forms.CharField(max_length=30, required=False)
    long = forms.CharField(max_length=30, required=False)
    address_string = forms.CharField(max_length=200, required=False)
    address_id = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(max_length=254, required=False)
    device_id = forms.CharField(max_length=100, required=False)
    account_id = forms.CharField(max_length=100, required=False)
    first_name = forms.CharField(max_length=25, required=False)
    last_name = forms.CharField(max_length=25, required=False)
    phone = forms.CharField(max_length=20, required=False)
    media_url = forms.URLField(max_length=2000, required=False, assume_scheme="https", validators=[WEB_LINK])
    jurisdiction_id = forms.CharField(max_length=50, required=False)

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.answers = {key: data.getlist(key) for key in data if key.startswith("attribute[")}

    def clean_service_code(self):
        category = Category.objects.filter(code=self.cleaned_data["service_code"], active=True).select_related("parent").prefetch_related("attributes").first()
        if category is None:
            raise forms.ValidationError(_("No service has this service_code; GET services.json lists them."))
        return category

    def clean_lat(self):
        return _coordinate(self.cleaned_data["lat"], limit=90, name="lat")

    def clean_long(self):
        return _coordinate(self.cleaned_data["long"], limit=180, name="long")

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_mobile(value) if value else ""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["place"] = self._place(data)
        data["attributes"] = attribute_answers(data["service_code"], self.answers)
        return data

    def _place(self, data) -> Place:
        """Where the request is: the card's household, the grid and building at the point, or the building with that address."""
        point = (data["long"], data["lat"])
        if (point[0] is None) != (point[1] is None):
            raise forms.ValidationError({"lat": _("Send lat and long together.")})
        located = place_at(lon=point[0], lat=point[1]) if point[0] is not None else None
        if data["address_id"]:
            household = household_by_token(data["address_id"])
            if household is None:
                raise forms.ValidationError({"address_id": _("address_id must be the code of a heart-link card (连心卡).")})
            if located is not None and located.grid.pk != household.grid_id:
                raise forms.ValidationError(
                    {"lat": _("lat/long lie in %(point)s, but the card's household is in %(card)s: send one of them, or correct the point.")
                     % {"point": located.grid.name, "card": household.grid.name}}
                )  # fmt: skip
            return Place(grid=household.grid, building=household.building, household=household)
        if located is not None:
            return located
        if data["address_string"]:
            building = building_by_address(data["address_string"])
            return Place(grid=building.grid, building=building, household=None)
        raise forms.ValidationError(_("Say where: address_id (the heart-link card's code), lat and long, or address_string."))

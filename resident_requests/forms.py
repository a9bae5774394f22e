from django import forms
from django.utils.translation import gettext_lazy as _

from governance.public_forms import HoneypotField
from governance.validators import normalize_mobile
from resident_requests.models import Category, ResidentRequest, Urgency


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


class IntakeForm(forms.Form):
    """A cadre's intake (phone, 12345 hotline) or a grid worker's patrol report."""

    source = forms.ChoiceField(label=_("Source"), choices=[])
    category = forms.ModelChoiceField(queryset=Category.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.SCHEDULED)
    description = forms.CharField(label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    grid = forms.TypedChoiceField(label=_("Grid"), coerce=int)
    building = forms.IntegerField(label=_("Building number in the grid (optional)"), required=False, min_value=1)
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Resident's phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    anonymous = forms.BooleanField(label=_("The resident wants to stay anonymous"), required=False)
    photos = PhotosField(label=_("Photos (up to 9)"), required=False)
    handled_on_spot = forms.BooleanField(label=_("I handled it on the spot (自行处置)"), required=False)
    result_note = forms.CharField(label=_("What I did"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    result_photos = PhotosField(label=_("Photos of the result"), required=False)

    def __init__(self, *args, grids, sources, **kwargs):
        super().__init__(*args, **kwargs)
        if ResidentRequest.Source.PATROL not in sources:
            for name in ("handled_on_spot", "result_note", "result_photos"):
                del self.fields[name]
        self.fields["category"] = category_field()
        self.fields["grid"].choices = [(grid.pk, f"{grid.community.name} {grid.name}") for grid in grids]
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


class PublicRequestForm(forms.Form):
    """The resident's form: only what is needed, a honeypot field, phone optional for anonymous reports."""

    category = forms.ModelChoiceField(queryset=Category.objects.none())
    description = forms.CharField(label=_("What is the problem or what do you need?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, min_length=5)
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
            self.fields["building"] = forms.IntegerField(label=_("Building number (optional)"), required=False, min_value=1)
            self.order_fields(["category", "description", "grid", "building"])

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_mobile(value) if value else ""


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"), choices=ResidentRequest.Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Comment (optional)"), max_length=200, required=False)

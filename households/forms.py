from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.idcard import parse_id_number
from governance.forms import KeepsPhotosMixin, PlaceFilterForm
from governance.roles import Capability
from governance.validators import normalize_mobile
from households.models import CareTag, Household, Resident, Visit


class TagChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


def _tags_field(applies: set[str], *, sensitive_ok: bool) -> TagChoiceField:
    queryset = CareTag.objects.filter(active=True, applies_to__in=applies)
    if not sensitive_ok:
        queryset = queryset.filter(sensitive=False)
    return TagChoiceField(queryset=queryset.order_by("sort_order"), required=False, label=_("Tags"))


class HouseholdForm(forms.ModelForm):
    phone = forms.CharField(label=_("Household phone"), max_length=20, required=False)

    class Meta:
        model = Household
        fields = ["unit", "floor", "room", "tenure", "residence", "registered_address", "is_party_household", "moved_in_on", "living_situation"]
        widgets = {"moved_in_on": forms.DateInput(attrs={"type": "date"}), "living_situation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, sensitive_ok: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"] = _tags_field({CareTag.AppliesTo.HOUSEHOLD, CareTag.AppliesTo.BOTH}, sensitive_ok=sensitive_ok)
        if self.instance.pk:
            self.fields["phone"].help_text = _("Leave empty to keep %(masked)s.") % {"masked": self.instance.phone_masked or "—"}
            self.fields["tags"].initial = [tag.pk for tag in self.instance.tags.all()]

    def validate_unique(self):
        # Uniqueness (an occupied room) is checked by the service, which knows the building.
        return

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_mobile(value) if value else ""


class ResidentForm(forms.ModelForm):
    id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)

    class Meta:
        model = Resident
        fields = [
            "name",
            "relation",
            "sex",
            "birth_date",
            "employment",
            "work_unit",
            "is_party_member",
            "party_branch",
            "health",
            "disability",
            "income",
            "special_situation",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}), "special_situation": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, sensitive_ok: bool, birth_date_ok: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].required = False
        if self.instance.pk and not birth_date_ok:
            # The stored date would complete the masked ID number (households.permissions.birth_date_scope).
            del self.fields["birth_date"]
        self.fields["tags"] = _tags_field({CareTag.AppliesTo.RESIDENT, CareTag.AppliesTo.BOTH}, sensitive_ok=sensitive_ok)
        if not sensitive_ok:
            for name in Resident.SENSITIVE_FIELDS:
                del self.fields[name]
        if self.instance.pk:
            self.fields["id_number"].help_text = _("Leave empty to keep %(masked)s.") % {"masked": self.instance.id_number_masked or "—"}
            self.fields["phone"].help_text = _("Leave empty to keep %(masked)s.") % {"masked": self.instance.phone_masked or "—"}
            self.fields["tags"].initial = [tag.pk for tag in self.instance.tags.all()]
        else:
            self.fields["id_number"].help_text = _("Birth date and sex are filled from the number.")

    def validate_unique(self):
        return

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        return parse_id_number(value).number if value else ""

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_mobile(value) if value else ""


class VisitForm(KeepsPhotosMixin, forms.Form):
    visited_at = forms.DateTimeField(label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    method = forms.ChoiceField(label=_("How"), choices=Visit.Method.choices, widget=forms.RadioSelect, initial=Visit.Method.DOOR)
    met_person = forms.CharField(label=_("Who was met"), max_length=50, required=False)
    findings = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    needs = forms.CharField(label=_("Needs"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # Checked by content (size, pixels, format) in the service, like every other photo.
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    photo_fields = ("photo",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ArchiveForm(forms.Form):
    moved_out_on = forms.DateField(label=_("Moved out on"), widget=forms.DateInput(attrs={"type": "date"}))


class HouseholdFilterForm(PlaceFilterForm):
    q = forms.CharField(label=_("Name, phone tail (4 digits), building or room"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args, user, sensitive_ok: bool, **kwargs):
        super().__init__(*args, user=user, capability=Capability.VIEW_LEDGER, **kwargs)
        tags = CareTag.objects.filter(active=True).order_by("sort_order")
        if not sensitive_ok:
            tags = tags.filter(sensitive=False)
        self.fields["tag"].choices = [("", _("All tags")), *[(tag.code, tag.name) for tag in tags]]

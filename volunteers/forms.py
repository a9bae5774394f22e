"""One input form per volunteer action, shared by the pages and the API (volunteers/api.py documents each in OpenAPI)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy

from governance.models import Community, ResidentUnit
from governance.public_forms import HoneypotField
from grids.models import Grid
from households.models import Household
from volunteers import selectors
from volunteers.models import Skill


class CommunityChoiceForm(forms.Form):
    """The community a cadre acts for: chosen only by who manages volunteers in several (a street cadre), implied otherwise."""

    community = forms.ModelChoiceField(
        queryset=Community.objects.none(),
        label=gettext_lazy("Community"),
        required=False,
        help_text=gettext_lazy("Required when you manage volunteers in several communities."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = selectors.communities_managed_by(user)
        first_two = list(communities[:2])
        self.only_community = first_two[0] if len(first_two) == 1 else None
        if self.only_community is not None:
            del self.fields["community"]
        else:
            self.fields["community"].queryset = communities
            self.fields["community"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.only_community is not None:
            cleaned["community"] = self.only_community
        return cleaned


class RegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=20)
    is_party_member = forms.BooleanField(label=gettext_lazy("I am an in-service party member"), required=False, initial=True)
    work_unit_name = forms.CharField(label=gettext_lazy("Work unit"), max_length=100, required=False)
    party_branch = forms.CharField(label=gettext_lazy("Own party branch"), max_length=100, required=False)
    skills = forms.MultipleChoiceField(label=gettext_lazy("Skills"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple, required=False)
    availability = forms.CharField(label=gettext_lazy("When are you free?"), max_length=100, required=False)


class DeskRegisterForm(CommunityChoiceForm, RegisterForm):
    """The community registers a member on their behalf (no account needed to serve)."""


GRID_OF_COMMUNITY = gettext_lazy("Choose a grid of the volunteer's community.")


class VolunteerConfirmForm(forms.Form):
    """The community confirms a registration and places the member in one of its grid party organisations."""

    grid = forms.ModelChoiceField(
        queryset=Grid.objects.none(),
        label=gettext_lazy("Grid party organisation"),
        error_messages={"invalid_choice": GRID_OF_COMMUNITY, "required": GRID_OF_COMMUNITY},
    )

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = selectors.grids_of(volunteer)


class LinksForm(forms.Form):
    """The about ten households of the member's grid the member looks after ("1+10")."""

    households = forms.ModelMultipleChoiceField(queryset=Household.objects.none(), label=gettext_lazy("Households"))

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = selectors.households_linkable(volunteer)


class NoteForm(forms.Form):
    """A review's optional comment (a wish published or not, a report reviewed)."""

    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    """Why an entry of the points passbook is corrected (the service asks for at least two characters)."""

    note = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


# Sign-up and cancellation close two hours before the start, so the organiser knows who comes.
SIGNUP_CLOSES_BEFORE = dt.timedelta(hours=2)


class ActivityForm(CommunityChoiceForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100)
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    places = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=500)
    skills = forms.MultipleChoiceField(label=gettext_lazy("Skills wanted"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple, required=False)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    organiser_unit = forms.ModelChoiceField(queryset=ResidentUnit.objects.none(), label=gettext_lazy("Organised by a resident unit (optional)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organiser_unit"].queryset = selectors.resident_units_for(user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_at"):
            cleaned["signup_closes_at"] = cleaned["starts_at"] - SIGNUP_CLOSES_BEFORE
        return cleaned


class CheckinCodeForm(forms.Form):
    """The rotating code of the organiser's QR code, for a check-in or check-out by the volunteer's phone."""

    code = forms.CharField(label=gettext_lazy("Check-in code"), max_length=64)


class GiftForm(forms.Form):
    merchant = forms.ModelChoiceField(queryset=ResidentUnit.objects.none(), label=gettext_lazy("Alliance merchant"))
    name = forms.CharField(label=gettext_lazy("Gift"), max_length=100)
    points = forms.IntegerField(label=gettext_lazy("Points price"), min_value=1)
    stock = forms.IntegerField(label=gettext_lazy("In stock"), min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = selectors.resident_units_for(user)


class WishForm(forms.Form):
    resident_name = forms.CharField(label=gettext_lazy("Your name"), max_length=50)
    content = forms.CharField(label=gettext_lazy("Your small wish"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class PublicWishForm(WishForm):
    website = HoneypotField()


class CadreWishForm(CommunityChoiceForm, WishForm):
    """A cadre posts a wish on a resident's behalf (a visit, a phone call)."""


class WishClaimForm(forms.Form):
    """A volunteer claims for themselves (no unit); a cadre records the claim of a resident unit of the area."""

    unit = forms.ModelChoiceField(queryset=ResidentUnit.objects.none(), label=gettext_lazy("Resident unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.resident_units_for(user)


class WishFulfilForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("How it was fulfilled"), required=False)
    # The service checks the photo by its content; a form-level image check would decode it twice.
    photo = forms.FileField(label=gettext_lazy("Photo"), required=False)


class PostForm(CommunityChoiceForm):
    title = forms.CharField(label=gettext_lazy("Post"), max_length=100)
    places = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=200)
    description = forms.CharField(label=gettext_lazy("Duties"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


HOURS_AS_NUMBER = gettext_lazy("Enter the hours as a number.")


class DutyForm(forms.Form):
    hours = forms.DecimalField(
        label=gettext_lazy("Hours on duty"), max_digits=5, decimal_places=2, error_messages={"invalid": HOURS_AS_NUMBER, "required": HOURS_AS_NUMBER}
    )


class UnitForm(CommunityChoiceForm):
    name = forms.CharField(label=gettext_lazy("Unit name"), max_length=100)
    credit_code = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=18)
    party_org_name = forms.CharField(label=gettext_lazy("Party organisation"), max_length=100)
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=gettext_lazy("Contact phone"), max_length=20)
    resources = forms.CharField(label=gettext_lazy("Resources offered"), widget=forms.Textarea(attrs={"rows": 2}))

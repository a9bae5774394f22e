"""One form per action of the three lists and linkage pages; the API reads its input schema off the same forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField, IdMultipleChoiceField
from party_building import selectors
from party_building.models import LinkageRecord, ListCategory, Project
from resident_requests.models import Category

TEXT_MAX = 4000


class ResourceForm(forms.Form):
    unit = IdChoiceField(queryset=None, label=_("Resident unit"), help_text=_("A resident unit of your area."))
    category = forms.ChoiceField(choices=ListCategory.choices, label=_("Category"))
    description = forms.CharField(max_length=200, label=_("Resource"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.list_unit_list_for(user)


class DemandForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("A community of your area."))
    category = forms.ChoiceField(choices=ListCategory.choices, label=_("Category"))
    description = forms.CharField(max_length=200, label=_("Demand"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.list_community_list_for(user)


class ProjectForm(forms.Form):
    demand = IdChoiceField(queryset=None, label=_("Demand"))
    resource = IdChoiceField(queryset=None, label=_("Resource"), help_text=_("A resource of the demand's street."))
    owner = forms.CharField(max_length=50, label=_("Project owner"))
    plan = forms.CharField(max_length=TEXT_MAX, label=_("Plan"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demand"].queryset = selectors.demand_list_for(user)
        self.fields["resource"].queryset = selectors.resource_list_for(user)


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Project.Status.choices, label=_("Status"))
    result = forms.CharField(max_length=TEXT_MAX, required=False, label=_("Result"), help_text=_("Required when the project is done."))


class _RecordFields(forms.Form):
    held_on = forms.DateField(label=_("Date"), help_text=_("YYYY-MM-DD, not in the future."))
    people = forms.CharField(max_length=200, label=_("People"))
    topics = forms.CharField(max_length=TEXT_MAX, label=_("Topics"))
    problems = forms.CharField(max_length=TEXT_MAX, required=False, label=_("Problems raised, one per line"))


class LinkageRecordForm(_RecordFields):
    """A leader's own visit or contact, for one of their duties."""

    duty = IdChoiceField(queryset=None, label=_("Duty"), help_text=_("One of your own linkage duties."))
    kind = forms.ChoiceField(choices=[(LinkageRecord.Kind.VISIT, _("Visit")), (LinkageRecord.Kind.CONTACT, _("Contact (phone, message)"))], label=_("Kind"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].queryset = selectors.own_duty_list_for(user)


class JointMeetingForm(_RecordFields):
    """A community's party-building joint meeting with its resident units."""

    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("A community whose joint meetings you record."))
    units = IdMultipleChoiceField(queryset=None, required=False, label=_("Resident units present"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.meeting_community_list_for(user)
        self.fields["units"].queryset = selectors.meeting_unit_list_for(user)


class ProblemToRequestForm(forms.Form):
    problem = forms.CharField(max_length=TEXT_MAX, label=_("Problem"), help_text=_("One of the problems recorded, as written."))
    category = IdChoiceField(queryset=Category.objects.filter(active=True), label=_("Category"))

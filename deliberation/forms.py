"""One form per action of the deliberation pages; the API reads its input schema off the same forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField, IdMultipleChoiceField
from deliberation import selectors
from deliberation.lifecycle import Status
from deliberation.models import Meeting, Participant, Topic
from resident_requests.models import Category

TEXT_MAX = 4000


class ActionForm(forms.Form):
    """A page action's form: every one is built the same way, with the acting user, whether its choices depend on them or not."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class TopicFilterForm(forms.Form):
    """The topics list's filters: a value outside the choices is a bad query, never the unfiltered list."""

    status = forms.ChoiceField(choices=[("", _("Any status")), *Status.choices], required=False, label=_("Status"))
    source = forms.ChoiceField(choices=[("", _("Any origin")), *Topic.Source.choices], required=False, label=_("Raised by"))
    community = IdChoiceField(queryset=None, required=False, label=_("Community"), empty_label=_("Any community"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.community_list_for(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class TopicForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("A community where you run deliberation."))
    title = forms.CharField(max_length=100, label=_("Title"))
    description = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), label=_("Description"))
    source = forms.ChoiceField(choices=Topic.Source.choices, label=_("Raised by"))
    request = IdChoiceField(queryset=None, required=False, label=_("Request"), help_text=_("When raised by a resident request: its number."))
    visit = IdChoiceField(queryset=None, required=False, label=_("Visit"), help_text=_("When raised by a need found on a visit."))
    unit = IdChoiceField(queryset=None, required=False, label=_("Resident unit"), help_text=_("When raised by a resident unit."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.community_list_for(user)
        self.fields["request"].queryset = selectors.origin_request_list_for(user)
        self.fields["visit"].queryset = selectors.origin_visit_list_for(user)
        self.fields["unit"].queryset = selectors.origin_unit_list_for(user)


class MeetingForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("A community where you run deliberation."))
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, label=_("Kind"))
    held_on = forms.DateField(label=_("Date"), help_text=_("YYYY-MM-DD; a date to come schedules the meeting."))
    place = forms.CharField(max_length=100, label=_("Place"))
    summary = forms.CharField(max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Minutes"))
    topics = IdMultipleChoiceField(queryset=None, required=False, label=_("Topics"), help_text=_("Proposed topics of the community to put to the meeting."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.community_list_for(user)
        self.fields["topics"].queryset = selectors.schedulable_topic_list_for(user)


class ScheduleForm(ActionForm):
    meeting = IdChoiceField(queryset=None, label=_("Meeting"), help_text=_("A meeting of the topic's community."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = selectors.meeting_list_for(user)


class ParticipantForm(ActionForm):
    kind = forms.ChoiceField(choices=Participant.Kind.choices, label=_("Who"))
    names = forms.CharField(max_length=300, label=_("Names"), help_text=_("Names, or the group's name."))
    count = forms.IntegerField(min_value=1, max_value=1000, label=_("Number of people"))
    phone = forms.CharField(max_length=20, required=False, label=_("Contact phone"), help_text=_("Optional; stored encrypted and shown masked."))


class OptionForm(ActionForm):
    text = forms.CharField(max_length=200, label=_("Option"))


class VoteForm(ActionForm):
    votes_for = forms.IntegerField(min_value=0, max_value=100000, label=_("For"))
    votes_against = forms.IntegerField(min_value=0, max_value=100000, label=_("Against"))
    votes_abstain = forms.IntegerField(min_value=0, max_value=100000, label=_("Abstain"))


class DecideForm(ActionForm):
    outcome = forms.ChoiceField(choices=Topic.Outcome.choices, label=_("Outcome"))
    consensus = forms.CharField(max_length=TEXT_MAX, required=False, label=_("Consensus reached"), help_text=_("Required for a consensus."))
    decision = forms.CharField(
        max_length=TEXT_MAX, required=False, label=_("Decision"), help_text=_("As published; by default the adopted option or the consensus.")
    )


class DropForm(ActionForm):
    reason = forms.CharField(max_length=TEXT_MAX, label=_("Reason"))


class TopicCloseForm(ActionForm):
    note = forms.CharField(max_length=TEXT_MAX, required=False, label=_("Note"))


class TaskForm(ActionForm):
    title = forms.CharField(max_length=200, label=_("Task"))
    responsible = forms.CharField(max_length=50, label=_("Responsible person"))
    due_on = forms.DateField(label=_("Due"), help_text=_("YYYY-MM-DD, today or later."))
    category = IdChoiceField(
        queryset=Category.objects.filter(active=True),
        required=False,
        label=_("As a request of category"),
        help_text=_("Makes the task a resident request of the community."),
    )
    resource = IdChoiceField(queryset=None, required=False, label=_("As a project with resource"), help_text=_("Makes the task a project of the three lists."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = selectors.task_resource_list_for(user)


class TaskDoneForm(ActionForm):
    result = forms.CharField(max_length=TEXT_MAX, label=_("Result"))

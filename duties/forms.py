"""One form per action of the duty list and 准入 pages; the API reads its input schema off the same forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField
from duties import selectors
from duties.lifecycle import Decision
from duties.models import DutyKind

TEXT_MAX = 4000


class _DutyFields(forms.Form):
    kind = forms.ChoiceField(choices=DutyKind.choices, label=_("Kind"))
    name = forms.CharField(max_length=100, label=_("Duty"))
    basis = forms.CharField(max_length=300, required=False, label=_("Legal basis"))
    department = IdChoiceField(queryset=None, required=False, label=_("Responsible department"), help_text=_("Required for assistance duties."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.department_list_for(user).filter(active=True)


class DutyCreateForm(_DutyFields):
    """A new duty on a community's list, added by its street."""

    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("A community whose list you keep."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["community"].queryset = selectors.kept_community_list_for(user)


class DutyChangeForm(_DutyFields):
    """A duty changed, or taken off the list (`active` unticked)."""

    active = forms.BooleanField(required=False, label=_("On the list"))


class DutyCopyForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("A community whose list you keep."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.kept_community_list_for(user)


class DepartmentForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Department"))


class DepartmentChangeForm(DepartmentForm):
    active = forms.BooleanField(required=False, label=_("Active"))


class TaskRegisterForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("The community the task was pushed down to."))
    department = IdChoiceField(queryset=None, label=_("Department"), help_text=_("The department that pushed the task down."))
    title = forms.CharField(max_length=200, label=_("Task"))
    description = forms.CharField(max_length=TEXT_MAX, required=False, label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("Received on"), help_text=_("YYYY-MM-DD, not in the future."), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(required=False, label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    duty = IdChoiceField(
        queryset=None, required=False, label=_("Duty on the list"), help_text=_("The duty the task falls under; leave empty when it is off the list.")
    )
    refuse = forms.BooleanField(required=False, label=_("Refuse at once"), help_text=_("Off the list only: record it as refused instead of asking the street."))
    reason = forms.CharField(
        max_length=TEXT_MAX,
        required=False,
        label=_("Reason"),
        help_text=_("Off the list: why, for the street or for the record."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.community_list_for(user)
        self.fields["department"].queryset = selectors.department_list_for(user).filter(active=True)
        self.fields["duty"].queryset = selectors.duty_list_for(user).filter(active=True)


class TaskDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, label=_("Decision"))
    reason = forms.CharField(max_length=TEXT_MAX, required=False, label=_("Reason"), help_text=_("Required when refusing."))

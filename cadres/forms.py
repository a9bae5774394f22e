"""One form per action of the cadres pages; the API reads its input schema off the same forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres import selectors
from cadres.models import GrowthEntry, Pool, PoolRule, Post, Review, RoutineMeeting, WorkerProfile
from core.forms import IdChoiceField, IdMultipleChoiceField

TEXT_MAX = 4000
SCORE = {"max_digits": 4, "decimal_places": 1, "min_value": 0, "max_value": 100}


class ProfileForm(forms.Form):
    user = IdChoiceField(queryset=None, label=_("Worker's account"), help_text=_("A staff member of your area without a file yet."))
    community = IdChoiceField(queryset=None, label=_("Community"))
    grid = IdChoiceField(queryset=None, required=False, label=_("Grid"), help_text=_("For grid workers: their grid, in the community."))
    post = forms.ChoiceField(choices=Post.choices, label=_("Post"))
    grade = forms.IntegerField(min_value=1, max_value=30, required=False, label=_("Grade"), help_text=_("1 when left empty."))
    entry_date = forms.DateField(label=_("Entry date"), help_text=_("YYYY-MM-DD, not in the future."))
    exam_record = forms.CharField(max_length=200, required=False, label=_("Entry exam"))
    id_number = forms.CharField(max_length=18, required=False, label=_("ID number"))
    phone = forms.CharField(max_length=20, required=False, label=_("Mobile number"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.unfiled_user_list_for(user)
        self.fields["community"].queryset = selectors.community_list_for(user)
        self.fields["grid"].queryset = selectors.grid_list_for(user)

    def clean_grade(self):
        return self.cleaned_data["grade"] or 1


class TeamFilterForm(forms.Form):
    """The team list's filters; a value outside the choices is a 400, never the unfiltered list."""

    community = IdChoiceField(queryset=None, required=False, label=_("Community"))
    post = forms.ChoiceField(choices=[("", _("All posts")), *Post.choices], required=False, label=_("Post"))
    grade = forms.IntegerField(min_value=1, max_value=30, required=False, label=_("Grade"))
    q = forms.CharField(max_length=50, required=False, label=_("Name"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.community_list_for(user)


class ProfileUpdateForm(forms.Form):
    training_hours = forms.DecimalField(max_digits=6, decimal_places=1, min_value=0, max_value=10000, label=_("Training hours"))
    resources = forms.CharField(max_length=TEXT_MAX, required=False, label=_("What they can offer"))
    needs = forms.CharField(max_length=TEXT_MAX, required=False, label=_("What they need"))
    id_number = forms.CharField(max_length=18, required=False, label=_("ID number"), help_text=_("Leave empty to keep the stored one."))
    phone = forms.CharField(max_length=20, required=False, label=_("Mobile number"), help_text=_("Leave empty to keep the stored one."))


class VettingForm(forms.Form):
    vetting = forms.ChoiceField(choices=[c for c in WorkerProfile.Vetting.choices if c[0] != WorkerProfile.Vetting.PENDING], label=_("Vetting result"))
    vetted_on = forms.DateField(label=_("Vetted on"))
    note = forms.CharField(max_length=500, required=False, label=_("Vetting remarks"))


class GradeStepForm(forms.Form):
    district = IdChoiceField(queryset=None, label=_("District"))
    post = forms.ChoiceField(choices=Post.choices, label=_("Post"))
    grade = forms.IntegerField(min_value=1, max_value=30, label=_("Grade"))
    pay_step = forms.IntegerField(min_value=0, max_value=100000, label=_("Monthly pay step (yuan)"))
    min_years = forms.IntegerField(min_value=0, max_value=40, label=_("Minimum years"))
    min_score = forms.DecimalField(**SCORE, label=_("Minimum score last year"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = selectors.ladder_district_list_for(user)


class CadreReasonForm(forms.Form):
    reason = forms.CharField(max_length=TEXT_MAX, label=_("Reason"))


class ReviewForm(forms.Form):
    to = forms.ChoiceField(choices=[c for c in Review.choices if c[0] != Review.PROPOSED], label=_("Review step"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"), help_text=_("Required when refusing or removing."))


class PoolRuleForm(forms.Form):
    district = IdChoiceField(queryset=None, label=_("District"))
    pool = forms.ChoiceField(choices=Pool.choices, label=_("Worker pool"))
    kind = forms.ChoiceField(choices=PoolRule.Kind.choices, label=_("Kind"))
    text = forms.CharField(max_length=200, label=_("Entry rule"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = selectors.ladder_district_list_for(user)


class PoolEntryForm(forms.Form):
    profile = IdChoiceField(queryset=None, label=_("Community worker"))
    pool = forms.ChoiceField(choices=Pool.choices, label=_("Worker pool"))
    reason = forms.CharField(max_length=TEXT_MAX, label=_("Reason"))
    satisfied = IdMultipleChoiceField(queryset=None, required=False, label=_("Criteria satisfied"), help_text=_("Every rule in force of the pool."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = selectors.profile_list_for(user)
        self.fields["satisfied"].queryset = selectors.pool_rule_list_for(user).filter(active=True)

    def clean_satisfied(self):
        return {rule.pk for rule in self.cleaned_data["satisfied"]}


class PairForm(forms.Form):
    mentor = IdChoiceField(queryset=None, label=_("Mentor"), help_text=_("Filed in the mentor pool."))
    trainee = IdChoiceField(queryset=None, label=_("Trainee"), help_text=_("Filed in a reserve pool."))
    side = forms.ChoiceField(choices=[("mentor", _("The mentor chose the trainee")), ("trainee", _("The trainee chose the mentor"))], label=_("Who chose"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = selectors.profile_list_for(user)
        self.fields["trainee"].queryset = selectors.profile_list_for(user)


class MeasureForm(forms.Form):
    text = forms.CharField(max_length=200, label=_("Measure"))
    due_on = forms.DateField(required=False, label=_("Due on"))


class GrowthForm(forms.Form):
    kind = forms.ChoiceField(choices=GrowthEntry.Kind.choices, label=_("Kind"))
    on = forms.DateField(label=_("Date"))
    text = forms.CharField(max_length=TEXT_MAX, label=_("What happened"))
    solved = forms.BooleanField(required=False, label=_("Problem solved"))


class MeetingScheduleForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"))
    kind = forms.ChoiceField(choices=RoutineMeeting.Kind.choices, label=_("Mentoring meeting"))
    scheduled_on = forms.DateField(label=_("Date"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.community_list_for(user)


class MeetingRecordForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"))
    minutes = forms.CharField(max_length=TEXT_MAX, label=_("Meeting minutes"))

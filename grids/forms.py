"""The patrol's inputs, shared by the today page and the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField
from grids.selectors import worker_grid_list_for


class PatrolStartForm(forms.Form):
    grid = IdChoiceField(
        queryset=None,
        help_text=_("One of the grids where you are a grid worker."),
        # A grid that is not the worker's, or not a number at all, is refused alike.
        error_messages={"invalid_choice": _("Choose one of your own grids."), "invalid_pk_value": _("Choose one of your own grids.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = worker_grid_list_for(user)


class PatrolEndForm(forms.Form):
    notes = forms.CharField(label=_("What was seen"), required=False, max_length=4000, widget=forms.Textarea)

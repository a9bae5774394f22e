"""The patrol's inputs, shared by the today page and the API, and the back office's places import."""

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


class PlacesImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"), widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}))
    gcj02 = forms.BooleanField(
        label=_("Coordinates from a GCJ-02 map (高德, 腾讯)"),
        required=False,
        help_text=_("Tick only for coordinates taken from 高德 or 腾讯 maps: they are converted to WGS84. 天地图 (CGCS2000) and GPS need no conversion."),
    )

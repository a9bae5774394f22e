"""The patrol's inputs, shared by the today page and the API, and the back office's places import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DegreesField, IdChoiceField
from grids.selectors import worker_grid_list_for


class PositionForm(forms.Form):
    """Where the worker stands, when they let the phone tell (WGS84 from the browser): both coordinates or neither."""

    lon = DegreesField(limit=180, required=False, help_text=_("Longitude of where you stand (WGS84), with lat; optional."))
    lat = DegreesField(limit=90, required=False, help_text=_("Latitude of where you stand (WGS84), with lon; optional."))

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None) and not self.errors:
            raise forms.ValidationError(_("Give both longitude and latitude, or neither."))
        return data


def position_of(data: dict) -> tuple[float, float] | None:
    """The (lon, lat) a PositionForm's cleaned data gives, or None when the worker gave none."""
    return None if data.get("lon") is None else (data["lon"], data["lat"])


class PatrolStartForm(PositionForm):
    grid = IdChoiceField(
        queryset=None,
        help_text=_("One of the grids where you are a grid worker."),
        # A grid that is not the worker's, or not a number at all, is refused alike.
        error_messages={"invalid_choice": _("Choose one of your own grids."), "invalid_pk_value": _("Choose one of your own grids.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = worker_grid_list_for(user)


class PatrolEndForm(PositionForm):
    notes = forms.CharField(label=_("What was seen"), required=False, max_length=4000, widget=forms.Textarea)


class PlacesImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"), widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}))
    gcj02 = forms.BooleanField(
        label=_("Coordinates from a GCJ-02 map (高德, 腾讯)"),
        required=False,
        help_text=_("Tick only for coordinates taken from 高德 or 腾讯 maps: they are converted to WGS84. 天地图 (CGCS2000) and GPS need no conversion."),
    )

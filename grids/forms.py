from django import forms
from django.utils.translation import gettext_lazy as _


class PlacesImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"), widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}))
    gcj02 = forms.BooleanField(
        label=_("Coordinates from a GCJ-02 map (高德, 腾讯)"),
        required=False,
        help_text=_("Tick only for coordinates taken from 高德 or 腾讯 maps: they are converted to WGS84. 天地图 (CGCS2000) and GPS need no conversion."),
    )

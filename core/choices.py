"""Choice labels in one lookup.

Django's get_FOO_display builds a dict of the field's choices on every call, hashing each label, and each hash of a
translated label is a translation: a list page calls it for every row and column (690 translations for a board of 30
requests). Models shown in lists take this mixin: the choices are read into a dict once per field.
"""

from django.utils.encoding import force_str


class ChoiceLabels:
    def _get_FIELD_display(self, field):
        labels = field.__dict__.get("_labels_by_value")
        if labels is None:
            labels = field._labels_by_value = dict(field.flatchoices)
        value = getattr(self, field.attname)
        return force_str(labels.get(value, value), strings_only=True)

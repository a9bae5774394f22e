"""One form per action of the service pages; the API reads its input schema off the same forms."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community_services import selectors
from community_services.models import Booking, ServiceItem, TimeSlot
from core.forms import IdChoiceField
from governance.public_forms import HoneypotField
from governance.roles import Capability
from governance.validators import normalize_mobile

TEXT_MAX = 2000
DATE_HELP = _("YYYY-MM-DD")


class ServiceForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"), help_text=_("A community whose service list you keep."))
    name = forms.CharField(max_length=100, label=_("Service"))
    materials = forms.CharField(max_length=TEXT_MAX, required=False, label=_("Materials needed"), widget=forms.Textarea(attrs={"rows": 2}))
    time_limit_days = forms.IntegerField(min_value=1, max_value=60, initial=5, label=_("Time limit (working days)"))
    legal_basis = forms.CharField(max_length=300, required=False, label=_("Legal basis"))
    mode = forms.ChoiceField(choices=ServiceItem.Mode.choices, label=_("How it is handled"))
    needs_ab = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Needs the A or B person"),
        help_text=_("Otherwise any worker at the front desk may handle it (first asked, responsible)."),
    )
    person_a = IdChoiceField(queryset=None, required=False, label=_("A person"))
    person_b = IdChoiceField(queryset=None, required=False, label=_("B person"), help_text=_("Takes the bookings of the days the A person is on leave."))
    active = forms.BooleanField(required=False, initial=True, label=_("Offered"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.service_community_list_for(user)
        self.fields["person_a"].queryset = self.fields["person_b"].queryset = selectors.desk_staff_for(user)


class ServiceEditForm(ServiceForm):
    """The same fields but the community, which a service never changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["community"]


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=TimeSlot.Weekday.choices, coerce=int, label=_("Weekday"))
    starts = forms.TimeField(label=_("From"), help_text=_("HH:MM"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("To"), help_text=_("HH:MM"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(min_value=0, max_value=200, initial=4, label=_("Capacity"), help_text=_("How many residents may book it; 0 closes it."))


class LeaveForm(forms.Form):
    community = IdChoiceField(queryset=None, label=_("Community"))
    person = IdChoiceField(queryset=None, label=_("Person"), help_text=_("One of the community's workers."))
    starts_on = forms.DateField(label=_("From"), help_text=DATE_HELP, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("To"), help_text=DATE_HELP, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=200, label=_("Reason"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.service_community_list_for(user)
        self.fields["person"].queryset = selectors.desk_staff_for(user)


class CloseForm(forms.Form):
    status = forms.ChoiceField(choices=[(Booking.Status.DONE, _("Done")), (Booking.Status.CANNOT, _("Cannot be done"))], label=_("Result"))
    reason = forms.CharField(max_length=300, required=False, label=_("Reason (the resident reads it)"), help_text=_("Required when it cannot be done."))


class _ResidentFields(forms.Form):
    name = forms.CharField(max_length=50, label=_("Your name"))
    phone = forms.CharField(
        max_length=20, label=_("Your mobile number"), widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
    )
    kind = forms.ChoiceField(choices=Booking.Kind.choices, label=_("What you need"), widget=forms.RadioSelect, initial=Booking.Kind.APPOINTMENT)
    day = forms.DateField(required=False, label=_("Date"), help_text=_("For an appointment."), widget=forms.DateInput(attrs={"type": "date"}))
    slot = IdChoiceField(
        queryset=TimeSlot.objects.none(), required=False, label=_("Time slot"), help_text=_("For an appointment: a slot open on that weekday.")
    )
    address = forms.CharField(max_length=200, required=False, label=_("Address"), help_text=_("For proxy handling: where we come to you."))
    needs = forms.CharField(max_length=TEXT_MAX, required=False, label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data["phone"])


class PublicBookingForm(_ResidentFields):
    """The resident's form on the phone: a honeypot, the service's own slots."""

    website = HoneypotField()

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = service.slots.filter(capacity__gt=0)
        self.fields["slot"].label_from_instance = str
        self.fields["day"].widget.attrs.update(min=timezone.localdate().isoformat(), max=(timezone.localdate() + dt.timedelta(days=30)).isoformat())


class BookingForm(_ResidentFields):
    """A worker books for a resident (a phone call, the front desk): any service of their area."""

    service = IdChoiceField(queryset=None, label=_("Service"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = selectors.service_list_for(user).filter(active=True)
        self.fields["slot"].queryset = TimeSlot.objects.visible_to(user, Capability.HANDLE_BOOKINGS)


class BookingFilterForm(forms.Form):
    """The bookings list's filters: an unusable value is a 400, never the unfiltered list."""

    status = forms.ChoiceField(choices=[("", _("All")), *Booking.Status.choices], required=False, label=_("Status"))
    kind = forms.ChoiceField(choices=[("", _("All")), *Booking.Kind.choices], required=False, label=_("Kind"))
    service = IdChoiceField(queryset=None, required=False, label=_("Service"))
    day = forms.DateField(required=False, label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = selectors.service_list_for(user)

"""The volunteer actions over the API: each takes the same form as its page (documented here as its input schema) and calls the same service."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import FormCreateMixin, form_create, form_input, form_valid, request_body
from core.dates import previous_half_year, previous_year
from core.files import file_response
from core.params import FIRST_YEAR, LAST_YEAR
from volunteers import actions, forms, selectors, services
from volunteers.models import Activity, DualReport, Gift, PointsEntry, PostClaim, Redemption, ReportingUnit, ServicePost, Signup, Volunteer, Wish
from volunteers.permissions import can_manage_volunteers


def _profile(request) -> Volunteer:
    """The caller's volunteer profile, asked for after the object's lookup (404 first): anyone else gets 403, as on the pages."""
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    return profile


class VolunteerSerializer(serializers.ModelSerializer):
    link_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "name", "community", "grid", "phone_masked", "is_party_member", "work_unit", "skills", "availability", "status", "link_count"]


class ActivitySerializer(serializers.ModelSerializer):
    taken = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "community",
            "organiser_unit",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "places",
            "taken",
            "skills",
            "signup_closes_at",
            "status",
        ]


class SignupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signup
        fields = ["id", "activity", "volunteer", "status", "checked_in_at", "checked_out_at", "hours"]


class PointsEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointsEntry
        fields = ["id", "volunteer", "kind", "hours", "points", "note", "reverses", "created_at"]


class ServicePostSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServicePost
        fields = ["id", "community", "title", "description", "places", "active"]


class PostClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostClaim
        fields = ["id", "post", "volunteer", "status", "created_at"]


class WishSerializer(serializers.ModelSerializer):
    """The resident's name is masked for everyone on the API, as on the volunteers' board."""

    class Meta:
        model = Wish
        fields = ["id", "community", "masked_name", "content", "status", "review_note", "claimed_by", "claimed_unit", "fulfilment_note", "published_at"]


class GiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gift
        fields = ["id", "merchant", "name", "points", "stock", "active"]


class RedemptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Redemption
        fields = ["id", "gift", "volunteer", "status", "handed_over_at", "created_at"]


class DualReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DualReport
        fields = ["id", "kind", "community", "volunteer", "unit", "period_start", "period_end", "figures", "addressed_to", "status", "review_note"]


class CheckinCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Volunteers send it to POST /api/volunteer-activities/{id}/scan/.")
    seconds_left = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    balance = serializers.DecimalField(max_digits=10, decimal_places=1, help_text="Points: the sum of the passbook.")
    hours = serializers.DecimalField(max_digits=10, decimal_places=1, help_text="Service hours this year.")


class MyProfileSerializer(VolunteerSerializer):
    summary = serializers.SerializerMethodField()

    class Meta(VolunteerSerializer.Meta):
        fields = [*VolunteerSerializer.Meta.fields, "summary"]

    @extend_schema_field(SummarySerializer)
    def get_summary(self, volunteer):
        return SummarySerializer(selectors.volunteer_summary(volunteer)).data


class CertificateSerializer(serializers.Serializer):
    """志愿服务证明: the figures of the year and what was served, as the printed certificate shows them."""

    volunteer = VolunteerSerializer()
    year = serializers.IntegerField()
    figures = serializers.DictField()
    activities = serializers.ListField(child=serializers.CharField(), help_text="What was served (the notes of the entries with hours).")
    issued_on = serializers.DateField()


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text="This year when left out.")


@form_create(forms.DeskRegisterForm, services.volunteer_register)
class VolunteerViewSet(FormCreateMixin, viewsets.ReadOnlyModelViewSet):
    """Members and residents registered with the community (双报到): registration on their behalf, confirmation and placing, 1+10 links."""

    serializer_class = VolunteerSerializer

    def get_queryset(self):
        return selectors.volunteer_list_for(self.request.user).order_by("status", "name")

    @extend_schema(methods=["GET"], request=None, responses=MyProfileSerializer)
    @extend_schema(methods=["POST"], request=form_input(forms.RegisterForm), responses={201: MyProfileSerializer})
    @action(detail=False, methods=["get", "post"], url_path="me", serializer_class=MyProfileSerializer)
    def me(self, request):
        """The caller's own profile with points balance and hours (403 when not registered); POST registers the caller
        with the community of their volunteer role, as the page does."""
        if request.method == "POST":
            community = selectors.community_to_register_with(request.user)
            if community is None:
                raise PermissionDenied(_("Ask your community to register you as a volunteer."))
            data = form_valid(forms.RegisterForm(request_body(request)))
            services.volunteer_register(actor=request.user, community=community, user=request.user, **data)
            return Response(MyProfileSerializer(selectors.profile_of(request.user)).data, status=status.HTTP_201_CREATED)
        return Response(MyProfileSerializer(_profile(request)).data)

    @extend_schema(responses=PointsEntrySerializer(many=True), filters=False)
    @action(detail=False, url_path="me/points", serializer_class=PointsEntrySerializer)
    def my_points(self, request):
        """The caller's points passbook, newest first."""
        return self._passbook(_profile(request))

    @extend_schema(responses=PointsEntrySerializer(many=True), filters=False)
    @action(detail=True, serializer_class=PointsEntrySerializer)
    def points(self, request, pk=None):
        """A volunteer's points passbook, newest first; corrections are reversal entries (POST /api/points-entries/{id}/correct/)."""
        return self._passbook(self.get_object())

    def _passbook(self, volunteer):
        page = self.paginate_queryset(selectors.points_entries_of(volunteer).order_by("-created_at", "-pk"))
        return self.get_paginated_response(PointsEntrySerializer(page, many=True).data)

    @extend_schema(responses=SummarySerializer)
    @action(detail=True, serializer_class=SummarySerializer)
    def balance(self, request, pk=None):
        """The points balance and this year's hours, as the member's page shows them."""
        return Response(SummarySerializer(selectors.volunteer_summary(self.get_object())).data)

    @extend_schema(request=None, responses={201: DualReportSerializer})
    @action(detail=True, methods=["post"], serializer_class=DualReportSerializer)
    def report(self, request, pk=None):
        """Generate the member's report for the past half-year (双报告), to be reviewed at POST /api/dual-reports/{id}/review/."""
        start, end = previous_half_year(timezone.localdate())
        item = services.report_generate(actor=request.user, volunteer=self.get_object(), start=start, end=end)
        return Response(DualReportSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[YearQuery], responses=CertificateSerializer, filters=False)
    @action(detail=True, serializer_class=CertificateSerializer)
    def certificate(self, request, pk=None):
        """The volunteer service certificate's content for a year (the page prints it)."""
        volunteer = self.get_object()
        query = YearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year", timezone.localdate().year)
        figures = selectors.member_figures(volunteer, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
        data = {"volunteer": volunteer, "year": year, "figures": figures, "activities": list(selectors.service_notes_of(volunteer, year))}
        return Response(CertificateSerializer({**data, "issued_on": timezone.localdate()}).data)

    def _answer(self, volunteer, code=status.HTTP_200_OK):
        return Response(VolunteerSerializer(selectors.volunteer_get_for(self.request.user, volunteer.pk)).data, status=code)

    @extend_schema(request=form_input(forms.VolunteerConfirmForm), responses=VolunteerSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        volunteer = self.get_object()
        data = form_valid(forms.VolunteerConfirmForm(request_body(request), volunteer=volunteer))
        return self._answer(services.volunteer_confirm(actor=request.user, volunteer=volunteer, grid=data["grid"]))

    @extend_schema(request=form_input(forms.LinksForm), responses=VolunteerSerializer)
    @action(detail=True, methods=["post"])
    def links(self, request, pk=None):
        volunteer = self.get_object()
        data = form_valid(forms.LinksForm(request_body(request), volunteer=volunteer))
        services.links_set(actor=request.user, volunteer=volunteer, households=data["households"])
        return self._answer(volunteer)


@form_create(forms.ActivityForm, services.activity_publish)
class ActivityViewSet(FormCreateMixin, viewsets.ReadOnlyModelViewSet):
    """Activities: published by the community; volunteers sign up, cancel and check in and out with the on-site code."""

    serializer_class = ActivitySerializer

    def get_queryset(self):
        return selectors.activity_list_for(self.request.user).order_by("-starts_at")

    @extend_schema(request=None, responses=SignupSerializer)
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        activity = self.get_object()
        return Response(SignupSerializer(services.signup_create(volunteer=_profile(request), activity=activity)).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        activity = self.get_object()
        services.signup_cancel(volunteer=_profile(request), activity=activity)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=SignupSerializer(many=True), filters=False)
    @action(detail=True, serializer_class=SignupSerializer)
    def signups(self, request, pk=None):
        """The activity's sign-ups, for its organiser: mark and confirm them at /api/volunteer-signups/{id}/."""
        activity = self.get_object()
        if not can_manage_volunteers(request.user, activity.ancestry()):
            raise PermissionDenied
        page = self.paginate_queryset(selectors.signups_of_activity(activity).order_by("created_at", "pk"))
        return self.get_paginated_response(SignupSerializer(page, many=True).data)

    @extend_schema(request=None, responses=CheckinCodeSerializer)
    @action(detail=True)
    def code(self, request, pk=None):
        """The organiser's current check-in code (what the on-site QR code carries); it changes every `seconds_left` seconds."""
        activity = self.get_object()
        if not can_manage_volunteers(request.user, activity.ancestry()):
            raise PermissionDenied
        return Response(CheckinCodeSerializer({"code": services.checkin_code(activity), "seconds_left": services.code_seconds_left()}).data)

    @extend_schema(request=form_input(forms.CheckinCodeForm), responses=SignupSerializer)
    @action(detail=True, methods=["post"])
    def scan(self, request, pk=None):
        """Check in with the first scan of the organiser's current code, out with a later one."""
        activity = self.get_object()
        data = form_valid(forms.CheckinCodeForm(request_body(request)))
        return Response(SignupSerializer(services.signup_scan(volunteer=_profile(request), activity=activity, code=data["code"])).data)


class SignupViewSet(viewsets.GenericViewSet):
    """The organiser checks a volunteer in or out by hand and confirms the hours into points."""

    serializer_class = SignupSerializer

    def get_object(self):
        return selectors.signup_get_for(self.request.user, self.kwargs["pk"])

    @extend_schema(request=None, responses=SignupSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        return Response(SignupSerializer(services.signup_mark(actor=request.user, signup=self.get_object())).data)

    @extend_schema(request=None, responses=PointsEntrySerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return Response(PointsEntrySerializer(services.signup_confirm(actor=request.user, signup=self.get_object())).data)


@form_create(forms.PostForm, services.post_publish)
class ServicePostViewSet(FormCreateMixin, viewsets.ReadOnlyModelViewSet):
    """Service posts (认领岗位): published by the community, claimed by confirmed members."""

    serializer_class = ServicePostSerializer

    def get_queryset(self):
        return selectors.post_list_for(self.request.user).order_by("title")

    @extend_schema(request=None, responses=PostClaimSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        post = selectors.post_get_for_claim(request.user, pk)
        return Response(PostClaimSerializer(services.post_claim(volunteer=_profile(request), post=post)).data)


class PostClaimViewSet(viewsets.GenericViewSet):
    """A claim of a post: confirmed or released by the community, released by its holder, duty recorded as points."""

    serializer_class = PostClaimSerializer

    def get_object(self):
        return selectors.claim_get_for(self.request.user, self.kwargs["pk"])

    def _act(self, name: str, form_class=None):
        claim = self.get_object()
        data = form_valid(form_class(request_body(self.request))) if form_class is not None else {}
        result = actions.claim_action(self.request.user, claim, name, data)
        claim.refresh_from_db()
        return result, claim

    @extend_schema(request=None, responses=PostClaimSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return Response(PostClaimSerializer(self._act("confirm")[1]).data)

    @extend_schema(request=None, responses=PostClaimSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return Response(PostClaimSerializer(self._act("release")[1]).data)

    @extend_schema(request=form_input(forms.DutyForm), responses=PointsEntrySerializer)
    @action(detail=True, methods=["post"])
    def duty(self, request, pk=None):
        return Response(PointsEntrySerializer(self._act("duty", forms.DutyForm)[0]).data)


@form_create(forms.CadreWishForm, services.wish_post)
class WishViewSet(FormCreateMixin, viewsets.ReadOnlyModelViewSet):
    """Micro-wishes (微心愿): the review desk for cadres, the board for volunteers."""

    serializer_class = WishSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return selectors.wish_list_for(self.request.user).order_by("status", "-created_at")

    def _act(self, name: str):
        wish = selectors.wish_get_for(self.request.user, self.kwargs["pk"])
        form = actions.wish_form(name, self.request.user, request_body(self.request), self.request.FILES)
        return Response(WishSerializer(actions.wish_action(self.request.user, wish, name, form_valid(form) if form is not None else {})).data)

    @extend_schema(request=form_input(forms.NoteForm), responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._act("publish")

    @extend_schema(request=form_input(forms.NoteForm), responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._act("refuse")

    @extend_schema(request=form_input(forms.WishClaimForm), responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        return self._act("claim")

    @extend_schema(
        request={"multipart/form-data": form_input(forms.WishFulfilForm), "application/json": form_input(forms.WishFulfilForm)}, responses=WishSerializer
    )
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        return self._act("fulfil")

    @extend_schema(request=None, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act("confirm")

    @extend_schema(responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The fulfilment photo.")})
    @action(detail=True)
    def photo(self, request, pk=None):
        """The fulfilment photo, for whoever sees the wish; 404 when there is none."""
        return file_response(selectors.wish_get_for(request.user, pk).photo)


@form_create(forms.GiftForm, services.gift_list)
class GiftViewSet(FormCreateMixin, viewsets.ReadOnlyModelViewSet):
    """Alliance merchants' gifts: listed by the community, redeemed for points by its confirmed volunteers."""

    serializer_class = GiftSerializer

    def get_queryset(self):
        return selectors.gift_list_for(self.request.user).order_by("points", "id")

    @extend_schema(request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def redeem(self, request, pk=None):
        gift = selectors.gift_get_for_redemption(request.user, pk)
        return Response(RedemptionSerializer(services.gift_redeem(volunteer=_profile(request), gift=gift)).data)


class RedemptionViewSet(viewsets.GenericViewSet):
    serializer_class = RedemptionSerializer

    @extend_schema(request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        redemption = selectors.redemption_get_for(request.user, pk)
        return Response(RedemptionSerializer(services.redemption_hand_over(actor=request.user, redemption=redemption)).data)


class PointsEntryViewSet(viewsets.GenericViewSet):
    """The points passbook's entries: a correction is a reversal entry."""

    serializer_class = PointsEntrySerializer

    @extend_schema(request=form_input(forms.ReasonForm), responses=PointsEntrySerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        entry = selectors.points_entry_get_for(request.user, pk)
        data = form_valid(forms.ReasonForm(request_body(request)))
        return Response(PointsEntrySerializer(services.points_reverse(actor=request.user, entry=entry, note=data["note"])).data)


class ReportingUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingUnit
        fields = [
            "id",
            "community",
            "resident_unit",
            "name",
            "credit_code",
            "party_org_name",
            "contact_name",
            "contact_phone",
            "resources",
            "status",
            "created_at",
        ]


@form_create(forms.UnitForm, services.unit_register)
class ReportingUnitViewSet(FormCreateMixin, viewsets.ReadOnlyModelViewSet):
    """Units that double-report (双报到): registered by the community, confirmed or refused, reporting once a year."""

    serializer_class = ReportingUnitSerializer

    def get_queryset(self):
        return selectors.unit_list_for(self.request.user).order_by("status", "name")

    def _review(self, approve: bool):
        unit = self.get_object()
        services.unit_review(actor=self.request.user, unit=unit, approve=approve)
        return Response(ReportingUnitSerializer(self.get_queryset().get(pk=unit.pk)).data)

    @extend_schema(request=None, responses=ReportingUnitSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._review(True)

    @extend_schema(request=None, responses=ReportingUnitSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._review(False)

    @extend_schema(request=None, responses={201: DualReportSerializer})
    @action(detail=True, methods=["post"], serializer_class=DualReportSerializer)
    def report(self, request, pk=None):
        """Generate the unit's report for the past year, to be reviewed at POST /api/dual-reports/{id}/review/."""
        start, end = previous_year(timezone.localdate())
        item = services.report_generate(actor=request.user, unit=self.get_object(), start=start, end=end)
        return Response(DualReportSerializer(item).data, status=status.HTTP_201_CREATED)


class DualReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Dual reports (双报告), reviewed by the community before they are sent."""

    serializer_class = DualReportSerializer

    def get_queryset(self):
        return selectors.report_list_for(self.request.user)

    @extend_schema(request=form_input(forms.NoteForm), responses=DualReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        data = form_valid(forms.NoteForm(request_body(request)))
        return Response(DualReportSerializer(services.report_review(actor=request.user, report=report, note=data["note"])).data)

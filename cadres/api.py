"""The team's pages over the API: the pages' forms validate, the pages' services write, the same selectors read."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres import mentoring, selectors, services
from cadres.forms import (
    CadreReasonForm,
    GradeStepForm,
    GrowthForm,
    MeasureForm,
    MeetingRecordForm,
    MeetingScheduleForm,
    PairForm,
    PoolEntryForm,
    PoolRuleForm,
    ProfileForm,
    ProfileUpdateForm,
    ReviewForm,
    VettingForm,
)
from cadres.models import GradeStep, GrowthEntry, MentorPair, PlanMeasure, PoolCheck, PoolEntry, PoolRule, Promotion, RoutineMeeting, WorkerProfile, YearlyScore
from cadres.permissions import can_see_vetting, manages_cadres
from core.api import ErrorSerializer, FormCreateMixin, errors, form_input, form_valid, request_body
from governance.forms import PurposeForm


class ManagesCadresMixin:
    """Everyone keeping workers' files reads their area's; anyone else gets 403, as on the pages."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not manages_cadres(request.user):
            raise PermissionDenied

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.list_selector(self.request.user)


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = YearlyScore
        fields = ["year", "score", "rank"]


class ProfileSerializer(serializers.ModelSerializer):
    """The vetting result and its remarks only for VIEW_VETTING holders; others read `checked` or `pending`."""

    name = serializers.CharField(source="user.full_name", read_only=True)
    vetting = serializers.SerializerMethodField(help_text="passed / noted / failed for those who may see vetting; otherwise checked or pending.")
    vetting_note = serializers.SerializerMethodField()
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = WorkerProfile
        fields = [
            "id",
            "user",
            "name",
            "community",
            "grid",
            "post",
            "grade",
            "entry_date",
            "exam_record",
            "vetting",
            "vetting_note",
            "vetted_on",
            "training_hours",
            "resources",
            "needs",
            "id_number_masked",
            "phone_masked",
            "scores",
        ]

    def _sees(self, profile) -> bool:
        return can_see_vetting(self.context["request"].user, profile.ancestry())

    def get_vetting(self, profile) -> str:
        if self._sees(profile):
            return profile.vetting
        return "pending" if profile.vetting == WorkerProfile.Vetting.PENDING else "checked"

    def get_vetting_note(self, profile) -> str | None:
        return profile.vetting_note if self._sees(profile) else None


class WorkerRevealedSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    phone = serializers.CharField()


class EventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class PromotionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="profile.user.full_name", read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Promotion
        fields = ["id", "profile", "name", "from_grade", "to_grade", "reason", "status", "created_at", "events"]


def _detail(serializer_class, *codes):
    return {200: serializer_class, **errors(*codes)}


@extend_schema_view(
    list=extend_schema(responses={200: ProfileSerializer(many=True), **errors(400, 403)}),
    retrieve=extend_schema(responses=_detail(ProfileSerializer, 403, 404)),
    create=extend_schema(request=form_input(ProfileForm), responses={201: ProfileSerializer, **errors(400, 403)}),
)
class WorkerProfileViewSet(ManagesCadresMixin, FormCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """社区工作者: the team of the caller's area; the vetting result is shown only to those who may see it."""

    serializer_class = ProfileSerializer
    filterset_fields = ["community", "grid", "post", "grade"]
    create_form, create_service = ProfileForm, staticmethod(services.profile_create)
    list_selector = staticmethod(lambda user: selectors.profile_list_for(user).prefetch_related("scores"))

    def _answer(self, profile):
        return Response(self.get_serializer(selectors.profile_get_for(self.request.user, profile.pk)).data)

    @extend_schema(request=form_input(ProfileUpdateForm), responses=_detail(ProfileSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """Training hours, what the worker can offer and needs (for mentoring), and a new ID number or phone."""
        profile = selectors.profile_get_for(request.user, pk)
        return self._answer(services.profile_update(actor=request.user, profile=profile, **form_valid(ProfileUpdateForm(request_body(request)))))

    @extend_schema(request=form_input(VettingForm), responses=_detail(ProfileSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def vetting(self, request, pk=None):
        """背景联审联查: the result, for those who may see vetting."""
        profile = selectors.profile_get_for(request.user, pk)
        return self._answer(services.vetting_record(actor=request.user, profile=profile, **form_valid(VettingForm(request_body(request)))))

    @extend_schema(
        request=form_input(PurposeForm),
        responses={
            **_detail(WorkerRevealedSerializer, 400, 403, 404),
            429: OpenApiResponse(ErrorSerializer, description="The caller's reveals for today are used up."),
        },
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full ID number and phone, with a purpose; logged."""
        profile = selectors.profile_get_for(request.user, pk)
        return Response(services.profile_reveal(actor=request.user, profile=profile, **form_valid(PurposeForm(request_body(request)))))

    @extend_schema(request=form_input(CadreReasonForm), responses={201: PromotionSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        """The community proposes the worker for the next grade of the ladder."""
        profile = selectors.profile_get_for(request.user, pk)
        promotion = services.promotion_propose(actor=request.user, profile=profile, **form_valid(CadreReasonForm(request_body(request))))
        return Response(PromotionSerializer(promotion).data, status=status.HTTP_201_CREATED)


class GradeStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeStep
        fields = ["id", "district", "post", "grade", "pay_step", "min_years", "min_score"]


@extend_schema_view(
    list=extend_schema(responses={200: GradeStepSerializer(many=True), **errors(400, 403)}),
    create=extend_schema(request=form_input(GradeStepForm), responses={201: GradeStepSerializer, **errors(400, 403)}),
)
class GradeStepViewSet(ManagesCadresMixin, FormCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The grade ladder (岗位等级序列); a POST for an existing post and grade changes that rung (the district only)."""

    serializer_class = GradeStepSerializer
    filterset_fields = ["district", "post"]
    create_form, create_service = GradeStepForm, staticmethod(services.grade_step_save)
    list_selector = staticmethod(selectors.grade_step_list_for)


@extend_schema_view(
    list=extend_schema(responses={200: PromotionSerializer(many=True), **errors(400, 403)}),
    retrieve=extend_schema(responses=_detail(PromotionSerializer, 403, 404)),
)
class PromotionViewSet(ManagesCadresMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """职级晋升: the community proposes (on the worker), the street checks, the district approves or refuses."""

    serializer_class = PromotionSerializer
    filterset_fields = ["status", "profile"]
    list_selector = staticmethod(lambda user: selectors.promotion_list_for(user).prefetch_related("events__actor"))

    @extend_schema(request=form_input(ReviewForm), responses=_detail(PromotionSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The step of the caller's level: checked or refused (street), approved or refused (district); a refusal needs a note."""
        promotion = selectors.promotion_get_for(request.user, pk)
        services.promotion_review(actor=request.user, promotion=promotion, **form_valid(ReviewForm(request_body(request))))
        return Response(PromotionSerializer(selectors.promotion_get_for(request.user, pk)).data)


class PoolRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PoolRule
        fields = ["id", "district", "pool", "kind", "text", "active"]


@extend_schema_view(
    list=extend_schema(responses={200: PoolRuleSerializer(many=True), **errors(400, 403)}),
    create=extend_schema(request=form_input(PoolRuleForm), responses={201: PoolRuleSerializer, **errors(400, 403)}),
)
class PoolRuleViewSet(ManagesCadresMixin, FormCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The pools' entry criteria ("八选九不选"), worded by the district."""

    serializer_class = PoolRuleSerializer
    filterset_fields = ["district", "pool", "kind", "active"]
    create_form, create_service = PoolRuleForm, staticmethod(services.pool_rule_save)
    list_selector = staticmethod(selectors.pool_rule_list_for)


class CheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = PoolCheck
        fields = ["kind", "text", "satisfied"]


class PoolEntrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="profile.user.full_name", read_only=True)
    checks = CheckSerializer(many=True, read_only=True)

    class Meta:
        model = PoolEntry
        fields = ["id", "profile", "name", "pool", "reason", "status", "removed_reason", "created_at", "checks"]


@extend_schema_view(
    list=extend_schema(responses={200: PoolEntrySerializer(many=True), **errors(400, 403)}),
    create=extend_schema(request=form_input(PoolEntryForm), responses={201: PoolEntrySerializer, **errors(400, 403)}),
)
class PoolEntryViewSet(ManagesCadresMixin, FormCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """两库 entries: 社区推荐 (POST with every rule satisfied), 街道把关, 区级备案, removal with a reason."""

    serializer_class = PoolEntrySerializer
    filterset_fields = ["pool", "status", "profile"]
    create_form, create_service = PoolEntryForm, staticmethod(services.pool_entry_propose)
    list_selector = staticmethod(selectors.pool_entry_list_for)

    @extend_schema(request=form_input(ReviewForm), responses=_detail(PoolEntrySerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The step of the caller's level: checked or refused (street), approved or refused (district), removed (district, with a reason)."""
        entry = selectors.pool_entry_get_for(request.user, pk)
        services.pool_entry_review(actor=request.user, entry=entry, **form_valid(ReviewForm(request_body(request))))
        return Response(PoolEntrySerializer(selectors.pool_entry_get_for(request.user, pk)).data)


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanMeasure
        fields = ["id", "text", "due_on", "done_on"]


class GrowthSerializer(serializers.ModelSerializer):
    class Meta:
        model = GrowthEntry
        fields = ["id", "kind", "on", "text", "solved"]


class PairSerializer(serializers.ModelSerializer):
    mentor_name = serializers.CharField(source="mentor.user.full_name", read_only=True)
    trainee_name = serializers.CharField(source="trainee.user.full_name", read_only=True)

    class Meta:
        model = MentorPair
        fields = ["id", "mentor", "mentor_name", "trainee", "trainee_name", "community", "mentor_chose", "trainee_chose", "status", "started_on"]


class PairDetailSerializer(PairSerializer):
    measures = MeasureSerializer(many=True, read_only=True)
    growth = GrowthSerializer(many=True, read_only=True)

    class Meta(PairSerializer.Meta):
        fields = [*PairSerializer.Meta.fields, "measures", "growth"]


class MeasureDoneInput(serializers.Serializer):
    measure = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(responses={200: PairSerializer(many=True), **errors(400, 403)}),
    retrieve=extend_schema(responses=_detail(PairDetailSerializer, 403, 404)),
    create=extend_schema(request=form_input(PairForm), responses={201: PairSerializer, **errors(400, 403)}),
)
class MentorPairViewSet(ManagesCadresMixin, FormCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """一对一帮带: a POST records one side's choice; the pair is active when both have chosen. Plan, growth file, end."""

    serializer_class = PairSerializer
    filterset_fields = ["status", "community", "mentor", "trainee"]
    create_form, create_service = PairForm, staticmethod(mentoring.pair_choose)
    list_selector = staticmethod(selectors.pair_list_for)

    def retrieve(self, request, pk=None):
        return Response(PairDetailSerializer(selectors.pair_get_for(request.user, pk)).data)

    def _pair(self, request, pk, service, form_class):
        pair = selectors.pair_get_for(request.user, pk)
        service(actor=request.user, pair=pair, **form_valid(form_class(request_body(request))))
        return Response(PairDetailSerializer(selectors.pair_get_for(request.user, pk)).data)

    @extend_schema(request=form_input(MeasureForm), responses=_detail(PairDetailSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def measure(self, request, pk=None):
        """A measure of the 帮带 plan."""
        return self._pair(request, pk, mentoring.measure_add, MeasureForm)

    @extend_schema(request=MeasureDoneInput, responses=_detail(PairDetailSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"], url_path="measure-done")
    def measure_done(self, request, pk=None):
        """A measure of the plan is done today."""
        pair = selectors.pair_get_for(request.user, pk)
        data = MeasureDoneInput(data=request_body(request))
        data.is_valid(raise_exception=True)
        measure = pair.measures.filter(pk=data.validated_data["measure"]).first()
        if measure is None:
            raise serializers.ValidationError({"measure": [_("Choose a measure of the plan.")]})
        mentoring.measure_done(actor=request.user, measure=measure)
        return Response(PairDetailSerializer(selectors.pair_get_for(request.user, pk)).data)

    @extend_schema(request=form_input(GrowthForm), responses=_detail(PairDetailSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def growth(self, request, pk=None):
        """A line of the trainee's growth file."""
        return self._pair(request, pk, mentoring.growth_record, GrowthForm)

    @extend_schema(request=form_input(CadreReasonForm), responses=_detail(PairDetailSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the pair, with the reason."""
        return self._pair(request, pk, mentoring.pair_end, CadreReasonForm)


class RoutineMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoutineMeeting
        fields = ["id", "community", "kind", "period", "scheduled_on", "held_on", "minutes"]


@extend_schema_view(
    list=extend_schema(responses={200: RoutineMeetingSerializer(many=True), **errors(400, 403)}),
    create=extend_schema(request=form_input(MeetingScheduleForm), responses={201: RoutineMeetingSerializer, **errors(400, 403)}),
)
class RoutineMeetingViewSet(ManagesCadresMixin, FormCreateMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """ "四个一" calendar: the monthly exchange, the quarterly seminar and the half-yearly results meeting, scheduled then recorded."""

    serializer_class = RoutineMeetingSerializer
    filterset_fields = {"community": ["exact"], "kind": ["exact"], "scheduled_on": ["gte", "lte"]}
    create_form, create_service = MeetingScheduleForm, staticmethod(mentoring.meeting_schedule)
    list_selector = staticmethod(selectors.meeting_list_for)

    @extend_schema(request=form_input(MeetingRecordForm), responses=_detail(RoutineMeetingSerializer, 400, 403, 404))
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """The meeting was held: its date and minutes."""
        meeting = selectors.meeting_get_for(request.user, pk)
        return Response(
            RoutineMeetingSerializer(mentoring.meeting_record(actor=request.user, meeting=meeting, **form_valid(MeetingRecordForm(request_body(request))))).data
        )

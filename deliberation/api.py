"""议事协商 over the API: every page action, through the page's form and the page's service, read in the same scope."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import errors, form_input, form_valid, request_body
from deliberation import selectors, services
from deliberation.forms import (
    DecideForm,
    DropForm,
    MeetingForm,
    OptionForm,
    ParticipantForm,
    ScheduleForm,
    TaskDoneForm,
    TaskForm,
    TopicCloseForm,
    TopicForm,
    VoteForm,
)
from deliberation.models import Meeting, Option, Participant, Task, Topic, TopicEvent
from governance.forms import PurposeForm
from governance.permissions import has_capability
from governance.roles import Capability


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "text", "votes_for", "votes_against", "votes_abstain", "adopted"]


class FollowTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "topic", "title", "responsible", "due_on", "status", "result", "done_on", "request", "project"]


class TopicEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicEvent
        fields = ["at", "actor", "from_status", "to_status", "note"]


class TopicSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id", "community", "community_name", "title", "description", "source", "request", "visit", "unit", "status", "meeting",
            "outcome", "consensus", "decision", "decided_at", "published_at", "drop_reason", "created_at",
        ]  # fmt: skip


class TopicDetailSerializer(TopicSerializer):
    options = OptionSerializer(many=True, read_only=True)
    tasks = FollowTaskSerializer(many=True, read_only=True)
    history = TopicEventSerializer(many=True, read_only=True)

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "options", "tasks", "history"]


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "kind", "names", "count", "phone_masked"]


class MeetingSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    topics = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "community", "community_name", "kind", "held_on", "place", "summary", "participants", "topics", "created_at"]


class OrganiserMixin:
    """Only those who run deliberation somewhere; reads and writes in their area (outside answers 404)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not has_capability(request.user, Capability.MANAGE_DELIBERATION):
            raise PermissionDenied


def _body(form_class, request):
    return form_valid(form_class(request_body(request), user=request.user))


def _topic_action(name, form_class, service, *, url_path=None, code=status.HTTP_200_OK, serializer=TopicDetailSerializer, doc=""):
    """A POST on one topic: the page's form validates, the page's service applies it, the answer is the topic (or what was made)."""

    def handler(self, request, pk=None):
        topic = selectors.topic_get_for(request.user, pk)
        made = service(actor=request.user, topic=topic, **(_body(form_class, request) if form_class else {}))
        answer = selectors.topic_get_for(request.user, pk) if serializer is TopicDetailSerializer else made
        return Response(serializer(answer).data, status=code)

    handler.__doc__ = doc
    # The router requires each action's function to bear the attribute's name.
    handler.__name__ = name
    schema = extend_schema(request=form_input(form_class) if form_class else None, responses={code: serializer, **errors(400, 403, 404)})
    return schema(action(detail=True, methods=["post"], url_path=url_path)(handler))


@extend_schema_view(
    list=extend_schema(responses={200: TopicSerializer(many=True), **errors(400, 403)}),
    retrieve=extend_schema(responses={200: TopicDetailSerializer, **errors(403, 404)}),
    create=extend_schema(request=form_input(TopicForm), responses={201: TopicDetailSerializer, **errors(400, 403)}),
)
class TopicViewSet(OrganiserMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """议题: raised, put on a meeting, voted on or agreed, decided, published, followed through to done (or dropped)."""

    filterset_fields = {"status": ["exact"], "source": ["exact"], "community": ["exact"], "published_at": ["isnull"]}

    def get_serializer_class(self):
        return TopicSerializer if self.action == "list" else TopicDetailSerializer

    def get_queryset(self):
        # The schema generator inspects the view without a user.
        if getattr(self, "swagger_fake_view", False):
            return Topic.objects.none()
        return selectors.topic_list_for(self.request.user)

    def retrieve(self, request, pk=None):
        return Response(TopicDetailSerializer(selectors.topic_get_for(request.user, pk)).data)

    def create(self, request):
        """Raise a topic in a community of the caller's area."""
        topic = services.topic_raise(actor=request.user, **_body(TopicForm, request))
        return Response(TopicDetailSerializer(selectors.topic_get_for(request.user, topic.pk)).data, status=status.HTTP_201_CREATED)

    add_option = _topic_action(
        "add_option",
        OptionForm,
        services.option_add,
        url_path="options",
        code=status.HTTP_201_CREATED,
        serializer=OptionSerializer,
        doc="Add an option, before the topic is decided.",
    )
    schedule = _topic_action("schedule", ScheduleForm, services.topic_schedule, doc="Put the topic on a meeting of its community.")
    decide = _topic_action("decide", DecideForm, services.topic_decide, doc="Record the meeting's outcome: the vote's tally or a consensus, and the decision.")
    publish = _topic_action("publish", None, services.topic_publish, doc="Publish the decision on the community's public page (again: no change).")
    drop = _topic_action("drop", DropForm, services.topic_drop, doc="Drop the topic, with the reason.")
    close = _topic_action("close", TopicCloseForm, services.topic_close, doc="A decision that needs no follow-through is done.")
    add_task = _topic_action(
        "add_task",
        TaskForm,
        services.task_add,
        url_path="tasks",
        code=status.HTTP_201_CREATED,
        serializer=FollowTaskSerializer,
        doc="Add a follow-through task; with a category it becomes a request, with a resource a project.",
    )


@extend_schema_view(list=extend_schema(responses={200: OptionSerializer(many=True), **errors(400, 403)}))
class OptionViewSet(OrganiserMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A topic's options and their recorded votes."""

    serializer_class = OptionSerializer
    filterset_fields = ["topic"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Option.objects.none()
        return Option.objects.visible_to(self.request.user, selectors.CAPABILITY)

    @extend_schema(request=form_input(VoteForm), responses={200: OptionSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        """Record the meeting's vote on this option (for, against, abstain)."""
        option = selectors.option_get_for(request.user, pk)
        return Response(OptionSerializer(services.option_vote(actor=request.user, option=option, **_body(VoteForm, request))).data)


@extend_schema_view(list=extend_schema(responses={200: FollowTaskSerializer(many=True), **errors(400, 403)}))
class TaskViewSet(OrganiserMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Follow-through tasks of decisions, each tracked to done by its due date."""

    serializer_class = FollowTaskSerializer
    filterset_fields = {"status": ["exact"], "topic": ["exact"], "due_on": ["gte", "lte"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        return selectors.task_list_for(self.request.user)

    @extend_schema(request=form_input(TaskDoneForm), responses={200: FollowTaskSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """The task is done, with its result; the topic is done with its last task."""
        task = selectors.task_get_for(request.user, pk)
        return Response(FollowTaskSerializer(services.task_done(actor=request.user, task=task, **_body(TaskDoneForm, request))).data)


@extend_schema_view(
    list=extend_schema(responses={200: MeetingSerializer(many=True), **errors(400, 403)}),
    retrieve=extend_schema(responses={200: MeetingSerializer, **errors(403, 404)}),
    create=extend_schema(request=form_input(MeetingForm), responses={201: MeetingSerializer, **errors(400, 403)}),
)
class MeetingViewSet(OrganiserMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deliberation meetings (居民议事会, 协商议事会, the monthly 三方联动联席会) with their participants by kind."""

    serializer_class = MeetingSerializer
    filterset_fields = {"kind": ["exact"], "community": ["exact"], "held_on": ["gte", "lte"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return selectors.meeting_list_for(self.request.user).prefetch_related("participants", "topics")

    def retrieve(self, request, pk=None):
        return Response(MeetingSerializer(selectors.meeting_get_for(request.user, pk)).data)

    def create(self, request):
        """Schedule (a date to come) or record a meeting; the topics given become scheduled on it."""
        meeting = services.meeting_create(actor=request.user, **_body(MeetingForm, request))
        return Response(MeetingSerializer(selectors.meeting_get_for(request.user, meeting.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=form_input(ParticipantForm), responses={201: ParticipantSerializer, **errors(400, 403, 404)})
    @action(detail=True, methods=["post"])
    def participants(self, request, pk=None):
        """Add who took part, by kind, with names and a count; a contact phone is stored encrypted and answered masked."""
        meeting = selectors.meeting_get_for(request.user, pk)
        made = services.participant_add(actor=request.user, meeting=meeting, **_body(ParticipantForm, request))
        return Response(ParticipantSerializer(made).data, status=status.HTTP_201_CREATED)


class ParticipantPhoneSerializer(serializers.Serializer):
    phone = serializers.CharField()


class ParticipantViewSet(OrganiserMixin, viewsets.GenericViewSet):
    """A meeting's participants by kind (listed on their meeting); their contact phone is revealed here."""

    serializer_class = ParticipantSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Participant.objects.none()
        return selectors.participant_list_for(self.request.user)

    @extend_schema(request=form_input(PurposeForm), responses={200: ParticipantPhoneSerializer, **errors(400, 403, 404, 429)})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full contact phone, for the community's secretary and cadres, with a purpose; logged like every reveal."""
        participant = selectors.participant_get_for(request.user, pk)
        return Response(services.participant_phone_reveal(actor=request.user, participant=participant, **form_valid(PurposeForm(request_body(request)))))

"""议事协商's lifecycle through the services: raised, scheduled, voted, decided, followed through; what is refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deliberation import services
from deliberation.models import Option, Topic
from governance.models import AuditEntry, ResidentUnit
from party_building.models import Project, ResourceItem
from resident_requests.models import Category, ResidentRequest
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def community1(user):
    return user("community1").memberships.get().community


@pytest.fixture
def scheduled(user, community1):
    return f.topic_walk(f.TopicFactory(community=community1), to="scheduled")


def test_a_topic_goes_from_proposed_to_done_with_its_history_and_audit(user, community1):
    actor = user("community1")
    unit = ResidentUnit.objects.filter(community=community1).first()
    topic = services.topic_raise(actor=actor, community=community1, title="楼道灯不亮", description="3号楼楼道灯坏了一个月", source="unit", unit=unit)
    meeting = services.meeting_create(actor=actor, community=community1, kind="residents", held_on=timezone.localdate(), place="议事厅", topics=[topic])
    topic.refresh_from_db()
    assert (topic.status, topic.meeting) == ("scheduled", meeting)
    services.topic_decide(actor=actor, topic=topic, outcome="consensus", consensus="物业本周内更换全部楼道灯")
    task = services.task_add(actor=actor, topic=topic, title="更换楼道灯", responsible="李经理", due_on=timezone.localdate())
    topic.refresh_from_db()
    assert topic.status == "following" and topic.decision == "物业本周内更换全部楼道灯"
    services.task_done(actor=actor, task=task, result="已更换 6 盏")
    topic.refresh_from_db()
    assert topic.status == "done"
    assert [e.to_status for e in topic.history.all()] == ["proposed", "scheduled", "decided", "following", "done"]
    assert AuditEntry.objects.filter(content_type__model="topic", object_id=str(topic.pk)).count() == 5


def test_the_vote_adopts_the_option_with_most_votes_for(user, scheduled):
    actor = user("community1")
    first, second = scheduled.options.all()
    services.option_vote(actor=actor, option=first, votes_for=12, votes_against=3, votes_abstain=1)
    services.option_vote(actor=actor, option=second, votes_for=20, votes_against=2, votes_abstain=0)
    topic = services.topic_decide(actor=actor, topic=scheduled, outcome="vote")
    assert topic.decision == second.text
    assert list(Option.objects.filter(topic=topic, adopted=True)) == [second]


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ([(10, 2, 0), (10, 1, 0)], "same votes for"),
        ([(3, 9, 0), (1, 0, 0)], "more votes for than against"),
        ([(0, 0, 0), (0, 0, 0)], "Record the votes"),
    ],
)
def test_a_vote_that_adopts_nothing_decides_nothing(user, scheduled, votes, message, settings):
    settings.LANGUAGE_CODE = "en"
    actor = user("community1")
    for option, (yes, no, abstain) in zip(scheduled.options.all(), votes, strict=True):
        services.option_vote(actor=actor, option=option, votes_for=yes, votes_against=no, votes_abstain=abstain)
    with pytest.raises(ValidationError) as refused:
        services.topic_decide(actor=actor, topic=scheduled, outcome="vote")
    assert message in " ".join(refused.value.messages)
    scheduled.refresh_from_db()
    assert scheduled.status == "scheduled" and not scheduled.options.filter(adopted=True).exists()


def test_lifecycle_refusals(user, community1):
    actor = user("community1")
    proposed = f.TopicFactory(community=community1)
    with pytest.raises(ValidationError):
        services.topic_decide(actor=actor, topic=proposed, outcome="consensus", consensus="未上会就决定")
    with pytest.raises(ValidationError):
        services.topic_publish(actor=actor, topic=proposed)
    with pytest.raises(ValidationError):
        services.task_add(actor=actor, topic=proposed, title="任务", responsible="王", due_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.topic_drop(actor=actor, topic=proposed, reason=" ")
    dropped = services.topic_drop(actor=actor, topic=proposed, reason="已由物业自行解决")
    assert dropped.status == "dropped"
    with pytest.raises(ValidationError):
        services.topic_schedule(actor=actor, topic=dropped, meeting=f.MeetingFactory(community=community1))


def test_a_meeting_to_come_cannot_vote_or_decide(user, community1):
    actor = user("community1")
    topic = f.TopicFactory(community=community1)
    services.topic_schedule(actor=actor, topic=topic, meeting=f.MeetingFactory(community=community1, held_on=timezone.localdate() + dt.timedelta(days=3)))
    option = services.option_add(actor=actor, topic=topic, text="方案一")
    with pytest.raises(ValidationError):
        services.option_vote(actor=actor, option=option, votes_for=3, votes_against=0, votes_abstain=0)
    with pytest.raises(ValidationError):
        services.topic_decide(actor=actor, topic=topic, outcome="consensus", consensus="提前决定")


def test_other_communities_and_grid_workers_are_refused(user, community1):
    topic = f.TopicFactory(community=community1)
    for outsider in ("community2", "grid1", "outsider"):
        with pytest.raises(PermissionDenied):
            services.topic_drop(actor=user(outsider), topic=topic, reason="不归我管")
    with pytest.raises(ValidationError):
        # A request of another community cannot raise a topic here.
        other = ResidentRequest.objects.exclude(grid__community=community1).first()
        services.topic_raise(actor=user("district"), community=community1, title="错社区", description="来源不在本社区", source="request", request=other)


def test_a_task_creates_a_request_or_a_project_of_the_three_lists(user, community1):
    actor = user("community1")
    topic = f.topic_walk(f.TopicFactory(community=community1), to="decided")
    category = Category.objects.filter(active=True, parent__isnull=False).first()
    as_request = services.task_add(actor=actor, topic=topic, title="维修单元门禁", responsible="张师傅", due_on=timezone.localdate(), category=category)
    request = ResidentRequest.objects.get(pk=as_request.request_id)
    assert request.grid.community == community1 and topic.title in request.description
    resource = ResourceItem.objects.create(unit=ResidentUnit.objects.filter(community=community1).first(), category="venue", description="会议室")
    as_project = services.task_add(actor=actor, topic=topic, title="开放会议室作议事场地", responsible="刘主任", due_on=timezone.localdate(), resource=resource)
    project = Project.objects.get(pk=as_project.project_id)
    assert (project.resource, project.owner, project.demand.community) == (resource, "刘主任", community1)
    with pytest.raises(ValidationError):
        services.task_add(actor=actor, topic=topic, title="两样都要", responsible="王", due_on=timezone.localdate(), category=category, resource=resource)
    with pytest.raises(ValidationError):
        services.task_add(actor=actor, topic=topic, title="过期任务", responsible="王", due_on=timezone.localdate() - dt.timedelta(days=1))


def test_publishing_twice_changes_nothing_and_a_personal_phone_is_kept_encrypted(user, community1):
    actor = user("community1")
    topic = f.topic_walk(f.TopicFactory(community=community1), to="decided", published=True)
    first = topic.published_at
    assert services.topic_publish(actor=actor, topic=topic).published_at == first
    participant = services.participant_add(actor=actor, meeting=topic.meeting, kind="owners", names="业委会 3 人", count=3, phone="139 1234 5678")
    assert participant.phone_masked == "139****5678" and "13912345678" not in participant.phone_enc
    with pytest.raises(ValidationError):
        services.participant_add(actor=actor, meeting=topic.meeting, kind="owners", names="业委会", count=3, phone="12345")
    assert Topic.objects.get(pk=topic.pk).status == "decided"

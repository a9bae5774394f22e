"""Participants' contact phones: masked everywhere, revealed with a purpose by the community's secretary and cadres through
the one reveal service (logged, daily limit); another community's participants answer 404, those who only oversee 403."""

import pytest
from django.urls import reverse

from deliberation import services
from governance.models import PersonalDataLog
from tests import factories as f

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def participants(user):
    """Representatives with a contact phone at a meeting of community1, a group without one, and community2's with one."""
    community1, community2 = (user(name).memberships.get().community for name in ("community1", "community2"))
    here, there = f.MeetingFactory(community=community1), f.MeetingFactory(community=community2)
    add = services.participant_add
    return {
        "phone": add(actor=user("cc001"), meeting=here, kind="representatives", names="居民代表 王某", count=5, phone=PHONE),
        "none": add(actor=user("cc001"), meeting=here, kind="property", names="物业公司", count=2),
        "other": add(actor=user("community2"), meeting=there, kind="owners", names="业委会 李某", count=3, phone="13800001111"),
    }


def _reveal(api, username, participant, **body):
    return api(username).post(reverse("deliberation-participant-reveal", args=[participant.pk]), {"purpose": "correction", **body}, format="json")


def test_the_community_secretary_reveals_a_participants_phone_over_the_api_and_it_is_logged(api, participants, user):
    answer = _reveal(api, "community1", participants["phone"])
    assert answer.status_code == 200 and answer.json() == {"phone": PHONE}
    log = PersonalDataLog.objects.get(user=user("community1"), kind=PersonalDataLog.Kind.REVEAL)
    assert (log.object_id, log.purpose, log.fields, log.community_id) == (
        str(participants["phone"].pk),
        "correction",
        ["phone"],
        participants["phone"].meeting.community_id,
    )


def test_a_community_cadre_reveals_on_the_meeting_page_with_a_purpose(login, participants, user):
    client = login("cc001")
    meeting_url = reverse("deliberation-meeting", args=[participants["phone"].meeting_id])
    page = client.get(meeting_url).content.decode()
    assert "139****5678" in page and PHONE not in page
    assert reverse("deliberation-participant-phone", args=[participants["phone"].pk]) in page
    assert reverse("deliberation-participant-phone", args=[participants["none"].pk]) not in page
    url = reverse("deliberation-participant-phone", args=[participants["phone"].pk])
    refused = client.post(url, {"purpose": ""})
    assert refused.status_code == 400 and PHONE not in refused.content.decode()
    shown = client.post(url, {"purpose": "other", "reason": "通知参加下次议事会"})
    assert shown.status_code == 200 and f'href="tel:{PHONE}"' in shown.content.decode()
    fragment = client.post(url, {"purpose": "correction"}, headers={"HX-Request": "true"})
    assert PHONE in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert PersonalDataLog.objects.filter(user=user("cc001"), kind=PersonalDataLog.Kind.REVEAL).count() == 2


def test_attack_another_communitys_participants_answer_404_and_nothing_is_logged(api, login, participants, user):
    assert _reveal(api, "community1", participants["other"]).status_code == 404
    assert login("community1").post(reverse("deliberation-participant-phone", args=[participants["other"].pk]), {"purpose": "correction"}).status_code == 404
    assert not PersonalDataLog.objects.filter(user=user("community1")).exists()


@pytest.mark.parametrize(("username", "code"), [("street1", 403), ("district", 403), ("city1", 403), ("grid1", 403), ("outsider", 404)])
def test_attack_who_only_oversees_deliberation_or_runs_none_here_cannot_reveal(api, participants, user, username, code):
    # The street, district and city see the meetings without residents' phones; a grid worker runs no deliberation.
    assert _reveal(api, username, participants["phone"]).status_code == code
    assert not PersonalDataLog.objects.filter(user=user(username)).exists()


def test_the_street_reads_the_meeting_with_masked_phones_and_no_reveal_form(login, participants):
    page = login("street1").get(reverse("deliberation-meeting", args=[participants["phone"].meeting_id])).content.decode()
    assert "139****5678" in page and PHONE not in page
    assert reverse("deliberation-participant-phone", args=[participants["phone"].pk]) not in page


def test_a_participant_without_a_phone_is_a_400_in_chinese_and_not_logged(api, participants, user):
    answer = _reveal(api, "community1", participants["none"])
    assert answer.status_code == 400 and "没有登记联系电话" in str(answer.json()["extra"])
    assert _reveal(api, "community1", participants["phone"], purpose="bogus").status_code == 400
    assert not PersonalDataLog.objects.filter(user=user("community1")).exists()


def test_reveals_of_participants_count_against_the_daily_limit(api, participants, settings):
    settings.PERSONAL_DATA_REVEALS_PER_DAY = 1
    assert _reveal(api, "community1", participants["phone"]).status_code == 200
    assert _reveal(api, "community1", participants["phone"]).status_code == 429


def test_the_back_office_lists_participants_with_masked_phones_only(login, participants):
    listed = login("community1").get(reverse("admin:deliberation_participant_changelist")).content.decode()
    assert "139****5678" in listed and PHONE not in listed

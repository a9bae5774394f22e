"""Name search through the name-gram index: what a plain LIKE finds, found through the index, inside the searcher's area."""

import pytest
from django.db import connection
from django.urls import reverse

from households import selectors
from households.models import ASCII_FOLD, Household, Resident, name_grams
from tests import factories as f
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

NAMES = ["张三丰", "三丰张", "欧阳娜娜", "王伟", "伟王", "李建国", "建国李建", "Tom Li", "TOMMY", "王Lily", "DAVID3", "阿依古丽·买买提", "50%_off"]
QUERIES = [
    "张",
    "三",
    "伟",
    "张三",
    "三丰",
    "丰张",
    "王伟",
    "李建国",
    "建国李",
    "欧阳娜娜",
    "tom",
    "TOM",
    "m l",
    "lily",
    "王l",
    "3",
    "id3",
    "·买",
    "%",
    "_",
    "%_o",
    "张四",
]


@pytest.fixture
def named(user):
    """Residents with one-, two- and three-character, Latin and punctuated names in grid1's first household."""
    household = Household.objects.filter(grid=user("grid1").memberships.get().grid).order_by("id").first()
    return [f.ResidentFactory(household=household, name=name, relation=Resident.Relation.OTHER, id_number="", phone="") for name in NAMES]


def test_grams_are_the_characters_of_one_and_the_bigrams_of_longer_texts():
    assert name_grams("张") == ["张"]
    assert name_grams("张三丰") == ["三丰", "张三"]
    assert name_grams("ToM") == ["om", "to"]


@pytest.mark.parametrize("q", QUERIES)
def test_name_search_finds_exactly_what_a_plain_like_finds(named, q):
    folded = q.translate(ASCII_FOLD)
    expected = {resident.pk for resident in Resident.objects.all() if folded in resident.name.translate(ASCII_FOLD)}
    assert {resident.pk for resident in Resident.objects.name_contains(q)} == expected
    assert set(Resident.objects.filter(name__icontains=q).values_list("pk", flat=True)) == expected


def test_rows_written_around_the_services_are_found_too(named):
    """The index is on an expression of the name: bulk inserts and queryset updates keep it as forms do."""
    household = named[0].household
    inserted = Resident.objects.bulk_create([Resident(household=household, name="司马光", sex=Resident.Sex.MALE)])[0]
    Resident.objects.filter(pk=named[0].pk).update(name="诸葛亮")
    assert list(Resident.objects.name_contains("司马")) == [inserted]
    assert list(Resident.objects.name_contains("葛亮")) == [named[0]]
    assert not Resident.objects.name_contains("张三丰").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the name-gram index exists on PostgreSQL only")
@pytest.mark.parametrize("q", ["王", "王伟", "李建国"])
def test_the_ledger_search_can_use_the_name_gram_index(user, q):
    households = selectors.household_search(user("district"), q=q)
    sql, params = households.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test tables are small enough to scan; forbidding it shows the index answers the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan on resident_name_grams_idx" in plan, plan


@pytest.mark.parametrize("persona", PERSONAS)
def test_name_search_keeps_to_the_searchers_area(named, user, persona):
    """The name's household is in grid1: its worker, community1, street1, the district and its city find it; the others do not."""
    found = selectors.household_search(user(persona), q="欧阳娜").filter(pk=named[0].household_id).exists()
    assert found is (persona in {"grid1", "community1", "street1", "district", "city1"})


def test_searching_a_name_costs_the_queries_of_the_plain_list(named, login, django_assert_num_queries):
    client = login("grid1")
    # session, user, memberships (scope), the filter form's tags and grids, the count, the page with building/grid/head,
    # the households' tags, the requests waiting and the unread notifications in the header: as many as before the index.
    with django_assert_num_queries(10):
        page = client.get(reverse("household-list") + "?q=娜娜").context["page"]
    assert [household.pk for household in page] == [named[0].household_id]

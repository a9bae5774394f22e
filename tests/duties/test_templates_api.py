"""The district's template list is read through the API; it is kept in the back office, so a POST is not allowed."""

import pytest

pytestmark = pytest.mark.django_db


def test_posting_to_the_template_list_is_refused_not_a_500(api):
    from governance.models import District

    answer = api("district").post("/api/duty-templates/", {"district": District.objects.first().pk, "kind": "assistance", "name": "released"}, format="json")
    assert answer.status_code == 405

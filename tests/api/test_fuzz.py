"""Schemathesis drives every API operation in-process as three personas with token auth: no server error, answers as the
schema says (status codes, content types, bodies, headers), and nothing outside the persona's area changes.

Cases are derandomized (the same cases on every run), so a failure reproduces; FUZZ_EXAMPLES bounds the run.
"""

import hashlib
import os
import types
from collections import Counter

import pytest
import schemathesis
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, models
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance

from governance.models import Membership, User
from governance.scope import scope_for
from governance.services import api_token_issue

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, response_headers_conformance]


def _scope_paths(model):
    """The model's scope lookups, or those of the scoped parent it points to (a sign-up through its volunteer)."""
    if hasattr(model, "SCOPE_PATHS"):
        return model
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and hasattr(field.related_model, "SCOPE_PATHS") and not field.null:
            paths = field.related_model.SCOPE_PATHS
            return types.SimpleNamespace(SCOPE_PATHS={level: [f"{field.name}__{lookup}" for lookup in lookups] for level, lookups in paths.items()})
    return None


def outside_rows(user) -> dict[str, dict]:
    """Every row outside the persona's area, per model, and the accounts that hold no role inside it: pk → row digest."""
    scope = scope_for(user)
    snapshot = {}
    for model in apps.get_models():
        scoped = _scope_paths(model)
        if scoped is not None and not model._meta.proxy:
            snapshot[model._meta.label] = _digests(model._base_manager.exclude(scope.q(scoped)).values_list())
    inside = Membership.objects.filter(scope.q(Membership)).values("user_id")
    snapshot["accounts"] = _digests(User.objects.exclude(pk__in=inside).values_list("pk", "password", "is_active", "must_change_password", "username", "phone"))
    return snapshot


def _digests(rows) -> dict:
    return {row[0]: hashlib.sha256(repr(row).encode()).hexdigest() for row in rows}


def changed_outside(before: dict[str, dict], user) -> dict[str, list]:
    """The rows of `before` that changed or went, and rows created outside the area since: by model, their pks."""
    after = outside_rows(user)
    changes = {}
    for label, rows in before.items():
        model = User if label == "accounts" else apps.get_model(label)
        now = _digests(
            model._base_manager.filter(pk__in=list(rows)).values_list(
                *(["pk", "password", "is_active", "must_change_password", "username", "phone"] if label == "accounts" else [])
            )
        )
        created = [pk for pk in after[label] if pk not in rows and label != "accounts"]
        altered = [pk for pk, digest in rows.items() if now.get(pk) != digest]
        if altered or created:
            changes[label] = sorted(altered + created)
    return changes


def _schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = WSGIHandler()
    return schema


def _ids_for(path: str, user) -> list[int]:
    """Real ids for an operation's {id}: the first row of its model (outside the area for most personas) and one inside it."""
    model = RESOURCE_MODELS.get(path.split("/")[2])
    if model is None:
        return []
    ids = {model.objects.order_by("pk").values_list("pk", flat=True).first()}
    scoped = _scope_paths(model)
    if scoped is not None:
        ids.add(model.objects.filter(scope_for(user).q(scoped)).order_by("-pk").values_list("pk", flat=True).first())
    return sorted(pk for pk in ids if pk is not None)


RESOURCE_MODELS = {
    name: apps.get_model(label)
    for name, label in {
        "districts": "governance.District",
        "streets": "governance.Street",
        "communities": "governance.Community",
        "grids": "grids.Grid",
        "buildings": "grids.Building",
        "resident-units": "governance.ResidentUnit",
        "memberships": "governance.Membership",
        "audit": "governance.AuditEntry",
        "users": "governance.User",
        "households": "households.Household",
        "residents": "households.Resident",
        "visits": "households.Visit",
        "care-tags": "households.CareTag",
        "requests": "resident_requests.ResidentRequest",
        "volunteers": "volunteers.Volunteer",
        "volunteer-activities": "volunteers.Activity",
        "volunteer-signups": "volunteers.Signup",
        "service-posts": "volunteers.ServicePost",
        "post-claims": "volunteers.PostClaim",
        "wishes": "volunteers.Wish",
        "gifts": "volunteers.Gift",
        "gift-redemptions": "volunteers.Redemption",
        "points-entries": "volunteers.PointsEntry",
        "dual-reports": "volunteers.DualReport",
    }.items()
}


def run_operation(operation, headers, path_parameters, failures, statuses):
    strategy = operation.as_strategy(path_parameters=path_parameters)

    @settings(
        # Real ids vary only the query and body: fewer examples there.
        max_examples=EXAMPLES if path_parameters is None else max(1, EXAMPLES - 1),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case):
        statuses[case.call_and_validate(headers=headers, checks=CHECKS).status_code] += 1

    try:
        fuzz()
    except (AssertionError, FailureGroup) as exc:
        failures.append(f"{operation.label} {path_parameters or ''}\n{exc}")


@pytest.fixture
def connection_kept():
    # The WSGI handler closes the connection around each request, which would end the test's transaction (as Django's test client does).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["district", "community1", "grid1"])
def test_api_conforms_to_its_schema_and_keeps_to_the_persona_area(persona, user, connection_kept):
    person = user(persona)
    headers = {"Authorization": f"Token {api_token_issue(user=person).key}"}
    before = outside_rows(person)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in _schema().get_all_operations()]
    for operation in operations:
        run_operation(operation, headers, None, failures, statuses)
        if "{id}" in operation.path:
            for pk in _ids_for(operation.path, person):
                run_operation(operation, headers, {"id": pk}, failures, statuses)
    print(f"{persona}: {len(operations)} operations, {sum(statuses.values())} calls, by status {dict(sorted(statuses.items()))}")
    assert not failures, f"{len(failures)} of {len(operations)} operations failed:\n\n" + "\n\n".join(failures)
    assert changed_outside(before, person) == {}, "rows outside the persona's area changed (model: pks)"

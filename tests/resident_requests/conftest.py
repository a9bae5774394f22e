import pytest

from governance.models import User
from households.models import Household
from resident_requests.models import Category, Open311Partner, ResidentRequest, ServiceAttribute, Urgency
from resident_requests.services.intake import request_submit
from resident_requests.services.partners import open311_partner_save


@pytest.fixture
def new_request(db):
    """A request submitted from grid1's first household (as the resident's public form would)."""

    def make(username: str = "grid1", urgency: str = Urgency.SCHEDULED, code: str = "property-3") -> ResidentRequest:
        grid = User.objects.get(username=username).memberships.get().grid
        household = Household.objects.filter(grid=grid, status="active").order_by("id").first()
        return request_submit(
            source=ResidentRequest.Source.PUBLIC_FORM,
            category=Category.objects.get(code=code),
            urgency=urgency,
            description="3号楼2单元楼道灯坏了一周",
            grid=grid,
            building=household.building,
            household=household,
            reporter_name="王大妈",
            phone="13812345678",
        )

    return make


@pytest.fixture
def partner_key(db):
    """A new Open311 partner's key, made as the back office makes it: `partner_key("小程序", cors_origins=...)`."""

    def make(name: str = "测试平台", **fields) -> str:
        services = fields.pop("services", [])
        partner = Open311Partner(name=name, **fields)
        key = open311_partner_save(actor=None, partner=partner)
        partner.services.set(services)
        return key

    return make


def elevator_question_add() -> ServiceAttribute:
    """The elevator service asks what the fault is, as a district would set it up in the back office."""
    return ServiceAttribute.objects.create(
        category=Category.objects.get(code="property-1"),
        code="fault",
        description="电梯是什么故障？",
        datatype=ServiceAttribute.Datatype.SINGLE,
        values="stuck=困人或停在楼层之间\nstopped=停运\nnoise=异响或抖动",
    )


@pytest.fixture
def elevator_question(db):
    return elevator_question_add()

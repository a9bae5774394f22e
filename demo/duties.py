"""Demo duty lists and 准入: the district's departments and template list (48 duties of the three kinds), each community's
list copied from it less a few, and about eight tasks pushed down per community in every status over the last 90 days."""

import datetime as dt

from demo.clock import WAKING_WINDOWS
from demo.copy import objects_insert
from duties.lifecycle import TaskAction, TaskStatus
from duties.models import Department, Duty, DutyKind, DutyTemplate, IncomingTask, TaskHistory
from governance.models import Community, Membership
from governance.roles import Role

DEPARTMENTS = [
    "区民政局", "区卫生健康局", "区人力资源和社会保障局", "区住房和城乡建设局", "区城市管理综合行政执法局", "区应急管理局", "区退役军人事务局",
    "区市场监督管理局", "区司法局", "区残疾人联合会", "区统计局", "区生态环境分局", "区医疗保障局", "公安分局",
]  # fmt: skip
LAW = "《中华人民共和国城市居民委员会组织法》"
# (kind, name, legal basis, department for assistance duties)
TEMPLATE = [
    *[(DutyKind.SELF_GOVERNANCE, name, LAW, None) for name in [
        "居民自治", "居民会议和居民代表会议", "居务公开", "居民公约制定与修订", "社区协商议事", "社区志愿服务组织", "邻里互助与矛盾调解",
        "社区文化体育活动", "环境卫生自治管理", "业主委员会组建指导", "社区社会组织培育", "居民小组和楼栋长选聘", "社区公益事业", "社区公共设施自治管理",
        "社区治安联防", "社区民主评议",
    ]],
    *[(DutyKind.PERFORMANCE, name, basis, None) for name, basis in [
        ("社区党建工作", "《中国共产党支部工作条例（试行）》"), ("党员教育管理", "《中国共产党党员教育管理工作条例》"), ("在职党员双报到管理", "市委组织部双报到工作办法"),
        ("网格化服务管理", "市基层治理网格化工作规范"), ("社情民意收集和诉求办理", LAW), ("重点人群走访关爱", LAW), ("居民信访接待", "《信访工作条例》"),
        ("社区综合服务设施管理", LAW), ("社区工作者队伍管理", "市社区工作者管理办法"), ("新时代文明实践站运行", LAW), ("社区档案管理", "《中华人民共和国档案法》"),
        ("社区公益性岗位管理", LAW), ("驻区单位共驻共建", "区大党委工作规则"), ("社区疫情防控应急处置", "《中华人民共和国突发事件应对法》"),
        ("居民委员会换届选举", LAW), ("社区证明事项出具（5项）", "区社区证明事项清单"),
    ]],
    *[(DutyKind.ASSISTANCE, name, basis, department) for name, basis, department in [
        ("人口信息采集协助", "《全国人口普查条例》", "区统计局"), ("最低生活保障申请受理协助", "《社会救助暂行办法》", "区民政局"),
        ("高龄津贴申领协助", "省老年人权益保障条例", "区民政局"), ("残疾人证办理协助", "《残疾人保障法》", "区残疾人联合会"),
        ("城乡居民医保参保协助", "《社会保险法》", "区医疗保障局"), ("就业失业登记协助", "《就业促进法》", "区人力资源和社会保障局"),
        ("退役军人服务保障协助", "《退役军人保障法》", "区退役军人事务局"), ("老旧小区改造协助", "区老旧小区改造实施方案", "区住房和城乡建设局"),
        ("燃气安全排查协助", "《城镇燃气管理条例》", "区应急管理局"), ("安全生产宣传协助", "《安全生产法》", "区应急管理局"),
        ("食品安全宣传协助", "《食品安全法》", "区市场监督管理局"), ("人民调解和法律援助协助", "《人民调解法》", "区司法局"),
        ("社区矫正协助", "《社区矫正法》", "区司法局"), ("垃圾分类宣传督导协助", "市生活垃圾分类管理条例", "区城市管理综合行政执法局"),
        ("流动人口登记协助", "《居住证暂行条例》", "公安分局"), ("计划生育和家庭发展服务协助", "《人口与计划生育法》", "区卫生健康局"),
    ]],
]  # fmt: skip
# Tasks pushed down: (department, title, on the list under this duty or None when off it).
TASKS = [
    ("区统计局", "配合开展经济普查入户登记", "人口信息采集协助"),
    ("区民政局", "低保家庭年度复核入户调查", "最低生活保障申请受理协助"),
    ("区应急管理局", "汛期前燃气入户安全检查", "燃气安全排查协助"),
    ("区市场监督管理局", "辖区餐饮门店证照核查", None),
    ("区城市管理综合行政执法局", "占道经营每日巡查台账", None),
    ("区住房和城乡建设局", "出具房屋租赁情况证明", None),
    ("区生态环境分局", "辖区企业排污情况摸底", None),
    ("区卫生健康局", "为居民出具健康状况证明", None),
]
# The status of each task above, in turn: the first three on the list, the others off it in each state.
OFF_LIST_STATUSES = [TaskStatus.APPROVED, TaskStatus.REFUSED, TaskStatus.PENDING, TaskStatus.REFUSED, TaskStatus.APPROVED]
REFUSALS = "属于部门法定职责，不应下派社区"


def seed_duties(district_seeder, *, buildings) -> dict:
    rng, clock = district_seeder.rng, district_seeder.clock
    district = district_seeder.district
    departments = {d.name: d for d in objects_insert(Department, [Department(district=district, name=name) for name in DEPARTMENTS])}
    objects_insert(
        DutyTemplate,
        [
            DutyTemplate(district=district, kind=kind, name=name, basis=basis, department=departments.get(department))
            for kind, name, basis, department in TEMPLATE
        ],
    )
    communities = list(Community.objects.filter(district=district).order_by("code"))
    duties = []
    for community in communities:
        # Each community's list is the template less a few duties its street left out: 40 to 48 duties.
        left_out = set(rng.sample(range(len(TEMPLATE)), rng.randint(0, 8)))
        duties += [
            Duty(community=community, kind=kind, name=name, basis=basis, department=departments.get(department))
            for index, (kind, name, basis, department) in enumerate(TEMPLATE)
            if index not in left_out
        ]
    duties = objects_insert(Duty, duties)
    by_name = {(duty.community_id, duty.name): duty for duty in duties}
    secretaries = dict(Membership.objects.filter(community__in=communities, role=Role.COMMUNITY_SECRETARY).values_list("community_id", "user_id"))
    street_cadres = dict(Membership.objects.filter(street__district=district, role=Role.STREET_CADRE).values_list("street_id", "user_id"))
    tasks, steps = [], []
    for community in communities:
        off_list = iter(OFF_LIST_STATUSES)
        for department, title, duty_name in TASKS:
            received = clock.today - dt.timedelta(days=rng.randint(1, 90))
            registered = clock.moment_on(received, WAKING_WINDOWS)
            duty = by_name.get((community.pk, duty_name)) if duty_name else None
            status = TaskStatus.ADMITTED if duty else next(off_list, TaskStatus.PENDING)
            decided = min(clock.after(registered, rng.uniform(4, 72)), clock.now) if status in (TaskStatus.APPROVED, TaskStatus.REFUSED) else None
            task = IncomingTask(
                community=community, department=departments[department], title=title, received_on=received,
                due_on=received + dt.timedelta(days=rng.choice([7, 15, 30])), duty=duty, status=status,
                reason="" if duty else "不在社区工作事项清单内", registered_by_id=secretaries[community.pk], registered_at=registered,
                decided_by_id=street_cadres[community.street_id] if decided else None, decided_at=decided,
                decision_reason=REFUSALS if decided and status == TaskStatus.REFUSED else "",
            )  # fmt: skip
            tasks.append(task)
            steps.append((task, duty, decided))
    objects_insert(IncomingTask, tasks)
    history = []
    for task, duty, decided in steps:
        first = TaskAction.ADMIT if duty else TaskAction.REFUSE if task.status == TaskStatus.REFUSED and not decided else TaskAction.SEND
        first_status = task.status if duty else TaskStatus.PENDING
        history.append(
            TaskHistory(
                task=task, actor_id=task.registered_by_id, action=first, from_status="", to_status=first_status, note=task.reason, at=task.registered_at
            )
        )
        if decided:
            action = TaskAction.APPROVE if task.status == TaskStatus.APPROVED else TaskAction.REFUSE
            history.append(
                TaskHistory(
                    task=task,
                    actor_id=task.decided_by_id,
                    action=action,
                    from_status=TaskStatus.PENDING,
                    to_status=task.status,
                    note=task.decision_reason,
                    at=decided,
                )
            )
    objects_insert(TaskHistory, history)
    return {"duties": len(duties), "incoming tasks": len(tasks)}

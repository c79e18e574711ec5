"""Benchmark: suggestions across a city, on PostgreSQL.

    .venv/bin/python bench/consult/run.py [--postgres URL] [--scale 1.0] [--keep]

The city: 10 districts, 60 units each (600, each with its stated duties) and 1,000,000
suggestions over a year, spread over the units: one in twenty waiting to be accepted, one in
twenty accepted, one in twenty declined, three in twenty being handled (one of them past its
deadline), two in twenty replied, the rest closed with a rating; an assignment for each one
handled. Generated inside PostgreSQL with generate_series. `--scale 0.1` makes a tenth.

Measured (median of 7 after a warm-up):
- `unit_list_ms`: a unit administrator's list of what the unit handles (first page of 50
  and the count, as the page shows them);
- `unit_all_ms`: the same administrator's full list (also what was assigned to the unit
  before), first page and count;
- `chase_ms`: a district working committee's chase list (overdue), first page and count;
- `proposal_ms`: proposing a unit for one suggestion (its district's 60 units, their duties
  and up to 40 past assignments each), as the assignment page does; the units' profiles are
  cached for ten minutes, so `proposal_cold_ms` is the first call of a district (reading
  them), `proposal_ms` the median of the calls after.

Targets: `unit_list_ms` and `chase_ms` < 300, `proposal_ms` < 200.
Results: bench/results/consult.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import Bench, execute_and_count, median_ms, once_ms, scaled_arguments

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gj_consult_bench"
DISTRICTS = 10
UNITS_PER_DISTRICT = 60
SUGGESTIONS = 1_000_000

TITLES = [
    "小区门口垃圾没人拉",
    "晚上烧烤摊油烟太大",
    "路灯坏了好久",
    "老楼想装电梯",
    "物业不作为",
    "工地半夜施工",
    "公交站太远",
    "路面坑洼不平",
    "停车太难",
    "孩子上学太远",
    "放学太早没人接",
    "社区医院排队久",
    "疫苗预约不上",
    "老人吃饭难",
    "养老驿站太少",
    "工厂排黑烟",
    "河水发臭",
    "饭店卫生太差",
    "电梯老是坏",
    "工资被拖欠",
    "想学技术",
    "电动车被偷",
    "半夜喝酒吵闹",
    "经常停水",
    "一下雨就淹",
    "办税服务厅排队",
    "发票开不出来",
    "图书馆开放时间短",
    "广场舞没有场地",
    "消防通道被堵",
]
DUTIES = [
    "市容环境卫生管理；生活垃圾收运；占道经营、露天烧烤；违法建设；城市照明路灯",
    "老旧小区改造；加装电梯；物业服务监管；建筑工地施工扬尘和夜间施工",
    "公交线路和站点设置；道路养护；出租车网约车；公共停车场",
    "中小学和幼儿园；学区划分和招生；校车安全；课后服务；校外培训",
    "医院和社区卫生服务中心；家庭医生；疫苗接种；挂号就诊",
    "养老服务和养老驿站；老年人助餐；低保；残疾人福利；婚姻登记",
    "大气污染防治；企业废气废水排放；河湖水质；工业噪声；异味",
    "食品安全和餐饮卫生；价格；消费者权益保护；电梯等特种设备",
    "就业创业；职业技能培训；拖欠工资；劳动合同；养老保险待遇",
    "社会治安；电动车盗窃；户籍；交通违法；夜间噪声扰民",
    "供水和停水；水压；排水管网；暴雨内涝；河道整治",
    "税收征管；办税服务厅；发票开具；个人所得税；社保费征收",
    "图书馆和文化馆；群众文化活动；体育场馆；广场舞场地",
    "安全生产；消防安全隐患；防汛抗旱；危险化学品；消防通道",
]


def generate(scale: float) -> dict[str, int]:
    n = max(1000, round(SUGGESTIONS * scale))
    params = {
        "districts": DISTRICTS,
        "units": UNITS_PER_DISTRICT,
        "n": n,
        "titles": TITLES,
        "duties": DUTIES,
    }
    statements = [
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth)
           SELECT now(), now(), 'D' || d, '第' || d || '区', 'district', NULL, '/D' || d || '/', 0
           FROM generate_series(1, %(districts)s) d""",
        """INSERT INTO orgs_unit (created_at, updated_at, code, name, short_name, category,
               area_id, address)
           SELECT now(), now(), a.code || '-U' || lpad(u::text, 2, '0'), a.name || '单位' || u,
               '', '行政', a.id, ''
           FROM orgs_area a, generate_series(1, %(units)s) u WHERE a.kind = 'district'""",
        """INSERT INTO consult_unitduty (created_at, updated_at, unit_id, duties,
               takes_suggestions)
           SELECT now(), now(), u.id, (%(duties)s::text[])[1 + u.id %% 14], true
           FROM orgs_unit u""",
        """CREATE TEMP TABLE bench_units AS
           SELECT id, area_id, (row_number() OVER (ORDER BY id)) - 1 AS k FROM orgs_unit""",
        # state by (i / units) %% 20: 0 submitted, 1 accepted, 2 declined, 3 overdue,
        # 4-5 assigned, 6-7 replied, 8-19 closed
        """INSERT INTO consult_suggestion (created_at, updated_at, public_id, district_id,
               title, text, category_id, area_id, source, member_id, submitter_name,
               submitter_phone, submitter_phone_hash, share_identity, studio_id,
               consultation_id, status, submitted_at, decided_at, decline_reason,
               merged_into_id, unit_id, due_on, replied_at, on_time, closed_at, handbacks,
               rehandles, rating)
           SELECT now(), now(), gen_random_uuid(), u.area_id,
               (%(titles)s::text[])[1 + i %% 30], '居民反映的情况，希望尽快解决。',
               c.first + i %% 11, NULL, 'member', NULL, '', '', '', false, NULL, NULL,
               CASE WHEN s = 0 THEN 'submitted' WHEN s = 1 THEN 'accepted'
                    WHEN s = 2 THEN 'declined' WHEN s <= 5 THEN 'assigned'
                    WHEN s <= 7 THEN 'replied' ELSE 'closed' END,
               now() - (i %% 365) * interval '1 day',
               CASE WHEN s > 0 THEN now() - (i %% 365) * interval '1 day' END,
               CASE WHEN s = 2 THEN '不属于本区职权范围' ELSE '' END,
               NULL,
               CASE WHEN s >= 3 THEN u.id END,
               CASE WHEN s = 3 THEN current_date - 1 - i %% 20
                    WHEN s >= 4 THEN current_date + 1 + i %% 20 END,
               CASE WHEN s >= 6 THEN now() END,
               CASE WHEN s >= 6 THEN i %% 7 <> 0 END,
               CASE WHEN s >= 8 THEN now() END,
               0, 0,
               CASE WHEN s >= 8 THEN (ARRAY['satisfied','basic','unsatisfied'])[1 + i %% 3]
                    ELSE '' END
           FROM generate_series(0, %(n)s - 1) i
           CROSS JOIN LATERAL (SELECT (i / (SELECT count(*) FROM bench_units)) %% 20 AS s) st
           JOIN bench_units u ON u.k = i %% (SELECT count(*) FROM bench_units)
           CROSS JOIN (SELECT min(id) AS first FROM consult_category) c""",
        """INSERT INTO consult_assignment (created_at, updated_at, suggestion_id, unit_id,
               status, workdays, due_on, assigned_by_id, proposed, reasons, rehandle,
               handback_reason, ended_at)
           SELECT now(), now(), s.id, s.unit_id,
               CASE WHEN s.status = 'assigned' THEN 'active' ELSE 'replied' END,
               15, s.due_on, NULL, true, '[]'::jsonb, false, '',
               CASE WHEN s.status = 'assigned' THEN NULL ELSE now() END
           FROM consult_suggestion s WHERE s.unit_id IS NOT NULL""",
        "ANALYZE",
    ]
    counts = {"suggestions": "consult_suggestion", "assignments": "consult_assignment"}
    made: dict[str, int] = execute_and_count(statements, params, counts)
    return made


def main() -> None:
    args = scaled_arguments(DEFAULT_URL)
    bench = Bench("consult", targets={"unit_list_ms": 300, "chase_ms": 300, "proposal_ms": 200})
    with bench.database(args.postgres, keep=args.keep) as url:
        bench.django(url)
        from django.core.paginator import Paginator
        from django.utils import timezone

        from gongjian.accounts.models import User
        from gongjian.consult import selectors, services
        from gongjian.consult.models import Suggestion
        from gongjian.orgs.models import Area, RoleAssignment, Unit

        bench.record("scale", args.scale)
        elapsed, made = once_ms(lambda: generate(args.scale))
        bench.record("generate_ms", elapsed)
        bench.record("suggestions", made["suggestions"])
        bench.record("assignments", made["assignments"])
        unit_admin = User.objects.create(username="bench-unit", password_changed_at=timezone.now())
        RoleAssignment.objects.create(
            user=unit_admin, role="unit_admin", unit=Unit.objects.get(code="D1-U01")
        )
        committee = User.objects.create(
            username="bench-district", password_changed_at=timezone.now()
        )
        RoleAssignment.objects.create(
            user=committee, role="district_admin", area=Area.objects.get(code="D1")
        )

        def page(qs: object) -> int:
            p = Paginator(qs, 50).get_page(1)  # type: ignore[arg-type]
            return len(list(p.object_list)) + p.paginator.count

        bench.record(
            "unit_rows", selectors.suggestion_list(actor=unit_admin, handling=True).count()
        )
        bench.record(
            "unit_list_ms",
            median_ms(
                lambda: page(selectors.suggestion_list(actor=unit_admin, handling=True)),
                repeat=7,
                warmup=1,
            ),
        )
        bench.record(
            "unit_all_ms",
            median_ms(
                lambda: page(selectors.suggestion_list(actor=unit_admin)), repeat=7, warmup=1
            ),
        )
        bench.record("chase_rows", selectors.suggestion_list(actor=committee, overdue=True).count())
        bench.record(
            "chase_ms",
            median_ms(
                lambda: page(selectors.suggestion_list(actor=committee, overdue=True)),
                repeat=7,
                warmup=1,
            ),
        )
        target = Suggestion.objects.filter(district__code="D1", status="accepted").first()
        assert target is not None
        cold, _ = once_ms(
            lambda: services.suggestion_propose(actor=committee, suggestion_id=target.public_id)
        )
        bench.record("proposal_cold_ms", cold)
        bench.record(
            "proposal_ms",
            median_ms(
                lambda: services.suggestion_propose(
                    actor=committee, suggestion_id=target.public_id
                ),
                repeat=7,
                warmup=1,
            ),
        )
    bench.write(save=args.scale >= 1)


if __name__ == "__main__":
    main()

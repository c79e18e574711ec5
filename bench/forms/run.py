"""Benchmark: a province-sized roll-up of a report form on PostgreSQL.

    .venv/bin/python bench/forms/run.py [--postgres URL] [--scale 1.0] [--keep]

The province: 50 districts × 20 streets × 20 communities = 20,000 communities, every one a
filler of a monthly form of 40 integer fields (6 of them sourced from the platform's
figures), opened for the 12 months of last year: 240,000 returns and 9,600,000 answers,
generated inside PostgreSQL with generate_series. 85 % of returns approved, 5 % submitted,
2 % returned, 3 % drafts, 5 % not started; one in eight late. `--scale 0.1` makes a tenth
of the districts for a quick check.

Measured (median of 7 after a warm-up), for one month:
- `platform_ms`: completeness, timeliness and the 40 totals of the whole province;
- `platform_children_ms`: the same with the 50 districts' own (the round page's table);
- `district_ms`, `street_ms`, `community_ms`: one node of each level, with its children;
- `prefill_ms`: the sourced figures of one community's return (the figures functions of the
  apps that own them, for the community and the month);
- `page_ms`: the round's page through Django's test client, for the platform;
- `open_district_ms` (once): opening a new month for the form's district (400 communities).

Targets: `platform_ms` < 500, `prefill_ms` < 300. Results: bench/results/forms.json.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _harness as h
from _harness import Bench

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gj_forms_bench"
DISTRICTS = 50
STREETS = 20
COMMUNITIES = 20
FIELDS = 40
SOURCES = (
    "reporting.reports_received",
    "service.activities",
    "service.person_times",
    "service.people",
    "service.hours",
    "study.sessions_held",
)


def generate(scale: float) -> dict[str, int]:
    from django.db import connection

    params = {
        "districts": max(1, round(DISTRICTS * scale)),
        "streets": STREETS,
        "communities": COMMUNITIES,
    }
    statements = [
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth)
           SELECT now(), now(), 'D' || d, '第' || d || '区', 'district', NULL, '/D' || d || '/', 0
           FROM generate_series(1, %(districts)s) d""",
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth)
           SELECT now(), now(), a.code || 'S' || s, a.name || s || '街道', 'street', a.id,
               a.path || a.code || 'S' || s || '/', 1
           FROM orgs_area a, generate_series(1, %(streets)s) s WHERE a.kind = 'district'""",
        """INSERT INTO orgs_area (created_at, updated_at, code, name, kind, parent_id, path, depth)
           SELECT now(), now(), a.code || 'C' || c, a.name || c || '社区', 'community', a.id,
               a.path || a.code || 'C' || c || '/', 2
           FROM orgs_area a, generate_series(1, %(communities)s) c WHERE a.kind = 'street'""",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
        cursor.execute("SELECT count(*) FROM orgs_area WHERE kind = 'community'")
        return {"fillers": cursor.fetchone()[0]}


def fill(form_id: int) -> dict[str, int]:
    """Every round's returns, in every state, and their answers."""
    statements = [
        """INSERT INTO forms_return (created_at, updated_at, public_id, round_id, area_id,
               unit_id, path, status, submitted_at, on_time, approved_at, approved_by_id,
               reason, times_returned, reminded_at)
           SELECT now(), now(), gen_random_uuid(), r.id, a.id, NULL, a.path,
               s.status,
               CASE WHEN s.status IN ('submitted', 'approved') THEN r.due_on::timestamptz END,
               CASE WHEN s.status IN ('submitted', 'approved') THEN (a.id + r.id) %% 8 <> 0 END,
               CASE WHEN s.status = 'approved' THEN r.due_on::timestamptz END, NULL,
               CASE WHEN s.status = 'returned' THEN '请核对' ELSE '' END,
               (s.status = 'returned')::int, NULL
           FROM forms_round r
           CROSS JOIN orgs_area a
           CROSS JOIN LATERAL (SELECT CASE
               WHEN (a.id * 7 + r.id) %% 100 < 85 THEN 'approved'
               WHEN (a.id * 7 + r.id) %% 100 < 90 THEN 'submitted'
               WHEN (a.id * 7 + r.id) %% 100 < 92 THEN 'returned'
               WHEN (a.id * 7 + r.id) %% 100 < 95 THEN 'draft'
               ELSE 'pending' END AS status) s
           WHERE r.form_id = %(form)s AND a.kind = 'community'""",
        """INSERT INTO forms_answer (created_at, updated_at, ret_id, field_id, round_id, path,
               counted, number, text, date, computed, reason)
           SELECT now(), now(), t.id, f.id, t.round_id, t.path, t.status = 'approved',
               ((t.id + f.id) %% 50)::numeric, '', NULL,
               CASE WHEN f.source <> '' THEN ((t.id + f.id) %% 50)::numeric END, ''
           FROM forms_return t
           JOIN forms_round r ON r.id = t.round_id
           JOIN forms_field f ON f.form_id = r.form_id
           WHERE r.form_id = %(form)s AND t.status <> 'pending'""",
        # As autovacuum would after a bulk load: statistics, and the visibility map that lets
        # the roll-up read its covering index without visiting the table.
        "VACUUM (ANALYZE) forms_return",
        "VACUUM (ANALYZE) forms_answer",
    ]
    counts = {"returns": "forms_return", "answers": "forms_answer"}
    made: dict[str, int] = h.execute_and_count(statements, {"form": form_id}, counts)
    return made


def main() -> None:
    args = h.scaled_arguments(DEFAULT_URL)
    bench = Bench("forms", targets={"platform_ms": 500, "prefill_ms": 300})
    with bench.database(args.postgres, keep=args.keep) as url:
        bench.django(url)
        from django.utils import timezone

        from gongjian.accounts.models import User
        from gongjian.forms import schedule, selectors, services, sources
        from gongjian.forms.models import Field, Form, Return, Round
        from gongjian.orgs.models import Area, RoleAssignment

        bench.record("scale", args.scale)
        elapsed, made = h.once_ms(lambda: generate(args.scale))
        bench.record("fillers", made["fillers"])
        admin = User.objects.create(
            username="bench-admin",
            is_superuser=True,
            is_staff=True,
            password_changed_at=timezone.now(),
        )
        district = Area.objects.get(code="D1")
        form = Form.objects.create(
            title="月报",
            owner=district,
            frequency="monthly",
            fillers="communities",
            status="active",
        )
        # The province's form (the tree has no province level: it is owned by one district,
        # its returns are generated for every community; the platform administrator reads
        # the whole tree).
        Field.objects.bulk_create(
            [
                Field(
                    form=form,
                    code=f"f{i}",
                    label=f"指标{i}",
                    kind="integer",
                    position=i,
                    source=SOURCES[i] if i < len(SOURCES) else "",
                )
                for i in range(FIELDS)
            ]
        )
        year = timezone.localdate().year - 1
        for month in range(1, 13):
            period = schedule.period_containing("monthly", dt.date(year, month, 1))
            Round.objects.create(
                form=form,
                version=1,
                start=period.start,
                end=period.end,
                label=schedule.label("monthly", period),
                due_on=schedule.due_on(period, 5),
            )
        elapsed, filled = h.once_ms(lambda: fill(form.pk))
        bench.record("generate_ms", elapsed)
        bench.record("returns", filled["returns"])
        bench.record("answers", filled["answers"])
        rnd = Round.objects.get(form=form, start=dt.date(year, 6, 1))
        fields = selectors.fields_of(form, 1)
        districts = list(Area.objects.filter(kind="district").order_by("path"))
        street = Area.objects.get(code="D1S1")
        community = Area.objects.get(code="D1S1C1")

        def children(node: Area | None) -> list[tuple[int, str]]:
            qs = Area.objects.filter(parent=node) if node else Area.objects.filter(parent=None)
            return [(a.pk, a.path) for a in qs]

        def tally(path: str, kids: list[tuple[int, str]] | None = None) -> int:
            t, below = selectors.rollup(rnd=rnd, path=path, fields=fields, children=kids or [])
            return t.expected + len(below)

        node, _below = selectors.rollup(rnd=rnd, path="/", fields=fields)
        bench.record("platform_expected", node.expected)
        bench.record("platform_completeness", float(node.completeness or 0))
        bench.record("platform_timeliness", float(node.timeliness or 0))
        bench.record("platform_ms", h.median_ms(lambda: tally("/"), repeat=7, warmup=1))
        top = [(a.pk, a.path) for a in districts]
        bench.record(
            "platform_children_ms", h.median_ms(lambda: tally("/", top), repeat=7, warmup=1)
        )
        for name, area in (("district", district), ("street", street), ("community", community)):
            kids = children(area)
            bench.record(
                f"{name}_ms",
                h.median_ms(lambda a=area, k=kids: tally(a.path, k), repeat=7, warmup=1),
            )
        secretary = User.objects.create(
            username="bench-secretary", password_changed_at=timezone.now()
        )
        RoleAssignment.objects.create(user=secretary, role="community_admin", area=community)
        ret = Return.objects.select_related("round", "area").get(round=rnd, area=community)

        def prefill() -> int:
            return len(sources.live_values(actor=secretary, ret=ret, fields=fields))

        bench.record("prefilled_fields", prefill())
        bench.record("prefill_ms", h.median_ms(prefill, repeat=7, warmup=1))
        client = h.logged_in_client(admin)

        def page() -> None:
            response = client.get(f"/forms/rounds/{rnd.pk}/")
            assert response.status_code == 200, response.status_code

        bench.record("page_ms", h.median_ms(page, repeat=5, warmup=1))
        elapsed, opened = h.once_ms(
            lambda: services.round_open(
                actor=admin, form_id=form.public_id, day=dt.date(year + 1, 1, 15)
            )
        )
        bench.record("open_district_ms", elapsed)
        bench.record("opened_returns", opened.returns.count())
    bench.write()


if __name__ == "__main__":
    main()

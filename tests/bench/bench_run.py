"""The measures of ``./crm bench``, on a copy of the benchmark template database (see bench_data.py).

Run by ``./crm bench`` (``python tests/bench/bench_run.py --db <copy> --out bench-results.json``, PG* naming the
database server). Each measure is timed in this process on the benchmark data and, where the aim is a ratio,
next to a raw SQL aggregate of the same rows measured in the same run:

- follow-up decision pass (candidates and levels of every customer, no write) vs one SQL aggregate of the same
  overdue items (aim ≤ 3×);
- a full follow-up run (lines, communications, queued e-mail and SMS, call activities, interactions) on a part of
  the customers, rolled back, then on all of them: customers/s (aim ≥ 200) and queries per 1,000 customers at the
  two sizes (constant = no query per customer);
- the card of the customer with 10,000 interactions and its timeline, as the web client reads them
  (``web_read``, ``web_search_read`` with the views' fields) vs SQL of the same rows;
- knowledge search (``_suggest``) p50/p95 over 200 queries vs a naive ``ILIKE`` scan;
- the 1C import of 50,000 rows (file of bench_import_1c.py; preview + import, rolled back), against its aim of 90 s;
- behaviour score recomputation, collection queue build, aging and cash-in forecast vs raw SQL aggregates of the
  same rows (aim ≤ 2×);
- install time of the three addons on a fresh database, vs the install of their Odoo dependencies.

Prints one table and writes the JSON file. Nothing is asserted: numbers, not pass/fail.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data  # noqa: E402
from bench_import_1c import _cpu, build_file  # noqa: E402

ADDONS = ("crm_knowledge", "crm_receivables", "crm_complaints")
SEARCH_QUERIES = 200
FOLLOWUP_BATCH = 200  # the default batch size of crm.followup.engine._run
TIMELINE_PAGE = 80


def say(msg):
    print(f"[bench] {msg}", flush=True)


class Measures:
    """Collects the rows of the table and the JSON."""

    def __init__(self):
        self.rows = []

    def add(self, name, value, unit, baseline=None, ratio=None, aim=None, **extra):
        """One measure; ``ratio`` is ``value / baseline`` unless given; ``aim`` a text like ``≤ 3×``."""
        if ratio is None and baseline:
            ratio = value / baseline
        row = {"name": name, "value": round(value, 4), "unit": unit,
               "baseline": None if baseline is None else round(baseline, 4),
               "ratio": None if ratio is None else round(ratio, 2), "aim": aim, **extra}
        self.rows.append(row)
        say(f"{name}: {format_row(row)}")
        return row


def format_value(value, unit):
    if value is None:
        return "—"
    if unit == "s" and value < 1:
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value:,.1f} {unit}" if isinstance(value, float) and value < 100 else f"{value:,.0f} {unit}"


def format_row(row):
    parts = [format_value(row["value"], row["unit"])]
    if row.get("baseline") is not None:
        parts.append(f"baseline {format_value(row['baseline'], row.get('baseline_unit', row['unit']))}")
    if row.get("ratio") is not None:
        parts.append(f"ratio {row['ratio']:.2f}×")
    if row.get("aim"):
        parts.append(f"aim {row['aim']}")
    return ", ".join(parts)


def table(rows):
    """The terminal table: measure, figure, baseline, ratio, aim, notes."""
    header = ("measure", "figure", "baseline", "ratio", "aim", "notes")
    lines = [(r["name"], format_value(r["value"], r["unit"]),
              format_value(r.get("baseline"), r.get("baseline_unit", r["unit"])),
              "—" if r.get("ratio") is None else f"{r['ratio']:.2f}×", r.get("aim") or "", r.get("note", ""))
             for r in rows]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    out = [" | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def timed(env, func, runs=1):
    """Median wall time of ``func`` over ``runs`` (caches cleared before each), its queries, its result."""
    times, queries, result = [], 0, None
    for _run in range(runs):
        env.invalidate_all()
        before, start = env.cr.sql_log_count, time.perf_counter()
        result = func()
        env.flush_all()
        times.append(time.perf_counter() - start)
        queries = env.cr.sql_log_count - before
    return statistics.median(times), queries, result


def sql_timed(env, query, runs=3):
    """Median time of a raw SQL query (rows fetched)."""
    times, rows = [], None
    for _run in range(runs):
        start = time.perf_counter()
        rows = env.execute_query(query)
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


# ------------------------------------------------------------------------------------------------ measures
def measure_followup(env, measures, SQL):
    """Decision pass vs one SQL aggregate; then full runs at two sizes."""
    today = date.today()
    Engine = env["crm.followup.engine"]
    # median of 3 runs, as the SQL baseline's (the first run also fills the registry caches: rules, defaults)
    elapsed, queries, candidates = timed(env, lambda: Engine._get_candidates(today), runs=3)
    pairs = sum(len(v) for v in candidates.values())
    # the same items: open receivable items of unblocked documents due before today + 3 days (the first level
    # is 3 days before the due date), summed per customer, company and currency
    baseline, rows = sql_timed(env, SQL(
        """SELECT rp.commercial_partner_id, l.company_id, l.currency_id, SUM(l.amount_residual_currency), COUNT(*),
                  MIN(l.date_maturity)
             FROM account_move_line l
             JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
             JOIN res_partner rp ON rp.id = l.partner_id
            WHERE l.parent_state = 'posted' AND NOT l.reconciled AND l.amount_residual > 0
              AND l.date_maturity <= %s
              AND NOT EXISTS (SELECT 1 FROM crm_followup_block b WHERE b.move_id = l.move_id AND b.active)
            GROUP BY rp.commercial_partner_id, l.company_id, l.currency_id""",
        today + timedelta(days=3),
    ))
    measures.add("follow-up decision pass (all customers)", elapsed, "s", baseline, aim="≤ 3×", queries=queries,
                 note=f"{len(candidates)} customers, {pairs} item-levels; SQL: {len(rows)} groups")

    partners = env["res.partner"].browse(sorted(candidates))
    small = partners[:max(50, len(partners) // 10)]
    figures = {}
    for label, subset in (("part", small), ("all", None)):
        savepoint = env.cr.savepoint()
        before = _counts(env, SQL)
        cpu = _cpu()
        elapsed, queries, result = timed(env, lambda subset=subset: Engine._run(partners=subset))
        after = _counts(env, SQL)
        created = {key: after[key] - before[key] for key in after}
        figures[label] = (elapsed, queries, result, created, _cpu() - cpu)
        if label == "part":
            savepoint.rollback()
            env.invalidate_all()
        savepoint.close(rollback=False)
    for label, (elapsed, queries, result, created, cpu) in figures.items():
        customers = result["customers"] or 1
        rate = customers / elapsed if elapsed else 0.0
        # generation works in batches of customers, sending in batches of communications (200 each)
        batches = -(-customers // FOLLOWUP_BATCH) + -(-(result["sent"] or 1) // FOLLOWUP_BATCH)
        measures.add(f"follow-up run ({label}: {result['customers']} customers)", rate, "customers/s",
                     ratio=rate / 200, aim="≥ 200/s (ratio ≥ 1)", queries=queries,
                     queries_per_1000_customers=round(queries * 1000 / customers),
                     queries_per_batch=round(queries / batches), seconds=round(elapsed, 1),
                     cpu_seconds=round(cpu, 1), created=created,
                     note=f"{elapsed:.0f} s, {cpu:.1f} s CPU, {queries * 1000 / customers:,.0f} queries/1000 customers"
                          f" ({queries / batches:,.0f} per batch); "
                          f"{created['mail']} e-mails, {created['sms']} SMS, {created['activities']} activities "
                          f"queued, {result['sent']} sent, {created['to_review']} to review")


def _counts(env, SQL):
    env.flush_all()
    row = env.execute_query(SQL(
        """SELECT (SELECT COUNT(*) FROM mail_mail), (SELECT COUNT(*) FROM sms_sms),
                  (SELECT COUNT(*) FROM mail_activity), (SELECT COUNT(*) FROM crm_followup_line),
                  (SELECT COUNT(*) FROM crm_followup_message WHERE state = 'to_review')"""))[0]
    return dict(zip(("mail", "sms", "activities", "lines", "to_review"), row, strict=True))


def _view_spec(Model, view_type):
    """The ``web_read`` specification of the fields of the model's default ``view_type`` view."""
    views = Model.get_views([(False, view_type)])
    return {name: {} for name in views["models"][Model._name]["fields"]}


def measure_card(env, measures, SQL, partner_id):
    Partner, Interaction = env["res.partner"], env["crm.interaction"]
    partner = Partner.browse(partner_id)
    form, listing = _view_spec(Partner, "form"), _view_spec(Interaction, "list")
    action = partner.action_view_interaction_timeline()
    domain = action.get("domain") or [("partner_id", "child_of", partner.id)]

    def card():
        Partner.browse(partner_id).web_read(form)
        return Interaction.web_search_read(domain, listing, limit=TIMELINE_PAGE, order="date desc, id desc")

    elapsed, queries, result = timed(env, card, runs=5)
    baseline, _rows = sql_timed(env, SQL(
        """SELECT p.id, p.name, p.email, p.phone, p.vat,
                  (SELECT COUNT(*) FROM crm_interaction i WHERE i.partner_id = p.id),
                  (SELECT SUM(amount_residual) FROM account_move_line l WHERE l.partner_id = p.id AND NOT l.reconciled
                      AND l.parent_state = 'posted')
             FROM res_partner p WHERE p.id = %s""", partner_id,
    ), runs=5)
    page, _rows = sql_timed(env, SQL(
        "SELECT i.id, i.date, i.channel, i.direction, i.summary, i.user_id, i.outcome_id FROM crm_interaction i"
        " WHERE i.partner_id = %s ORDER BY i.date DESC, i.id DESC LIMIT %s", partner_id, TIMELINE_PAGE), runs=5)
    measures.add("customer card + timeline (10,000 interactions)", elapsed, "s", baseline + page, queries=queries,
                 note=f"{result['length']} interactions, first {TIMELINE_PAGE} read; {len(form)} card fields")


def search_queries():
    """200 deterministic queries: words, two-word phrases, stems, typos, English, in both languages."""
    ru, en = bench_data.RU_WORDS, bench_data.EN_WORDS
    queries = []
    for i in range(SEARCH_QUERIES):
        kind = i % 5
        if kind == 0:
            queries.append(ru[i % len(ru)])
        elif kind == 1:
            queries.append(f"{ru[i % len(ru)]} {ru[(i * 7) % len(ru)]}")
        elif kind == 2:
            word = ru[(i * 3) % len(ru)]
            queries.append(word[:-1] + word[-1:] * 2 if len(word) > 5 else word[:4])  # a typo or a stem
        elif kind == 3:
            queries.append(en[i % len(en)])
        else:
            queries.append(f"{en[i % len(en)]} {en[(i * 5) % len(en)]}")
    return queries


def measure_search(env, measures, SQL):
    Article = env["crm.knowledge.article"]
    suggest, naive = [], []
    for text in search_queries():
        start = time.perf_counter()
        Article._suggest(text, limit=10)
        suggest.append(time.perf_counter() - start)
        pattern = f"%{text}%"
        start = time.perf_counter()
        env.execute_query(SQL("SELECT id FROM crm_knowledge_article WHERE state = 'published' AND active"
                              " AND (name ILIKE %s OR body ILIKE %s) LIMIT 10", pattern, pattern))
        naive.append(time.perf_counter() - start)

    def pct(values, q):
        return statistics.quantiles(values, n=100)[q - 1]

    for q in (50, 95):
        measures.add(f"knowledge search p{q} ({SEARCH_QUERIES} queries)", pct(suggest, q), "s", pct(naive, q),
                     note="_suggest (ranked, 10) vs ILIKE on title or body (first 10, unranked)")


def measure_import(env, measures, rows):
    from bench_import_1c import bench_parser, measure_registry_import  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="crm-bench-1c-"))
    path = work / "bench.xlsx"
    build_file(path, rows)
    content = path.read_bytes()
    bench_parser(content)
    savepoint = env.cr.savepoint()
    figures = measure_registry_import(env, content, rows, rerun=True)
    savepoint.rollback()
    savepoint.close(rollback=False)
    env.invalidate_all()
    total = figures["preview"] + figures["import"]
    aim = 90.0 * rows / 50000
    measures.add(f"1C import of {rows:,} rows (preview + import)", total, "s", aim, aim="≤ 1 (90 s at 50,000)",
                 baseline_unit="s", rows_per_second=round(rows / total), **figures,
                 note=f"preview {figures['preview']:.0f} s + import {figures['import']:.0f} s; rerun "
                      f"{figures['rerun']:.0f} s writes {figures['rerun_written']}; baseline = the aim")
    path.unlink(missing_ok=True)


def measure_analytics(env, measures, SQL):
    # odoo is importable by now
    from odoo.addons.crm_receivables.models import res_partner as partner_module  # noqa: PLC0415
    from odoo.addons.crm_receivables.tools import scoring  # noqa: PLC0415
    from odoo.addons.crm_receivables.tools.sql_array import array_literal  # noqa: PLC0415

    today = date.today()
    companies = env.companies
    Partner = env["res.partner"]
    customers = Partner.browse([row[0] for row in env.execute_query(SQL(
        "SELECT id FROM res_partner WHERE id = commercial_partner_id AND active AND customer_rank > 0 ORDER BY id"))])

    # the queue first, in a cursor of its own: yesterday's queue can be committed before today's rebuild (as
    # every morning; rows of one's own transaction would not show the in-place update), and no uncommitted
    # change of this measuring transaction (the scores written below) sits on the customers it refers to;
    # the template's empty queue is restored afterwards
    with env.registry.cursor() as queue_cr:
        queue_env = env(cr=queue_cr)
        Queue = queue_env["crm.collection.queue"]
        build = timed(queue_env, lambda: Queue._rebuild(companies, today))  # as the managers' button
        queue_cr.rollback()
        Queue._rebuild(companies, today - timedelta(days=1))
        queue_cr.commit()
        daily = timed(queue_env, lambda: Queue._rebuild(companies, today))
        queue_cr.rollback()
        queue_cr.execute(SQL("DELETE FROM crm_collection_queue WHERE company_id IN %s", tuple(companies.ids)))
        queue_cr.commit()

    def score():
        for start in range(0, len(customers), 500):  # the cron's batches
            customers[start:start + 500]._crm_score_compute()
        return len(customers)

    elapsed, queries, count = timed(env, score)
    # the same facts as the score, for the same customers: paid history (amount, late days, recent part),
    # judged promises per state, open disputes, current overdue, reminders and the payments after them
    since = today - timedelta(days=partner_module.SCORE_WINDOW_DAYS)
    recent = today - timedelta(days=partner_module.SCORE_RECENT_DAYS)
    baseline, _rows = sql_timed(env, SQL(
        """WITH customer AS (SELECT id FROM res_partner
                              WHERE id = commercial_partner_id AND active AND customer_rank > 0),
           paid AS (
               SELECT rp.commercial_partner_id AS partner_id, l.balance AS amount,
                      GREATEST(MAX(pr.max_date) - l.date_maturity, 0) AS late, MAX(pr.max_date) AS paid_on
                 FROM account_move_line l
                 JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner rp ON rp.id = l.partner_id
                 JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
                WHERE l.parent_state = 'posted' AND l.reconciled AND l.balance > 0 AND l.date_maturity IS NOT NULL
                GROUP BY rp.commercial_partner_id, l.id),
           history AS (
               SELECT partner_id, SUM(amount) AS paid, SUM(amount * late) AS late_days,
                      SUM(amount) FILTER (WHERE late > 0) AS late_amount,
                      SUM(amount) FILTER (WHERE paid_on >= %(recent)s) AS recent_paid,
                      SUM(amount * late) FILTER (WHERE paid_on >= %(recent)s) AS recent_late_days
                 FROM paid WHERE paid_on >= %(since)s GROUP BY partner_id),
           promises AS (
               SELECT partner_id, COUNT(*) FILTER (WHERE state = 'kept') AS kept,
                      COUNT(*) FILTER (WHERE state = 'partial') AS partial,
                      COUNT(*) FILTER (WHERE state = 'broken') AS broken
                 FROM crm_payment_promise
                WHERE state IN ('kept', 'partial', 'broken') AND date_judged >= %(since)s GROUP BY partner_id),
           disputes AS (
               SELECT partner_id, COUNT(DISTINCT move_id) AS disputes FROM crm_followup_block
                WHERE active AND (date_end IS NULL OR date_end >= %(today)s) GROUP BY partner_id),
           overdue AS (
               SELECT rp.commercial_partner_id AS partner_id, SUM(l.amount_residual) AS overdue,
                      MAX(%(today)s - l.date_maturity) AS oldest
                 FROM account_move_line l
                 JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner rp ON rp.id = l.partner_id
                WHERE l.parent_state = 'posted' AND NOT l.reconciled AND l.amount_residual > 0
                  AND l.date_maturity < %(today)s
                GROUP BY rp.commercial_partner_id),
           reminders AS (
               SELECT m.partner_id, m.channel, m.level_id, COUNT(*) AS sent,
                      COUNT(*) FILTER (WHERE EXISTS (
                          SELECT 1 FROM account_move_line pl
                            JOIN account_account pa ON pa.id = pl.account_id AND pa.account_type = 'asset_receivable'
                            JOIN account_move pm ON pm.id = pl.move_id AND pm.move_type = 'entry'
                            JOIN res_partner pp ON pp.id = pl.partner_id
                           WHERE pp.commercial_partner_id = m.partner_id AND pl.parent_state = 'posted'
                             AND pl.balance < 0 AND pl.date >= m.date_sent::date
                             AND pl.date <= m.date_sent::date + %(days)s)) AS answered
                 FROM crm_followup_message m
                WHERE m.date_sent >= %(since)s AND m.channel IS NOT NULL
                GROUP BY m.partner_id, m.channel, m.level_id)
      SELECT c.id, h.paid, h.late_days, h.late_amount, h.recent_paid, h.recent_late_days, p.kept, p.partial,
             p.broken, d.disputes, o.overdue, o.oldest,
             (SELECT json_agg(json_build_array(r.channel, r.level_id, r.sent, r.answered))
                FROM reminders r WHERE r.partner_id = c.id)
        FROM customer c
   LEFT JOIN history h ON h.partner_id = c.id
   LEFT JOIN promises p ON p.partner_id = c.id
   LEFT JOIN disputes d ON d.partner_id = c.id
   LEFT JOIN overdue o ON o.partner_id = c.id""",
        today=today, since=since, recent=recent, days=partner_module.SCORE_RESPONSE_DAYS))
    measures.add("behaviour score recomputation", elapsed, "s", baseline, aim="≤ 2×", queries=queries,
                 note=f"{count} customers in batches of 500, written; SQL: the same facts (paid history, "
                      f"promises, disputes, overdue, reminders answered) per customer, read only")
    # the part of the score that is writing its results: the same columns of the same customers set by one
    # SQL UPDATE (rolled back); the score cannot take less than its reads plus this write
    savepoint = env.cr.savepoint()
    write_floor, _rows = sql_timed(env, SQL(
        """UPDATE res_partner
              SET crm_score = crm_score, crm_score_class = crm_score_class, crm_score_reason = crm_score_reason,
                  crm_channel_response = crm_channel_response, crm_preferred_channel = crm_preferred_channel,
                  crm_score_date = now() at time zone 'UTC', crm_score_dirty = FALSE
            WHERE id = ANY(%s::int4[]) RETURNING id""",
        array_literal(customers.ids)))
    savepoint.rollback()
    savepoint.close(rollback=False)
    env.invalidate_all()
    measures.add("behaviour score vs SQL reads + the same write", elapsed, "s", baseline + write_floor,
                 note=f"baseline: the read above ({baseline:.2f} s) + one UPDATE of the same {count} rows and "
                      f"columns ({write_floor:.2f} s)")

    # the same rows as the queue: overdue debit items less credit items per customer, without the items of a
    # blocked document and the customers inside an open promise window, with the collector and the class;
    # ranked per collector by overdue × class probability × age factor (the weights of tools/scoring.py)
    probability = SQL("CASE o.crm_score_class %s ELSE %s END", SQL(" ").join(
        SQL("WHEN %s THEN %s", cls, value) for cls, value in scoring.CLASS_PROBABILITY.items()
    ), scoring.UNSCORED_PROBABILITY)
    age = SQL("CASE %s ELSE %s END", SQL(" ").join(
        SQL("WHEN o.amount_days / o.overdue <= %s THEN %s", bound, factor) for bound, factor in scoring.AGE_FACTORS
    ), scoring.AGE_FACTOR_OLDEST)
    baseline, rows = sql_timed(env, SQL(
        """WITH o AS (
               SELECT l.company_id, cp.id AS partner_id, COALESCE(cp.crm_collector_id, cp.user_id) AS user_id,
                      cp.crm_score_class,
                      SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s)
                        AS overdue,
                      SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s
                                                        OR l.amount_residual < 0) AS net,
                      SUM(l.amount_residual * (%(today)s - l.date_maturity))
                        FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s) AS amount_days,
                      MAX(%(today)s - l.date_maturity) FILTER (WHERE l.amount_residual > 0
                                                                AND l.date_maturity < %(today)s) AS max_days,
                      COUNT(*) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s) AS items
                 FROM account_move_line l
                 JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner rp ON rp.id = l.partner_id
                 JOIN res_partner cp ON cp.id = rp.commercial_partner_id
                WHERE l.company_id IN %(companies)s AND l.parent_state = 'posted' AND NOT l.reconciled
                  AND l.amount_residual != 0 AND cp.active
                  AND NOT EXISTS (SELECT 1 FROM crm_followup_block b
                                   WHERE b.move_id = l.move_id AND b.active
                                     AND (b.date_end IS NULL OR b.date_end >= %(today)s))
                  AND NOT EXISTS (SELECT 1 FROM crm_payment_promise pr
                                    JOIN res_company pc ON pc.id = pr.company_id
                                   WHERE pr.partner_id = cp.id AND pr.company_id = l.company_id
                                     AND pr.state = 'open'
                                     AND pr.promised_date + GREATEST(pc.crm_promise_grace_days, 0) >= %(today)s)
                GROUP BY l.company_id, cp.id
               HAVING COUNT(*) FILTER (WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s) > 0)
           SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.company_id, o.user_id
                                          ORDER BY o.net * %(probability)s * %(age)s DESC, o.partner_id)
             FROM o JOIN res_company c ON c.id = o.company_id JOIN res_currency cur ON cur.id = c.currency_id
            WHERE ROUND(o.net / cur.rounding) > 0""",
        today=today, companies=tuple(companies.ids), probability=probability, age=age))
    measures.add("collection queue build", build[0], "s", baseline, aim="≤ 2×", queries=build[1],
                 note=f"{build[2]} customers queued in {len(companies)} companies, empty queue before (SQL: "
                      f"{len(rows)}, with the same exclusions and ranking)")
    measures.add("collection queue daily rebuild", daily[0], "s", baseline, aim="≤ 2×", queries=daily[1],
                 note=f"{daily[2]} customers; yesterday's queue there (rows updated in place)")

    Aging = env["crm.aging.report"]
    elapsed, queries, groups = timed(env, lambda: Aging._read_group(
        [], ["partner_id", "bucket"], ["amount_residual:sum"]))
    baseline, rows = sql_timed(env, SQL(
        """SELECT rp.commercial_partner_id,
                  CASE WHEN due.date >= %(today)s THEN 'not_due'
                       WHEN %(today)s - due.date <= 30 THEN '1_30'
                       WHEN %(today)s - due.date <= 60 THEN '31_60'
                       WHEN %(today)s - due.date <= 90 THEN '61_90' ELSE '90_plus' END,
                  SUM(l.amount_residual)
             FROM account_move_line l
             JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
        LEFT JOIN res_partner rp ON rp.id = l.partner_id
       CROSS JOIN LATERAL (SELECT COALESCE(l.date_maturity, l.date) AS date) due
            WHERE l.parent_state = 'posted' AND NOT l.reconciled AND l.amount_residual != 0
            GROUP BY 1, 2""", today=today))
    measures.add("aging by customer and bucket", elapsed, "s", baseline, aim="≤ 2×", queries=queries,
                 note=f"{len(groups)} groups (SQL: {len(rows)})")

    Forecast = env["crm.cashin.forecast"]
    elapsed, queries, created = timed(env, lambda: Forecast._rebuild(companies))
    baseline, rows = sql_timed(env, forecast_sql(SQL, today, companies))
    product = env.execute_query(SQL("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM crm_cashin_forecast"
                                    " WHERE company_id IN %s", tuple(companies.ids)))[0]
    measures.add("cash-in forecast rebuild (12 weeks)", elapsed, "s", baseline, aim="≤ 2×", queries=queries,
                 note=f"{created} customers, {product[0]} weekly rows, total {product[1]:,.2f}; SQL: the same "
                      f"forecast (lateness distributions, items, promises × kept rate): {len(rows)} rows, "
                      f"total {sum(row[3] for row in rows):,.2f}")


def forecast_sql(SQL, today, companies):
    """The cash-in forecast of ``companies`` as of ``today`` in one raw SQL (the method of tools/forecast.py).

    Per company and customer and week (0–11): the open debit items, each spread over the weeks by the
    customer's amount-weighted lateness distribution (its own with 3+ paid items in 730 days, else the
    company's) conditioned on being at least as late as the item already is; plus the open promises ×
    the customer's kept rate (half when none was judged), capped by what is owed, which the items' part
    then leaves out. Weeks whose amount rounds to zero are left out, as in the report.
    Rows: ``(company_id, partner_id, week, amount)``.
    """
    receivable = SQL(
        "l.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')"
        " AND l.parent_state = 'posted' AND l.balance > 0 AND l.company_id IN %s AND l.partner_id IS NOT NULL",
        tuple(companies.ids))
    return SQL(
        """WITH paid AS (
               SELECT l.company_id, p.commercial_partner_id AS partner_id,
                      MAX(part.max_date) - COALESCE(l.date_maturity, l.date) AS late, l.balance::float8 AS amount
                 FROM account_move_line l
                 JOIN res_partner p ON p.id = l.partner_id
                 JOIN account_partial_reconcile part ON part.debit_move_id = l.id
                WHERE %(receivable)s AND l.full_reconcile_id IS NOT NULL
                GROUP BY l.id, p.commercial_partner_id
               HAVING MAX(part.max_date) < %(today)s AND MAX(part.max_date) >= %(since)s),
           own AS (SELECT company_id, partner_id FROM paid GROUP BY 1, 2 HAVING COUNT(*) >= 3),
           dist AS (SELECT paid.company_id, paid.partner_id, late, SUM(amount) AS weight
                      FROM paid JOIN own USING (company_id, partner_id) GROUP BY 1, 2, 3
                     UNION ALL
                    SELECT company_id, 0, late, SUM(amount) FROM paid GROUP BY 1, 3),
           items AS (SELECT l.company_id, p.commercial_partner_id AS partner_id,
                            COALESCE(own.partner_id, 0) AS own_id,
                            %(today)s - COALESCE(l.date_maturity, l.date) AS overdue,
                            l.amount_residual::float8 AS amount
                       FROM account_move_line l
                       JOIN res_partner p ON p.id = l.partner_id
                  LEFT JOIN own ON own.company_id = l.company_id AND own.partner_id = p.commercial_partner_id
                      WHERE %(receivable)s AND NOT l.reconciled AND l.amount_residual > 0),
           owed AS (SELECT company_id, partner_id, SUM(amount) AS owed FROM items GROUP BY 1, 2),
           -- shares per week of an item by its distribution and days overdue (computed once per such pair)
           fractions AS (SELECT k.company_id, k.own_id, k.overdue, LEAST((d.late - k.overdue) / 7, 12) AS week,
                                SUM(d.weight) / SUM(SUM(d.weight)) OVER (PARTITION BY k.company_id, k.own_id,
                                                                                    k.overdue) AS share
                           FROM (SELECT DISTINCT company_id, own_id, overdue FROM items) k
                           JOIN dist d ON d.company_id = k.company_id AND d.partner_id = k.own_id
                                      AND d.late >= k.overdue
                          GROUP BY 1, 2, 3, 4),
           spread AS (SELECT i.company_id, i.partner_id, f.week, SUM(i.amount * f.share) AS amount
                        FROM items i
                        JOIN fractions f USING (company_id, own_id, overdue)
                       WHERE f.week < 12
                       GROUP BY 1, 2, 3),
           judged AS (SELECT partner_id,
                             ROUND(100.0 * SUM(CASE state WHEN 'kept' THEN 1.0 WHEN 'partial' THEN 0.5 ELSE 0 END)
                                   / COUNT(*), 1) / 100.0 AS rate
                        FROM crm_payment_promise
                       WHERE company_id IN %(companies)s AND date_judged < %(today)s
                         AND state IN ('kept', 'partial', 'broken')
                       GROUP BY partner_id),
           promised AS (
               SELECT pr.company_id, pr.partner_id, LEAST(GREATEST(pr.promised_date - %(today)s, 0) / 7, 12) AS week,
                      LEAST(SUM(pr.amount::float8 * COALESCE(to_rate.rate, 1.0)::float8
                                / COALESCE(from_rate.rate, 1.0)::float8
                                * LEAST(GREATEST(COALESCE(judged.rate, 0.5), 0), 1)::float8)
                              OVER (PARTITION BY pr.company_id, pr.partner_id
                                    ORDER BY pr.promised_date DESC, pr.id DESC), owed.owed) AS cumulated
                 FROM crm_payment_promise pr
                 JOIN owed ON owed.company_id = pr.company_id AND owed.partner_id = pr.partner_id
                 JOIN res_company c ON c.id = pr.company_id
            LEFT JOIN judged ON judged.partner_id = pr.partner_id
            LEFT JOIN LATERAL (SELECT rate FROM res_currency_rate r
                                WHERE r.currency_id = pr.currency_id AND r.name <= %(today)s
                                  AND (r.company_id IS NULL OR r.company_id = c.id)
                                ORDER BY r.company_id, r.name DESC LIMIT 1) from_rate ON TRUE
            LEFT JOIN LATERAL (SELECT rate FROM res_currency_rate r
                                WHERE r.currency_id = c.currency_id AND r.name <= %(today)s
                                  AND (r.company_id IS NULL OR r.company_id = c.id)
                                ORDER BY r.company_id, r.name DESC LIMIT 1) to_rate ON TRUE
                WHERE pr.company_id IN %(companies)s AND pr.date_made < %(today)s
                  AND (pr.state = 'open' OR pr.state != 'cancel' AND pr.date_judged >= %(today)s)),
           promise_weeks AS (
               SELECT company_id, partner_id, week,
                      cumulated - COALESCE(LAG(cumulated) OVER (PARTITION BY company_id, partner_id
                                                                ORDER BY cumulated), 0) AS amount
                 FROM promised),
           -- the items' part is scaled by (owed − promised) / owed: per customer by a window, without a join
           parts AS (SELECT company_id, partner_id, week, amount, 'item' AS kind FROM spread
                      UNION ALL
                     SELECT company_id, partner_id, week, amount, 'promise' FROM promise_weeks
                      UNION ALL
                     SELECT company_id, partner_id, NULL, cumulated, 'promised' FROM promised
                      UNION ALL
                     SELECT company_id, partner_id, NULL, owed, 'owed' FROM owed),
           scaled AS (SELECT company_id, partner_id, week, kind,
                             CASE WHEN kind = 'item'
                                  THEN amount * (MAX(amount) FILTER (WHERE kind = 'owed') OVER customer
                                                 - COALESCE(MAX(amount) FILTER (WHERE kind = 'promised')
                                                                OVER customer, 0))
                                       / MAX(amount) FILTER (WHERE kind = 'owed') OVER customer
                                  ELSE amount END AS amount
                        FROM parts
                      WINDOW customer AS (PARTITION BY company_id, partner_id))
      SELECT parts.company_id, parts.partner_id, parts.week, SUM(parts.amount)
        FROM scaled parts
        JOIN res_company c ON c.id = parts.company_id
        JOIN res_currency cur ON cur.id = c.currency_id
       WHERE parts.kind IN ('item', 'promise') AND parts.week < 12
       GROUP BY 1, 2, 3
      HAVING ROUND(SUM(parts.amount)::numeric / MAX(cur.rounding)) != 0""",
        receivable=receivable, today=today, since=today - timedelta(days=730), companies=tuple(companies.ids),
    )


def measure_install(measures, db_prefix):
    """Install the addons' Odoo dependencies on a fresh database, then the three addons on top (no demo)."""
    import ast  # noqa: PLC0415

    from harness import pg  # noqa: PLC0415

    odoo_src = Path(os.environ.get("ODOO_SRC") or Path.home() / ".cache" / "odoo-18.0")
    server = pg.start(Path(tempfile.gettempdir()) / "unused", cleanup_mode="stop")
    depends = set()
    for addon in ADDONS:
        manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text(encoding="utf-8"))
        depends |= set(manifest["depends"])
    depends -= set(ADDONS)
    db = f"{db_prefix}_install"
    work = Path(tempfile.mkdtemp(prefix="crm-bench-install-"))
    base = [sys.executable, str(odoo_src / "odoo-bin"), f"--addons-path={odoo_src / 'addons'},{ROOT}",
            f"--data-dir={work}", "-d", db, *server.odoo_args(), "--without-demo=all", "--stop-after-init",
            "--log-level=warn", "--max-cron-threads=0", "--http-port=0"]
    try:
        server.drop(db)
        times = []
        for modules in (",".join(sorted(depends)), ",".join(ADDONS)):
            start = time.perf_counter()
            with open(work / "install.log", "a", encoding="utf-8") as log:
                rc = subprocess.call([*base, "-i", modules], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
            times.append(time.perf_counter() - start)
            if rc:
                say(f"install of {modules} failed (exit {rc}); log {work / 'install.log'}")
                return
        measures.add("install of the three addons (no demo)", times[1], "s", times[0],
                     note=f"baseline: their Odoo dependencies ({', '.join(sorted(depends))}) on a fresh database")
    finally:
        server.drop(db)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--data-dir")
    parser.add_argument("--out", default=str(ROOT / "bench-results.json"))
    parser.add_argument("--skip", action="append", default=[],
                        choices=["followup", "card", "search", "import", "analytics", "install"])
    args = parser.parse_args()
    odoo, registry = bench_data.open_registry(args.db, args.data_dir)
    from odoo.tools import SQL  # noqa: PLC0415

    measures = Measures()
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        meta = json.loads(env["ir.config_parameter"].sudo().get_param("crm_bench.meta") or "{}")
        companies = env["res.company"].search([])
        env = env(context={"allowed_company_ids": companies.ids, "tracking_disable": True})
        say(f"benchmark data: scale {meta.get('scale')}, generated on {meta.get('date')} in "
            f"{meta.get('generated_seconds')} s: {meta.get('counts')}")
        steps = [
            ("analytics", lambda: measure_analytics(env, measures, SQL)),
            ("card", lambda: measure_card(env, measures, SQL, meta["counts"]["timeline_partner_id"])),
            ("search", lambda: measure_search(env, measures, SQL)),
            ("followup", lambda: measure_followup(env, measures, SQL)),
            ("import", lambda: measure_import(env, measures, bench_data.sized(50000))),
        ]
        for name, func in steps:
            if name not in args.skip:
                say(f"measuring: {name}")
                func()
        cr.rollback()
    if "install" not in args.skip:
        say("measuring: install")
        measure_install(measures, args.db)
    print(table(measures.rows), flush=True)
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": os.cpu_count(),
        "load_average": os.getloadavg(), "seconds": round(time.perf_counter() - started),
        "data": meta, "measures": measures.rows,
    }
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    say(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

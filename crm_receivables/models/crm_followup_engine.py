import logging

from markupsafe import Markup, escape
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, get_lang, html2plaintext

from ..const import FOLLOWUP_CHANNELS
from ..tools import followup as followup_tools
from ..tools import phone as phone_tools
from ..tools import scoring as scoring_tools
from ..tools.sql_array import array_literal
from .ir_qweb import BATCH_COMPILE_KEY

_logger = logging.getLogger(__name__)

# states in which a communication is still to be sent (new lines of the customer join it)
OPEN_STATES = ("to_review", "queued", "postponed")
# a cron run retries a batch this many times when another cron worker wrote the same rows meanwhile
CONCURRENT_RETRIES = 5
#: customers named in a collector's "calls assigned" message (the others are counted)
CALL_DIGEST_NAMES = 30
# key of ``cr.cache`` holding the formatted dates and amounts of the documents while a batch is sent
FORMAT_CACHE_KEY = "crm_followup_formats"


def amount_formatter(env, lang_code=False):
    """``odoo.tools.format_amount`` for one language, looked up once (a batch formats thousands): the same
    ``res.lang.format`` and the same spaces and symbol.

    :param env: the environment (its language unless ``lang_code``)
    :param str lang_code: the language
    :return: function ``(amount, currency) -> str``, the same text as ``format_amount(env, amount, currency,
        lang_code)``
    """
    lang = env["res.lang"].browse(get_lang(env, lang_code).id)

    def fmt(amount, currency):
        formatted = lang.format(f"%.{currency.decimal_places}f", currency.round(amount), grouping=True) \
            .replace(" ", "\N{NO-BREAK SPACE}").replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        if currency.position == "before":
            return f"{currency.symbol or ''}\N{NO-BREAK SPACE}{formatted}"
        return f"{formatted}\N{NO-BREAK SPACE}{currency.symbol or ''}"

    return fmt


def _no_jit(cr):
    """Turn PostgreSQL's JIT compilation off for the rest of the transaction: the engine's set-based reads are
    planned as costly over 100,000 items, and compiling them took 0.65 s of a 0.85 s statement, never gained
    back (measured at the benchmark's full scale). A server without JIT ignores the setting."""
    cr.execute(SQL("SET LOCAL jit = off"))


class CrmFollowupEngine(models.AbstractModel):
    """The follow-up engine: selects the open receivable items, decides their levels, gathers them into one
    communication per customer, sends it, follows its delivery and falls back to another channel.

    The unit of collection is the open receivable item (``account.move.line``, see
    :meth:`account.move.line._crm_open_item_domain`): a customer invoice's receivable line, a document imported
    from 1C, an opening entry typed by an accountant. The communication itself (``crm.followup.message``) keeps
    its life cycle (review, send, skip, postpone); the engine holds no data.

    A run is idempotent and safe with two workers: an item reaches each level once (``UNIQUE(move_line_id,
    level_id)`` + ``ON CONFLICT DO NOTHING``), lines are gathered and communications sent under
    ``FOR UPDATE SKIP LOCKED``.

    Extension points ("override this"):

    - :meth:`_get_candidate_domain` — which items are followed up;
    - :meth:`_get_channel_selection` and ``_send_<channel>(messages)`` — add a channel (a messenger): every
      channel of the selection that has a ``_send_<channel>`` method is registered (:meth:`_get_channels`);
    - :meth:`_get_contact`, :meth:`_get_collector`, :meth:`_get_capabilities` — addressee, collector, what
      is possible;
    - :meth:`_prepare_interaction_values` — the interaction logged for a sent communication;
    - :meth:`_get_attachments` — the documents attached to an email.
    """

    _name = "crm.followup.engine"
    _description = "Follow-up Engine"

    # ------------------------------------------------------------
    # ENTRY POINTS
    # ------------------------------------------------------------

    @api.model
    def _cron_process_followup(self, batch_size=200):
        """Daily cron: follow delivery, fall back, generate and send, in batches with progress."""
        return self._run(batch_size=batch_size, auto_commit=not modules.module.current_test)

    @api.model
    def _run(self, partners=None, batch_size=200, auto_commit=False):
        """One follow-up run (cron or "Run now"); safe to repeat at any time.

        :param partners: restrict to these customers (``None``: all)
        :param int batch_size: customers per generation batch, communications per sending batch
        :param bool auto_commit: commit after each batch (cron only): a crash loses no finished batch
        :return: dict of counters ``customers``, ``lines`` (inserted), ``sent``
        """
        today = fields.Date.context_today(self)
        self._sync_delivery()
        self._release_postponed(today)
        self._fallback()
        if auto_commit:  # cron only: a retry below starts a new transaction, keep what was done so far
            self.env.cr.commit()  # pylint: disable=invalid-commit
        candidates = self._get_candidates(today, partners)
        partner_ids = sorted(candidates)
        done = 0
        created = 0
        for start in range(0, len(partner_ids), batch_size):
            batch_ids = partner_ids[start:start + batch_size]
            batch = {pid: candidates[pid] for pid in batch_ids}
            for attempt in range(CONCURRENT_RETRIES):
                try:
                    with self.env.cr.savepoint():
                        created += self._generate(batch, today)
                    break
                except SerializationFailure:
                    # another cron worker wrote lines of these customers after this transaction began: in a
                    # new transaction, read again what is left to generate and try again
                    if not auto_commit or attempt == CONCURRENT_RETRIES - 1:
                        raise
                    _logger.info("Follow-up: another worker wrote lines of the same customers, batch retried")
                    self.env.cr.rollback()
                    batch = self._get_candidates(today, self.env["res.partner"].browse(batch_ids))
            done += len(batch_ids)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(partner_ids) - done)
            if auto_commit:  # cron only: a crash keeps the finished batches
                self.env.cr.commit()  # pylint: disable=invalid-commit
        sent = 0
        conflicts = 0
        while True:
            try:
                with self.env.cr.savepoint():
                    batch_sent = self._send_locked(limit=batch_size)
            except SerializationFailure:
                # another cron worker sent communications of this batch meanwhile: nothing of this batch was
                # sent here (rolled back); lock the next ones in a new transaction
                conflicts += 1
                if not auto_commit or conflicts == CONCURRENT_RETRIES:
                    raise
                _logger.info("Follow-up: another worker sent communications of the same batch, next batch locked")
                self.env.cr.rollback()
                continue
            sent += batch_sent
            if auto_commit:  # cron only: a crash keeps the finished batches
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if batch_sent < batch_size:
                break
        self._reschedule_cron()
        return {"customers": len(partner_ids), "lines": created, "sent": sent}

    # ------------------------------------------------------------
    # CANDIDATES AND LEVELS
    # ------------------------------------------------------------

    @api.model
    def _get_candidate_domain(self, today):
        """Return the domain of the items that may be followed up.

        Override this to follow up fewer items (a journal, an account) or to add conditions; the default is
        every open receivable item of the current companies whose follow-up is not blocked.

        :param date today: the day of the run
        :return: a domain on ``account.move.line``
        :rtype: list
        """
        return [
            *self.env["account.move.line"]._crm_open_item_domain(),
            ("crm_followup_blocked", "=", False),
        ]

    @api.model
    def _get_candidates(self, today, partners=None):
        """Items and the level each one reaches today, by customer — in a fixed number of queries.

        The items of :meth:`_get_candidate_domain` are read with what decides their level (policy, payer
        class, levels already reached, last reminder, promises) in a few SQL statements, whatever the number of
        items (:meth:`_read_candidate_items`, :meth:`_read_candidate_policies`); the decision itself is pure
        (:func:`~..tools.followup.next_level`), per item, without any query. The policy of an item is its
        entry's, else its customer's (in the item's company), else the company's default.

        :param date today: the day of the run
        :param partners: restrict to these customers (``None``: all)
        :return: ``{commercial partner id: [(item id, level id, days overdue), ...]}`` (only pairs not generated
            yet; ids: the generation inserts them with one statement and needs no record)
        """
        domain = self._get_candidate_domain(today)
        if partners is not None:
            domain.append(("partner_id.commercial_partner_id", "in", partners.commercial_partner_id.ids))
        rows = self._read_candidate_items(domain, today)
        if not rows:
            return {}
        levels_of, use_score, minimums = self._read_candidate_policies(rows)
        partner_items = {}
        for row in rows:
            partner_items.setdefault(row["partner_id"], []).append(row["id"])
        pause, escalate = self._get_promise_pauses(
            partner_items, {row["id"]: row["last_date"] for row in rows}, today)
        policy_of_level = {key: policy_id for policy_id, levels in levels_of.items() for key, _delay in levels}
        by_partner = {}  # commercial partner id -> [(row, level id, days)]
        decisions = {}  # the same situation decides the same level: each one is decided once
        for row in rows:
            levels = levels_of.get(row["policy_id"])
            if row["id"] in pause or not levels:
                continue  # open promise: no escalation until the promised date + grace; or no policy
            days = followup_tools.days_between(row["date_maturity"], today)
            # a policy that follows the behaviour score starts weak payers (classes C, D) a level firmer
            offset = scoring_tools.start_level_offset(row["score_class"]) if row["policy_id"] in use_score else 0
            situation = (row["policy_id"], days, tuple(row["reached"]), row["id"] in escalate, offset)
            if situation not in decisions:
                decisions[situation] = followup_tools.next_level(
                    days, levels, row["reached"], escalate=situation[3], offset=offset)
            key = decisions[situation]
            if key:
                by_partner.setdefault(row["partner_id"], []).append((row, key, days))
        # below the policy's minimum in a currency: nothing for those items of the customer
        self.env.cr.execute(SQL("SELECT id, rounding FROM res_currency WHERE id = ANY(%s)",
                                list({row["currency_id"] for row in rows})))
        roundings = dict(self.env.cr.fetchall())
        decided = []
        for entries in by_partner.values():
            keys = [(policy_of_level[key], row["currency_id"]) for row, key, _days in entries]
            reached = followup_tools.groups_reaching_threshold(
                [(group, row["amount"]) for group, (row, _key, _days) in zip(keys, entries, strict=True)],
                minimums, {group: roundings[group[1]] for group in keys},
            )
            decided += [entry for group, entry in zip(keys, entries, strict=True) if group in reached]
        result = {}
        for row, key, days in decided:
            result.setdefault(row["partner_id"], []).append((row["id"], key, days))
        return result

    @api.model
    def _read_candidate_policies(self, rows):
        """The policies of the candidate items, in one query: each company's default fills the items
        without a policy of their own (``row["policy_id"]`` set in place).

        :param list rows: as returned by :meth:`_read_candidate_items`
        :return: ``(levels, use_score, minimums)``: ``{policy id: [(level id, delay), ...]}`` mildest first,
            the set of the policies that follow the behaviour score, ``{(policy id, currency id): minimum}``
        """
        self.env.flush_all()
        # the policies of the items and the companies' defaults (the first active default policy of a company,
        # as crm.followup.policy._get_company_default), with their levels and minimums
        company_ids = list({row["company_id"] for row in rows})
        self.env.cr.execute(SQL(
            """SELECT p.id, p.company_id, p.is_default AND p.active, p.crm_use_score,
                      ARRAY(SELECT ARRAY[lv.id, lv.delay] FROM crm_followup_level lv
                             WHERE lv.policy_id = p.id ORDER BY lv.delay, lv.id),
                      ARRAY(SELECT ARRAY[t.currency_id, t.amount_min]::float8[] FROM crm_followup_policy_threshold t
                             WHERE t.policy_id = p.id)
                 FROM crm_followup_policy p
                WHERE p.id = ANY(%s) OR (p.is_default AND p.active AND p.company_id = ANY(%s))
                ORDER BY p.sequence, p.id""",
            list({row["policy_id"] for row in rows if row["policy_id"]}), company_ids,
        ))
        defaults, levels, use_score, minimums = {}, {}, set(), {}
        for policy_id, company_id, is_default, score, policy_levels, thresholds in self.env.cr.fetchall():
            if is_default:
                defaults.setdefault(company_id, policy_id)
            levels[policy_id] = [(level_id, delay) for level_id, delay in policy_levels]
            if score:
                use_score.add(policy_id)
            minimums.update(((policy_id, int(currency_id)), amount) for currency_id, amount in thresholds)
        for row in rows:
            row["policy_id"] = row["policy_id"] or defaults.get(row["company_id"])
        return levels, use_score, minimums

    @api.model
    def _read_candidate_items(self, domain, today):
        """Read the items of ``domain`` with what decides their level (a fixed number of SQL statements).

        :param list domain: a domain on ``account.move.line`` (record rules apply)
        :param date today: the day of the run (items not due enough for any level are left out)
        :return: list of dicts ``id, partner_id`` (commercial), ``company_id, currency_id, date_maturity,
            amount`` (residual in the item's currency), ``policy_id`` (entry's, else customer's in the item's
            company; ``False``: the company's default), ``score_class``, ``reached`` (``[(level id, delay)]``
            already generated), ``last_date`` (of the last line, or ``None``)
        """
        # blocks are judged on the day of the run
        query = self.env["account.move.line"].with_context(date=today)._search(domain)
        item = query.table
        partner = query.join(item, "partner_id", "res_partner", "id", "crm_partner")
        item_id = SQL.identifier(item, "id")
        # an item before the first day of every level reaches nothing (a broken promise escalates only items
        # that already reached a level)
        query.add_where(SQL(
            """(%s <= %s::date - (SELECT MIN(delay) FROM crm_followup_level)
                OR EXISTS (SELECT 1 FROM crm_followup_line f WHERE f.move_line_id = %s))""",
            SQL.identifier(item, "date_maturity"), today, item_id,
        ))
        self.env.flush_all()
        _no_jit(self.env.cr)
        self.env.cr.execute(query.select(
            item_id,
            SQL.identifier(partner, "commercial_partner_id"),
            SQL.identifier(item, "company_id"),
            SQL.identifier(item, "currency_id"),
            SQL.identifier(item, "date_maturity"),
            SQL.identifier(item, "amount_residual_currency"),
            SQL.identifier(item, "move_id"),
        ))
        found = self.env.cr.fetchall()
        if not found:
            return []
        # what the entries and the customers say about the policy and the start (one query each, few rows)
        self.env.cr.execute(SQL(
            """SELECT id, crm_followup_policy_id FROM account_move
                WHERE id = ANY(%s::int4[]) AND crm_followup_policy_id IS NOT NULL""",
            array_literal({row[6] for row in found}),
        ))
        move_policy = dict(self.env.cr.fetchall())
        # the levels the items already reached, and the day of their last line
        self.env.cr.execute(SQL(
            """SELECT f.move_line_id, f.level_id, lv.delay, f.date FROM crm_followup_line f
                 JOIN crm_followup_level lv ON lv.id = f.level_id
                WHERE f.move_line_id = ANY(%s::int4[])
                ORDER BY f.id""",
            array_literal(row[0] for row in found),
        ))
        reached, last_line = {}, {}
        for line_item, level_id, delay, day in self.env.cr.fetchall():
            reached.setdefault(line_item, []).append((level_id, delay))
            last_line[line_item] = max(day, last_line.get(line_item, day))
        self.env.cr.execute(SQL(
            "SELECT id, crm_followup_policy_id, crm_score_class FROM res_partner WHERE id = ANY(%s::int4[])",
            array_literal({row[1] for row in found}),
        ))
        customers = {partner_id: (policies or {}, score_class)
                     for partner_id, policies, score_class in self.env.cr.fetchall()}
        fallbacks = {}
        Partner = self.env["res.partner"]
        field = Partner._fields["crm_followup_policy_id"]
        rows = []
        for item_id, partner_id, company_id, currency_id, date_maturity, amount, move_id in found:
            partner_policies, score_class = customers[partner_id]
            policy_id = move_policy.get(move_id) or partner_policies.get(str(company_id))
            if not policy_id:  # the customer's field in this company is not set: its company fallback
                if company_id not in fallbacks:
                    fallbacks[company_id] = field.get_company_dependent_fallback(
                        Partner.with_company(company_id)).id
                policy_id = fallbacks[company_id]
            rows.append({
                "id": item_id, "partner_id": partner_id, "company_id": company_id, "currency_id": currency_id,
                "date_maturity": date_maturity, "amount": amount, "policy_id": policy_id,
                "score_class": score_class, "reached": reached.get(item_id, []), "last_date": last_line.get(item_id),
            })
        return rows

    @api.model
    def _get_promise_pauses(self, partner_items, last_line, today):
        """Items paused by an open payment promise, and items to escalate after a broken one (in one query).

        A promise covers its items (``crm.payment.promise.line_ids``); a promise on account covers every item
        of the customer.

        :param dict partner_items: ``{commercial partner id: [item id, ...]}``, the candidates
        :param dict last_line: ``{item id: date of its last follow-up line or None}``
        :param date today: the day of the run
        :return: ``(paused item ids, item ids to escalate)``
        """
        if not partner_items:
            return set(), set()
        # whether an item is promised is no secret (no record rule): the promises of these customers
        self.env["crm.payment.promise"].flush_model()
        self.env.cr.execute(SQL(
            """SELECT p.partner_id, p.state, p.date_deadline, COALESCE(p.date_judged, p.promised_date),
                      ARRAY(SELECT r.line_id FROM crm_payment_promise_account_move_line_rel r
                             WHERE r.promise_id = p.id)
                 FROM crm_payment_promise p
                WHERE p.partner_id = ANY(%s::int4[]) AND p.state IN ('open', 'broken')""",
            array_literal(partner_items),
        ))
        promises = self.env.cr.fetchall()
        item_ids = {item_id for ids in partner_items.values() for item_id in ids}
        pause, escalate = set(), set()
        for partner_id, state, date_deadline, judged, line_ids in promises:
            if line_ids:
                covered = [line_id for line_id in line_ids if line_id in item_ids]
            else:  # on account: all the customer's items
                covered = partner_items.get(partner_id, [])
            for item_id in covered:
                if state == "open" and date_deadline and date_deadline >= today:
                    pause.add(item_id)
                elif state == "broken":
                    last = last_line.get(item_id)
                    # once: the escalated line is dated the day the promise was judged broken
                    if last and judged and judged > last:
                        escalate.add(item_id)
        return pause, escalate - pause

    # ------------------------------------------------------------
    # GENERATION
    # ------------------------------------------------------------

    @api.model
    def _generate(self, candidates, today):
        """Insert the (item, level) lines, then gather the lines into one communication per customer.

        Both steps are idempotent: the UNIQUE (item, level) constraint drops a second insert, and the lines
        without communication are taken under ``FOR UPDATE SKIP LOCKED``.

        :param dict candidates: as returned by :meth:`_get_candidates`
        :param date today: the day of the run
        :return: number of lines inserted
        """
        inserted = self._insert_lines(candidates, today)
        if candidates:
            self._gather(list(candidates))
        return inserted

    @api.model
    def _insert_lines(self, candidates, today):
        """Insert the (item, level) lines in one statement; pairs already there are skipped.

        :return: number of lines inserted
        """
        # a payment may have been reconciled since the candidates were read (a long run; the cron commits each
        # batch, so the next one reads what other workers committed meanwhile): the insert reads the items
        # again and skips what is paid; the amount and entry are the item's as they are now
        values = [
            SQL("(%s, %s, %s, %s)", item_id, level_id, partner_id, days)
            for partner_id, entries in candidates.items() for item_id, level_id, days in entries
        ]
        if not values:
            return 0
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """INSERT INTO crm_followup_line (move_line_id, move_id, level_id, partner_id, company_id, date,
                                              amount_residual, days_overdue,
                                              create_uid, create_date, write_uid, write_date)
               SELECT l.id, l.move_id, v.level_id, v.partner_id, l.company_id, %(today)s,
                      l.amount_residual_currency, v.days, %(uid)s, now() at time zone 'UTC', %(uid)s,
                      now() at time zone 'UTC'
                 FROM (VALUES %(values)s) AS v (move_line_id, level_id, partner_id, days)
                 JOIN account_move_line l ON l.id = v.move_line_id
                 JOIN res_company c ON c.id = l.company_id
                 JOIN res_currency cur ON cur.id = c.currency_id
                WHERE NOT l.reconciled AND l.amount_residual >= cur.rounding / 2
                ORDER BY v.partner_id, l.date_maturity, l.id
               ON CONFLICT (move_line_id, level_id) DO NOTHING
               RETURNING id""",
            today=today, uid=self.env.uid, values=SQL(", ").join(values),
        ), log_exceptions=False)
        inserted = len(self.env.cr.fetchall())
        self.env["crm.followup.line"].invalidate_model()
        return inserted

    @api.model
    def _gather(self, partner_ids):
        """Attach the lines without communication (locked) to one open communication per customer.

        :param list partner_ids: the customers whose lines are gathered
        :return: the communications created
        """
        Message = self.env["crm.followup.message"]
        Line = self.env["crm.followup.line"]
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """SELECT id FROM crm_followup_line
                WHERE message_id IS NULL AND partner_id IN %s
                ORDER BY id
                  FOR UPDATE SKIP LOCKED""",
            tuple(partner_ids),
        ), log_exceptions=False)
        lines = Line.browse([row[0] for row in self.env.cr.fetchall()])
        if not lines:
            return Message
        open_messages = Message.search([("partner_id", "in", lines.partner_id.ids), ("state", "in", OPEN_STATES),
                                        ("date_sent", "=", False)])
        by_key = {(m.partner_id, m.company_id): m for m in open_messages}
        groups = {}
        for line in lines:
            key = (line.partner_id, line.company_id)
            groups[key] = groups.get(key, Line) | line
        to_create = []
        to_prepare = Message
        attach = {}  # line id -> communication id
        for (partner, company), group in groups.items():
            message = by_key.get((partner, company))
            top = max(group.level_id, key=lambda lvl: lvl.delay)
            if message:
                attach.update(dict.fromkeys(group.ids, message.id))
                if top.delay > message.level_id.delay:
                    message.level_id = top
                to_prepare |= message
            else:
                to_create.append((partner, company, top, group))
        created = Message
        if to_create:
            created = self._create_prepared([
                {"partner_id": partner.id, "company_id": company.id, "level_id": level.id}
                for partner, company, level, _group in to_create
            ])
            for (_partner, _company, _level, group), message in zip(to_create, created, strict=True):
                attach.update(dict.fromkeys(group.ids, message.id))
        self._attach_lines(attach)
        self._prepare(to_prepare)
        self._render(created)
        return created

    @api.model
    def _create_prepared(self, vals_list):
        """Create communications with their addressee, channel, schedule and state already chosen (one create,
        no write after it; the choice is made on draft records, see :meth:`_prepare_values`).

        Made by the engine: the communication itself is the log, no "created" note in its chatter.

        :param list vals_list: ``partner_id``, ``company_id``, ``level_id`` (and ``excluded_channels``) of each
        :return: the ``crm.followup.message`` created, in the order of ``vals_list``
        """
        Message = self.env["crm.followup.message"]
        drafts = Message.concat(*(Message.new(dict(vals, state="queued")) for vals in vals_list))
        drafts = drafts.with_prefetch(drafts._ids)
        prepared = self._prepare_values(drafts)
        return Message.with_context(mail_create_nolog=True).create([
            dict(vals, **values) for vals, values in zip(vals_list, prepared, strict=True)
        ])

    @api.model
    def _attach_lines(self, message_of_line):
        """Attach follow-up lines to their communications with one statement.

        :param dict message_of_line: ``{crm.followup.line id: crm.followup.message id}``
        """
        if not message_of_line:
            return
        Line = self.env["crm.followup.line"]
        Line.flush_model(["message_id"])
        self.env.cr.execute(SQL(
            """UPDATE crm_followup_line AS l
                  SET message_id = v.message_id, write_uid = %s, write_date = now() at time zone 'UTC'
                 FROM (VALUES %s) AS v (id, message_id)
                WHERE l.id = v.id""",
            self.env.uid,
            SQL(", ").join(SQL("(%s, %s)", line_id, message_id) for line_id, message_id in message_of_line.items()),
        ))
        Line.browse(list(message_of_line)).invalidate_recordset(["message_id", "write_uid", "write_date"])
        self.env["crm.followup.message"].browse(set(message_of_line.values())).invalidate_recordset(
            ["line_ids", "move_ids", "move_line_ids", "amount_text"])

    # ------------------------------------------------------------
    # PREPARATION: addressee, channel, schedule, texts
    # ------------------------------------------------------------

    @api.model
    def _get_channel_selection(self):
        """Return the channels a communication can use (the selection of ``crm.followup.message.channel``).

        To add a channel (a messenger), override this method to append ``(key, label)`` and define
        ``_send_<key>(messages)``, which receives all the communications of a sending batch on that channel
        (and, for the channel's opt-outs, extend :meth:`_get_capabilities`). Out of the box:
        :data:`~odoo.addons.crm_receivables.const.FOLLOWUP_CHANNELS`, labelled as interaction channels.

        :return: list of ``(key, label)``
        """
        labels = dict(self.env["crm.interaction"]._fields["channel"]._description_selection(self.env))
        return [(key, labels[key]) for key in FOLLOWUP_CHANNELS]

    @api.model
    def _get_channels(self):
        """The registered channels: those of :meth:`_get_channel_selection` that have a ``_send_<channel>``
        method, in their order (the fallback order of :func:`~..tools.followup.choose_channel`).

        :return: tuple of channel keys
        """
        return tuple(key for key, _label in self._get_channel_selection()
                     if callable(getattr(self, f"_send_{key}", None)))

    @api.model
    def _prepare(self, messages, excluded=()):
        """Choose the addressee, channel, schedule and texts of existing communications (before sending).

        In batch: one write per communication (flushed together), then the texts rendered per template and
        language over all the communications at once (see :meth:`_render`).

        :param messages: ``crm.followup.message`` records
        :param excluded: channels not to use (they failed)
        """
        if not messages:
            return
        for message, vals in zip(messages, self._prepare_values(messages, excluded), strict=True):
            message.write(vals)
        self._render(messages)

    @api.model
    def _prepare_values(self, messages, excluded=()):
        """The addressee, channel, schedule and state of communications (existing or draft records).

        :param messages: ``crm.followup.message`` records
        :param excluded: channels not to use (they failed)
        :return: list of dicts of values, in the order of ``messages``
        """
        now = fields.Datetime.now()
        labels = dict(self._get_channel_selection())
        channels = self._get_channels()
        contacts = {message.id: self._get_contact(message) for message in messages}
        # what _get_capabilities asks of every addressee and customer, computed for all of them at once
        people = messages.partner_id.union(*contacts.values()).sudo()
        people.mapped("is_blacklisted")
        people.mapped("phone_sanitized_blacklisted")
        result = []
        for message in messages:
            partner = message.partner_id
            contact = contacts[message.id]
            excluded_all = set(followup_tools.parse_channels(message.excluded_channels, channels)) | set(excluded)
            # the contact's channels, else the customer's; ordered by response when the policy follows the score
            preferences = contact._crm_followup_channel_preferences(message.level_id.policy_id, channels)
            channel, reasons = followup_tools.choose_channel(
                preferences, self._get_capabilities(message, contact), excluded=excluded_all,
                fallback_order=channels,
            )
            note = "; ".join(f"{labels.get(ch, ch)}: {reason}" for ch, reason in reasons)
            vals = {
                "contact_id": contact.id,
                "channel": channel,
                "channel_note": note,
                "lang": contact.lang or partner.lang or self.env.lang,
                "user_id": self._get_collector(message).id,
                "excluded_channels": ",".join(sorted(excluded_all)),
            }
            if not channel:
                vals.update(state="failed", failure_reason=self.env._("No channel is possible."))
            else:
                if message.state == "queued" and message.level_id.needs_review:
                    vals["state"] = "to_review"
                if channel in ("email", "sms"):
                    when = followup_tools.next_allowed_time(
                        now, partner.tz or contact.tz or "UTC",
                        partner.crm_followup_quiet_start, partner.crm_followup_quiet_end,
                        followup_tools.parse_days(partner.crm_followup_quiet_days),
                    )
                    vals["date_scheduled"] = when if when and when > now else False
            result.append(vals)
        return result

    @api.model
    def _get_contact(self, message):
        """Return the addressee: the billing contact of the customer if any, else the customer itself.

        Override this to address someone else (the accountant of a group).

        :return: ``res.partner``
        """
        invoice_contacts = message.partner_id.child_ids.filtered(lambda c: c.type == "invoice")
        return invoice_contacts[:1] or message.partner_id

    @api.model
    def _get_collector(self, message):
        """Return the collector responsible for the customer: their collector, salesperson, or the user.

        :return: ``res.users``
        """
        return message.partner_id._crm_get_collector() or self.env.user

    @api.model
    def _get_capabilities(self, message, contact):
        """Return the channels impossible for ``contact`` and why (opt-outs, missing data).

        Override this with :meth:`_get_channel_selection` for a new channel.

        :return: ``{channel: reason}``
        """
        partner = message.partner_id
        reasons = {}
        email = contact.email or partner.email
        if not email:
            reasons["email"] = self.env._("no email")
        elif (contact if contact.email else partner).sudo().is_blacklisted:
            reasons["email"] = self.env._("email blacklisted")
        number_partner = contact if (contact.mobile or contact.phone) else partner
        if not (number_partner.mobile or number_partner.phone):
            reasons["sms"] = self.env._("no phone")
        elif number_partner.sudo().phone_sanitized_blacklisted:
            reasons["sms"] = self.env._("phone blacklisted")
        if not (contact.street or partner.street) or not (contact.city or partner.city):
            reasons["letter"] = self.env._("no postal address")
        if not (number_partner.mobile or number_partner.phone):
            reasons["call"] = self.env._("no phone")
        return reasons

    @api.model
    def _get_render_template(self, message):
        """Return the template the texts of ``message`` are rendered with (by its channel and level).

        Override this to render another template for a channel of your own.

        :return: ``mail.template``, ``sms.template`` or ``None`` (the level's name and letter text are used)
        """
        level = message.level_id
        if message.channel == "email" and level.mail_template_id:
            return level.mail_template_id
        if message.channel == "sms" and level.sms_template_id:
            return level.sms_template_id
        return None

    @api.model
    def _render(self, messages):
        """Render subject and text in each customer's language (editable in review until sent).

        The communications are grouped by template and language and each group is rendered at once (the
        template is compiled once; the self-service links of the group are created in one go; each date and
        amount is formatted once) and stored with one statement.

        The texts are not sanitized again: a template's body was sanitized when it was saved, the values it
        shows are escaped by QWeb and the document table is built escaped (:meth:`_get_item_table`); the
        levels' letter texts are sanitized fields. A text edited in review goes through the field as usual.

        :param messages: ``crm.followup.message`` records (one or many)
        """
        groups = {}
        for message in messages:
            template = self._get_render_template(message)
            groups.setdefault((template, message.lang), []).append(message.id)
        Message = self.env["crm.followup.message"]
        Token = self.env["crm.selfservice.token"]
        texts = {}  # message id -> (subject, body)
        for (template, lang), ids in groups.items():
            group = Message.browse(ids)
            if template is None:
                for message in group:
                    level = message.level_id.with_context(lang=message.lang)
                    texts[message.id] = (level.name, level.letter_text or None)
                continue
            template_lang = template.with_context(lang=lang)
            add_context = self._render_formatters(template_lang.env)
            self.env.cr.cache[BATCH_COMPILE_KEY] = {}  # the body is compiled once for the group
            try:
                with Token._prefetch_for_messages(group):
                    if template._name == "mail.template":
                        subjects = template_lang._render_field("subject", ids, add_context=add_context)
                        bodies = template_lang._render_field("body_html", ids, add_context=add_context)
                    else:
                        subjects = dict.fromkeys(ids, None)
                        bodies = template_lang._render_field("body", ids, add_context=add_context)
            finally:
                self.env.cr.cache.pop(BATCH_COMPILE_KEY, None)
            texts.update((message_id, (subjects[message_id] or None, bodies[message_id] or None))
                         for message_id in ids)
        self._store_texts(texts)

    @api.model
    def _render_formatters(self, env):
        """``format_date`` and ``format_amount`` of the templates, each value formatted once per group.

        :param env: the environment the group is rendered in (its language)
        :return: dict to add to the rendering context
        """
        dates, amounts, formatters = {}, {}, {}

        def fmt_date(value, date_format=False, lang_code=False):
            key = (value, date_format, lang_code)
            if key not in dates:
                dates[key] = format_date(env, value, date_format=date_format, lang_code=lang_code)
            return dates[key]

        def fmt_amount(amount, currency, lang_code=False):
            key = (amount, currency.id, lang_code)
            if key not in amounts:
                if lang_code not in formatters:
                    formatters[lang_code] = amount_formatter(env, lang_code)
                amounts[key] = formatters[lang_code](amount, currency)
            return amounts[key]

        return {"format_date": fmt_date, "format_amount": fmt_amount}

    @api.model
    def _store_texts(self, texts):
        """Store the rendered subjects and texts of many communications with one statement.

        :param dict texts: ``{message id: (subject, body)}``; the bodies are rendered HTML (not sanitized again)
        """
        if not texts:
            return
        Message = self.env["crm.followup.message"]
        Message.flush_model(["subject", "body"])
        self.env.cr.execute(SQL(
            """UPDATE crm_followup_message AS m
                  SET subject = v.subject, body = v.body, write_uid = %s, write_date = now() at time zone 'UTC'
                 FROM (VALUES %s) AS v (id, subject, body)
                WHERE m.id = v.id""",
            self.env.uid,
            SQL(", ").join(
                SQL("(%s, %s::varchar, %s::text)", message_id, subject, str(body) if body else None)
                for message_id, (subject, body) in texts.items()
            ),
        ))
        Message.browse(list(texts)).invalidate_recordset(["subject", "body", "write_uid", "write_date"])

    # ------------------------------------------------------------
    # SENDING
    # ------------------------------------------------------------

    @api.model
    def _lock_queued(self, limit=None, ids=None):
        """Lock the queued communications due for sending; locked rows of another worker are skipped.

        :param int limit: at most this many
        :param ids: only among these communications
        :return: ``crm.followup.message`` locked in this transaction
        """
        now = fields.Datetime.now()
        self.env.flush_all()
        # plain SQL skips record rules: only the communications of the companies the user works in
        query = SQL(
            """SELECT id FROM crm_followup_message
                WHERE state = 'queued' AND (date_scheduled IS NULL OR date_scheduled <= %s)
                  AND company_id IN %s %s
                ORDER BY id %s
                  FOR UPDATE SKIP LOCKED""",
            now, tuple(self.env.companies.ids),
            SQL("AND id IN %s", tuple(ids)) if ids else SQL(""),
            SQL("LIMIT %s", limit) if limit else SQL(""),
        )
        self.env.cr.execute(query, log_exceptions=False)
        return self.env["crm.followup.message"].browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _send_locked(self, messages=None, limit=None):
        """Send the queued communications (these, or the next ``limit`` ones), each exactly once.

        :param messages: ``crm.followup.message`` to send (``None``: any due one)
        :param int limit: at most this many
        :return: number of communications sent
        """
        locked = self._lock_queued(limit=limit, ids=messages.ids if messages else None)
        locked.invalidate_recordset()
        to_send = locked.filtered(lambda message: message.state == "queued")
        if to_send:
            self._send(to_send)
        return len(to_send)

    @api.model
    def _send(self, messages):
        """Dispatch to ``_send_<channel>`` (once per channel, with all its communications), follow the
        documents, schedule the calls, log the interactions, mark sent.

        :param messages: ``crm.followup.message`` (one or many), locked
        """
        self.env.cr.cache[FORMAT_CACHE_KEY] = {}
        try:
            self._send_batch(messages)
        finally:
            self.env.cr.cache.pop(FORMAT_CACHE_KEY, None)

    @api.model
    def _send_batch(self, messages):
        """The work of :meth:`_send` (its item tables formatted with a cache for the batch)."""
        by_channel = {}
        for message in messages:
            by_channel.setdefault(message.channel, []).append(message.id)
        Message = self.env["crm.followup.message"]
        for channel, ids in by_channel.items():
            method = getattr(self, f"_send_{channel}", None)
            if method is None:
                raise UserError(self.env._("Channel %(channel)s cannot send.", channel=channel))
            method(Message.browse(ids))
        followed = {}
        for message in messages.filtered(lambda m: m.level_id.add_followers):
            followed[message.partner_id] = followed.get(message.partner_id, self.env["account.move"]) \
                | message.line_ids.move_id
        for partner, moves in followed.items():
            moves.message_subscribe(partner_ids=partner.ids)
        self._schedule_call(messages.filtered(lambda m: m.level_id.create_activity and m.channel != "call"))
        interactions = self.env["crm.interaction"].with_context(mail_create_nolog=True).create(
            [self._prepare_interaction_values(message) for message in messages])
        for message, interaction in zip(messages, interactions, strict=True):
            message.interaction_id = interaction
        messages.write({"state": "sent", "date_sent": fields.Datetime.now()})

    @api.model
    def _prepare_interaction_values(self, message):
        """Return the values of the ``crm.interaction`` logged for a sent communication.

        Override this to add values of your own.

        :return: dict of ``crm.interaction`` values
        """
        interaction_channels = self.env["crm.interaction"]._fields["channel"].get_values(self.env)
        return {
            "partner_id": message.partner_id.id,
            "contact_id": message.contact_id.id if message.contact_id != message.partner_id else False,
            "company_id": message.company_id.id,
            "user_id": message.user_id.id,
            "channel": message.channel if message.channel in interaction_channels else "other",
            "direction": "outgoing",
            "summary": self.env._("Follow-up: %(level)s (%(amount)s)", level=message.level_id.name,
                                  amount=message.amount_text),
            "note": self._get_item_table(message),
        }

    @api.model
    def _get_item_table(self, message):
        """HTML list of the documents (invoice number, 1C document number or label, with its date), their
        due date and what is still due, in their currency (for the interaction, calls and plain emails)."""
        # the same dates and amounts recur over a batch: format each once (cache set by _send), else per table
        formats = self.env.cr.cache.get(FORMAT_CACHE_KEY, {})
        lang = self.env.lang

        def fmt_date(value):
            if (lang, value) not in formats:
                formats[lang, value] = format_date(self.env, value)
            return formats[lang, value]

        def fmt_amount(value, currency):
            if (lang, value, currency.id) not in formats:
                if (lang, "amount") not in formats:
                    formats[lang, "amount"] = amount_formatter(self.env)
                formats[lang, value, currency.id] = formats[lang, "amount"](value, currency)
            return formats[lang, value, currency.id]

        rows = Markup("").join(
            Markup("<li>%s (%s) — %s, %s</li>") % (
                line.document_name or line.move_id.name, fmt_date(line.document_date),
                fmt_date(line.date_maturity), fmt_amount(line.amount_residual_current, line.currency_id),
            )
            for line in message.line_ids.sorted(lambda ln: (ln.date_maturity, ln.id))
        )
        return Markup("<ul>%s</ul>") % rows

    @api.model
    def _send_email(self, messages):
        """Queue one ``mail.mail`` per communication (kept after sending: its state is the delivery status).

        :param messages: ``crm.followup.message`` of channel email (one or many)
        """
        vals_list = []
        by_sender = {}
        for message in messages:
            contact = message.contact_id if message.contact_id.email else message.partner_id
            attachments = self._get_attachments(message) if message.level_id.attach_invoices else []
            email_from = message.company_id.email_formatted or self.env.user.email_formatted
            by_sender.setdefault(email_from, []).append(message.id)
            vals_list.append({
                "subject": message.subject or message.level_id.name,
                "body_html": message.body or self._get_item_table(message),
                "recipient_ids": [fields.Command.link(contact.id)],
                "email_from": email_from,
                "model": message._name,
                "res_id": message.id,
                "auto_delete": False,
                "attachment_ids": [fields.Command.link(att.id) for att in attachments],
            })
        # the reply-to mail.message would compute one by one, computed per sender for all at once
        reply_to = {}
        for email_from, ids in by_sender.items():
            reply_to.update(messages.browse(ids).sudo()._notify_get_reply_to(default=email_from))
        for vals in vals_list:
            vals["reply_to"] = reply_to[vals["res_id"]]
        mails = self.env["mail.mail"].sudo().create(vals_list)
        for message, mail in zip(messages, mails, strict=True):
            message.mail_id = mail

    @api.model
    def _get_attachments(self, message):
        """Return the PDFs attached to an email: those of the invoices among the items (their legal PDF when
        already generated, else rendered now). Items of other entries (1C documents, opening entries) have no
        PDF of their own.

        :return: ``ir.attachment``
        """
        attachments = self.env["ir.attachment"]
        invoices = message.line_ids.move_id.filtered(lambda move: move.is_invoice(include_receipts=True))
        for move in invoices:
            if move.invoice_pdf_report_id:
                attachments |= move.invoice_pdf_report_id
                continue
            try:
                content, _fmt = self.env["ir.actions.report"]._render_qweb_pdf("account.account_invoices",
                                                                               move.ids)
            except UserError as error:
                _logger.warning("Follow-up: invoice %s not attached: %s", move.name, error)
                continue
            attachments |= self.env["ir.attachment"].create({
                "name": f"{(move.name or 'invoice').replace('/', '_')}.pdf",
                "raw": content, "res_model": "account.move", "res_id": move.id,
                "mimetype": "application/pdf",
            })
        return attachments

    @api.model
    def _send_sms(self, messages):
        """Queue one ``sms.sms`` per communication to the contact's mobile (kept after sending for the
        delivery status).

        :param messages: ``crm.followup.message`` of channel SMS (one or many)
        """
        vals_list = []
        for message in messages:
            contact = message.contact_id if (message.contact_id.mobile or message.contact_id.phone) \
                else message.partner_id
            region = contact.country_id.code or message.company_id._crm_phone_region()
            number = phone_tools.first_valid([contact.mobile, contact.phone], region) or contact.mobile or contact.phone
            vals_list.append({
                "number": number,
                "partner_id": contact.id,
                "body": html2plaintext(message.body or "") or message.level_id.name,
                "state": "outgoing",
            })
        sms = self.env["sms.sms"].sudo().create(vals_list)
        for message, one_sms in zip(messages, sms, strict=True):
            message.sms_id = one_sms

    @api.model
    def _send_letter(self, messages):
        """A letter is ready to print (batch print from the list of sent letters)."""
        return True

    @api.model
    def _send_call(self, messages):
        """A phone task for the collector, on the customer."""
        self._schedule_call(messages)

    @api.model
    def _schedule_call(self, messages):
        """Schedule the collector's call on each customer, listing the documents (one batch of activities).

        :param messages: ``crm.followup.message`` (one or many)
        """
        if not messages:
            return self.env["mail.activity"]
        if self.env.context.get("mail_activity_automation_skip"):
            return False
        default_type = self.env.ref("crm_receivables.mail_activity_type_followup_call", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get("res.partner").id
        today = fields.Date.context_today(self)
        vals_list = []
        for message in messages:
            level = message.level_id
            activity_type = level.activity_type_id or default_type or self.env["mail.activity.type"]
            # the summary speaks the language of the collector who makes the call
            in_lang = self.with_context(lang=(message.user_id or self.env.user).lang)
            vals_list.append({
                # the values res.partner.activity_schedule() would give
                "activity_type_id": activity_type.id,
                "summary": in_lang.env._("Follow-up call: %(level)s", level=level.with_env(in_lang.env).name),
                "automated": True,
                "note": Markup("%s%s") % (escape(level.activity_note or ""), self._get_item_table(message)),
                "date_deadline": today,
                "res_model_id": model_id,
                "res_id": message.partner_id.id,
                "user_id": message.user_id.id or self.env.uid,
            })
        # one message per collector for the run instead of Odoo's one per task (hundreds on a busy morning)
        activities = self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        self._notify_collectors(activities)
        return activities

    @api.model
    def _notify_collectors(self, activities):
        """Tell each collector, in their language, about the follow-up calls this run gave them: one message
        (inbox or e-mail, as the collector chose) naming the customers, where Odoo would notify every task
        apart. The user running the follow-up is not told about their own tasks (as Odoo does).

        :param activities: the new ``mail.activity`` call tasks
        :return: the notification ``mail.message`` records
        """
        by_user = {}
        for activity in activities:
            if activity.user_id and activity.user_id != self.env.user:
                by_user.setdefault(activity.user_id, []).append(activity.res_id)
        messages = self.env["mail.message"]
        partners = self.env["res.partner"].browse({pid for ids in by_user.values() for pid in ids})
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        for user, partner_ids in by_user.items():
            env = self.with_context(lang=user.lang).env
            shown = partner_ids[:CALL_DIGEST_NAMES]
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                env._("Call these customers about their overdue payments; the tasks are in your activities."),
                Markup().join(Markup("<li>%s</li>") % names[pid] for pid in shown),
            )
            if len(partner_ids) > len(shown):
                body += Markup("<p>%s</p>") % env._("… and %(count)s more.", count=len(partner_ids) - len(shown))
            messages |= self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.partner_id.ids,
                subject=env._("Follow-up: %(count)s calls assigned to you", count=len(partner_ids)),
                body=body,
                email_layout_xmlid="mail.mail_notification_layout",
            )
        return messages

    # ------------------------------------------------------------
    # DELIVERY AND FALLBACK
    # ------------------------------------------------------------

    @api.model
    def _sync_delivery(self):
        """Sent communications whose email bounced or SMS failed become *failed* (fallback next).

        Only those whose e-mail or SMS has failed are read (one query on the states), never the whole history
        of delivered communications.

        :return: the communications that failed
        """
        failed_mails = self.env["mail.mail"].sudo()._search([("state", "in", ("exception", "cancel"))])
        failed_sms = self.env["sms.sms"].sudo()._search([("state", "in", ("error", "canceled"))])
        failed = self.env["crm.followup.message"].search([
            ("state", "=", "sent"), ("channel", "in", ("email", "sms")),
            "|", ("mail_id", "in", failed_mails), ("sms_id", "in", failed_sms),
        ])
        for message in failed:
            reason = message.mail_id.failure_reason or message.mail_id.failure_type or \
                message.sms_id.failure_type or self.env._("Not delivered")
            message.write({"state": "failed", "failure_reason": reason})
        return failed

    @api.model
    def _release_postponed(self, today):
        """Postponed communications come back to the review queue on their day."""
        self.env["crm.followup.message"].search(
            [("state", "=", "postponed"), ("postponed_until", "<=", today)],
        ).write({"state": "to_review"})

    @api.model
    def _fallback(self):
        """Replace each failed communication by one on the next possible channel (once per failure).

        :return: the replacing communications
        """
        Message = self.env["crm.followup.message"]
        failed = Message.search([("state", "=", "failed"), ("fallback_id", "=", False), ("channel", "!=", False),
                                 ("line_ids", "!=", False)])
        if not failed:
            return Message
        channels = self._get_channels()
        vals_list = []
        for message in failed:
            excluded = set(followup_tools.parse_channels(message.excluded_channels, channels)) | {message.channel}
            vals_list.append({
                "partner_id": message.partner_id.id, "company_id": message.company_id.id,
                "level_id": message.level_id.id, "excluded_channels": ",".join(sorted(excluded)),
            })
        replacements = Message.with_context(mail_create_nolog=True).create(vals_list)
        for message, replacement in zip(failed, replacements, strict=True):
            message.line_ids.message_id = replacement
            message.fallback_id = replacement
        self._prepare(replacements)
        return failed.fallback_id

    @api.model
    def _reschedule_cron(self):
        """Wake the cron up for the communications waiting for the end of quiet hours."""
        waiting = self.env["crm.followup.message"].search(
            [("state", "=", "queued"), ("date_scheduled", "!=", False)], order="date_scheduled", limit=1)
        cron = self.env.ref("crm_receivables.ir_cron_crm_followup", raise_if_not_found=False)
        if waiting and cron:
            cron._trigger(at=waiting.date_scheduled)

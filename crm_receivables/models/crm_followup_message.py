import logging
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date, html2plaintext

from ..tools import followup as followup_tools

_logger = logging.getLogger(__name__)

STATES = [
    ("to_review", "To Review"),
    ("queued", "Queued"),
    ("postponed", "Postponed"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
]
# states in which a communication is still to be sent (new lines of the customer join it)
OPEN_STATES = ("to_review", "queued", "postponed")


class CrmFollowupMessage(models.Model):
    """One communication to one customer in one run, listing all the invoices that reached a level.

    Life cycle: generated *queued* (or *to review* when the level asks for it), sent under a row lock
    (``FOR UPDATE SKIP LOCKED``: two workers never send the same one), then followed through the state of
    its ``mail.mail``/``sms.sms``: a bounce makes it *failed* and the next run falls back to the next
    channel of the customer. Channels are sent by ``_crm_followup_send_<channel>`` methods: add a channel
    with :meth:`_crm_followup_channel_selection` and such a method.
    """

    _name = "crm.followup.message"
    _description = "Follow-up Communication"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    contact_id = fields.Many2one("res.partner", string="Addressee",
                                 help="The billing contact the communication is sent to.")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    level_id = fields.Many2one("crm.followup.level", required=True, index=True,
                               ondelete="restrict")
    tone = fields.Selection(related="level_id.tone")
    channel = fields.Selection(selection="_crm_followup_channel_selection")
    channel_note = fields.Char(string="Channel Choice", readonly=True,
                               help="Why the channel was chosen: the channels that were not possible.")
    state = fields.Selection(STATES, string="Status", required=True, default="queued", index=True,
                             tracking=True)
    user_id = fields.Many2one("res.users", string="Collector", index=True)
    line_ids = fields.One2many("crm.followup.line", "message_id", string="Invoices")
    move_ids = fields.Many2many("account.move", compute="_compute_move_ids", string="Overdue Invoices")
    lang = fields.Char(string="Language", help="The customer's language, in which the texts are rendered.")
    subject = fields.Char()
    body = fields.Html(string="Text", sanitize_style=True)
    date_scheduled = fields.Datetime(string="Send After",
                                     help="Outside the customer's quiet hours and days.")
    date_sent = fields.Datetime(string="Sent On", readonly=True)
    postponed_until = fields.Date()
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")
    sms_id = fields.Many2one("sms.sms", string="SMS", readonly=True, ondelete="set null")
    interaction_id = fields.Many2one("crm.interaction", readonly=True,
                                     ondelete="set null")
    failure_reason = fields.Char(readonly=True)
    excluded_channels = fields.Char(readonly=True, help="Channels that already failed for these invoices.")
    fallback_id = fields.Many2one("crm.followup.message", string="Replaced By", readonly=True,
                                  ondelete="set null", index="btree_not_null")
    amount_text = fields.Char(compute="_compute_amount_text", string="Amount Due")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.model
    def _crm_followup_channel_selection(self):
        """Hook: the channels a communication can use (extend for messengers)."""
        return [
            ("email", self.env._("Email")),
            ("sms", self.env._("SMS")),
            ("letter", self.env._("Letter")),
            ("call", self.env._("Phone Call")),
        ]

    @api.depends("partner_id", "level_id")
    def _compute_name(self):
        for message in self:
            message.name = f"{message.partner_id.name or ''} — {message.level_id.name or ''}"

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for message in self:
            message.move_ids = message.line_ids.move_id

    @api.depends("line_ids.amount_residual", "line_ids.currency_id")
    def _compute_amount_text(self):
        for message in self:
            totals = {}
            for line in message.line_ids:
                totals[line.currency_id] = totals.get(line.currency_id, 0.0) + line.amount_residual
            message.amount_text = ", ".join(
                format_amount(self.env, amount, currency) for currency, amount in totals.items()
            )

    # ------------------------------------------------------------
    # ACTIONS (review queue)
    # ------------------------------------------------------------

    def action_send(self):
        """Send now (review queue): the same locked path as the cron."""
        self.ensure_one()
        if self.state not in ("to_review", "postponed", "queued"):
            raise UserError(self.env._("Communication %(name)s was already processed.", name=self.name))
        self.write({"state": "queued", "date_scheduled": False})
        self._crm_followup_send_locked()
        return True

    def action_skip(self):
        """Do not send: the invoices keep their level (no reminder for it), the next level will come."""
        self.ensure_one()
        self.filtered(lambda m: m.state in OPEN_STATES).write({"state": "skipped"})
        return True

    def action_postpone(self, days=3):
        """Put the communication aside for a few days; it comes back to the review queue by itself."""
        self.ensure_one()
        self.write({"state": "postponed",
                    "postponed_until": fields.Date.context_today(self) + timedelta(days=days)})
        return True

    def action_print_letter(self):
        """Print the letter (any channel): batch print from the list."""
        return self.env.ref("crm_receivables.crm_followup_letter_report").report_action(self)

    # ------------------------------------------------------------
    # RUN: entry points
    # ------------------------------------------------------------

    @api.model
    def _cron_process_followup(self, batch_size=200):
        """Daily cron: follow delivery, fall back, generate and send, in batches with progress."""
        return self._crm_followup_run(batch_size=batch_size, auto_commit=not modules.module.current_test)

    @api.model
    def _crm_followup_run(self, partners=None, batch_size=200, auto_commit=False):
        """One follow-up run (cron or "Run now"); safe to repeat at any time.

        :param partners: restrict to these customers (``None``: all)
        :param int batch_size: customers per generation batch, communications per sending batch
        :param bool auto_commit: commit after each batch (cron only): a crash loses no finished batch
        :return: dict of counters
        """
        today = fields.Date.context_today(self)
        self._crm_followup_sync_delivery()
        self._crm_followup_release_postponed(today)
        self._crm_followup_fallback()
        candidates = self._crm_followup_get_candidates(today, partners)
        partner_ids = sorted(candidates)
        done = 0
        created = 0
        for start in range(0, len(partner_ids), batch_size):
            batch = {pid: candidates[pid] for pid in partner_ids[start:start + batch_size]}
            with self.env.cr.savepoint():
                created += self._crm_followup_generate(batch, today)
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(partner_ids) - done)
            if auto_commit:  # cron only: a crash keeps the finished batches
                self.env.cr.commit()  # pylint: disable=invalid-commit
        sent = 0
        while True:
            with self.env.cr.savepoint():
                batch_sent = self._crm_followup_send_locked(limit=batch_size)
            sent += batch_sent
            if auto_commit:  # cron only: a crash keeps the finished batches
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if batch_sent < batch_size:
                break
        self._crm_followup_reschedule_cron()
        return {"customers": len(partner_ids), "lines": created, "sent": sent}

    # ------------------------------------------------------------
    # RUN: generation
    # ------------------------------------------------------------

    @api.model
    def _crm_followup_candidate_domain(self, today):
        """Domain of the invoices that may be followed up (hook)."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "!=", False),
            ("crm_followup_blocked", "=", False),
            ("company_id", "in", self.env.companies.ids),
        ]

    @api.model
    def _crm_followup_get_candidates(self, today, partners=None):
        """Invoices and the level each one reaches today, by customer.

        :return: ``{partner_id: [(move, level, days), ...]}`` (only pairs not generated yet)
        """
        domain = self._crm_followup_candidate_domain(today)
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        moves = self.env["account.move"].search(domain, order="commercial_partner_id, invoice_date_due, id")
        if not moves:
            return {}
        Policy = self.env["crm.followup.policy"]
        defaults = {company: Policy._get_company_default(company) for company in moves.company_id}
        reached = {}  # move id -> levels already generated
        for move, level in self.env["crm.followup.line"]._read_group(
            [("move_id", "in", moves.ids)], ["move_id", "level_id"],
        ):
            reached.setdefault(move.id, self.env["crm.followup.level"])
            reached[move.id] |= level
        pause, escalate = self._crm_followup_promise_state(moves, today)
        result = {}
        for move in moves:
            policy = (move.crm_followup_policy_id or move.commercial_partner_id.crm_followup_policy_id
                      or defaults[move.company_id])
            if not policy or not policy.level_ids:
                continue
            days = followup_tools.days_between(move.invoice_date_due, today)
            done = reached.get(move.id, self.env["crm.followup.level"])
            top = max(done, key=lambda lvl: lvl.delay) if done else None
            if move.id in pause:
                continue  # open promise: no escalation until the promised date + grace
            escalate_from = top.id if top and move.id in escalate else None
            key = followup_tools.pick_level(
                days, [(lvl.id, lvl.delay) for lvl in policy.level_ids], escalate_from=escalate_from,
            )
            if not key:
                continue
            level = policy.level_ids.browse(key)
            if level in done or (top and level.delay <= top.delay):
                continue
            result.setdefault(move.commercial_partner_id.id, []).append((move, level, days))
        return self._crm_followup_apply_thresholds(result, reached)

    @api.model
    def _crm_followup_apply_thresholds(self, candidates, reached):
        """Drop a customer's invoices of a currency when their total is below the policy's minimum."""
        result = {}
        for partner_id, items in candidates.items():
            totals = {}
            for move, level, _days in items:
                key = (level.policy_id, move.currency_id)
                totals[key] = totals.get(key, 0.0) + move.amount_residual
            kept = [
                item for item in items
                if item[0].currency_id.compare_amounts(
                    totals[(item[1].policy_id, item[0].currency_id)],
                    item[1].policy_id._get_threshold(item[0].currency_id),
                ) >= 0
            ]
            if kept:
                result[partner_id] = kept
        return result

    @api.model
    def _crm_followup_promise_state(self, moves, today):
        """Invoices paused by an open payment promise, and invoices to escalate after a broken one.

        :return: ``(paused move ids, move ids to escalate)``
        """
        if "crm.payment.promise" not in self.env:
            return set(), set()
        promises = self.env["crm.payment.promise"].sudo().search([
            ("partner_id", "in", moves.commercial_partner_id.ids),
            ("state", "in", ("open", "broken")),
        ])
        last_line = dict(self.env["crm.followup.line"]._read_group(
            [("move_id", "in", moves.ids)], ["move_id"], ["date:max"],
        ))
        pause, escalate = set(), set()
        for promise in promises:
            if promise.move_ids:
                covered = promise.move_ids & moves
            else:  # on account: all the customer's invoices
                covered = moves.filtered(lambda m, p=promise: m.commercial_partner_id == p.partner_id)
            for move in covered:
                if promise.state == "open" and promise.date_deadline and promise.date_deadline >= today:
                    pause.add(move.id)
                elif promise.state == "broken":
                    last = last_line.get(move)
                    judged = promise.date_judged or promise.promised_date
                    # once: the escalated line is dated the day the promise was judged broken
                    if last and judged and judged > last:
                        escalate.add(move.id)
        return pause, escalate - pause

    @api.model
    def _crm_followup_generate(self, candidates, today):
        """Insert the (invoice, level) lines, then gather the lines into one communication per customer.

        Both steps are idempotent: the UNIQUE (move, level) constraint drops a second insert, and the
        lines without communication are taken under ``FOR UPDATE SKIP LOCKED``.

        :return: number of lines inserted
        """
        # a payment may have been reconciled since the candidates were read (a long run; the cron commits each
        # batch, so the next one reads what other workers committed meanwhile): read again, skip what is paid
        moves = self.env["account.move"].browse(
            [move.id for items in candidates.values() for move, _level, _days in items])
        moves.invalidate_recordset(["payment_state", "amount_residual"])
        still_due = set(moves.filtered(lambda move: move.payment_state in ("not_paid", "partial")).ids)
        values = [
            SQL("(%s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC')",
                move.id, level.id, move.commercial_partner_id.id, move.company_id.id, today,
                move.amount_residual, days, self.env.uid, self.env.uid)
            for items in candidates.values() for move, level, days in items if move.id in still_due
        ]
        if not values:
            return 0
        self.env.cr.execute(SQL(
            """INSERT INTO crm_followup_line (move_id, level_id, partner_id, company_id, date, amount_residual,
                                              days_overdue, create_uid, create_date, write_uid, write_date)
               VALUES %s
               ON CONFLICT (move_id, level_id) DO NOTHING
               RETURNING id""",
            SQL(", ").join(values),
        ))
        inserted = len(self.env.cr.fetchall())
        self.env["crm.followup.line"].invalidate_model()
        self._crm_followup_gather(list(candidates))
        return inserted

    @api.model
    def _crm_followup_gather(self, partner_ids):
        """Attach the lines without communication (locked) to one open communication per customer."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """SELECT id FROM crm_followup_line
                WHERE message_id IS NULL AND partner_id IN %s
                ORDER BY id
                  FOR UPDATE SKIP LOCKED""",
            tuple(partner_ids),
        ))
        lines = self.env["crm.followup.line"].browse([row[0] for row in self.env.cr.fetchall()])
        if not lines:
            return self.browse()
        open_messages = self.search([("partner_id", "in", lines.partner_id.ids), ("state", "in", OPEN_STATES),
                                     ("date_sent", "=", False)])
        by_key = {(m.partner_id, m.company_id): m for m in open_messages}
        created = self.browse()
        groups = {}
        for line in lines:
            groups.setdefault((line.partner_id, line.company_id), self.env["crm.followup.line"])
            groups[(line.partner_id, line.company_id)] |= line
        to_create = []
        for (partner, company), group in groups.items():
            message = by_key.get((partner, company))
            top = max(group.level_id, key=lambda lvl: lvl.delay)
            if message:
                group.message_id = message
                if top.delay > message.level_id.delay:
                    message.level_id = top
                message._crm_followup_prepare()
            else:
                to_create.append((partner, company, top, group))
        if to_create:
            created = self.create([
                {"partner_id": partner.id, "company_id": company.id, "level_id": level.id,
                 "line_ids": [fields.Command.set(group.ids)]}
                for partner, company, level, group in to_create
            ])
            created._crm_followup_prepare()
        return created

    def _crm_followup_prepare(self, excluded=()):
        """Choose the addressee, channel, schedule and texts of the communications (before sending)."""
        now = fields.Datetime.now()
        for message in self:
            partner = message.partner_id
            contact = message._crm_followup_get_contact()
            excluded_all = set(followup_tools.parse_channels(message.excluded_channels)) | set(excluded)
            preferences = followup_tools.parse_channels(contact.crm_followup_channels) or \
                followup_tools.parse_channels(partner.crm_followup_channels)
            channel, reasons = followup_tools.choose_channel(
                preferences, message._crm_followup_get_capabilities(contact), excluded=excluded_all,
            )
            labels = dict(self._crm_followup_channel_selection())
            note = "; ".join(f"{labels.get(ch, ch)}: {reason}" for ch, reason in reasons)
            vals = {
                "contact_id": contact.id,
                "channel": channel,
                "channel_note": note,
                "lang": contact.lang or partner.lang or self.env.lang,
                "user_id": message._crm_followup_get_collector().id,
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
            message.write(vals)
            message._crm_followup_render()

    def _crm_followup_get_contact(self):
        """The billing contact of the customer if any, else the customer itself."""
        self.ensure_one()
        invoice_contacts = self.partner_id.child_ids.filtered(lambda c: c.type == "invoice")
        return invoice_contacts[:1] or self.partner_id

    def _crm_followup_get_collector(self):
        """The collector responsible for the customer (hook)."""
        self.ensure_one()
        partner = self.partner_id
        collector = partner["crm_collector_id"] if "crm_collector_id" in partner._fields else False
        return collector or partner.user_id or self.env.user

    def _crm_followup_get_capabilities(self, contact):
        """``{channel: reason}`` for the channels impossible for ``contact`` (opt-outs, missing data)."""
        self.ensure_one()
        partner = self.partner_id
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

    def _crm_followup_render(self):
        """Render subject and text in the customer's language (editable in review until sent)."""
        for message in self:
            level = message.level_id.with_context(lang=message.lang)
            if message.channel == "email" and level.mail_template_id:
                template = level.mail_template_id.with_context(lang=message.lang)
                message.subject = template._render_field("subject", message.ids)[message.id]
                message.body = template._render_field("body_html", message.ids)[message.id]
            elif message.channel == "sms" and level.sms_template_id:
                template = level.sms_template_id.with_context(lang=message.lang)
                message.body = template._render_field("body", message.ids)[message.id]
                message.subject = False
            else:
                message.subject = level.name
                message.body = level.letter_text or False

    # ------------------------------------------------------------
    # RUN: sending
    # ------------------------------------------------------------

    @api.model
    def _crm_followup_lock_queued(self, limit=None, ids=None):
        """Lock the queued communications due for sending; locked rows of another worker are skipped."""
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
        self.env.cr.execute(query)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _crm_followup_send_locked(self, limit=None):
        """Send the queued communications (these, or the next ``limit`` ones), each exactly once.

        :return: number of communications sent
        """
        messages = self._crm_followup_lock_queued(limit=limit, ids=self.ids or None)
        messages.invalidate_recordset()
        sent = 0
        for message in messages:
            if message.state != "queued":
                continue
            message._crm_followup_send()
            sent += 1
        return sent

    def _crm_followup_send(self):
        """Dispatch to ``_crm_followup_send_<channel>``, log the interaction, mark sent."""
        self.ensure_one()
        method = getattr(self, f"_crm_followup_send_{self.channel}", None)
        if method is None:
            raise UserError(self.env._("Channel %(channel)s cannot send.", channel=self.channel))
        method()
        level = self.level_id
        if level.add_followers:
            self.line_ids.move_id.message_subscribe(partner_ids=self.partner_id.ids)
        if level.create_activity and self.channel != "call":
            self._crm_followup_schedule_call()
        self.interaction_id = self.env["crm.interaction"].create(self._prepare_interaction_values())
        self.write({"state": "sent", "date_sent": fields.Datetime.now()})

    def _prepare_interaction_values(self):
        """Values of the ``crm.interaction`` logged for the communication (hook)."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "contact_id": self.contact_id.id if self.contact_id != self.partner_id else False,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "channel": self.channel if self.channel in ("email", "sms", "letter", "call") else "other",
            "direction": "outgoing",
            "summary": self.env._("Follow-up: %(level)s (%(amount)s)", level=self.level_id.name,
                                  amount=self.amount_text),
            "note": self._crm_followup_invoice_table(),
        }

    def _crm_followup_invoice_table(self):
        """HTML list of the invoices, amounts in their currency (for the interaction and letters)."""
        self.ensure_one()
        rows = Markup("").join(
            Markup("<li>%s — %s, %s</li>") % (
                line.move_id.name, format_date(self.env, line.invoice_date_due),
                format_amount(self.env, line.move_id.amount_residual, line.currency_id),
            )
            for line in self.line_ids.sorted(lambda ln: (ln.invoice_date_due, ln.id))
        )
        return Markup("<ul>%s</ul>") % rows

    def _crm_followup_send_email(self):
        """Queue a ``mail.mail`` (kept after sending: its state is the delivery status)."""
        contact = self.contact_id if self.contact_id.email else self.partner_id
        attachments = self._crm_followup_invoice_attachments() if self.level_id.attach_invoices else []
        self.mail_id = self.env["mail.mail"].sudo().create({
            "subject": self.subject or self.level_id.name,
            "body_html": self.body or self._crm_followup_invoice_table(),
            "recipient_ids": [fields.Command.link(contact.id)],
            "email_from": self.company_id.email_formatted or self.env.user.email_formatted,
            "model": self._name,
            "res_id": self.id,
            "auto_delete": False,
            "attachment_ids": [fields.Command.link(att.id) for att in attachments],
        })

    def _crm_followup_invoice_attachments(self):
        """PDFs of the invoices (their legal PDF when already generated, else rendered now)."""
        attachments = self.env["ir.attachment"]
        for move in self.line_ids.move_id:
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

    def _crm_followup_send_sms(self):
        """Queue an ``sms.sms`` to the contact's mobile (kept after sending for the delivery status)."""
        contact = self.contact_id if (self.contact_id.mobile or self.contact_id.phone) else self.partner_id
        number = contact._phone_format(fname="mobile") or contact._phone_format(fname="phone") \
            or contact.mobile or contact.phone
        self.sms_id = self.env["sms.sms"].sudo().create({
            "number": number,
            "partner_id": contact.id,
            "body": html2plaintext(self.body or "") or self.level_id.name,
            "state": "outgoing",
        })

    def _crm_followup_send_letter(self):
        """A letter is ready to print (batch print from the list of sent letters)."""
        return True

    def _crm_followup_send_call(self):
        """A phone task for the collector, on the customer."""
        self._crm_followup_schedule_call()

    def _crm_followup_schedule_call(self):
        level = self.level_id
        activity_type = level.activity_type_id or self.env.ref(
            "crm_receivables.mail_activity_type_followup_call", raise_if_not_found=False)
        self.partner_id.activity_schedule(
            activity_type_id=activity_type.id if activity_type else False,
            summary=self.env._("Follow-up call: %(level)s", level=level.name),
            note=Markup("%s%s") % (escape(level.activity_note or ""), self._crm_followup_invoice_table()),
            user_id=self.user_id.id or self.env.uid,
        )

    # ------------------------------------------------------------
    # RUN: delivery and fallback
    # ------------------------------------------------------------

    @api.model
    def _crm_followup_sync_delivery(self):
        """Sent communications whose email bounced or SMS failed become *failed* (fallback next)."""
        sent = self.search([("state", "=", "sent"), ("channel", "in", ("email", "sms")),
                            "|", ("mail_id", "!=", False), ("sms_id", "!=", False)])
        failed = sent.filtered(lambda m: (m.mail_id and m.mail_id.state in ("exception", "cancel"))
                               or (m.sms_id and m.sms_id.state in ("error", "canceled")))
        for message in failed:
            reason = message.mail_id.failure_reason or message.mail_id.failure_type or \
                message.sms_id.failure_type or self.env._("Not delivered")
            message.write({"state": "failed", "failure_reason": reason})
        return failed

    @api.model
    def _crm_followup_release_postponed(self, today):
        """Postponed communications come back to the review queue on their day."""
        self.search([("state", "=", "postponed"), ("postponed_until", "<=", today)]).write(
            {"state": "to_review"})

    @api.model
    def _crm_followup_fallback(self):
        """Replace each failed communication by one on the next possible channel (once per failure)."""
        failed = self.search([("state", "=", "failed"), ("fallback_id", "=", False), ("channel", "!=", False),
                              ("line_ids", "!=", False)])
        for message in failed:
            excluded = set(followup_tools.parse_channels(message.excluded_channels)) | {message.channel}
            replacement = self.create({
                "partner_id": message.partner_id.id, "company_id": message.company_id.id,
                "level_id": message.level_id.id, "excluded_channels": ",".join(sorted(excluded)),
            })
            message.line_ids.message_id = replacement
            message.fallback_id = replacement
            replacement._crm_followup_prepare()
        return failed.fallback_id

    @api.model
    def _crm_followup_reschedule_cron(self):
        """Wake the cron up for the communications waiting for the end of quiet hours."""
        waiting = self.search([("state", "=", "queued"), ("date_scheduled", "!=", False)],
                              order="date_scheduled", limit=1)
        cron = self.env.ref("crm_receivables.ir_cron_crm_followup", raise_if_not_found=False)
        if waiting and cron:
            cron._trigger(at=waiting.date_scheduled)

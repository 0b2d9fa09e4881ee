import base64
import secrets
from contextlib import contextmanager
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date, format_datetime, plaintext2html

from ..tools import selfservice as selfservice_tools

DEFAULT_TOKEN_DAYS = 30
DEFAULT_PROMISE_DAYS = 30
#: key of ``cr.cache`` holding the links prepared for a batch of reminders
PREFETCH_KEY = "crm_selfservice_token_prefetch"
# the form fields the actions read (anything else posted is ignored)
FORM_FIELDS = ("line_ids", "line_id", "amount", "promised_date", "reason", "when", "phone", "note", "statement_id",
               "name", "balance")


class CrmSelfServiceToken(models.Model):
    """A personal, expiring link to the self-service page of one customer in one company.

    Every reminder (e-mail, SMS) carries one (:meth:`res.partner._crm_selfservice_url`): the customer sees
    their open receivable items there and answers without a portal account — promises a payment date,
    disputes an invoice, asks for a call back, confirms or disputes the latest statement of account.

    The page's controller finds the token with :meth:`_check_token` (as superuser, the token being the
    only credential) and then acts through the ``_crm_selfservice_<action>`` methods, each of them a
    documented hook: ``crm_complaints`` overrides :meth:`_selfservice_dispute` and
    :meth:`_selfservice_statement_difference` to file complaints.
    """

    _name = "crm.selfservice.token"
    _description = "Self-service Link"
    _order = "id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True,
                                 default=lambda self: self.env.company)
    token = fields.Char(required=True, readonly=True, copy=False, index=True,
                        default=lambda self: secrets.token_urlsafe(32),
                        groups="crm_receivables.crm_receivables_group_manager")
    date_expiry = fields.Datetime(string="Valid Until", required=True, readonly=True)
    message_id = fields.Many2one("crm.followup.message", string="Reminder", index="btree_not_null",
                                 ondelete="set null", readonly=True,
                                 help="The reminder whose link this is.")
    active = fields.Boolean(default=True, help="Unchecked when the link is revoked.")
    date_last_seen = fields.Datetime(string="Last Opened", readonly=True)
    request_ids = fields.One2many("crm.selfservice.request", "token_id", string="Answers")
    request_count = fields.Integer(compute="_compute_request_count", string="Answer Count")
    is_expired = fields.Boolean(compute="_compute_is_expired", string="Expired")

    _sql_constraints = [
        ("token_uniq", "unique(token)", "A self-service link must be unique."),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    def _compute_request_count(self):
        counts = dict(self.env["crm.selfservice.request"]._read_group(
            [("token_id", "in", self.ids)], ["token_id"], ["__count"],
        ))
        for token in self:
            token.request_count = counts.get(token, 0)

    @api.depends("date_expiry", "active")
    def _compute_is_expired(self):
        now = fields.Datetime.now()
        for token in self:
            token.is_expired = not token.active or selfservice_tools.is_expired(token.date_expiry, now)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_revoke(self):
        """Revoke the links: they open nothing any more."""
        self.write({"active": False})
        return True

    # ------------------------------------------------------------
    # BUSINESS: links
    # ------------------------------------------------------------

    @api.model
    def _get_or_create(self, partner, company, origin=None, expiry_days=None):
        """The valid link of a customer for a reminder, created when missing (rendering twice reuses it).

        :param partner: the customer (its commercial entity gets the link)
        :param company: the company whose items the page shows
        :param origin: the reminder (``crm.followup.message``) the link is sent in, if any
        :param int expiry_days: validity in days (default: the customer's follow-up policy's)
        :return: ``crm.selfservice.token`` (superuser)
        """
        Token = self.sudo()
        partner = partner.commercial_partner_id
        message = origin if origin is not None and origin._name == "crm.followup.message" and origin.id else None
        now = fields.Datetime.now()
        if message:
            prefetched = self.env.cr.cache.get(PREFETCH_KEY, {}).get((message.id, partner.id, company.id))
            if prefetched:  # created or found in batch by _prefetch_for_messages
                return Token.browse(prefetched)
            existing = Token.search([("message_id", "=", message.id), ("partner_id", "=", partner.id),
                                     ("company_id", "=", company.id), ("date_expiry", ">", now)], limit=1)
            if existing:
                return existing
        if not expiry_days:
            policy = Token._get_policy(partner, company)
            expiry_days = policy.selfservice_token_days if policy else DEFAULT_TOKEN_DAYS
        return Token.create({
            "partner_id": partner.id,
            "company_id": company.id,
            "date_expiry": now + timedelta(days=expiry_days or DEFAULT_TOKEN_DAYS),
            "message_id": message.id if message else False,
        })

    @api.model
    @contextmanager
    def _prefetch_for_messages(self, messages):
        """While rendering the reminders ``messages`` at once: their links, found or created in two queries,
        are what :meth:`_get_or_create` returns for them (instead of a search and a create each).

        :param messages: ``crm.followup.message`` records
        """
        Token = self.sudo()
        now = fields.Datetime.now()
        found = {}
        if messages.ids:
            for token in Token.search([("message_id", "in", messages.ids), ("date_expiry", ">", now)],
                                      order="id"):
                found.setdefault((token.message_id.id, token.partner_id.id, token.company_id.id), token.id)
        vals_list = []
        keys = []
        policies = {}
        for message in messages:
            partner = message.partner_id.commercial_partner_id
            key = (message.id, partner.id, message.company_id.id)
            if key in found or key in keys:
                continue
            company = message.company_id
            if company not in policies:  # the company's default, read once
                policies[company] = self.env["crm.followup.policy"].sudo()._get_company_default(company)
            # as _get_policy: the customer's own policy, else the company's default
            policy = partner.with_company(company).sudo().crm_followup_policy_id or policies[company]
            vals_list.append({
                "partner_id": partner.id,
                "company_id": message.company_id.id,
                "date_expiry": now + timedelta(days=(policy.selfservice_token_days if policy else 0)
                                               or DEFAULT_TOKEN_DAYS),
                "message_id": message.id,
            })
            keys.append(key)
        found.update(zip(keys, Token.create(vals_list).ids, strict=True))
        self.env.cr.cache[PREFETCH_KEY] = found
        try:
            yield
        finally:
            self.env.cr.cache.pop(PREFETCH_KEY, None)

    def _get_url(self):
        """Absolute URL of the page of this link."""
        self.ensure_one()
        return f"{self.company_id.get_base_url()}/crm/selfservice/{self.sudo().token}"

    @api.model
    def _check_token(self, token):
        """The valid link whose token is ``token``, else an empty recordset (guessed, revoked, expired).

        Called by the public controller: the token is the only credential, so the lookup is done as
        superuser; the caller names the result ``*_sudo``.

        :param str token: the token of the URL
        :return: ``crm.selfservice.token`` (superuser), at most one
        """
        Token = self.sudo().with_context(active_test=True)
        if not token or not isinstance(token, str) or len(token) > 128:
            return Token.browse()
        token_sudo = Token.search([("token", "=", token)], limit=1)
        if not token_sudo or token_sudo.is_expired or not secrets.compare_digest(token_sudo.token, token):
            return Token.browse()
        return token_sudo.with_company(token_sudo.company_id)

    @api.model
    def _get_policy(self, partner, company):
        """The follow-up policy of the customer in the company (its own, else the company's default)."""
        policy = partner.commercial_partner_id.with_company(company).sudo().crm_followup_policy_id
        return policy or self.env["crm.followup.policy"].sudo()._get_company_default(company)

    # ------------------------------------------------------------
    # BUSINESS: what the page shows
    # ------------------------------------------------------------

    def _open_items(self):
        """Open receivable items of the customer in the link's company, oldest due first."""
        self.ensure_one()
        return self.env["account.move.line"].sudo().search([
            ("partner_id", "child_of", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0.0),
        ], order="date_maturity, id")

    def _latest_statement(self):
        """The latest statement of account sent to the customer (or answered), if any."""
        self.ensure_one()
        return self.env["crm.statement"].sudo().search([
            ("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("state", "in", ("sent", "confirmed", "disputed")),
        ], order="date_to desc, id desc", limit=1)

    def _has_online_payment(self):
        """Whether the company takes online payments (a payment provider is enabled)."""
        self.ensure_one()
        if "payment.provider" not in self.env:
            return False
        return bool(self.env["payment.provider"].sudo().search_count(
            [("state", "in", ("enabled", "test")), ("company_id", "=", self.company_id.id)], limit=1,
        ))

    def _get_page_values(self):
        """Everything the page renders: items with their links, totals, limits, the statement."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        items = self._open_items()
        pay_online = self._has_online_payment()
        rows = []
        totals = {}
        for line in items:
            move = line.move_id
            is_invoice = move.move_type in ("out_invoice", "out_refund")
            currency = line.currency_id if line.currency_id != line.company_currency_id else line.company_currency_id
            residual = line.amount_residual_currency if currency != line.company_currency_id else line.amount_residual
            totals[currency] = totals.get(currency, 0.0) + residual
            rows.append({
                "line": line,
                "name": move.name or line.name,
                "ref": move.ref or "",
                "date_due": line.date_maturity or move.invoice_date_due,
                "days_overdue": selfservice_tools.days_overdue(line.date_maturity or move.invoice_date_due, today),
                "amount": residual,
                "currency": currency,
                "is_invoice": is_invoice,
                "pdf_url": move.get_portal_url(report_type="pdf", download=True) if is_invoice else False,
                "pay_url": move.get_portal_url() if is_invoice and pay_online and residual > 0 else False,
            })
        policy = self._get_policy(self.partner_id, self.company_id)
        max_days = policy.selfservice_max_days if policy else DEFAULT_PROMISE_DAYS
        return {
            "token": self,
            "partner": self.partner_id,
            "company": self.company_id,
            "rows": rows,
            "totals": totals,
            "today": today,
            "promise_max_date": today + timedelta(days=max_days or DEFAULT_PROMISE_DAYS),
            "statement": self._latest_statement(),
            "pay_online": pay_online,
        }

    # ------------------------------------------------------------
    # BUSINESS: actions
    # ------------------------------------------------------------

    def _selfservice_submit(self, kind, key, values, upload=None):
        """Carry out one action of the page, once per idempotency key, within the rate limit.

        The answer is recorded as a ``crm.selfservice.request`` whose UNIQUE (token, key) makes a double
        submit a no-op; it lands in the customer's history as a ``crm.interaction`` of the channel
        "self-service". Nothing is written when the answer is refused (the caller wraps this in a savepoint).

        :param str kind: one of :data:`tools.selfservice.ACTIONS`
        :param str key: the idempotency key of the form
        :param dict values: the posted form values (strings; ``line_ids`` a list)
        :param upload: ``(filename, bytes)`` of an uploaded file, or ``None``
        :return: ``(crm.selfservice.request, created)``
        """
        self.ensure_one()
        if kind not in selfservice_tools.ACTIONS:
            raise UserError(self.env._("Unknown action."))
        if not selfservice_tools.valid_key(key):
            raise UserError(self.env._("The form has expired: reload the page and try again."))
        Request = self.env["crm.selfservice.request"].sudo()
        existing = Request.search([("token_id", "=", self.id), ("idempotency_key", "=", key)], limit=1)
        if existing:
            return existing, False
        since = fields.Datetime.now() - selfservice_tools.RATE_WINDOW
        recent = Request.search_count([("token_id", "=", self.id), ("create_date", ">=", since)])
        if selfservice_tools.is_rate_limited(recent, selfservice_tools.RATE_LIMIT):
            raise UserError(self.env._("Too many answers in a short time: please try again in an hour."))
        request_id = self._insert_request(kind, key)
        if not request_id:  # the same form submitted twice at once: the other submission does the work
            return Request.browse(), False
        request_sudo = Request.browse(request_id)
        interaction = self.env["crm.interaction"].sudo().with_context(
            crm_interaction_no_outcome_activity=True,
        ).create(self._prepare_interaction_values(kind))
        fields_posted = {name: value for name, value in (values or {}).items() if name in FORM_FIELDS}
        try:
            result = getattr(self, f"_selfservice_{kind}")(interaction=interaction, upload=upload,
                                                           **fields_posted)
        except selfservice_tools.SelfServiceError as error:
            raise UserError(self._error_message(error)) from error
        record = result.get("record")
        moves = result.get("moves") or self.env["account.move"]
        interaction.write({
            "summary": result["summary"],
            "note": result.get("note") or False,
            "move_ids": [fields.Command.set(moves.ids)],
            "document_ref": f"{record._name},{record.id}" if record else False,
        })
        request_sudo.write({
            "summary": result["summary"],
            "interaction_id": interaction.id,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
            "move_ids": [fields.Command.set(moves.ids)],
        })
        self.date_last_seen = fields.Datetime.now()
        return request_sudo, True

    def _insert_request(self, kind, key):
        """Insert the answer row, or nothing when the key was already used (``ON CONFLICT DO NOTHING``).

        :return: the new row's id, or ``None``
        """
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """INSERT INTO crm_selfservice_request (token_id, partner_id, company_id, kind, idempotency_key,
                                                    summary, create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC')
               ON CONFLICT (token_id, idempotency_key) DO NOTHING
               RETURNING id""",
            self.id, self.partner_id.id, self.company_id.id, kind, key, kind, self.env.uid, self.env.uid,
        ))
        row = self.env.cr.fetchone()
        return row[0] if row else None

    def _prepare_interaction_values(self, kind):
        """Values of the interaction logging an answer of the page (hook)."""
        self.ensure_one()
        labels = dict(self.env["crm.selfservice.request"]._fields["kind"]._description_selection(self.env))
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self._get_collector().id,
            "channel": "selfservice",
            "direction": "incoming",
            "source": "selfservice",
            "summary": labels.get(kind, kind),
        }

    def _get_collector(self):
        """Who follows the customer's answers: the collector, else the salesperson, else the reminder's sender,
        else a receivables manager of the company."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        collector = partner._crm_get_collector() or self.message_id.user_id
        if not collector:
            group = self.env.ref("crm_receivables.crm_receivables_group_manager")
            collector = group.sudo().users.filtered(
                lambda u: self.company_id in u.company_ids and not u.share
            ).sorted("id")[:1]
        return collector or self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user

    def _get_items(self, line_ids):
        """The open items chosen on the page, among this customer's only.

        :param list line_ids: ids posted by the form (strings)
        :return: ``account.move.line``
        :raises SelfServiceError: ``items_required`` when none of the ids is an open item of the customer
        """
        wanted = {int(i) for i in (line_ids or []) if str(i).isdigit()}
        items = self._open_items().filtered(lambda line: line.id in wanted)
        if not items:
            raise selfservice_tools.SelfServiceError("items_required", "line_ids")
        return items

    def _notify_collector(self, record, body):
        """Tell the collector about an answer: a note on ``record`` notifying them in their inbox."""
        collector = self._get_collector()
        record.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", partner_ids=collector.partner_id.ids,
            author_id=self.partner_id.id,
        )

    def _selfservice_promise(self, interaction=None, upload=None, line_ids=None, amount=None,
                             promised_date=None, **_kwargs):
        """"I will pay on…": a payment promise on exactly the chosen items (the one place that creates it).

        The promise covers the invoices of the items (``move_ids``; and the items themselves when the promise
        model has a line-level ``line_ids`` field); an open promise pauses their follow-up until its date
        plus the grace days. The collector is notified on the promise.

        :param interaction: the ``crm.interaction`` logging the answer
        :param list line_ids: ids of the chosen open items
        :param str amount: the amount typed by the customer
        :param str promised_date: ``YYYY-MM-DD``
        :return: dict ``record``, ``summary``, ``moves``
        """
        items = self._get_items(line_ids)
        currencies = items.mapped(lambda line: line.currency_id or line.company_currency_id)
        if len(currencies) > 1:
            raise selfservice_tools.SelfServiceError("currencies_mixed", "line_ids")
        currency = currencies[:1]
        in_foreign = currency != self.company_id.currency_id
        total = sum(items.mapped("amount_residual_currency" if in_foreign else "amount_residual"))
        amount_value = selfservice_tools.parse_amount(amount)
        promised = selfservice_tools.parse_date(promised_date, "promised_date")
        today = fields.Date.context_today(self)
        policy = self._get_policy(self.partner_id, self.company_id)
        selfservice_tools.check_promise(
            promised, amount_value, total, today,
            policy.selfservice_max_days if policy else DEFAULT_PROMISE_DAYS, rounding=currency.rounding,
        )
        Promise = self.env["crm.payment.promise"].sudo().with_company(self.company_id)
        moves = items.move_id.filtered(lambda m: m.move_type == "out_invoice")
        vals = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": currency.id,
            "amount": amount_value,
            "promised_date": promised,
            "date_made": today,
            "move_ids": [fields.Command.set(moves.ids)],
            "user_id": self._get_collector().id,
            "interaction_id": interaction.id if interaction else False,
            "note": self.env._("Made by the customer on the self-service page."),
        }
        if "line_ids" in Promise._fields and Promise._fields["line_ids"].comodel_name == "account.move.line":
            vals["line_ids"] = [fields.Command.set(items.ids)]
        promise = Promise.create(vals)
        summary = self.env._(
            "Self-service: the customer will pay %(amount)s by %(date)s",
            amount=format_amount(self.env, amount_value, currency), date=format_date(self.env, promised),
        )
        self._notify_collector(promise, summary)
        return {"record": promise, "summary": summary, "moves": moves}

    def _selfservice_dispute(self, interaction=None, upload=None, line_id=None, reason=None, **_kwargs):
        """"I dispute this invoice": block the follow-up of the invoice and tell the collector (hook).

        ``crm_complaints`` overrides it to file a dispute complaint instead (which blocks the invoice
        itself); the checks are in :meth:`_check_dispute`.

        :param interaction: the ``crm.interaction`` logging the answer
        :param upload: ``(filename, bytes)`` of an optional file
        :param str line_id: id of the disputed open item
        :param str reason: why
        :return: dict ``record``, ``summary``, ``moves``, ``note``
        """
        move, reason_text, attachment_vals = self._check_dispute(line_id, reason, upload)
        summary = self.env._("Self-service: invoice %(invoice)s disputed", invoice=move.name)
        move.sudo()._crm_followup_block(
            self.env._("Disputed by the customer on the self-service page: %(reason)s", reason=reason_text[:200]),
            origin=interaction,
        )
        if attachment_vals and interaction:
            self.env["ir.attachment"].sudo().create(
                dict(attachment_vals, res_model="crm.interaction", res_id=interaction.id))
        move.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=plaintext2html(reason_text),
            user_id=self._get_collector().id,
        )
        return {"record": move, "summary": summary, "moves": move, "note": plaintext2html(reason_text)}

    def _check_dispute(self, line_id, reason, upload):
        """Check a dispute: an invoice item of the customer, a reason, an acceptable file.

        :return: ``(invoice, reason, attachment values or None)``
        """
        items = self._get_items([line_id])
        move = items.move_id.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))[:1]
        if not move:
            raise selfservice_tools.SelfServiceError("invoice_required", "line_id")
        reason_text = selfservice_tools.check_text(reason, "reason")
        attachment_vals = None
        if upload and upload[0]:
            filename, content = upload
            mimetype = selfservice_tools.check_upload(filename, len(content))
            attachment_vals = {"name": filename, "datas": base64.b64encode(content), "mimetype": mimetype}
        return move, reason_text, attachment_vals

    def _selfservice_callback(self, interaction=None, upload=None, when=None, phone=None, note=None,
                              **_kwargs):
        """"Call me back": a phone-call activity for the collector on the customer at the chosen time.

        :param str when: ``YYYY-MM-DDTHH:MM`` in the customer's timezone
        :param str phone: the number to call (default: the customer's)
        :param str note: what about
        :return: dict ``record``, ``summary``
        """
        tz = pytz.timezone(self.partner_id.tz or self.company_id.partner_id.tz or "UTC")
        local = selfservice_tools.parse_datetime(when)
        now_local = fields.Datetime.now().replace(tzinfo=pytz.utc).astimezone(tz).replace(tzinfo=None)
        selfservice_tools.check_callback(local, now_local)
        phone_text = selfservice_tools.check_text(phone, "phone", required=False, max_length=64)
        note_text = selfservice_tools.check_text(note, "note", required=False)
        moment = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        summary = self.env._(
            "Self-service: call the customer back on %(when)s",
            when=format_datetime(self.env, moment, tz=tz.zone, dt_format="short"),
        )
        lines = [self.env._("Phone: %(phone)s", phone=phone_text or self.partner_id.phone
                            or self.partner_id.mobile or "-")]
        if note_text:
            lines.append(note_text)
        activity = self.partner_id.sudo().activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=local.date(),
            summary=summary,
            note=plaintext2html("\n".join(lines)),
            user_id=self._get_collector().id,
        )
        return {"record": activity, "summary": summary, "note": plaintext2html("\n".join(lines))}

    def _get_statement(self, statement_id):
        """The latest statement of the page, when ``statement_id`` names it and it awaits an answer."""
        statement = self._latest_statement()
        if not statement or str(statement.id) != str(statement_id or ""):
            raise selfservice_tools.SelfServiceError("statement_required", "statement_id")
        if statement.state != "sent":
            raise selfservice_tools.SelfServiceError("statement_answered", "statement_id")
        return statement

    def _selfservice_statement_confirm(self, interaction=None, upload=None, statement_id=None, name=None,
                                       **_kwargs):
        """Confirm the latest statement of account: recorded with who (the name typed) and when.

        :param str statement_id: the statement shown on the page
        :param str name: name and position of the person confirming
        :return: dict ``record``, ``summary``
        """
        statement = self._get_statement(statement_id)
        who = selfservice_tools.check_text(name, "name", max_length=200)
        statement._selfservice_confirm(who, self)
        summary = self.env._("Self-service: statement %(statement)s confirmed by %(name)s",
                             statement=statement.name, name=who)
        self._notify_collector(statement, summary)
        return {"record": statement, "summary": summary}

    def _selfservice_statement_difference(self, interaction=None, upload=None, statement_id=None,
                                          balance=None, note=None, **_kwargs):
        """Report a difference on the latest statement: the statement is disputed, the collector gets an
        activity with the figures (hook: ``crm_complaints`` files a complaint with them instead).

        :param str balance: the closing balance in the customer's books
        :param str note: what differs
        :return: dict ``record``, ``summary``, ``note``
        """
        statement, figures = self._check_statement_difference(statement_id, balance, note)
        summary = self.env._("Self-service: difference reported on statement %(statement)s",
                             statement=statement.name)
        statement.sudo().activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=figures,
            user_id=self._get_collector().id,
        )
        return {"record": statement, "summary": summary, "note": figures}

    def _check_statement_difference(self, statement_id, balance, note):
        """Check a difference and mark the statement disputed.

        :return: ``(statement, figures as HTML)``
        """
        statement = self._get_statement(statement_id)
        their_balance = selfservice_tools.parse_amount(balance, "balance") if str(balance or "").strip() else None
        note_text = selfservice_tools.check_text(note, "note")
        currency = statement.currency_id
        lines = [
            self.env._("Closing balance in our books: %(amount)s",
                       amount=format_amount(self.env, statement.closing_balance, currency)),
        ]
        if their_balance is not None:
            lines += [
                self.env._("Closing balance in the customer's books: %(amount)s",
                           amount=format_amount(self.env, their_balance, currency)),
                self.env._("Difference: %(amount)s",
                           amount=format_amount(self.env, statement.closing_balance - their_balance, currency)),
            ]
        lines.append(note_text)
        statement.sudo().write({"state": "disputed", "dispute_note": "\n".join(lines)})
        return statement, plaintext2html("\n".join(lines))

    def _error_message(self, error):
        """The translated message of a refused answer (:class:`tools.selfservice.SelfServiceError`)."""
        messages = {
            "amount_invalid": self.env._("The amount is not a number."),
            "amount_not_positive": self.env._("The amount must be positive."),
            "amount_too_high": self.env._("The amount is more than the chosen items' balance."),
            "date_invalid": self.env._("The date is not valid."),
            "date_past": self.env._("The payment date cannot be in the past."),
            "date_too_far": self.env._("The payment date is too far: choose a date in the allowed period."),
            "datetime_invalid": self.env._("The date and time are not valid."),
            "callback_past": self.env._("The call back time cannot be in the past."),
            "callback_too_far": self.env._("The call back time is too far ahead."),
            "text_required": self.env._("Please fill in this field."),
            "text_too_long": self.env._("The text is too long."),
            "file_too_big": self.env._("The file is too big (5 MB at most)."),
            "file_type": self.env._("Only PDF, PNG and JPEG files are accepted."),
            "items_required": self.env._("Choose at least one of your open items."),
            "invoice_required": self.env._("Choose an invoice."),
            "currencies_mixed": self.env._("Choose items in one currency."),
            "statement_required": self.env._("This statement of account is not the latest one."),
            "statement_answered": self.env._("This statement of account was already answered."),
        }
        labels = {
            "amount": self.env._("Amount"), "promised_date": self.env._("Payment date"),
            "when": self.env._("Call back time"), "reason": self.env._("Reason"), "note": self.env._("Comment"),
            "name": self.env._("Your name"), "phone": self.env._("Phone"), "attachment": self.env._("File"),
            "line_ids": self.env._("Items"), "line_id": self.env._("Invoice"),
            "balance": self.env._("Balance in your books"), "statement_id": self.env._("Statement"),
        }
        message = messages.get(error.code, error.code)
        if error.field in labels:
            return self.env._("%(field)s: %(message)s", field=labels[error.field], message=message)
        return message

    # ------------------------------------------------------------
    # BUSINESS: KPI
    # ------------------------------------------------------------

    @api.model
    def _answer_share(self, date_from, date_to, company=None):
        """Share of the reminders answered on the self-service page (a workbench KPI).

        A reminder is a follow-up communication sent in the period; it is answered when its link led to at
        least one action of the customer (promise, dispute, call back, statement answer).

        :param date date_from: first day of the period (sending date)
        :param date date_to: last day of the period
        :param company: the company (default: the current one)
        :return: dict ``reminders``, ``answered``, ``share`` (percent)
        """
        company = company or self.env.company
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to) + timedelta(days=1)
        Message = self.env["crm.followup.message"].sudo()
        [(reminders,)] = Message._read_group(
            [("company_id", "=", company.id), ("date_sent", ">=", start), ("date_sent", "<", end),
             ("channel", "in", ("email", "sms"))],
            aggregates=["__count"],
        )
        answered = len(self.sudo().with_context(active_test=False)._read_group(
            [("company_id", "=", company.id), ("request_ids", "!=", False),
             ("message_id.date_sent", ">=", start), ("message_id.date_sent", "<", end),
             ("message_id.channel", "in", ("email", "sms"))],
            ["message_id"],
        )) if reminders else 0
        return {"reminders": reminders, "answered": answered,
                "share": selfservice_tools.answer_share(reminders, answered)}

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..tools import promise as promise_tools

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("partial", "Partially Kept"),
    ("broken", "Broken"),
    ("cancel", "Cancelled"),
]


class CrmPaymentPromise(models.Model):
    """A customer's promise to pay an amount by a date, judged against the real reconciliation.

    A promise covers some open receivable items (``line_ids``: an invoice's, a 1C document's, an opening
    entry's) or none ("on account"); ``move_ids`` are the entries of those items (writing invoices there
    covers their receivable items). It stays *open* until the payments reconciled with those items (a
    payment, or the "settled in 1C" item of a later 1C import; on account, the customer's payments) cover the
    amount — *kept* — or until the promised date plus the company's grace days has passed — *partially kept*
    or *broken*. It is judged by a daily cron and as soon as a payment is reconciled
    (see :meth:`account.partial.reconcile.create`). While open, it pauses the follow-up of its items.
    """

    _name = "crm.payment.promise"
    _description = "Payment Promise"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "promised_date desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        check_company=True, domain="[('is_company', '=', True)]",
    )
    line_ids = fields.Many2many(
        "account.move.line", "crm_payment_promise_account_move_line_rel", "promise_id", "line_id",
        string="Documents", check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', partner_id), ('account_type', '=', 'asset_receivable'),"
               " ('parent_state', '=', 'posted'), ('reconciled', '=', False), ('amount_residual', '>', 0)]",
        help="The open receivable items (invoices, 1C documents, opening balances) the customer promised to "
             "pay; leave empty for a payment on account.",
    )
    move_ids = fields.Many2many(
        "account.move", "crm_payment_promise_account_move_rel", "promise_id", "move_id",
        string="Invoices", check_company=True, compute="_compute_move_ids", store=True, readonly=False,
        domain="[('commercial_partner_id', '=', partner_id), ('state', '=', 'posted'),"
               " ('payment_state', 'in', ('not_paid', 'partial'))]",
        help="The entries of the documents; choosing an invoice here covers its receivable items.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.company.currency_id)
    amount = fields.Monetary(string="Promised Amount", required=True, tracking=True)
    date_made = fields.Date(string="Promised On", required=True, default=fields.Date.context_today,
                            help="Payments count for the promise from this day on.")
    promised_date = fields.Date(string="Promised Payment Date", required=True, index=True, tracking=True)
    date_deadline = fields.Date(string="Deadline", compute="_compute_date_deadline", store=True,
                                precompute=True, index=True,
                                help="The promised date plus the company's grace days.")
    interaction_id = fields.Many2one("crm.interaction", index="btree_not_null",
                                     ondelete="set null", check_company=True,
                                     help="The contact in which the customer made the promise.")
    user_id = fields.Many2one("res.users", string="Taken By", default=lambda self: self.env.user, index=True,
                              tracking=True, help="The collector who took the promise and follows it.")
    state = fields.Selection(PROMISE_STATES, string="Status", required=True, default="open", index=True,
                             tracking=True, copy=False)
    amount_paid = fields.Monetary(string="Paid in Time", readonly=True, copy=False,
                                  help="Payments received for the promise by its deadline, at the last judgement.")
    kept_score = fields.Float(string="Kept Rate (%)", compute="_compute_kept_score", store=True,
                              aggregator="avg",
                              help="100 for a kept promise, 50 partially kept, 0 broken: averaged, the kept-rate.")
    date_judged = fields.Date(string="Judged On", readonly=True, copy=False)
    date_checked = fields.Date(string="Last Checked On", readonly=True, copy=False, index=True,
                               help="The last day the promise was judged against the payments received.")
    note = fields.Text()
    is_on_account = fields.Boolean(string="On Account", compute="_compute_is_on_account")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("partner_id", "amount", "currency_id", "promised_date")
    def _compute_display_name(self):
        for promise in self:
            if not promise.partner_id or not promise.promised_date:
                promise.display_name = self.env._("New Promise")
                continue
            promise.display_name = self.env._(
                "%(customer)s: %(amount)s by %(date)s",
                customer=promise.partner_id.name,
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.promised_date),
            )

    @api.depends("promised_date", "company_id.crm_promise_grace_days")
    def _compute_date_deadline(self):
        for promise in self:
            promise.date_deadline = promise.promised_date and promise_tools.deadline(
                promise.promised_date, promise.company_id.crm_promise_grace_days,
            )

    @api.depends("state")
    def _compute_kept_score(self):
        for promise in self:
            promise.kept_score = promise_tools.kept_score(promise.state)

    @api.depends("line_ids")
    def _compute_move_ids(self):
        for promise in self:
            promise.move_ids = promise.line_ids.move_id

    @api.depends("line_ids")
    def _compute_is_on_account(self):
        for promise in self:
            promise.is_on_account = not promise.line_ids

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            if promise.currency_id.compare_amounts(promise.amount, 0.0) <= 0:
                raise ValidationError(self.env._(
                    "The promised amount of %(promise)s must be positive.", promise=promise.display_name,
                ))

    @api.constrains("promised_date", "date_made")
    def _check_promised_date(self):
        for promise in self:
            if promise.promised_date and promise.date_made and promise.promised_date < promise.date_made:
                raise ValidationError(self.env._(
                    "The promised payment date of %(promise)s cannot be before the day the promise was made.",
                    promise=promise.display_name,
                ))

    @api.constrains("partner_id", "line_ids")
    def _check_move_partner(self):
        for promise in self:
            foreign = promise.line_ids.filtered(
                lambda line, p=promise: line.partner_id.commercial_partner_id != p.partner_id
                or line.account_type != "asset_receivable"
            )
            if foreign:
                raise ValidationError(self.env._(
                    "Document %(document)s is not a receivable of %(customer)s.",
                    document=foreign[0].crm_document_name or foreign[0].move_id.display_name,
                    customer=promise.partner_id.display_name,
                ))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """File the promise on the commercial entity; invoices given in ``move_ids`` become their items."""
        partners = self.env["res.partner"].browse({v["partner_id"] for v in vals_list if v.get("partner_id")})
        commercial = {partner.id: partner.commercial_partner_id.id for partner in partners}
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = commercial[vals["partner_id"]]
            self._convert_move_commands(vals, self.env["account.move"])
        promises = super().create(vals_list)
        promises._judge()
        return promises

    def write(self, vals):
        """Invoices written in ``move_ids`` become their receivable items in ``line_ids``."""
        if "move_ids" in vals and "line_ids" not in vals:
            for promise in self:
                promise_vals = dict(vals)
                self._convert_move_commands(promise_vals, promise.move_ids)
                super(CrmPaymentPromise, promise).write(promise_vals)
            return True
        if "line_ids" in vals:
            vals.pop("move_ids", None)
        return super().write(vals)

    def init(self):
        """Promises made on invoices before items existed cover the receivable items of those invoices."""
        self.env.cr.execute(SQL("""
            INSERT INTO crm_payment_promise_account_move_line_rel (promise_id, line_id)
            SELECT rel.promise_id, aml.id
              FROM crm_payment_promise_account_move_rel rel
              JOIN account_move_line aml ON aml.move_id = rel.move_id
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE acc.account_type = 'asset_receivable' AND aml.balance > 0
               AND NOT EXISTS (SELECT 1 FROM crm_payment_promise_account_move_line_rel done
                                WHERE done.promise_id = rel.promise_id)
            ON CONFLICT DO NOTHING
        """))

    @api.model
    def _convert_move_commands(self, vals, current_moves):
        """Replace the ``move_ids`` commands of ``vals`` by ``line_ids`` ones: the entries' receivable items.

        :param dict vals: create/write values, changed in place
        :param current_moves: the entries the promise has before these commands
        """
        if "move_ids" not in vals:
            return
        commands = vals.pop("move_ids")
        if "line_ids" in vals:
            return
        ids = list(current_moves.ids)
        for command in commands or []:
            if isinstance(command, int):
                ids.append(command)
            elif command[0] == Command.SET:
                ids = list(command[2])
            elif command[0] == Command.LINK:
                ids.append(command[1])
            elif command[0] in (Command.UNLINK, Command.DELETE):
                ids = [move_id for move_id in ids if move_id != command[1]]
            elif command[0] == Command.CLEAR:
                ids = []
        items = self.env["account.move"].browse(ids)._crm_get_receivable_items()
        vals["line_ids"] = [Command.set(items.ids)]

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_cancel(self):
        """Cancel the promise (the customer withdrew it, or it was logged by mistake)."""
        self.write({"state": "cancel"})
        return True

    def action_reopen(self):
        """Put a cancelled promise back to open and judge it again."""
        self.filtered(lambda p: p.state == "cancel").write({"state": "open", "date_judged": False})
        self._judge()
        return True

    def action_judge(self):
        """Judge the promise now (button)."""
        self._judge()
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_judge_domain(self, today):
        """Open promises the daily judgement still has to look at ``today``.

        Those whose deadline has passed (judging them closes them) and those on account (their payments are
        not reconciled with an item, so nothing judges them when a payment arrives), each once a day. A
        promise on items still within its deadline is judged when a payment is reconciled with its items.

        :param date today: the day of judgement
        :return: a domain on ``crm.payment.promise``
        """
        return [
            ("state", "=", "open"),
            "|", ("date_checked", "=", False), ("date_checked", "<", today),
            "|", ("date_deadline", "<", today), ("line_ids", "=", False),
        ]

    @api.model
    def _cron_judge_promises(self, batch_size=1000):
        """Daily: judge one batch of the promises that still need it, as the system, and report progress.

        Every judged promise is marked checked today, so each batch makes progress; Odoo's cron runs the
        method again while ``remaining`` is not zero (:meth:`ir.cron._notify_progress`).

        :param int batch_size: promises judged per call
        :return: the number of promises judged
        """
        today = fields.Date.context_today(self)
        domain = self._cron_judge_domain(today)
        Promise = self.sudo()
        promises = Promise.search(domain, limit=batch_size, order="date_deadline, id")
        promises._judge()
        remaining = Promise.search_count(domain) if len(promises) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(promises), remaining=remaining)
        return len(promises)

    def _judge(self):
        """Judge the open promises against the payments received, in batch; act on the broken ones.

        One query for the payments, one write per distinct outcome, one batch of activities.
        """
        promises = self.filtered(lambda p: p.state == "open")
        if not promises:
            return
        today = fields.Date.context_today(self)
        payments = promises._get_payments()
        outcomes = defaultdict(list)
        for promise in promises:
            received = payments.get(promise.id, [])
            state = promise_tools.judge_promise(
                promise.amount, promise.promised_date, promise.company_id.crm_promise_grace_days, today,
                received, rounding=promise.currency_id.rounding,
            )
            paid = promise_tools.paid_by(received, min(promise.date_deadline, today))
            outcomes[state, paid].append(promise.id)
        broken = self.browse()
        for (state, paid), ids in outcomes.items():
            judged = self.browse(ids)
            vals = {"amount_paid": paid, "date_checked": today}
            if state != "open":
                vals.update(state=state, date_judged=today)
            judged.write(vals)
            if state in ("broken", "partial"):
                broken |= judged
        broken._notify_broken()

    def _get_payments(self):
        """Payments received for each promise, as ``{promise_id: [(date, amount), ...]}``.

        Promises on items count what was reconciled with those items — a payment, or the "settled in 1C"
        item of a later 1C import (the date being the reconciliation's latest line's); promises on account
        count the customer's payments booked on the receivable account. Only payments dated from the day the
        promise was made count. Amounts are in the promise's currency when it is the item's one, else in
        company currency.
        """
        result = {promise.id: [] for promise in self}
        with_items = self.filtered("line_ids")
        if with_items:
            partials = self.env["account.partial.reconcile"].sudo().search([
                ("debit_move_id", "in", with_items.line_ids.ids),
                ("credit_move_id.move_id.move_type", "=", "entry"),
            ])
            by_item = {}
            for partial in partials:
                by_item.setdefault(partial.debit_move_id.id, []).append(partial)
            for promise in with_items:
                for item in promise.line_ids:
                    for partial in by_item.get(item.id, []):
                        if partial.max_date < promise.date_made:
                            continue
                        amount = (
                            partial.debit_amount_currency
                            if promise.currency_id == partial.debit_currency_id != partial.company_currency_id
                            else partial.amount
                        )
                        result[promise.id].append((partial.max_date, amount))
        on_account = self - with_items
        if on_account:
            lines = self.env["account.move.line"].sudo().search([
                ("partner_id", "child_of", on_account.partner_id.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "=", "entry"),
                ("credit", ">", 0),
                ("date", ">=", min(on_account.mapped("date_made"))),
            ])
            by_partner = {}
            for line in lines:
                by_partner.setdefault(line.partner_id.commercial_partner_id.id, []).append(line)
            for promise in on_account:
                for line in by_partner.get(promise.partner_id.id, []):
                    if line.date < promise.date_made or line.company_id != promise.company_id:
                        continue
                    amount = (
                        -line.amount_currency
                        if promise.currency_id == line.currency_id != line.company_currency_id
                        else line.credit
                    )
                    result[promise.id].append((line.date, amount))
        return result

    def _notify_broken(self):
        """Schedule an activity for the collector of each broken or partially kept promise, on the customer
        (one ``create`` for the whole batch, the values :meth:`mail.activity.mixin.activity_schedule` gives)."""
        if not self:
            return
        activity_type = self.env.ref("crm_receivables.mail_activity_type_promise_broken", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        # subscribe the collectors once per customer first: mail.activity.create would subscribe a collector
        # to the same customer once per activity of the batch, and the duplicates would clash
        for user, promises in self.grouped(lambda promise: promise.user_id or self.env.user).items():
            promises.partner_id.sudo().message_subscribe(partner_ids=user.partner_id.ids)
        # no e-mail per activity (a bad morning may break hundreds of promises): the collector sees them
        # in the activities of the day
        vals_list = []
        for promise in self:
            user = promise.user_id or self.env.user
            # stored as text: in the language of the collector who will read it
            promise_lang = promise.with_context(lang=user.lang or self.env.lang)
            vals_list.append({
                "activity_type_id": activity_type.id if activity_type else False,
                "automated": True,
                "date_deadline": today,
                "res_model_id": model_id,
                "res_id": promise.partner_id.id,
                "summary": promise_lang.env._("Payment promise not kept: %(promise)s",
                                              promise=promise_lang.display_name),
                "note": promise_lang.env._(
                    "Paid in time: %(paid)s of %(amount)s. Call the customer back.",
                    paid=format_amount(promise_lang.env, promise.amount_paid, promise.currency_id),
                    amount=format_amount(promise_lang.env, promise.amount, promise.currency_id),
                ),
                "user_id": user.id,
            })
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

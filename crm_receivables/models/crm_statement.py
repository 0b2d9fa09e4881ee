from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools import statement as statement_tools

STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("confirmed", "Confirmed by Customer"),
    ("disputed", "Disputed"),
]


class CrmStatement(models.Model):
    """A statement of account for a period (акт сверки взаимных расчетов).

    Balances come from the customer's posted receivable journal items, as in the partner ledger: the
    opening balance before ``date_from``, every document of the period — an invoice or credit note by its
    number, a 1C document by its number and date, an opening entry by its label, a payment — and the closing
    balance at ``date_to``. It is sent, then confirmed or disputed by the customer, whose signed scan is
    attached.
    """

    _name = "crm.statement"
    _description = "Statement of Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True,
                                 domain="[('is_company', '=', True)]")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    state = fields.Selection(STATES, string="Status", required=True, default="draft", tracking=True,
                             copy=False)
    opening_balance = fields.Monetary(compute="_compute_balances")
    total_debit = fields.Monetary(compute="_compute_balances", string="Debit")
    total_credit = fields.Monetary(compute="_compute_balances", string="Credit")
    closing_balance = fields.Monetary(compute="_compute_balances")
    signed_scan = fields.Binary(attachment=True, copy=False,
                                help="The statement signed and returned by the customer.")
    signed_scan_name = fields.Char(string="Signed Scan File Name")
    dispute_note = fields.Text(string="Disagreement", help="What the customer disputes.")
    date_sent = fields.Date(string="Sent On", readonly=True, copy=False)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("partner_id", "partner_id.lang", "date_from", "date_to")
    def _compute_name(self):
        """The statement's title in the customer's language, with the dates as written in that language
        (the title is the document's: it heads the email and the PDF sent to the customer)."""
        for statement in self:
            env = statement._with_customer_lang().env
            statement.name = env._(
                "Statement %(customer)s %(date_from)s – %(date_to)s",
                customer=statement.partner_id.name or "",
                date_from=format_date(env, statement.date_from) if statement.date_from else "",
                date_to=format_date(env, statement.date_to) if statement.date_to else "",
            )

    @api.depends("partner_id", "date_from", "date_to", "company_id")
    def _compute_balances(self):
        """Balances of all the statements in one grouped query (the list shows them without a query per row)."""
        ready = self.filtered(lambda st: st.partner_id and st.date_from and st.date_to and st.company_id)
        days = {}  # (commercial partner id, company id) -> [(day, balance, debit, credit)]
        if ready:
            domain = [
                ("partner_id", "child_of", ready.partner_id.commercial_partner_id.ids),
                ("company_id", "in", ready.company_id.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", max(ready.mapped("date_to"))),
            ]
            for partner, company, day, balance, debit, credit in self.env["account.move.line"]._read_group(
                domain, ["partner_id", "company_id", "date:day"], ["balance:sum", "debit:sum", "credit:sum"],
            ):
                key = (partner.commercial_partner_id.id, company.id)
                days.setdefault(key, []).append((day, balance, debit, credit))
        for statement in self:
            rows = days.get((statement.partner_id.commercial_partner_id.id, statement.company_id.id), []) \
                if statement in ready else []
            digits = statement.company_id.currency_id.decimal_places or 2
            opening = sum(row[1] for row in rows if row[0] < statement.date_from)
            period = [row for row in rows if statement.date_from <= row[0] <= statement.date_to]
            debit = sum(row[2] for row in period)
            credit = sum(row[3] for row in period)
            statement.opening_balance = round(opening, digits)
            statement.total_debit = round(debit, digits)
            statement.total_credit = round(credit, digits)
            statement.closing_balance = round(opening + debit - credit, digits)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for statement in self:
            if statement.date_from > statement.date_to:
                raise ValidationError(self.env._(
                    "The period of %(statement)s ends before it starts.", statement=statement.name,
                ))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send(self):
        """Open the email composer with the statement PDF attached."""
        self.ensure_one()
        template = self.env.ref("crm_receivables.mail_template_crm_statement")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name, "default_res_ids": self.ids,
                "default_template_id": template.id, "default_composition_mode": "comment",
                "crm_statement_mark_sent": True,
            },
        }

    def action_print(self):
        """Print the statement (batch print works on a selection)."""
        return self.env.ref("crm_receivables.crm_statement_report").report_action(self)

    def action_mark_sent(self):
        """Mark as handed to the customer (printed and given, or sent by another way)."""
        self.write({"state": "sent", "date_sent": fields.Date.context_today(self)})
        return True

    def action_confirm(self):
        """The customer returned the statement signed without disagreement."""
        self.ensure_one()
        if not self.signed_scan:
            raise UserError(self.env._("Attach the signed scan of %(statement)s first.", statement=self.name))
        self.state = "confirmed"
        return True

    def action_dispute(self):
        """The customer disputes the statement (write what in the Disagreement field)."""
        self.ensure_one()
        self.state = "disputed"
        return True

    def action_draft(self):
        self.write({"state": "draft"})
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def message_post(self, **kwargs):
        """Sending from the composer marks the statement sent."""
        if self.env.context.get("crm_statement_mark_sent"):
            self.filtered(lambda s: s.state == "draft").action_mark_sent()
        return super().message_post(**kwargs)

    def _with_customer_lang(self):
        """The statement in its customer's language (the user's when the customer has none active)."""
        self.ensure_one()
        lang = self.env["res.lang"]._get_code(self.partner_id.lang) if self.partner_id.lang else False
        return self.with_context(lang=lang) if lang else self

    def _get_move_line_domain(self):
        """Receivable, posted journal items of the customer in the company (the partner ledger's lines)."""
        self.ensure_one()
        return [
            ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]

    def _get_statement_data(self):
        """Rows and balances of the statement (see :func:`tools.statement.build_statement`)."""
        self.ensure_one()
        Line = self.env["account.move.line"]
        domain = self._get_move_line_domain()
        [(opening,)] = Line._read_group([*domain, ("date", "<", self.date_from)], aggregates=["balance:sum"])
        lines = Line.search([*domain, ("date", ">=", self.date_from), ("date", "<=", self.date_to)],
                            order="date, move_id, id")
        movements = [
            {"date": line.date, "document": self._get_document_label(line),
             "debit": line.debit, "credit": line.credit}
            for line in lines
        ]
        return statement_tools.build_statement(opening or 0.0, movements,
                                               digits=self.company_id.currency_id.decimal_places)

    def _get_document_label(self, line):
        """How a receivable item is named in the statement (hook).

        An invoice or credit note by its type and number, a payment by its number, any other item (a 1C
        document, an opening entry typed by hand, a settlement from 1C) by its document number or label, with
        the document's date when it is not the day of the entry.

        :param line: the ``account.move.line`` (an ``account.move`` is accepted for compatibility)
        :return: str
        """
        if line._name == "account.move":
            line = line.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable")[:1] or line.line_ids[:1]
        move = line.move_id
        labels = {
            "out_invoice": self.env._("Invoice"),
            "out_refund": self.env._("Credit Note"),
            "out_receipt": self.env._("Receipt"),
        }
        if move.move_type in labels or move.origin_payment_id or move.statement_line_id:
            label = labels.get(move.move_type) or self.env._("Payment")
            ref = move.ref or move.name
            return f"{label} {move.name}" if ref == move.name else f"{label} {move.name} ({ref})"
        name = line.crm_document_name or move.name
        if line.crm_document_date and line.crm_document_date != line.date:
            return self.env._("%(document)s of %(date)s", document=name,
                              date=format_date(self.env, line.crm_document_date))
        return name

    # ------------------------------------------------------------
    # SELF-SERVICE (answered by the customer on the self-service page)
    # ------------------------------------------------------------

    selfservice_confirmed_by = fields.Char(string="Confirmed By", readonly=True, copy=False,
                                           help="Name and position typed by the customer on the self-service page.")
    selfservice_confirmed_on = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    selfservice_token_id = fields.Many2one("crm.selfservice.token", string="Confirmed Through", readonly=True,
                                           copy=False, ondelete="set null")

    def _selfservice_confirm(self, name, token):
        """The customer confirmed the statement on the self-service page (instead of a signed scan).

        :param str name: who confirmed (typed by the customer)
        :param token: the ``crm.selfservice.token`` of the page
        """
        self.sudo().write({
            "state": "confirmed",
            "selfservice_confirmed_by": name,
            "selfservice_confirmed_on": fields.Datetime.now(),
            "selfservice_token_id": token.id,
        })
        return True

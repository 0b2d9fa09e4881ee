from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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
    opening balance before ``date_from``, every invoice, credit note and payment of the period, the closing
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

    @api.depends("partner_id", "date_from", "date_to")
    def _compute_name(self):
        for statement in self:
            statement.name = self.env._(
                "Statement %(customer)s %(date_from)s – %(date_to)s",
                customer=statement.partner_id.name or "", date_from=statement.date_from or "",
                date_to=statement.date_to or "",
            )

    @api.depends("partner_id", "date_from", "date_to", "company_id")
    def _compute_balances(self):
        for statement in self:
            data = statement._get_statement_data() if statement.partner_id and statement.date_from and \
                statement.date_to else statement_tools.build_statement(0.0, [])
            statement.opening_balance = data["opening"]
            statement.total_debit = data["debit"]
            statement.total_credit = data["credit"]
            statement.closing_balance = data["closing"]

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
            {"date": line.date, "document": self._get_document_label(line.move_id),
             "debit": line.debit, "credit": line.credit}
            for line in lines
        ]
        return statement_tools.build_statement(opening or 0.0, movements,
                                               digits=self.company_id.currency_id.decimal_places)

    def _get_document_label(self, move):
        """How a journal entry is named in the statement (hook)."""
        labels = {
            "out_invoice": self.env._("Invoice"),
            "out_refund": self.env._("Credit Note"),
            "entry": self.env._("Payment"),
        }
        label = labels.get(move.move_type, move.move_type)
        ref = move.ref or move.name
        return f"{label} {move.name}" if ref == move.name else f"{label} {move.name} ({ref})"

    # ------------------------------------------------------------
    # SELF-SERVICE (answered by the customer on the self-service page)
    # ------------------------------------------------------------

    selfservice_confirmed_by = fields.Char(string="Confirmed By", readonly=True, copy=False,
                                           help="Name and position typed by the customer on the self-service page.")
    selfservice_confirmed_on = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    selfservice_token_id = fields.Many2one("crm.selfservice.token", string="Confirmed Through", readonly=True,
                                           copy=False, ondelete="set null")

    def _crm_selfservice_confirm(self, name, token):
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

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..const import DIRECTIONS, INTERACTION_CHANNELS


class CrmInteractionLogWizard(models.TransientModel):
    """"Log call": a dialog pre-filled from the customer, invoice or sale order, filled in seconds.

    Creates the interaction, the payment promise when one was made, and the next activity agreed on.
    """

    _name = "crm.interaction.log.wizard"
    _description = "Log an Interaction"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    contact_id = fields.Many2one("res.partner",
                                 domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.company.currency_id)
    move_ids = fields.Many2many("account.move", string="Invoices",
                                domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'),"
                                       " ('state', '=', 'posted')]")
    sale_order_id = fields.Many2one("sale.order")
    channel = fields.Selection(INTERACTION_CHANNELS, required=True, default="call")
    direction = fields.Selection(DIRECTIONS, required=True, default="outgoing")
    outcome_id = fields.Many2one("crm.interaction.outcome",
                                 domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]")
    is_promise = fields.Boolean(related="outcome_id.is_promise")
    summary = fields.Char(help="Left empty: the name of the outcome.")
    duration = fields.Float()
    promise_amount = fields.Monetary(
        string="Promised Amount", compute="_compute_promise_amount", store=True, readonly=False, precompute=True,
    )
    promise_line_ids = fields.Many2many(
        "account.move.line", string="Promised Documents",
        domain="[('partner_id.commercial_partner_id', '=', partner_id), ('account_type', '=', 'asset_receivable'),"
               " ('parent_state', '=', 'posted'), ('reconciled', '=', False), ('amount_residual', '>', 0),"
               " ('company_id', '=', company_id)]",
        help="The open documents the promise covers (invoices, 1C documents, opening balances). Empty: the "
             "invoices above, or a payment on account.")
    promise_date = fields.Date(string="Promised Payment Date")
    activity_type_id = fields.Many2one("mail.activity.type", string="Next Activity",
                                       domain="[('res_model', 'in', (False, 'crm.interaction'))]",
                                       compute="_compute_next_activity", store=True, readonly=False, precompute=True)
    activity_date = fields.Date(string="Next Activity Due",
                                compute="_compute_next_activity", store=True, readonly=False, precompute=True)
    activity_summary = fields.Char(string="Next Activity Summary",
                                   compute="_compute_next_activity", store=True, readonly=False, precompute=True)
    activity_user_id = fields.Many2one("res.users", string="Next Activity Owner",
                                       default=lambda self: self.env.user)

    # ------------------------------------------------------------
    # DEFAULTS AND COMPUTE
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        """Pre-fill from the record the dialog was opened on (customer, invoice or sale order)."""
        result = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        record_id = self.env.context.get("active_id")
        if not model or not record_id or model not in ("res.partner", "account.move", "sale.order"):
            return result
        record = self.env[model].browse(record_id).exists()
        if not record:
            return result
        if model == "res.partner":
            partner = record.commercial_partner_id
            if record != partner:
                result["contact_id"] = record.id
        elif model == "account.move":
            partner = record.commercial_partner_id
            result["move_ids"] = [Command.set(record.ids)]
            result["promise_amount"] = record.amount_residual
            result["currency_id"] = record.currency_id.id
            result["company_id"] = record.company_id.id
        else:
            partner = record.partner_id.commercial_partner_id
            result["sale_order_id"] = record.id
            result["company_id"] = record.company_id.id
            open_invoices = record.invoice_ids.filtered(
                lambda move: move.state == "posted" and move.payment_state in ("not_paid", "partial")
            )
            if open_invoices:
                result["move_ids"] = [Command.set(open_invoices.ids)]
        result["partner_id"] = partner.id
        return result

    @api.depends("promise_line_ids", "outcome_id")
    def _compute_promise_amount(self):
        """What is due on the documents chosen; without documents, on the invoices once the outcome is a
        promise (an amount already typed stays)."""
        for wizard in self:
            if wizard.promise_line_ids:
                wizard.promise_amount = sum(wizard.promise_line_ids.mapped("amount_residual_currency"))
            elif wizard.outcome_id.is_promise and not wizard.promise_amount and wizard.move_ids:
                wizard.promise_amount = sum(wizard.move_ids.mapped("amount_residual"))

    @api.depends("outcome_id")
    def _compute_next_activity(self):
        """The outcome proposes its next activity (what the user chose stays when it proposes none)."""
        today = fields.Date.context_today(self)
        for wizard in self:
            outcome = wizard.outcome_id
            if outcome.requires_activity:
                wizard.activity_type_id = outcome.activity_type_id
                wizard.activity_date = fields.Date.add(today, days=outcome.activity_delay_days)
                wizard.activity_summary = outcome.activity_summary

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_log(self):
        """Create the interaction, the promise and the next activity; back to the record."""
        self.ensure_one()
        own_step = bool(self.activity_type_id or self.activity_summary)
        interaction = self.env["crm.interaction"].with_context(
            crm_interaction_no_outcome_activity=own_step,
        ).create(self._prepare_interaction_values())
        if self.promise_amount or self.promise_date or self.is_promise:
            self._check_promise()
            self.env["crm.payment.promise"].create(self._prepare_promise_values(interaction))
        if own_step:
            interaction.activity_schedule(
                activity_type_id=(self.activity_type_id or self.env.ref("mail.mail_activity_data_todo")).id,
                date_deadline=self.activity_date or fields.Date.context_today(self),
                summary=self.activity_summary or False,
                user_id=(self.activity_user_id or self.env.user).id,
            )
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _check_promise(self):
        if not self.promise_amount or self.currency_id.compare_amounts(self.promise_amount, 0.0) <= 0:
            raise UserError(self.env._("Enter the amount the customer promised to pay."))
        if not self.promise_date:
            raise UserError(self.env._("Enter the date the customer promised to pay by."))
        if self.promise_date < fields.Date.context_today(self):
            raise UserError(self.env._("The promised payment date cannot be in the past."))

    def _prepare_interaction_values(self):
        """Values of the logged interaction (hook)."""
        self.ensure_one()
        summary = self.summary or self.outcome_id.name
        if not summary:
            raise UserError(self.env._("Choose an outcome or write a summary of the call."))
        return {
            "partner_id": self.partner_id.id,
            "contact_id": self.contact_id.id,
            "company_id": self.company_id.id,
            "channel": self.channel,
            "direction": self.direction,
            "outcome_id": self.outcome_id.id,
            "summary": summary,
            "duration": self.duration,
            "move_ids": [Command.set(self.move_ids.ids)],
            "sale_order_id": self.sale_order_id.id,
        }

    def _prepare_promise_values(self, interaction):
        """Values of the payment promise made during the interaction (hook): it covers the documents chosen,
        else the receivable items of the invoices."""
        self.ensure_one()
        items = self.promise_line_ids or \
            self.move_ids.filtered(lambda m: m.state == "posted")._crm_get_receivable_items()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "line_ids": [Command.set(items.ids)],
            "amount": self.promise_amount,
            "promised_date": self.promise_date,
            "interaction_id": interaction.id,
        }

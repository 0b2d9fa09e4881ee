from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # HISTORY: INTERACTIONS AND PAYMENT PROMISES
    # ------------------------------------------------------------

    crm_has_broken_promise = fields.Boolean(
        related="partner_id.commercial_partner_id.crm_has_broken_promise", string="Customer Broke a Promise",
    )
    crm_interaction_ids = fields.One2many("crm.interaction", "sale_order_id", string="Interactions")

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: CREDIT HOLD
    # ------------------------------------------------------------

    crm_credit_hold_reason = fields.Text(
        string="Credit Hold", compute="_compute_crm_credit_hold_reason",
        help="Why confirming this order is refused: the customer is over the credit limit or has debt overdue "
             "beyond the company's settings.")
    crm_credit_hold_override_uid = fields.Many2one(
        "res.users", string="Credit Hold Overridden By", readonly=True, copy=False)
    crm_credit_hold_override_interaction_id = fields.Many2one(
        "crm.interaction", string="Override Logged In", readonly=True, copy=False)

    @api.depends("partner_id", "company_id", "amount_total", "state")
    def _compute_crm_credit_hold_reason(self):
        """One grouped query of overdue debt for all the orders' customers, per company."""
        self.crm_credit_hold_reason = False
        to_check = self.filtered(lambda order: order.state in ("draft", "sent") and order.partner_id)
        for company in to_check.company_id:
            orders = to_check.filtered(lambda order, c=company: order.company_id == c)
            overdue = orders.partner_id.commercial_partner_id._crm_credit_overdue(company)
            for order in orders:
                commercial = order.partner_id.commercial_partner_id
                amount = order.currency_id._convert(
                    order.amount_total, company.currency_id, company, order.date_order or fields.Date.today(),
                ) if order.currency_id and order.currency_id != company.currency_id else order.amount_total
                order.crm_credit_hold_reason = commercial._crm_credit_hold_text(
                    company, overdue.get(commercial.id, (0.0, 0)), extra_amount=amount,
                ) or False

    def action_confirm(self):
        """Refuse to confirm the orders of customers on credit hold, unless a receivables manager overrode it."""
        held = self.filtered(lambda order: order.crm_credit_hold_reason and not order.crm_credit_hold_override_uid)
        if held:
            order = held[0]
            raise UserError(self.env._(
                "%(order)s cannot be confirmed: %(customer)s is on credit hold.\n%(reason)s\n"
                "A receivables manager can override the hold (button Override Credit Hold).",
                order=order.name, customer=order.partner_id.commercial_partner_id.display_name,
                reason=order.crm_credit_hold_reason,
            ))
        return super().action_confirm()

    def action_crm_credit_hold_override(self):
        """Open the override dialog (receivables managers)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Credit Hold"),
            "res_model": "crm.credit.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

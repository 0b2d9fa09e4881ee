from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class CrmCreditHoldWizard(models.TransientModel):
    """A receivables manager confirms a held sale order anyway; the reason is logged as an interaction."""

    _name = "crm.credit.hold.wizard"
    _description = "Override a Credit Hold"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id")
    hold_reason = fields.Text(related="order_id.crm_credit_hold_reason", string="Held Because")
    reason = fields.Text(string="Why Override", required=True)

    def action_override(self):
        """Log the override on the customer's history and confirm the order."""
        self.ensure_one()
        if not self.env.user.has_group("crm_receivables.crm_receivables_group_manager"):
            raise AccessError(self.env._("Only a receivables manager can override a credit hold."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the credit hold is overridden."))
        order = self.order_id
        interaction = self.env["crm.interaction"].create({
            "partner_id": order.partner_id.commercial_partner_id.id,
            "company_id": order.company_id.id,
            "channel": "other",
            "direction": "outgoing",
            "summary": self.env._("Credit hold overridden for %(order)s", order=order.name),
            "note": Markup("<p>{}</p><p>{}</p>").format(
                self.env._("Held because: %(hold)s", hold=order.crm_credit_hold_reason or ""),
                self.env._("Override reason: %(reason)s", reason=self.reason),
            ),
            "sale_order_id": order.id,
        })
        order.write({
            "crm_credit_hold_override_uid": self.env.user.id,
            "crm_credit_hold_override_interaction_id": interaction.id,
        })
        order.action_confirm()
        return {"type": "ir.actions.act_window_close"}

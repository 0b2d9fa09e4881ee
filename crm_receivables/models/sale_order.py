from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # HISTORY: INTERACTIONS AND PAYMENT PROMISES
    # ------------------------------------------------------------

    crm_has_broken_promise = fields.Boolean(
        related="partner_id.commercial_partner_id.crm_has_broken_promise", string="Customer Broke a Promise",
    )
    crm_interaction_ids = fields.One2many("crm.interaction", "sale_order_id", string="Interactions")

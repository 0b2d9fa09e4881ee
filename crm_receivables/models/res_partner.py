from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    interaction_ids = fields.One2many("crm.interaction", "partner_id", string="Interactions")
    interaction_count = fields.Integer(compute="_compute_interaction_count", groups="base.group_user")

    def _compute_interaction_count(self):
        """Counted on the commercial entity, in one grouped query for the whole batch."""
        commercial = self.commercial_partner_id
        counts = dict(self.env["crm.interaction"]._read_group(
            [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.interaction_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_interactions(self):
        """Open the customer's interaction history (smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_interaction_action")
        commercial = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", commercial.id)]
        action["context"] = {"default_partner_id": commercial.id}
        return action

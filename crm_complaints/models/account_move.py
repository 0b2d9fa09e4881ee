from odoo import api, fields, models


class AccountMove(models.Model):
    """Invoices show the complaints disputing them."""

    _inherit = "account.move"

    crm_complaint_ids = fields.Many2many(
        "crm.complaint", "crm_complaint_account_move_rel", "move_id", "complaint_id", string="Complaints",
        copy=False, groups="crm_complaints.crm_complaints_group_user",
    )
    crm_complaint_count = fields.Integer(compute="_compute_crm_complaint_count", string="Complaint Count",
                                         groups="crm_complaints.crm_complaints_group_user")

    @api.depends("crm_complaint_ids")
    def _compute_crm_complaint_count(self):
        for move in self:
            move.crm_complaint_count = len(move.crm_complaint_ids)

    def action_view_crm_complaints(self):
        """Open the complaints about this invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_complaints.crm_complaint_action")
        action["domain"] = [("invoice_ids", "in", self.ids)]
        action["context"] = {"default_invoice_ids": self.ids, "default_partner_id": self.commercial_partner_id.id,
                             "default_is_dispute": True}
        if len(self.crm_complaint_ids) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.crm_complaint_ids.id)
        return action

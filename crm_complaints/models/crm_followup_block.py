from odoo import api, models


class CrmFollowupBlock(models.Model):
    """Complaints disputing invoices own follow-up blocks."""

    _inherit = "crm.followup.block"

    @api.model
    def _selection_origin_ref(self):
        return [*super()._selection_origin_ref(), ("crm.complaint", self.env._("Complaint"))]

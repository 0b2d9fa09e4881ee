from odoo import api, models
from odoo.exceptions import UserError


class CrmKnowledgeArticle(models.Model):
    """Suggested articles can be inserted into the reply to a complaint; documents are written for complaints."""

    _inherit = "crm.knowledge.article"

    @api.model
    def _get_template_model_names(self):
        return [*super()._get_template_model_names(), "crm.complaint"]

    def action_crm_complaint_insert(self):
        """Open the reply composer of the complaint in context, pre-filled with this article."""
        self.ensure_one()
        complaint = self.env["crm.complaint"].browse(self.env.context.get("crm_complaint_id")).exists()
        if not complaint:
            raise UserError(self.env._("Open the article from a complaint to insert it into a reply."))
        complaint.check_access("write")
        return complaint.action_insert_article(self.id)

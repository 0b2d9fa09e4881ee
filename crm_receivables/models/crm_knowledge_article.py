from odoo import api, models


class CrmKnowledgeArticle(models.Model):
    """Document templates are also written for sale orders and invoices (contracts, proposals, claims)."""

    _inherit = "crm.knowledge.article"

    @api.model
    def _get_template_model_names(self):
        return [*super()._get_template_model_names(), "sale.order", "account.move"]

from odoo import fields, models


class CrmInteraction(models.Model):
    """Self-service: the answers customers give on their page land in the history with their own channel."""

    _inherit = "crm.interaction"

    # ------------------------------------------------------------
    # SELF-SERVICE
    # ------------------------------------------------------------

    channel = fields.Selection(selection_add=[("selfservice", "Self-service")],
                               ondelete={"selfservice": "set default"})
    source = fields.Selection(selection_add=[("selfservice", "Self-service Page")],
                              ondelete={"selfservice": "set default"})

from odoo import fields, models


class CrmFollowupPolicy(models.Model):
    _inherit = "crm.followup.policy"

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: THE SCORE DRIVES THE FOLLOW-UP
    # ------------------------------------------------------------

    crm_use_score = fields.Boolean(
        string="Follow the Behaviour Score",
        help="Channels the customer answers best with a payment are tried first, and customers of class C "
             "and D start one level firmer (see res.partner._crm_followup_channel_preferences and "
             "_crm_followup_start_level_offset).",
    )

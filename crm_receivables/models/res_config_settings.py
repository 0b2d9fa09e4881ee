from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # ------------------------------------------------------------
    # HISTORY: PAYMENT PROMISES AND TELEPHONY
    # ------------------------------------------------------------

    crm_promise_grace_days = fields.Integer(related="company_id.crm_promise_grace_days", readonly=False)
    crm_pbx_token = fields.Char(related="company_id.crm_pbx_token", readonly=True)

    def action_crm_regenerate_pbx_token(self):
        """Settings button: a new PBX token for the current company."""
        self.ensure_one()
        return self.company_id.action_crm_regenerate_pbx_token()

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: CREDIT HOLD
    # ------------------------------------------------------------

    crm_credit_hold_days = fields.Integer(related="company_id.crm_credit_hold_days", readonly=False)
    crm_credit_hold_amount = fields.Monetary(related="company_id.crm_credit_hold_amount", readonly=False,
                                             currency_field="currency_id")

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

    # ------------------------------------------------------------
    # TELEPHONY AND SMS GATEWAY
    # ------------------------------------------------------------

    crm_telephony_provider = fields.Selection(related="company_id.crm_telephony_provider", readonly=False)
    crm_telephony_user_id = fields.Many2one(related="company_id.crm_telephony_user_id", readonly=False)
    crm_mango_api_key = fields.Char(related="company_id.crm_mango_api_key", readonly=False)
    crm_mango_api_salt = fields.Char(related="company_id.crm_mango_api_salt", readonly=False)
    crm_mango_api_url = fields.Char(related="company_id.crm_mango_api_url", readonly=False)
    crm_zadarma_api_key = fields.Char(related="company_id.crm_zadarma_api_key", readonly=False)
    crm_zadarma_api_secret = fields.Char(related="company_id.crm_zadarma_api_secret", readonly=False)
    crm_zadarma_api_url = fields.Char(related="company_id.crm_zadarma_api_url", readonly=False)
    crm_zadarma_tz = fields.Char(related="company_id.crm_zadarma_tz", readonly=False)
    crm_sms_gateway = fields.Selection(related="company_id.crm_sms_gateway", readonly=False)
    crm_smsru_api_id = fields.Char(related="company_id.crm_smsru_api_id", readonly=False)
    crm_smsru_sender = fields.Char(related="company_id.crm_smsru_sender", readonly=False)
    crm_smsru_api_url = fields.Char(related="company_id.crm_smsru_api_url", readonly=False)
    crm_telephony_webhook_urls = fields.Text(string="Webhook Addresses", compute="_compute_crm_telephony_webhook_urls")

    def _compute_crm_telephony_webhook_urls(self):
        """The addresses to give each provider, for the current company."""
        for settings in self:
            company = settings.company_id
            base = company.get_base_url()
            token = company.sudo().crm_smsru_callback_token or ""
            settings.crm_telephony_webhook_urls = "\n".join([
                f"Mango Office: {base}/crm_receivables/telephony/mango/{company.id}",
                f"Zadarma: {base}/crm_receivables/telephony/zadarma/{company.id}",
                f"SMS.ru: {base}/crm_receivables/sms/smsru/{company.id}/{token}",
            ])

import secrets

from odoo import fields, models

from ..tools import mango as mango_tools
from ..tools import smsru as smsru_tools
from ..tools import zadarma as zadarma_tools

TELEPHONY_PROVIDERS = [("mango", "Mango Office"), ("zadarma", "Zadarma")]
SMS_GATEWAYS = [("iap", "Odoo IAP"), ("smsru", "SMS.ru")]


def _generate_pbx_token():
    return secrets.token_urlsafe(32)


class ResCompany(models.Model):
    _inherit = "res.company"

    # ------------------------------------------------------------
    # HISTORY: PAYMENT PROMISES AND TELEPHONY
    # ------------------------------------------------------------

    crm_promise_grace_days = fields.Integer(
        string="Promise Grace Days", default=3,
        help="Days after the promised date during which a payment still keeps the promise.",
    )
    crm_pbx_token = fields.Char(
        string="PBX Token", copy=False, groups="base.group_system",
        help="Secret the telephone exchange sends to log calls of this company as interactions "
             "(empty: the telephony endpoint refuses every call).",
    )

    def action_crm_regenerate_pbx_token(self):
        """Generate the PBX token, or replace it (the old one stops working at once)."""
        self.ensure_one()
        self.crm_pbx_token = _generate_pbx_token()
        return True

    # ------------------------------------------------------------
    # COLLECTIONS WORKBENCH: CREDIT HOLD
    # ------------------------------------------------------------

    crm_credit_hold_days = fields.Integer(
        string="Hold Sales Beyond Days Overdue",
        help="Confirming a sale order is refused while the customer has debt overdue more than this many days "
             "(0: no such rule). A receivables manager can override.",
    )
    crm_credit_hold_amount = fields.Monetary(
        string="Hold Sales Beyond Overdue Amount", currency_field="currency_id",
        help="Confirming a sale order is refused while the customer's overdue debt exceeds this amount "
             "(0: no such rule). A receivables manager can override.",
    )

    # ------------------------------------------------------------
    # TELEPHONY: CLOUD EXCHANGES
    # ------------------------------------------------------------

    crm_telephony_provider = fields.Selection(
        TELEPHONY_PROVIDERS, string="Click-to-Call Through",
        help="The exchange that rings the collector's phone first and then dials the customer. "
             "Empty: phone numbers are plain tel: links.",
    )
    crm_telephony_user_id = fields.Many2one(
        "res.users", string="Default Collector for Calls",
        help="Gets the call-back task of a missed call from a customer who has no collector.",
    )
    crm_mango_api_key = fields.Char(string="Mango Office API Key", copy=False, groups="base.group_system")
    crm_mango_api_salt = fields.Char(string="Mango Office API Salt", copy=False, groups="base.group_system",
                                     help="The signing key shown next to the API key in the Mango Office account.")
    crm_mango_api_url = fields.Char(string="Mango Office API URL", default=mango_tools.DEFAULT_API_URL,
                                    groups="base.group_system")
    crm_zadarma_api_key = fields.Char(string="Zadarma API Key", copy=False, groups="base.group_system")
    crm_zadarma_api_secret = fields.Char(string="Zadarma API Secret", copy=False, groups="base.group_system")
    crm_zadarma_api_url = fields.Char(string="Zadarma API URL", default=zadarma_tools.DEFAULT_API_URL,
                                      groups="base.group_system")
    crm_zadarma_tz = fields.Char(string="Zadarma Account Time Zone", default=zadarma_tools.DEFAULT_TZ,
                                 help="Zadarma reports call times in the time zone of the account.")

    # ------------------------------------------------------------
    # SMS GATEWAY
    # ------------------------------------------------------------

    crm_sms_gateway = fields.Selection(
        SMS_GATEWAYS, string="SMS Gateway", default="iap", required=True,
        help="Odoo IAP, or SMS.ru with the company's own account: every SMS of the company goes through it.",
    )
    crm_smsru_api_id = fields.Char(string="SMS.ru API Key", copy=False, groups="base.group_system")
    crm_smsru_sender = fields.Char(string="SMS Sender Name", size=11,
                                   help="A sender name approved in the SMS.ru account (empty: the account's default).")
    crm_smsru_api_url = fields.Char(string="SMS.ru API URL", default=smsru_tools.DEFAULT_API_URL,
                                    groups="base.group_system")
    crm_smsru_callback_token = fields.Char(
        string="SMS.ru Callback Token", copy=False, groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret part of the URL SMS.ru calls with delivery reports.",
    )

    def _crm_telephony_credentials(self, provider):
        """The company's credentials for a provider (read as superuser: callers check access first).

        :param str provider: ``mango``, ``zadarma`` or ``smsru``
        :return: dict of the credentials (values may be empty)
        """
        self.ensure_one()
        company_sudo = self.sudo()
        if provider == "mango":
            return {"key": company_sudo.crm_mango_api_key, "secret": company_sudo.crm_mango_api_salt,
                    "url": company_sudo.crm_mango_api_url or mango_tools.DEFAULT_API_URL}
        if provider == "zadarma":
            return {"key": company_sudo.crm_zadarma_api_key, "secret": company_sudo.crm_zadarma_api_secret,
                    "url": company_sudo.crm_zadarma_api_url or zadarma_tools.DEFAULT_API_URL,
                    "tz": company_sudo.crm_zadarma_tz or zadarma_tools.DEFAULT_TZ}
        if provider == "smsru":
            return {"key": company_sudo.crm_smsru_api_id, "sender": company_sudo.crm_smsru_sender,
                    "url": company_sudo.crm_smsru_api_url or smsru_tools.DEFAULT_API_URL,
                    "token": company_sudo.crm_smsru_callback_token}
        raise ValueError(provider)

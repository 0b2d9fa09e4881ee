import secrets

from odoo import fields, models
from odoo.tools import SQL

from ..const import TELEPHONY_PROVIDERS
from ..tools import mango as mango_tools
from ..tools import phone as phone_tools
from ..tools import smsru as smsru_tools
from ..tools import zadarma as zadarma_tools

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

    def _crm_phone_region(self):
        """The region in which the numbers of this company's customers are read when they have no
        international prefix: the company's country (see :mod:`..tools.phone`).

        :return: ISO country code (``"RU"``)
        """
        self.ensure_one()
        return phone_tools.region_for(self.country_id.code)

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

    # ------------------------------------------------------------
    # DEMO DATA
    # ------------------------------------------------------------

    def _crm_demo_use_roubles(self):
        """Demo data only: the Russian demo company keeps its books in roubles.

        Without journal items, the company currency is simply set. The demo database already holds the journal
        items of ``account``'s own demo data, which Odoo forbids to re-currency; their records are re-labelled
        in roubles (every stored currency column of the company's records that holds the old company currency,
        amounts unchanged), then exchange rates of the other currencies against the rouble are recorded.
        Never call this on real data.
        """
        rub = self.env.ref("base.RUB")
        rub.active = True
        for company in self.filtered(lambda c: c.currency_id != rub):
            old = company.currency_id
            if not company.root_id._existing_accounting():
                company.currency_id = rub
                continue
            self.env.flush_all()
            currency_fields = self.env["ir.model.fields"].sudo().search([
                ("ttype", "=", "many2one"), ("relation", "=", "res.currency"), ("store", "=", True),
                ("model", "not in", ("res.currency.rate", "res.company")),
            ])
            for field in currency_fields:
                model = self.env.get(field.model)
                company_field = model is not None and model._fields.get("company_id")
                if (model is None or model._abstract or not model._auto or field.name not in model._fields
                        or not model._fields[field.name].store or not company_field or not company_field.store
                        or company_field.type != "many2one"):
                    continue
                self.env.cr.execute(SQL(
                    "UPDATE %(table)s SET %(column)s = %(rub)s WHERE %(column)s = %(old)s AND %(company)s = %(id)s",
                    table=SQL.identifier(model._table), column=SQL.identifier(field.name),
                    company=SQL.identifier("company_id"), rub=rub.id, old=old.id, id=company.id,
                ))
            self.env.cr.execute(SQL(
                "UPDATE res_company SET currency_id = %s WHERE id = %s", rub.id, company.id,
            ))
            self.env.invalidate_all()
            self.env.registry.clear_cache()
            # indicative rates: 1 RUB in USD and EUR
            today = fields.Date.context_today(self)
            for xmlid, rate in {"base.USD": 0.0125, "base.EUR": 0.0108}.items():
                currency = self.env.ref(xmlid)
                existing = self.env["res.currency.rate"].search([
                    ("currency_id", "=", currency.id), ("company_id", "=", company.id), ("name", "=", today),
                ])
                if existing:
                    existing.rate = rate
                else:
                    self.env["res.currency.rate"].create({
                        "currency_id": currency.id, "company_id": company.id, "rate": rate, "name": today,
                    })
        return True

    def _crm_demo_speak_russian(self):
        """Demo data only: when Russian is installed (``./crm run`` loads it), the demo's new customers and the
        administrator use it, so the reminders, statements and screens a collector sees are in Russian."""
        if not self.env["res.lang"]._lang_get("ru_RU"):
            return False
        for company in self:
            self.env["ir.default"].set("res.partner", "lang", "ru_RU", company_id=company.id)
        self.env.ref("base.user_admin").lang = "ru_RU"
        self.env.ref("base.partner_admin").lang = "ru_RU"
        # Odoo loads a module's translations after its demo data: load ours now, so the texts the demo's
        # collectors read (activity summaries copied from translated settings) are Russian too
        self.env["ir.module.module"]._load_module_terms(["crm_receivables"], ["ru_RU"])
        return True

import secrets

from odoo import fields, models
from odoo.tools import SQL


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
        return True

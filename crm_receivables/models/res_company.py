import secrets

from odoo import fields, models


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

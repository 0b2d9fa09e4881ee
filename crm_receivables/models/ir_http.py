from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Tell the web client where click-to-call goes through the exchange: the user's companies that have
        a click-to-call provider, when the user has an extension (else every phone field keeps its
        ``tel:`` link)."""
        info = super().session_info()
        user = self.env.user
        if user._is_internal() and user.crm_pbx_extension:
            info["crm_click_to_call_company_ids"] = user.company_ids.sudo().filtered("crm_telephony_provider").ids
        return info

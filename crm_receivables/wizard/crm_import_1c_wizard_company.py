from odoo import api, models
from odoo.exceptions import AccessError


class CrmImport1cWizard(models.TransientModel):
    """The company documents are imported into is one of the importing user's companies."""

    _inherit = "crm.import.1c.wizard"

    @api.constrains("company_id")
    def _check_company_allowed(self):
        if self.env.su:
            return
        for wizard in self:
            if wizard.company_id not in self.env.user.company_ids:
                raise AccessError(self.env._(
                    "You cannot import into the company %(company)s: it is not one of your companies.",
                    company=wizard.company_id.sudo().name,
                ))

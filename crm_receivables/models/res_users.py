from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # ------------------------------------------------------------
    # TELEPHONY
    # ------------------------------------------------------------

    crm_pbx_extension = fields.Char(
        string="PBX Extension", index="btree_not_null", copy=False,
        help="The user's internal number on the company's telephone exchange (Mango Office, Zadarma): "
             "incoming calls ringing there pop up the caller's card, calls answered there are logged for the "
             "user, click-to-call rings this phone first.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "crm_pbx_extension"]

    @api.model
    def _crm_find_by_extension(self, extensions, company):
        """Internal users of the company by their PBX extension, in one query.

        :param extensions: iterable of extension strings (empty values ignored)
        :param company: ``res.company``
        :return: dict extension -> ``res.users`` (one user; the lowest id when several share it)
        """
        wanted = {extension.strip() for extension in extensions if extension and extension.strip()}
        if not wanted:
            return {}
        users = self.sudo().search([
            ("crm_pbx_extension", "in", list(wanted)), ("company_ids", "in", company.ids), ("share", "=", False),
        ], order="id")
        found = {}
        for user in users:
            found.setdefault(user.crm_pbx_extension.strip(), user)
        return found

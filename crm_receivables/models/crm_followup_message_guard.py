from odoo import models
from odoo.exceptions import AccessError

#: fields deciding to whom a follow-up communication goes and on behalf of which company
ADDRESSEE_FIELDS = ("partner_id", "contact_id", "company_id")


class CrmFollowupMessage(models.Model):
    """Collectors review communications but never redirect them: the addressee is changed by managers only."""

    _inherit = "crm.followup.message"

    def write(self, vals):
        if (
            not self.env.su
            and any(fname in vals for fname in ADDRESSEE_FIELDS)
            and not self.env.user.has_group("crm_receivables.crm_receivables_group_manager")
        ):
            for fname in ADDRESSEE_FIELDS:
                if fname in vals and any(message[fname].id != (vals[fname] or False) for message in self):
                    raise AccessError(self.env._(
                        "Only a receivables manager can change the addressee of a follow-up communication "
                        "(%(field)s).", field=self._fields[fname]._description_string(self.env),
                    ))
        return super().write(vals)

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError


class CrmStatementWizard(models.TransientModel):
    """Create statements of account (акты сверки) for one or many customers and a period."""

    _name = "crm.statement.wizard"
    _description = "Create Statements of Account"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True,
                                   domain="[('is_company', '=', True)]",
                                   default=lambda self: self._default_partner_ids())
    date_from = fields.Date(string="From", required=True,
                            default=lambda self: fields.Date.context_today(self).replace(day=1)
                            - relativedelta(months=3))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    send_email = fields.Boolean(string="Send by Email", help="Send each statement with its PDF at once.")

    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env["res.partner"].browse(self.env.context.get("active_ids", [])).commercial_partner_id
        return self.env["res.partner"]

    def action_create(self):
        """Create the statements, optionally email them, and open them."""
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period ends before it starts."))
        statements = self.env["crm.statement"].create([
            {"partner_id": partner.id, "date_from": self.date_from, "date_to": self.date_to}
            for partner in self.partner_ids.commercial_partner_id
        ])
        if self.send_email:
            template = self.env.ref("crm_receivables.mail_template_crm_statement")
            for statement in statements:
                statement.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
            statements.action_mark_sent()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_statement_action")
        action["domain"] = [("id", "in", statements.ids)]
        return action

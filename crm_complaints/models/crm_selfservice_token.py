from markupsafe import Markup

from odoo import models
from odoo.tools import plaintext2html

from ..tools import complaint as complaint_tools


class CrmSelfServiceToken(models.Model):
    """Self-service page with complaints: a dispute or a statement difference files a complaint."""

    _inherit = "crm.selfservice.token"

    def _selfservice_dispute(self, interaction=None, upload=None, line_id=None, reason=None, **_kwargs):
        """A complaint of the dispute type on the invoice: the complaint blocks its dunning while open."""
        move, reason_text, attachment_vals = self._check_dispute(line_id, reason, upload)
        complaint = self._create_complaint(
            self.env._("Invoice %(invoice)s disputed: %(reason)s", invoice=move.name,
                       reason=complaint_tools.summarize(reason_text, 60)),
            plaintext2html(reason_text), invoices=move, attachment_vals=attachment_vals,
        )
        summary = self.env._("Self-service: invoice %(invoice)s disputed in complaint %(number)s",
                             invoice=move.name, number=complaint.name)
        return {"record": complaint, "summary": summary, "moves": move, "note": plaintext2html(reason_text)}

    def _selfservice_statement_difference(self, interaction=None, upload=None, statement_id=None,
                                          balance=None, note=None, **_kwargs):
        """A complaint of the dispute type with the figures of the difference."""
        statement, figures = self._check_statement_difference(statement_id, balance, note)
        complaint = self._create_complaint(
            self.env._("Difference on statement %(statement)s", statement=statement.name), figures,
        )
        summary = self.env._("Self-service: difference on statement %(statement)s in complaint %(number)s",
                             statement=statement.name, number=complaint.name)
        return {"record": complaint, "summary": summary, "note": figures}

    def _create_complaint(self, subject, description, invoices=None, attachment_vals=None):
        """File a complaint of the dispute type for the customer and notify the complaints team.

        :param str subject: the complaint's subject
        :param description: HTML
        :param invoices: the disputed invoices (their follow-up is blocked while the complaint is open)
        :param dict attachment_vals: a file sent by the customer
        :return: ``crm.complaint``
        """
        complaint_type = self.env.ref("crm_complaints.crm_complaint_type_dispute").sudo()
        team = complaint_type.team_id
        responsible = complaint_type.user_id or team.manager_id or self._get_collector()
        vals = {
            "subject": subject,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "type_id": complaint_type.id,
            "team_id": team.id,
            "user_id": responsible.id,
            "channel": "portal",
            "description": description,
            "is_dispute": bool(invoices),
            "invoice_ids": [(6, 0, invoices.ids)] if invoices else [],
        }
        complaint = self.env["crm.complaint"].sudo().with_company(self.company_id).create(vals)
        if attachment_vals:
            self.env["ir.attachment"].sudo().create(dict(attachment_vals, res_model="crm.complaint",
                                                         res_id=complaint.id))
        notified = (team.member_ids | team.manager_id | responsible | self._get_collector()).partner_id
        complaint.message_post(
            body=Markup("<p>%s</p>") % self.env._("Filed by the customer on the self-service page."),
            subtype_xmlid="mail.mt_note", partner_ids=notified.ids, author_id=self.partner_id.id,
        )
        return complaint

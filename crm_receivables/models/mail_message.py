from textwrap import shorten

from markupsafe import Markup

from odoo import api, models
from odoo.tools import html2plaintext

# models whose chatter feeds the customer history, and how to find the customer of one of their records
HISTORY_MODELS = ("res.partner", "account.move", "sale.order")


class MailMessage(models.Model):
    _inherit = "mail.message"

    # ------------------------------------------------------------
    # HISTORY: EMAILS AND SMS OF THE CHATTER
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Log every email or SMS of a customer's chatter (or of their invoices and orders) as an interaction.

        Internal notes, notifications and tracking messages are not contacts with the customer and are
        skipped; so is everything posted with the context key ``crm_interaction_skip`` (callers that log
        their own interaction, e.g. the follow-up).
        """
        messages = super().create(vals_list)
        if not self.env.context.get("crm_interaction_skip"):
            messages._crm_log_interactions()
        return messages

    def _crm_log_interactions(self):
        candidates = self.filtered(
            lambda m: m.model in HISTORY_MODELS and m.res_id and m.message_type in ("email", "comment", "sms")
        )
        if not candidates:
            return
        candidates = candidates.sudo().filtered(lambda m: m._crm_is_customer_contact())
        vals_list = []
        records = {}
        for model in HISTORY_MODELS:
            ids = {m.res_id for m in candidates if m.model == model}
            if ids:
                records.update({(model, rec.id): rec for rec in self.env[model].sudo().browse(ids).exists()})
        for message in candidates:
            record = records.get((message.model, message.res_id))
            partner = record and self._crm_get_customer(record)
            if partner:
                vals_list.append(message._crm_prepare_interaction(record, partner))
        if vals_list:
            # system-made history: the author (customer by email, any employee) may not have the rights on it
            self.env["crm.interaction"].sudo().create(vals_list)

    def _crm_is_customer_contact(self):
        """True for a message the customer saw: an SMS (posted as a note by Odoo), a received email, or a
        message sent to followers — never an internal note."""
        self.ensure_one()
        if self.message_type == "sms":
            return True
        if self.is_internal or self.subtype_id.internal:
            return False
        return bool(self.subtype_id) or self.message_type == "email"

    @api.model
    def _crm_get_customer(self, record):
        """The customer (commercial entity) whose history a message of ``record`` belongs to, or ``False``."""
        if record._name == "res.partner":
            partner = record.commercial_partner_id
            return partner if partner.customer_rank > 0 else False
        if record._name == "account.move":
            return record.commercial_partner_id if record.move_type in ("out_invoice", "out_refund") else False
        if record._name == "sale.order":
            return record.partner_id.commercial_partner_id
        return False

    def _crm_prepare_interaction(self, record, partner):
        """Values of the interaction logging this message (hook)."""
        self.ensure_one()
        author = self.author_id
        internal_users = author.user_ids.filtered(lambda u: not u.share)
        incoming = bool(author) and not internal_users
        text = html2plaintext(self.body or "").strip()
        summary = self.subject or shorten(text, 120, placeholder="…") or self.record_name or record.display_name
        vals = {
            "partner_id": partner.id,
            "contact_id": author.id if incoming and author.commercial_partner_id == partner else False,
            "user_id": internal_users[:1].id if internal_users else False,
            "company_id": (record.company_id.id if "company_id" in record and record.company_id
                           else self.env.company.id),
            "date": self.date,
            "channel": "sms" if self.message_type == "sms" else "email",
            "direction": "incoming" if incoming else "outgoing",
            "source": "sms" if self.message_type == "sms" else "mail",
            "summary": summary,
            "note": self.body or Markup(""),
            "mail_message_id": self.id,
        }
        if record._name == "account.move":
            vals["move_ids"] = [(6, 0, record.ids)]
        elif record._name == "sale.order":
            vals["sale_order_id"] = record.id
        return vals

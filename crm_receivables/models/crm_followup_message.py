from datetime import timedelta

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount
from odoo.tools.mail import generate_tracking_message_id

from .crm_followup_engine import OPEN_STATES

STATES = [
    ("to_review", "To Review"),
    ("queued", "Queued"),
    ("postponed", "Postponed"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
]


class CrmFollowupMessage(models.Model):
    """One communication to one customer in one run, listing the open receivable items (invoices, 1C
    documents, opening entries) that reached a level.

    Life cycle: generated *queued* (or *to review* when the level asks for it), sent under a row lock
    (``FOR UPDATE SKIP LOCKED``: two workers never send the same one), then followed through the state of
    its ``mail.mail``/``sms.sms``: a bounce makes it *failed* and the next run falls back to the next
    channel of the customer. Generating, sending and following up belong to the engine,
    ``crm.followup.engine``: add a channel there (``_get_channel_selection`` and ``_send_<channel>``).
    """

    _name = "crm.followup.message"
    _description = "Follow-up Communication"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    contact_id = fields.Many2one("res.partner", string="Addressee",
                                 help="The billing contact the communication is sent to.")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    level_id = fields.Many2one("crm.followup.level", required=True, index=True,
                               ondelete="restrict")
    tone = fields.Selection(related="level_id.tone")
    channel = fields.Selection(selection="_followup_channel_selection")
    channel_note = fields.Char(string="Channel Choice", readonly=True,
                               help="Why the channel was chosen: the channels that were not possible.")
    state = fields.Selection(STATES, string="Status", required=True, default="queued", index=True,
                             tracking=True)
    user_id = fields.Many2one("res.users", string="Collector", index=True)
    line_ids = fields.One2many("crm.followup.line", "message_id", string="Documents")
    move_ids = fields.Many2many("account.move", compute="_compute_move_ids", string="Entries")
    move_line_ids = fields.Many2many("account.move.line", compute="_compute_move_ids", string="Items")
    lang = fields.Char(string="Language", help="The customer's language, in which the texts are rendered.")
    subject = fields.Char()
    body = fields.Html(string="Text", sanitize_style=True)
    date_scheduled = fields.Datetime(string="Send After",
                                     help="Outside the customer's quiet hours and days.")
    date_sent = fields.Datetime(string="Sent On", readonly=True)
    postponed_until = fields.Date()
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")
    sms_id = fields.Many2one("sms.sms", string="SMS", readonly=True, ondelete="set null")
    interaction_id = fields.Many2one("crm.interaction", readonly=True,
                                     ondelete="set null")
    failure_reason = fields.Char(readonly=True)
    excluded_channels = fields.Char(readonly=True, help="Channels that already failed for these documents.")
    fallback_id = fields.Many2one("crm.followup.message", string="Replaced By", readonly=True,
                                  ondelete="set null", index="btree_not_null")
    amount_text = fields.Char(compute="_compute_amount_text", string="Amount Due")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.model
    def _followup_channel_selection(self):
        """The channels a communication can use: those of the engine (extend the engine for messengers)."""
        return self.env["crm.followup.engine"]._get_channel_selection()

    @api.depends("partner_id", "level_id")
    def _compute_name(self):
        for message in self:
            message.name = f"{message.partner_id.name or ''} — {message.level_id.name or ''}"

    @api.depends("line_ids.move_line_id")
    def _compute_move_ids(self):
        for message in self:
            message.move_ids = message.line_ids.move_id
            message.move_line_ids = message.line_ids.move_line_id

    @api.depends("line_ids.amount_residual", "line_ids.currency_id")
    def _compute_amount_text(self):
        for message in self:
            totals = {}
            for line in message.line_ids:
                totals[line.currency_id] = totals.get(line.currency_id, 0.0) + line.amount_residual
            message.amount_text = ", ".join(
                format_amount(self.env, amount, currency) for currency, amount in totals.items()
            )

    # ------------------------------------------------------------
    # ACTIONS (review queue)
    # ------------------------------------------------------------

    def action_send(self):
        """Send now (review queue): the same locked path as the cron."""
        self.ensure_one()
        if self.state not in ("to_review", "postponed", "queued"):
            raise UserError(self.env._("Communication %(name)s was already processed.", name=self.name))
        self.write({"state": "queued", "date_scheduled": False})
        self.env["crm.followup.engine"]._send_locked(self)
        return True

    def action_skip(self):
        """Do not send: the documents keep their level (no reminder for it), the next level will come."""
        self.ensure_one()
        self.filtered(lambda m: m.state in OPEN_STATES).write({"state": "skipped"})
        return True

    def action_postpone(self, days=3):
        """Put the communication aside for a few days; it comes back to the review queue by itself."""
        self.ensure_one()
        self.write({"state": "postponed",
                    "postponed_until": fields.Date.context_today(self) + timedelta(days=days)})
        return True

    def action_print_letter(self):
        """Print the letter (any channel): batch print from the list."""
        return self.env.ref("crm_receivables.crm_followup_letter_report").report_action(self)

    # ------------------------------------------------------------
    # RUN (the engine does the work)
    # ------------------------------------------------------------

    @api.model
    def _cron_process_followup(self, batch_size=200):
        """Daily cron entry point, kept for existing cron records: see ``crm.followup.engine``."""
        return self.env["crm.followup.engine"]._cron_process_followup(batch_size=batch_size)

    @api.model
    def _followup_run(self, partners=None, batch_size=200, auto_commit=False):
        """One follow-up run, kept for existing callers: see :meth:`crm.followup.engine._run`."""
        return self.env["crm.followup.engine"]._run(partners=partners, batch_size=batch_size,
                                                    auto_commit=auto_commit)

    # ------------------------------------------------------------
    # TRACKING (in batch: the engine changes thousands of communications at once)
    # ------------------------------------------------------------

    def _message_track(self, fields_iter, initial_values_dict):
        """Log the tracked changes of many communications with one ``mail.message`` create.

        ``mail.thread`` logs each record's changes with its own create; the logged messages are the same
        here (a note with the tracking values, as ``_message_log`` makes it). A single record, a custom log
        message or author, or a change with a subtype go through ``mail.thread`` unchanged.
        """
        if len(self) <= 1 or not fields_iter \
                or f"mail.tracking.message.{self._name}" in self.env.cr.precommit.data \
                or f"mail.tracking.author.{self._name}" in self.env.cr.precommit.data:
            return super()._message_track(fields_iter, initial_values_dict)
        tracked_fields = self.fields_get(fields_iter, attributes=("string", "type", "selection", "currency_field"))
        tracking = {}
        for record in self.exists():
            tracking[record.id] = record._mail_track(tracked_fields, initial_values_dict[record.id])
        changed = self.browse([rid for rid, (changes, values) in tracking.items() if changes and values])
        if any(record._track_subtype({name: initial_values_dict[record.id][name]
                                      for name in tracking[record.id][0]}) for record in changed):
            return super()._message_track(fields_iter, initial_values_dict)
        if changed:
            author_id, email_from = self._message_compute_author(None, None, raise_on_email=False)
            base = {
                "author_id": author_id, "email_from": email_from, "model": self._name,
                "record_alias_domain_id": False, "record_company_id": False, "record_name": False,
                "message_type": "notification", "is_internal": True, "subject": False,
                "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                "email_add_signature": False, "partner_ids": False, "attachment_ids": False,
                "reply_to": self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
            }
            logs = changed.sudo()._message_create([
                dict(base, res_id=record.id, message_id=generate_tracking_message_id("message-notify"),
                     body=escape(record._track_get_default_log_message(tracking[record.id][0]) or ""))
                for record in changed
            ])
            # the tracking values of all the notes in one create (commands ``(0, 0, values)``)
            self.env["mail.tracking.value"].sudo().create([
                dict(command[2], mail_message_id=log.id)
                for record, log in zip(changed, logs, strict=True) for command in tracking[record.id][1]
            ])
        return tracking

    def _followup_item_table(self):
        """HTML list of the documents of the communication (for templates and letters)."""
        self.ensure_one()
        return self.env["crm.followup.engine"]._get_item_table(self)

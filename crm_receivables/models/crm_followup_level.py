from odoo import fields, models

TONES = [
    ("friendly", "Friendly"),
    ("firm", "Firm"),
    ("final", "Final Notice"),
    ("claim", "Pre-trial Claim"),
]


class CrmFollowupLevel(models.Model):
    """A step of a follow-up policy: reached a number of days after (or before) the due date.

    The level sets the severity (tone, templates, attachments, review); the customer's preferences set
    the channel.
    """

    _name = "crm.followup.level"
    _description = "Follow-up Level"
    _order = "delay, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one("crm.followup.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    delay = fields.Integer(string="Days After Due Date", required=True,
                           help="Negative: a friendly reminder before the due date.")
    tone = fields.Selection(TONES, required=True, default="friendly")
    mail_template_id = fields.Many2one("mail.template", string="Email Template",
                                       domain="[('model', '=', 'crm.followup.message')]")
    sms_template_id = fields.Many2one("sms.template", string="SMS Template",
                                      domain="[('model', '=', 'crm.followup.message')]")
    letter_text = fields.Html(translate=True, help="Printed above the list of invoices in the letter.")
    attach_invoices = fields.Boolean(string="Attach Invoice PDFs")
    add_followers = fields.Boolean(string="Add Customer as Follower",
                                   help="The customer follows the overdue invoices (portal access).")
    create_activity = fields.Boolean(string="Schedule Phone Activity",
                                     help="Also schedule a call for the collector, whatever the channel.")
    activity_type_id = fields.Many2one("mail.activity.type")
    activity_note = fields.Char()
    needs_review = fields.Boolean(help="A collector sends, edits, postpones or skips each communication.")

    _sql_constraints = [
        ("delay_uniq", "UNIQUE(policy_id, delay)", "Two levels of a policy cannot fall on the same day."),
    ]

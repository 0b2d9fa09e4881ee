from datetime import timedelta

from odoo import api, fields, models

PRIORITIES = [
    ("0", "Normal"),
    ("1", "High"),
    ("2", "Urgent"),
]
STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("waiting", "Waiting for Customer"),
    ("closed", "Closed"),
]


class CrmComplaint(models.Model):
    """A customer complaint; ``crm.complaint`` is a public name used by integrations."""

    _name = "crm.complaint"
    _description = "Complaint"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, deadline, id desc"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index=True)
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    type_id = fields.Many2one("crm.complaint.type", string="Type", required=True, tracking=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True, index=True,
        compute="_compute_user_id", store=True, readonly=False, precompute=True,
    )
    priority = fields.Selection(PRIORITIES, default="0", tracking=True)
    state = fields.Selection(STATES, default="new", required=True, tracking=True, copy=False)
    description = fields.Html()
    date_open = fields.Datetime(string="Received", default=fields.Datetime.now, required=True, copy=False)
    deadline = fields.Datetime(
        compute="_compute_deadline", store=True, readonly=False, precompute=True, tracking=True,
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.company)
    color = fields.Integer()

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("type_id")
    def _compute_user_id(self):
        for complaint in self:
            if not complaint.user_id:
                complaint.user_id = complaint.type_id.user_id or self.env.user

    @api.depends("type_id", "date_open")
    def _compute_deadline(self):
        for complaint in self:
            if complaint.type_id and complaint.date_open:
                complaint.deadline = complaint.date_open + timedelta(hours=complaint.type_id.sla_hours)
            else:
                complaint.deadline = False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("crm.complaint") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_start(self):
        self.write({"state": "in_progress"})
        return True

    def action_close(self):
        self.write({"state": "closed", "date_closed": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self.write({"state": "in_progress", "date_closed": False})
        return True

from odoo import fields, models

from ..const import PRIORITIES


class CrmComplaintSla(models.Model):
    """The resolution time of one complaint type for one priority."""

    _name = "crm.complaint.sla"
    _description = "Complaint Deadline Rule"
    _order = "type_id, priority"

    type_id = fields.Many2one("crm.complaint.type", required=True, ondelete="cascade", index=True)
    priority = fields.Selection(PRIORITIES, required=True, default="0")
    hours = fields.Float(string="Resolution Time (hours)", required=True,
                         help="Working hours of the company's working calendar.")

    _sql_constraints = [
        ("type_priority_unique", "UNIQUE(type_id, priority)", "One deadline rule per type and priority."),
        ("hours_positive", "CHECK(hours >= 0)", "The resolution time cannot be negative."),
    ]


class CrmComplaintSlaPause(models.Model):
    """A period a complaint waited for the customer: its working hours do not count against the deadline."""

    _name = "crm.complaint.sla.pause"
    _description = "Complaint Deadline Pause"
    _order = "date_start, id"

    complaint_id = fields.Many2one("crm.complaint", required=True, ondelete="cascade",
                                   index=True)
    date_start = fields.Datetime(string="Paused On", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="Resumed On")
    stage_id = fields.Many2one("crm.complaint.stage")

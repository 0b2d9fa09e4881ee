from odoo import fields, models


class CrmComplaintStage(models.Model):
    """A step of the complaint pipeline; waiting stages pause the deadline, closed stages end it."""

    _name = "crm.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    is_waiting = fields.Boolean(string="Waiting for Customer",
                                help="The deadline is paused while a complaint is in this stage.")
    is_closed = fields.Boolean(string="Closed Stage",
                               help="Complaints in this stage are resolved: their deadline ends here.")
    fold = fields.Boolean(string="Folded in Kanban")
    team_ids = fields.Many2many("crm.complaint.team", string="Teams",
                                help="Leave empty to use this stage for every team.")
    description = fields.Text(translate=True)

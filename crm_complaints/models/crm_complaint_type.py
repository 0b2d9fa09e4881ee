from odoo import fields, models


class CrmComplaintType(models.Model):
    """A kind of complaint: default deadline, team and responsible; per-priority deadlines in ``sla_ids``."""

    _name = "crm.complaint.type"
    _description = "Complaint Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    sla_hours = fields.Float(string="Resolution Time (hours)", default=72.0,
                             help="Default time allowed to resolve a complaint of this type, in working hours "
                                  "of the company's working calendar.")
    warning_hours = fields.Float(string="Warning Before (hours)", default=4.0,
                                 help="The responsible is warned this many hours before the deadline.")
    user_id = fields.Many2one("res.users", string="Default Responsible")
    team_id = fields.Many2one("crm.complaint.team", string="Default Team")
    sla_ids = fields.One2many("crm.complaint.sla", "type_id", string="Deadlines by Priority")
    company_id = fields.Many2one("res.company", index=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("sla_positive", "CHECK(sla_hours >= 0)", "The resolution time cannot be negative."),
    ]

    def _get_sla_hours(self, priority):
        """Working hours allowed for a complaint of this type and ``priority`` (0: no deadline)."""
        self.ensure_one()
        rule = self.sla_ids.filtered(lambda sla: sla.priority == priority)[:1]
        return rule.hours if rule else self.sla_hours

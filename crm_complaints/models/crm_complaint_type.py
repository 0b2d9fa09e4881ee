from odoo import fields, models


class CrmComplaintType(models.Model):
    _name = "crm.complaint.type"
    _description = "Complaint Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    sla_hours = fields.Float(string="Resolution Time (hours)", default=72.0,
                             help="Default time allowed to resolve a complaint of this type.")
    user_id = fields.Many2one("res.users", string="Default Responsible")
    company_id = fields.Many2one("res.company", string="Company", index=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("sla_positive", "CHECK(sla_hours >= 0)", "The resolution time cannot be negative."),
    ]

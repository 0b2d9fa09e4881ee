from odoo import fields, models


class CrmFollowupLine(models.Model):
    """One invoice reaching one level: created once, ever (UNIQUE move/level), which makes runs idempotent.

    Lines are inserted with ``ON CONFLICT DO NOTHING`` and then gathered, under a row lock, into one
    ``crm.followup.message`` per customer.
    """

    _name = "crm.followup.line"
    _description = "Follow-up Line"
    _order = "id desc"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade", index=True)
    level_id = fields.Many2one("crm.followup.level", required=True, ondelete="restrict",
                               index=True)
    message_id = fields.Many2one("crm.followup.message", string="Communication", ondelete="set null",
                                 index="btree_not_null")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Date(required=True, help="The day the invoice reached the level.")
    currency_id = fields.Many2one(related="move_id.currency_id", string="Currency")
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id",
                                      help="Left to pay on the invoice when the level was reached.")
    invoice_date_due = fields.Date(related="move_id.invoice_date_due", string="Due Date")
    days_overdue = fields.Integer()

    _sql_constraints = [
        ("move_level_uniq", "UNIQUE(move_id, level_id)", "An invoice reaches each follow-up level only once."),
    ]

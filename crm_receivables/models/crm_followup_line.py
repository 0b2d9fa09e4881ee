from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, constraint_definition, drop_constraint, table_exists


class CrmFollowupLine(models.Model):
    """One open receivable item reaching one level: created once, ever (UNIQUE item/level), which makes runs
    idempotent.

    The item is an invoice's receivable line, a 1C document's item, an opening entry's item... Lines are
    inserted with ``ON CONFLICT DO NOTHING`` and then gathered, under a row lock, into one
    ``crm.followup.message`` per customer (see ``crm.followup.engine``).
    """

    _name = "crm.followup.line"
    _description = "Follow-up Line"
    _order = "id desc"

    move_line_id = fields.Many2one("account.move.line", string="Item", required=True, ondelete="cascade",
                                   index=True)
    move_id = fields.Many2one(related="move_line_id.move_id", string="Entry", store=True, index=True)
    level_id = fields.Many2one("crm.followup.level", required=True, ondelete="restrict",
                               index=True)
    message_id = fields.Many2one("crm.followup.message", string="Communication", ondelete="set null",
                                 index="btree_not_null")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Date(required=True, help="The day the item reached the level.")
    currency_id = fields.Many2one(related="move_line_id.currency_id", string="Currency")
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id",
                                      help="Left to pay on the item when the level was reached.")
    amount_residual_current = fields.Monetary(
        related="move_line_id.amount_residual_currency", string="Still Due", currency_field="currency_id",
        help="Left to pay on the item now.")
    date_maturity = fields.Date(related="move_line_id.date_maturity", string="Due Date")
    invoice_date_due = fields.Date(related="move_line_id.date_maturity", string="Due Date (Invoice)")
    document_name = fields.Char(related="move_line_id.crm_document_name", string="Document")
    document_date = fields.Date(related="move_line_id.crm_document_date", string="Document Date")
    days_overdue = fields.Integer()

    _sql_constraints = [
        ("move_line_level_uniq", "UNIQUE(move_line_id, level_id)",
         "A receivable item reaches each follow-up level only once."),
    ]

    def _auto_init(self):
        """Lines of the invoice-only follow-up get the receivable item of their invoice; the old
        (invoice, level) constraint gives way to (item, level)."""
        cr = self.env.cr
        if table_exists(cr, self._table) and not column_exists(cr, self._table, "move_line_id"):
            cr.execute(SQL("ALTER TABLE crm_followup_line ADD COLUMN move_line_id int4"))
            cr.execute(SQL("""
                UPDATE crm_followup_line fl
                   SET move_line_id = (SELECT aml.id FROM account_move_line aml
                                         JOIN account_account acc ON acc.id = aml.account_id
                                        WHERE aml.move_id = fl.move_id AND acc.account_type = 'asset_receivable'
                                        ORDER BY aml.balance DESC, aml.id LIMIT 1)
            """))
            cr.execute(SQL("DELETE FROM crm_followup_line WHERE move_line_id IS NULL"))
        if constraint_definition(cr, self._table, "crm_followup_line_move_level_uniq"):
            drop_constraint(cr, self._table, "crm_followup_line_move_level_uniq")
        return super()._auto_init()


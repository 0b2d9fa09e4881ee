from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.crm_receivables.const import COMPLAINT_CHANNELS

from ..const import PRIORITIES


class CrmComplaintReport(models.Model):
    """Complaint analysis: one row per complaint with its figures against the deadline.

    Measures: count, open, overdue, hours to first response and to close, deadline met (share = average
    of ``deadline_met_rate`` over the closed complaints with a deadline).
    """

    _name = "crm.complaint.report"
    _description = "Complaint Analysis"
    _auto = False
    _order = "date_open desc"
    _rec_name = "name"

    name = fields.Char(string="Number", readonly=True)
    complaint_id = fields.Many2one("crm.complaint", readonly=True)
    type_id = fields.Many2one("crm.complaint.type", readonly=True)
    team_id = fields.Many2one("crm.complaint.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("crm.complaint.stage", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    priority = fields.Selection(PRIORITIES, readonly=True)
    channel = fields.Selection(COMPLAINT_CHANNELS, readonly=True)
    date_open = fields.Datetime(string="Received", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    deadline = fields.Datetime(readonly=True)
    is_open = fields.Boolean(string="Open", readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True)
    open_count = fields.Integer(string="# Open", readonly=True, aggregator="sum")
    overdue_count = fields.Integer(string="# Overdue", readonly=True, aggregator="sum")
    hours_to_first_response = fields.Float(string="Hours to First Response", readonly=True, aggregator="avg")
    hours_to_close = fields.Float(string="Hours to Close", readonly=True, aggregator="avg")
    deadline_met = fields.Boolean(readonly=True)
    deadline_met_rate = fields.Float(string="Deadline Met (%)", readonly=True, aggregator="avg",
                                     help="Share of the closed complaints resolved by their deadline.")

    @property
    def _table_query(self):
        return self._query()

    @api.model
    def _query(self):
        """The report's SQL (hook: extend the select with :meth:`_select_extra`)."""
        return SQL(
            """
            SELECT c.id AS id,
                   c.id AS complaint_id,
                   c.name AS name,
                   c.type_id, c.team_id, c.user_id, c.commercial_partner_id AS partner_id,
                   c.stage_id, c.company_id, c.priority, c.channel,
                   c.date_open, c.date_closed, c.deadline,
                   NOT COALESCE(c.is_closed, FALSE) AS is_open,
                   %(overdue)s AS is_overdue,
                   CASE WHEN COALESCE(c.is_closed, FALSE) THEN 0 ELSE 1 END AS open_count,
                   CASE WHEN %(overdue)s THEN 1 ELSE 0 END AS overdue_count,
                   EXTRACT(EPOCH FROM (c.date_first_response - c.date_open)) / 3600.0 AS hours_to_first_response,
                   CASE WHEN c.is_closed THEN EXTRACT(EPOCH FROM (c.date_closed - c.date_open)) / 3600.0
                   END AS hours_to_close,
                   COALESCE(c.is_closed AND c.date_closed <= c.deadline, FALSE) AS deadline_met,
                   CASE WHEN c.is_closed AND c.deadline IS NOT NULL
                        THEN CASE WHEN c.date_closed <= c.deadline THEN 100.0 ELSE 0.0 END
                   END AS deadline_met_rate
                   %(extra)s
              FROM crm_complaint c
            """,
            overdue=self.env["crm.complaint"]._get_overdue_sql(SQL.identifier("c"), SQL("(NOW() AT TIME ZONE 'UTC')")),
            extra=self._select_extra(),
        )

    @api.model
    def _select_extra(self):
        """Hook: extra ``, expression AS column`` items of the report's select."""
        return SQL("")

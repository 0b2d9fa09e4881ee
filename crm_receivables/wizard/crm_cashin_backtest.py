from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import forecast as forecast_tools


class CrmCashinBacktest(models.TransientModel):
    """How good is the cash-in forecast? Forecast as of a past date from what was known then, compared with
    the cash really received on those items in the following weeks."""

    _name = "crm.cashin.backtest"
    _description = "Cash-in Forecast Back-test"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    weeks = fields.Integer(string="Number of Weeks", required=True, default=forecast_tools.WEEKS)
    date_from = fields.Date(
        string="Forecast As Of", required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=7 * forecast_tools.WEEKS),
        help="The forecast uses only what was known at the start of this day.",
    )
    line_ids = fields.One2many("crm.cashin.backtest.line", "backtest_id", string="Weeks", readonly=True)
    total_forecast = fields.Monetary(string="Forecast", readonly=True)
    total_actual = fields.Monetary(string="Received", readonly=True)
    mae = fields.Monetary(string="Mean Absolute Error per Week", readonly=True)
    wape = fields.Float(string="Weighted Error (%)", readonly=True, digits=(16, 1),
                        help="Sum of the weekly absolute errors divided by the cash received.")
    bias = fields.Monetary(readonly=True, help="Forecast minus received over the whole period.")
    is_done = fields.Boolean(readonly=True)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_run(self):
        """Run the back-test and show its weeks and errors."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.weeks < 1 or self.weeks > 52:
            raise UserError(self.env._("The back-test covers 1 to 52 weeks, not %(weeks)s.", weeks=self.weeks))
        if self.date_from + timedelta(days=7 * self.weeks) > today:
            raise UserError(self.env._(
                "The %(weeks)s weeks after %(date)s have not all passed yet: choose an earlier date.",
                weeks=self.weeks, date=self.date_from,
            ))
        result = self._backtest(self.company_id, self.date_from, self.weeks)
        self.line_ids.unlink()
        self.write({
            "line_ids": [
                fields.Command.create({
                    "week": row["week"] + 1,
                    "date_week": self.date_from + timedelta(days=7 * row["week"]),
                    "amount_forecast": row["forecast"],
                    "amount_actual": row["actual"],
                    "error": row["error"],
                    "pct_error": row["pct_error"] or 0.0,
                })
                for row in result["rows"]
            ],
            "total_forecast": sum(row["forecast"] for row in result["rows"]),
            "total_actual": sum(row["actual"] for row in result["rows"]),
            "mae": result["mae"],
            "wape": result["wape"] or 0.0,
            "bias": result["bias"],
            "is_done": True,
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    @api.readonly
    def get_backtest_errors(self, company_id, date_from, weeks=forecast_tools.WEEKS):
        """Read-only RPC entry (replica-safe): the back-test of a company the user may read.

        :param int company_id: a company of the user
        :param str date_from: forecast date (ISO)
        :return: :func:`..tools.forecast.backtest_errors` result
        """
        company = self.env["res.company"].browse(company_id) & self.env.user.company_ids
        if not company:
            raise UserError(self.env._("You have no access to this company."))
        return self._backtest(company, fields.Date.to_date(date_from), int(weeks))

    @api.model
    def _backtest(self, company, date_from, weeks):
        """Forecast of ``company`` as of ``date_from`` against the cash received, per week.

        :return: :func:`..tools.forecast.backtest_errors` of the company's weekly totals
        """
        Forecast = self.env["crm.cashin.forecast"]
        forecast = [0.0] * weeks
        for (company_id, _partner_id), result in Forecast._forecast(company, date_from, weeks).items():
            if company_id == company.id:
                forecast = [total + amount for total, amount in zip(forecast, result["weeks"], strict=True)]
        actual = Forecast._actual_cash(company, date_from, weeks)[company.id]
        return forecast_tools.backtest_errors(forecast, actual)


class CrmCashinBacktestLine(models.TransientModel):
    _name = "crm.cashin.backtest.line"
    _description = "Cash-in Forecast Back-test Week"
    _order = "week"

    backtest_id = fields.Many2one("crm.cashin.backtest", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="backtest_id.currency_id")
    week = fields.Integer(string="Week Number")
    date_week = fields.Date(string="Week")
    amount_forecast = fields.Monetary(string="Forecast")
    amount_actual = fields.Monetary(string="Received")
    error = fields.Monetary(help="Forecast minus received.")
    pct_error = fields.Float(string="Error (%)", digits=(16, 1), help="Absolute error divided by the received "
                             "cash; 0 when nothing was received.")

import json
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL, sql

from ..tools import forecast as forecast_tools
from ..tools import promise as promise_tools

# paid items older than this do not describe the customer's behaviour any more
HISTORY_DAYS = 730
# fewest paid items for a customer's own lateness distribution (else the company's)
MIN_HISTORY = 3
# customers per INSERT statement when the forecast is rebuilt
INSERT_CHUNK = 5000
# ids of the report rows: stored row id × stride + week number (weeks < stride)
FORECAST_ID_STRIDE = 64


class CrmCashinForecastCustomer(models.Model):
    """The stored forecast: one row per company and customer with its amounts of the coming weeks.

    Written set-based by :meth:`crm.cashin.forecast._rebuild` (one DELETE, one INSERT per 5,000 customers);
    :class:`CrmCashinForecast` is the report that shows one row per week of it. A derived table: it is not
    edited by hand, so it keeps no creation/modification log.
    """

    _name = "crm.cashin.forecast.customer"
    _description = "Cash-in Forecast per Customer"
    _log_access = False
    _order = "company_id, partner_id"
    _rec_name = "partner_id"

    date_forecast = fields.Date(string="Forecast Date", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    amounts = fields.Json(readonly=True, help="Expected amount of each week (company currency), week 1 first.")
    amounts_promised = fields.Json(readonly=True, help="Part of each week's amount that comes from promises.")


class CrmCashinForecast(models.Model):
    """Expected cash-in of the coming weeks, one row per week, company and customer (in company currency).

    A report (SQL view) over :class:`CrmCashinForecastCustomer`, which :meth:`_rebuild` (button and daily
    cron) fills from the open receivable items, each customer's history of paid items and the open payment
    promises (see :mod:`..tools.forecast`): one stored row per customer instead of one per week keeps the
    rebuild set-based and cheap. Amounts are rounded to the company currency here; weeks without an amount
    are left out. The same engine serves the back-test (:meth:`_forecast`, any past date).
    """

    _name = "crm.cashin.forecast"
    _description = "Cash-in Forecast"
    _auto = False
    _log_access = False
    _order = "date_week, partner_id"
    _rec_name = "date_week"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    date_forecast = fields.Date(string="Forecast Date", required=True, readonly=True)
    week = fields.Integer(string="Week Number", required=True, readonly=True, aggregator=False,
                          help="1: the week starting today.")
    date_week = fields.Date(string="Week", required=True, readonly=True, help="First day of the week.")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    amount = fields.Monetary(string="Expected", readonly=True)
    amount_promised = fields.Monetary(string="From Promises", readonly=True,
                                      help="Part of the expected amount that comes from open payment promises, "
                                           "weighted by the customer's kept rate.")
    amount_items = fields.Monetary(string="From Open Items", readonly=True,
                                   help="Part of the expected amount that comes from the open items and the "
                                        "customer's history of payment delays.")

    def init(self):
        """One row per week with an amount (rounded to the company currency) of each stored customer row.

        Older versions stored the weekly rows in a table of this name: it is dropped (the next rebuild
        writes the forecast again).
        """
        if sql.table_kind(self.env.cr, self._table) == sql.TableKind.Regular:
            self.env.cr.execute(SQL("DROP TABLE %s CASCADE", SQL.identifier(self._table)))
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %(view)s AS (
                SELECT row.id * %(stride)s + week.week AS id,
                       row.date_forecast,
                       week.week,
                       row.date_forecast + %(days)s * (week.week - 1) AS date_week,
                       row.company_id,
                       company.currency_id,
                       row.partner_id,
                       week.amount,
                       week.amount_promised,
                       ROUND(((row.amounts ->> (week.week - 1))::numeric
                              - (row.amounts_promised ->> (week.week - 1))::numeric) / currency.rounding)
                             * currency.rounding AS amount_items
                  FROM crm_cashin_forecast_customer row
                  JOIN res_company company ON company.id = row.company_id
                  JOIN res_currency currency ON currency.id = company.currency_id
                 CROSS JOIN LATERAL (
                       SELECT ordinal::integer AS week,
                              ROUND(value::numeric / currency.rounding) * currency.rounding AS amount,
                              ROUND((row.amounts_promised ->> (ordinal::integer - 1))::numeric
                                    / currency.rounding) * currency.rounding AS amount_promised
                         FROM jsonb_array_elements_text(row.amounts) WITH ORDINALITY AS element(value, ordinal)
                       ) week
                 WHERE week.amount != 0
            )
            """,
            view=SQL.identifier(self._table),
            stride=FORECAST_ID_STRIDE,
            days=forecast_tools.DAYS_PER_WEEK,
        ))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    @api.model
    def action_rebuild(self):
        """Recompute the forecast of the user's companies (button of the managers) and show it.

        The rows are written in SQL, so the right to write them is checked here.
        """
        if not self.env["crm.cashin.forecast.customer"].has_access("create"):
            raise AccessError(self.env._("Only a receivables manager can rebuild the forecast."))
        self._rebuild(self.env.companies)
        return self.env["ir.actions.act_window"]._for_xml_id("crm_receivables.crm_cashin_forecast_action")

    @api.model
    def _cron_rebuild(self):
        """Daily: recompute the forecast of every company (set-based: all done in one call)."""
        companies = self.env["res.company"].sudo().search([("id", "!=", False)])
        self.sudo()._rebuild(companies)
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _rebuild(self, companies):
        """Replace the forecast of ``companies`` by a new forecast as of today, set-based.

        :meth:`_forecast` computes every customer in a constant number of queries; one DELETE removes the
        previous rows and one INSERT per 5,000 customers writes the new ones (a customer without any amount
        in the horizon gets no row).

        :param companies: ``res.company`` recordset
        :return: number of customers with a forecast
        """
        today = fields.Date.context_today(self)
        forecast = self._forecast(companies, today)
        rows = [
            (company_id, partner_id, json.dumps(result["weeks"]), json.dumps(result["promise_weeks"]))
            for (company_id, partner_id), result in forecast.items()
            if any(result["weeks"])
        ]
        self.env.cr.execute(SQL("DELETE FROM crm_cashin_forecast_customer WHERE company_id IN %s",
                                tuple(companies.ids) or (0,)))
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start:start + INSERT_CHUNK]
            self.env.cr.execute(SQL(
                """
                INSERT INTO crm_cashin_forecast_customer (date_forecast, company_id, partner_id, amounts,
                                                          amounts_promised)
                     SELECT %s, * FROM unnest(%s::integer[], %s::integer[], %s::jsonb[], %s::jsonb[])
                """,
                today, [row[0] for row in chunk], [row[1] for row in chunk], [row[2] for row in chunk],
                [row[3] for row in chunk],
            ))
        self.env["crm.cashin.forecast.customer"].invalidate_model()
        self.invalidate_model()
        return len(rows)

    @api.model
    def _forecast(self, companies, as_of, weeks=forecast_tools.WEEKS):
        """Forecast per company and customer, from what was known at the start of ``as_of``.

        A constant number of queries, whatever the number of customers.

        :param companies: ``res.company`` recordset
        :param date as_of: forecast date (today, or a past date for the back-test)
        :return: ``{(company_id, partner_id): forecast_tools.forecast_customer(...) result}``
        """
        self.env.flush_all()
        items = self._open_items(companies, as_of)
        history = self._paid_history(companies, as_of)
        promises, kept_rates = self._promises(companies, as_of)
        company_distribution = {
            company_id: forecast_tools.build_distribution(
                obs for (c_id, _p), observations in history.items() if c_id == company_id
                for obs in observations
            )
            for company_id in companies.ids
        }
        # the shares per week of an item depend on the distribution and the item's days overdue only: the
        # customers on their company's distribution share one cache
        company_caches = {company_id: {} for company_id in companies.ids}
        result = {}
        for key, customer_items in items.items():
            distribution, is_own = forecast_tools.choose_distribution(
                history.get(key, []), company_distribution[key[0]], MIN_HISTORY,
            )
            result[key] = forecast_tools.forecast_customer(
                customer_items, distribution, promises.get(key, ()), kept_rates.get(key[1]), as_of, weeks,
                cache=None if is_own else company_caches[key[0]],
            )
        return result

    @api.model
    def _receivable_sql(self, companies):
        """Condition on ``line``: a customer's debit on a receivable account, posted, of ``companies``."""
        return SQL(
            "line.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')"
            " AND line.parent_state = 'posted' AND line.balance > 0"
            " AND line.company_id IN %s AND line.partner_id IS NOT NULL",
            tuple(companies.ids) or (0,),
        )

    @api.model
    def _open_items(self, companies, as_of):
        """Open debit items at the start of ``as_of``: ``{(company_id, partner_id): [(due_date, residual)]}``.

        Today, the residual is Odoo's ``amount_residual``; on a past date, the balance less what was reconciled
        before that day.
        """
        if as_of >= fields.Date.context_today(self):
            query = SQL(
                """
                SELECT line.company_id, partner.commercial_partner_id, COALESCE(line.date_maturity, line.date),
                       line.amount_residual
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE %s AND NOT line.reconciled AND line.amount_residual > 0
                """,
                self._receivable_sql(companies),
            )
        else:
            query = SQL(
                """
                SELECT line.company_id, partner.commercial_partner_id, COALESCE(line.date_maturity, line.date),
                       line.balance - COALESCE(paid.amount, 0.0)
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
             LEFT JOIN LATERAL (
                           SELECT SUM(part.amount) AS amount
                             FROM account_partial_reconcile part
                            WHERE part.debit_move_id = line.id AND part.max_date < %(as_of)s
                       ) paid ON TRUE
                 WHERE %(receivable)s AND line.date < %(as_of)s
                   AND line.balance - COALESCE(paid.amount, 0.0) > 0
                """,
                as_of=as_of,
                receivable=self._receivable_sql(companies),
            )
        items = defaultdict(list)
        for company_id, partner_id, due_date, residual in self.env.execute_query(query):
            items[(company_id, partner_id)].append((due_date, residual))
        return items

    @api.model
    def _paid_history(self, companies, as_of):
        """Items fully paid before ``as_of`` (within :data:`HISTORY_DAYS`), as lateness observations.

        :return: ``{(company_id, partner_id): [(days late, amount)]}``; the payment date is the date of the
            item's last reconciliation
        """
        query = SQL(
            """
            SELECT line.company_id, partner.commercial_partner_id,
                   MAX(part.max_date) - COALESCE(line.date_maturity, line.date), line.balance
              FROM account_move_line line
              JOIN res_partner partner ON partner.id = line.partner_id
              JOIN account_partial_reconcile part ON part.debit_move_id = line.id
             WHERE %(receivable)s AND line.full_reconcile_id IS NOT NULL
          GROUP BY line.id, partner.commercial_partner_id
            HAVING MAX(part.max_date) < %(as_of)s AND MAX(part.max_date) >= %(since)s
            """,
            receivable=self._receivable_sql(companies),
            as_of=as_of,
            since=as_of - timedelta(days=HISTORY_DAYS),
        )
        history = defaultdict(list)
        for company_id, partner_id, days_late, amount in self.env.execute_query(query):
            history[(company_id, partner_id)].append((days_late, amount))
        return history

    @api.model
    def _promises(self, companies, as_of):
        """Promises open at the start of ``as_of`` and each customer's kept rate of promises judged before.

        :return: ``({(company_id, partner_id): [(promised_date, amount in company currency)]},
            {partner_id: kept rate 0–100 or None})``
        """
        Promise = self.env["crm.payment.promise"].sudo()
        open_promises = Promise.search_fetch([
            ("company_id", "in", companies.ids),
            ("date_made", "<", as_of),
            "|", ("state", "=", "open"), "&", ("state", "!=", "cancel"), ("date_judged", ">=", as_of),
        ], ["partner_id", "company_id", "currency_id", "amount", "promised_date"])
        rates = {}
        promises = defaultdict(list)
        for promise in open_promises:
            amount = promise.amount
            if promise.currency_id != promise.company_id.currency_id:
                pair = (promise.currency_id, promise.company_id)
                if pair not in rates:
                    rates[pair] = self.env["res.currency"]._get_conversion_rate(
                        promise.currency_id, promise.company_id.currency_id, promise.company_id, as_of,
                    )
                amount *= rates[pair]
            promises[(promise.company_id.id, promise.partner_id.id)].append((promise.promised_date, amount))
        counts = defaultdict(dict)
        for partner, state, count in Promise._read_group(
            [("company_id", "in", companies.ids), ("date_judged", "<", as_of),
             ("state", "in", ("kept", "partial", "broken"))],
            ["partner_id", "state"], ["__count"],
        ):
            counts[partner.id][state] = count
        kept_rates = {partner_id: promise_tools.kept_rate(by_state) for partner_id, by_state in counts.items()}
        return promises, kept_rates

    @api.model
    def _actual_cash(self, companies, date_from, weeks=forecast_tools.WEEKS):
        """Cash really received from ``date_from`` on, per week, on the items open at the start of that day.

        Payments count (reconciliations with anything but a credit note), on the day of the reconciliation.

        :return: ``{company_id: [amount per week]}``
        """
        query = SQL(
            """
            SELECT line.company_id, part.max_date, SUM(part.amount)
              FROM account_partial_reconcile part
              JOIN account_move_line line ON line.id = part.debit_move_id
              JOIN account_move_line counterpart ON counterpart.id = part.credit_move_id
              JOIN account_move counter_move ON counter_move.id = counterpart.move_id
             WHERE %(receivable)s AND line.date < %(date_from)s
               AND part.max_date >= %(date_from)s AND part.max_date < %(date_to)s
               AND counter_move.move_type != 'out_refund'
          GROUP BY line.company_id, part.max_date
            """,
            receivable=self._receivable_sql(companies),
            date_from=date_from,
            date_to=date_from + timedelta(days=forecast_tools.DAYS_PER_WEEK * weeks),
        )
        self.env.flush_all()
        actual = {company_id: [0.0] * weeks for company_id in companies.ids}
        for company_id, pay_date, amount in self.env.execute_query(query):
            actual[company_id][forecast_tools.week_index(pay_date, date_from, weeks)] += amount
        return actual

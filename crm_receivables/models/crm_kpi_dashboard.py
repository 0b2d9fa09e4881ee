from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import kpi as kpi_tools
from ..tools import promise as promise_tools

# days after a follow-up communication in which a payment counts as its answer
ANSWER_DAYS = 7


class CrmKpiDashboard(models.TransientModel):
    """The receivables manager's one-minute dashboard: collection KPIs of a period, per collector and per
    follow-up channel and level, computed on open (a transient record) and mailed weekly (:meth:`_cron_digest`).

    The figures come from :meth:`_kpi_figures` (a constant number of grouped queries, the formulas in
    :mod:`..tools.kpi`); :meth:`get_kpi_figures` serves them read-only over RPC.
    """

    _name = "crm.kpi.dashboard"
    _description = "Receivables Dashboard"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True,
                            default=lambda self: fields.Date.context_today(self) - timedelta(days=29))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    answer_days = fields.Integer(string="Answer Window (days)", required=True, default=ANSWER_DAYS,
                                 help="A payment within this many days after a communication counts as its answer.")
    amount_recovered = fields.Monetary(string="Recovered", readonly=True,
                                       help="Payments received on receivables in the period.")
    amount_open = fields.Monetary(string="Open Receivables", readonly=True, help="Today.")
    amount_overdue = fields.Monetary(string="Overdue", readonly=True, help="Today.")
    overdue_share = fields.Float(string="Overdue Share (%)", readonly=True, digits=(16, 1))
    dso = fields.Float(string="DSO (days)", readonly=True, digits=(16, 1),
                       help="Days sales outstanding: open receivables / invoiced sales of the period × its days.")
    kept_rate = fields.Float(string="Promise Kept Rate (%)", readonly=True, digits=(16, 1),
                             help="Promises judged in the period; a partially kept one counts half.")
    promises_judged = fields.Integer(readonly=True)
    days_to_payment = fields.Float(string="Days from First Reminder to Payment", readonly=True, digits=(16, 1),
                                   help="Amount-weighted, over the items paid in the period after a reminder.")
    selfservice_reminders = fields.Integer(string="Reminders Sent", readonly=True,
                                           help="Follow-up e-mails and SMS sent in the period (they carry the link).")
    selfservice_answered = fields.Integer(string="Answered on the Page", readonly=True,
                                          help="Reminders whose personal link led to an answer of the customer.")
    selfservice_share = fields.Float(string="Answered by Self-service (%)", readonly=True, digits=(16, 1))
    collector_line_ids = fields.One2many("crm.kpi.dashboard.collector", "dashboard_id", string="Collectors",
                                         readonly=True)
    channel_line_ids = fields.One2many("crm.kpi.dashboard.channel", "dashboard_id", string="Channels and Levels",
                                       readonly=True)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Receivables Dashboard")

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Compute the figures as soon as the dashboard is opened."""
        dashboards = super().create(vals_list)
        dashboards._refresh()
        return dashboards

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_refresh(self):
        """Recompute the figures for the period on screen."""
        self._refresh()
        return True

    @api.model
    def action_open(self):
        """Menu entry: a fresh dashboard of the last 30 days of the current company."""
        dashboard = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Receivables Dashboard"),
            "res_model": self._name,
            "res_id": dashboard.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _refresh(self):
        for dashboard in self:
            if dashboard.date_from > dashboard.date_to:
                raise UserError(self.env._("The period of the dashboard ends before it starts."))
            figures = self._kpi_figures(
                dashboard.company_id, dashboard.date_from, dashboard.date_to, dashboard.answer_days,
            )
            total = figures["total"]
            selfservice = self.env["crm.selfservice.token"]._answer_share(
                dashboard.date_from, dashboard.date_to, dashboard.company_id,
            )
            dashboard.collector_line_ids.unlink()
            dashboard.channel_line_ids.unlink()
            dashboard.write({
                **{field: total[field] or 0.0 for field in (
                    "amount_recovered", "amount_open", "amount_overdue", "overdue_share", "dso", "kept_rate",
                    "days_to_payment",
                )},
                "promises_judged": total["promises_judged"],
                "selfservice_reminders": selfservice["reminders"],
                "selfservice_answered": selfservice["answered"],
                "selfservice_share": selfservice["share"] or 0.0,
                "collector_line_ids": [
                    fields.Command.create({
                        "user_id": user_id or False,
                        **{field: row[field] or 0.0 for field in (
                            "amount_recovered", "amount_open", "amount_overdue", "overdue_share", "dso",
                            "kept_rate", "days_to_payment",
                        )},
                        "promises_judged": row["promises_judged"],
                    })
                    for user_id, row in figures["collectors"].items()
                ],
                "channel_line_ids": [
                    fields.Command.create({
                        "channel": row["channel"],
                        "level_id": row["level_id"],
                        "sent_count": row["sent"],
                        "paid_count": row["paid"],
                        "rate": row["rate"] or 0.0,
                    })
                    for row in figures["channels"]
                ],
            })

    @api.model
    @api.readonly
    def get_kpi_figures(self, date_from, date_to, answer_days=ANSWER_DAYS):
        """Read-only RPC entry (sent to the read replica when there is one): the KPIs of the current company.

        :param str date_from: first day of the period (ISO)
        :param str date_to: last day of the period (ISO)
        :return: the dict of :meth:`_kpi_figures`, user ids as keys of ``collectors``
        """
        return self._kpi_figures(
            self.env.company, fields.Date.to_date(date_from), fields.Date.to_date(date_to), int(answer_days),
        )

    @api.model
    def _kpi_figures(self, company, date_from, date_to, answer_days=ANSWER_DAYS):
        """KPIs of ``company`` over ``[date_from, date_to]``, in total and per collector.

        A constant number of queries, whatever the number of customers and collectors.

        :return: ``{"total": figures, "collectors": {user_id or None: figures}, "channels": [{"channel",
            "level_id", "sent", "paid", "rate"}]}``; figures are ``amount_recovered``, ``amount_open``,
            ``amount_overdue``, ``overdue_share``, ``dso``, ``kept_rate``, ``promises_judged``,
            ``days_to_payment`` (``None`` when not computable)
        """
        self.env.flush_all()
        collector = self.env["crm.aging.report"]._collector_sql()
        days = (date_to - date_from).days + 1
        sums = defaultdict(lambda: defaultdict(float))
        # open and overdue receivables today, per collector
        for user, open_amount, overdue in self.env["crm.aging.report"].sudo()._read_group(
            [("company_id", "=", company.id)], ["collector_id"], ["amount_residual:sum", "amount_overdue:sum"],
        ):
            sums[user.id or None]["open"] += open_amount
            sums[user.id or None]["overdue"] += overdue
        # recovered: payments reconciled with receivables in the period (credit notes are not cash)
        for user_id, amount in self.env.execute_query(SQL(
            """
            SELECT %(collector)s, SUM(part.amount)
              FROM account_partial_reconcile part
              JOIN account_move_line line ON line.id = part.debit_move_id
              JOIN account_move_line counterpart ON counterpart.id = part.credit_move_id
              JOIN account_move counter_move ON counter_move.id = counterpart.move_id
              JOIN res_partner partner ON partner.id = line.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
             WHERE line.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')
               AND line.company_id = %(company)s
               AND part.max_date BETWEEN %(date_from)s AND %(date_to)s
               AND counter_move.move_type != 'out_refund'
          GROUP BY 1
            """,
            collector=collector, company=company.id, date_from=date_from, date_to=date_to,
        )):
            sums[user_id]["recovered"] += amount
        # invoiced sales of the period (receivable side of invoices less credit notes), for the DSO
        for user_id, amount in self.env.execute_query(SQL(
            """
            SELECT %(collector)s, SUM(line.balance)
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN res_partner partner ON partner.id = line.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
             WHERE line.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')
               AND line.parent_state = 'posted'
               AND line.company_id = %(company)s AND move.move_type IN ('out_invoice', 'out_refund')
               AND line.date BETWEEN %(date_from)s AND %(date_to)s
          GROUP BY 1
            """,
            collector=collector, company=company.id, date_from=date_from, date_to=date_to,
        )):
            sums[user_id]["sales"] += amount
        # promises judged in the period, per collector who took them
        promise_counts = defaultdict(lambda: defaultdict(int))
        for user, state, count in self.env["crm.payment.promise"].sudo()._read_group(
            [("company_id", "=", company.id), ("date_judged", ">=", date_from), ("date_judged", "<=", date_to),
             ("state", "in", ("kept", "partial", "broken"))],
            ["user_id", "state"], ["__count"],
        ):
            promise_counts[user.id or None][state] += count
        # days from the first reminder to the payment of the items paid in the period
        delays = defaultdict(list)
        for user_id, delay, amount in self.env.execute_query(SQL(
            """
            SELECT %(collector)s, paid.paid_date - reminded.first_sent::date, line.balance
              FROM account_move_line line
              JOIN res_partner partner ON partner.id = line.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
              JOIN (SELECT part.debit_move_id AS line_id, MAX(part.max_date) AS paid_date
                      FROM account_partial_reconcile part
                  GROUP BY part.debit_move_id) paid ON paid.line_id = line.id
              JOIN (%(reminded)s) reminded ON reminded.move_line_id = line.id
             WHERE line.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')
               AND line.company_id = %(company)s
               AND line.reconciled AND line.balance > 0
               AND paid.paid_date BETWEEN %(date_from)s AND %(date_to)s
               AND reminded.first_sent::date <= paid.paid_date
            """,
            collector=collector, reminded=self._first_reminder_sql(company),
            company=company.id, date_from=date_from, date_to=date_to,
        )):
            delays[user_id].append((delay, amount))
            delays["total"].append((delay, amount))

        def figures(amounts, counts, delay_pairs):
            return {
                "amount_recovered": amounts["recovered"],
                "amount_open": amounts["open"],
                "amount_overdue": amounts["overdue"],
                "overdue_share": kpi_tools.share(amounts["overdue"], amounts["open"]),
                "dso": kpi_tools.dso(amounts["open"], amounts["sales"], days),
                "kept_rate": promise_tools.kept_rate(counts),
                "promises_judged": sum(counts.values()),
                "days_to_payment": kpi_tools.weighted_average_days(delay_pairs),
            }

        total_sums = defaultdict(float)
        total_counts = defaultdict(int)
        for amounts in sums.values():
            for key, value in amounts.items():
                total_sums[key] += value
        for counts in promise_counts.values():
            for key, value in counts.items():
                total_counts[key] += value
        collectors = {
            user_id: figures(sums[user_id], promise_counts[user_id], delays[user_id])
            for user_id in sorted(set(sums) | set(promise_counts) | (set(delays) - {"total"}),
                                  key=lambda uid: uid or 0)
        }
        return {
            "total": figures(total_sums, total_counts, delays["total"]),
            "collectors": collectors,
            "channels": self._channel_figures(company, date_from, date_to, answer_days),
        }

    @api.model
    def _first_reminder_sql(self, company):
        """Sub-query ``(move_line_id, first_sent)``: first follow-up communication sent about each receivable
        item (an entry with several items, e.g. instalments, has one first reminder per item)."""
        return SQL(
            """
            SELECT fl.move_line_id, MIN(message.date_sent) AS first_sent
              FROM crm_followup_line fl
              JOIN crm_followup_message message ON message.id = fl.message_id
             WHERE message.state = 'sent' AND message.date_sent IS NOT NULL AND message.company_id = %s
          GROUP BY fl.move_line_id
            """,
            company.id,
        )

    @api.model
    def _channel_figures(self, company, date_from, date_to, answer_days):
        """Per channel and level: communications sent in the period and those answered by a payment of one of
        their receivable items (each item with the date it was fully paid, not its entry's).

        :return: a list of ``{"channel", "level_id", "sent", "paid", "rate"}`` sorted by channel and level
        """
        rows = self.env.execute_query(SQL(
            """
            SELECT message.id, message.channel, message.level_id, message.date_sent::date,
                   ARRAY_AGG(paid.paid_date)
              FROM crm_followup_message message
              JOIN crm_followup_line fl ON fl.message_id = message.id
         LEFT JOIN (SELECT line.id AS line_id, MAX(part.max_date) AS paid_date
                      FROM account_move_line line
                      JOIN account_partial_reconcile part ON part.debit_move_id = line.id
                     WHERE line.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')
                       AND line.reconciled
                  GROUP BY line.id) paid ON paid.line_id = fl.move_line_id
             WHERE message.state = 'sent' AND message.company_id = %(company)s
               AND message.date_sent::date BETWEEN %(date_from)s AND %(date_to)s
          GROUP BY message.id
            """,
            company=company.id, date_from=date_from, date_to=date_to,
        ))
        stats = kpi_tools.channel_effectiveness(
            [(channel, level_id, sent, paid_dates) for _id, channel, level_id, sent, paid_dates in rows],
            answer_days,
        )
        return [
            {"channel": channel, "level_id": level_id, **row}
            for (channel, level_id), row in sorted(stats.items(), key=lambda item: (item[0][0] or "", item[0][1]))
        ]

    @api.model
    def _cron_digest(self):
        """Weekly: mail the dashboard of the last 7 days to the receivables managers of each company."""
        template = self.env.ref("crm_receivables.mail_template_crm_kpi_digest", raise_if_not_found=False)
        if not template:
            return False
        managers_group = self.env.ref("crm_receivables.crm_receivables_group_manager")
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].sudo().search([("id", "!=", False)])
        for company in companies:
            managers = managers_group.sudo().users.filtered(
                lambda user, company=company: company in user.company_ids and user.email and not user.share
            )
            if not managers:
                continue
            dashboard = self.sudo().with_company(company).create({
                "company_id": company.id, "date_from": today - timedelta(days=6), "date_to": today,
            })
            template.sudo().send_mail(
                dashboard.id, email_values={"recipient_ids": [(6, 0, managers.partner_id.ids)]},
            )
        # one pass over the companies (a handful): all done in one call
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)
        return True


class CrmKpiDashboardCollector(models.TransientModel):
    _name = "crm.kpi.dashboard.collector"
    _description = "Receivables Dashboard: Collector"
    _order = "amount_overdue desc"

    dashboard_id = fields.Many2one("crm.kpi.dashboard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector")
    amount_recovered = fields.Monetary(string="Recovered")
    amount_open = fields.Monetary(string="Open")
    amount_overdue = fields.Monetary(string="Overdue")
    overdue_share = fields.Float(string="Overdue Share (%)", digits=(16, 1))
    dso = fields.Float(string="DSO (days)", digits=(16, 1))
    kept_rate = fields.Float(string="Kept Rate (%)", digits=(16, 1))
    promises_judged = fields.Integer()
    days_to_payment = fields.Float(string="Reminder to Payment (days)", digits=(16, 1))


class CrmKpiDashboardChannel(models.TransientModel):
    _name = "crm.kpi.dashboard.channel"
    _description = "Receivables Dashboard: Channel and Level"
    _order = "channel, level_id"

    dashboard_id = fields.Many2one("crm.kpi.dashboard", required=True, ondelete="cascade")
    channel = fields.Selection(selection="_selection_channel")
    channel_label = fields.Char(string="Channel Name", compute="_compute_channel_label")
    level_id = fields.Many2one("crm.followup.level")
    sent_count = fields.Integer(string="Sent")
    paid_count = fields.Integer(string="Paid After")
    rate = fields.Float(string="Answered by Payment (%)", digits=(16, 1))

    @api.model
    def _selection_channel(self):
        return self.env["crm.followup.message"]._followup_channel_selection()

    @api.depends("channel")
    def _compute_channel_label(self):
        labels = dict(self._fields["channel"]._description_selection(self.env))
        for line in self:
            line.channel_label = labels.get(line.channel, "")

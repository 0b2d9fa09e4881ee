from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import MailCase

from ..tools import aging as aging_tools


@tagged("post_install", "-at_install")
class TestReceivablesReports(AccountTestInvoicingCommon, MailCase):
    """Aging, cash-in forecast and back-test, KPIs and digest on real invoices, payments and credit notes of a
    fresh company (nothing else in it), so every figure is known."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company = cls.env.company
        manager_group = cls.env.ref("crm_receivables.crm_receivables_group_manager")
        cls.env.user.groups_id |= manager_group
        cls.collector_1 = new_test_user(cls.env, login="wb2_collector_1", company_id=cls.company.id,
                                        groups="crm_receivables.crm_receivables_group_user")
        cls.collector_2 = new_test_user(cls.env, login="wb2_collector_2", company_id=cls.company.id,
                                        groups="crm_receivables.crm_receivables_group_user")
        cls.manager = new_test_user(cls.env, login="wb2_manager", company_id=cls.company.id,
                                    email="wb2.manager@example.com",
                                    groups="crm_receivables.crm_receivables_group_manager")
        # C: a customer with items in every bucket, a partial payment and two credit notes
        cls.cust_c = cls._customer("ООО «Сигма»", cls.collector_2)
        c_45 = cls._invoice(cls.cust_c, 1000.0, due=-45, date=-75)
        cls._pay(c_45, 400.0, -10)                               # 600 left, 31-60
        c_5 = cls._invoice(cls.cust_c, 300.0, due=-5, date=-35)
        refund = cls._invoice(cls.cust_c, 100.0, due=-4, date=-4, move_type="out_refund")
        (c_5 + refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()  # 200, 1-30
        cls._invoice(cls.cust_c, 700.0, due=10, date=-20)       # not due
        cls._invoice(cls.cust_c, 800.0, due=-100, date=-130)    # 90+
        cls._invoice(cls.cust_c, 50.0, due=-3, date=-3, move_type="out_refund")  # open credit, 1-30
        # E and F: paid after a follow-up communication
        cls.cust_e = cls._customer("АО «Эпсилон»", cls.collector_1)
        cls.cust_f = cls._customer("ИП Фомин", cls.collector_1)
        inv_e = cls._invoice(cls.cust_e, 1000.0, due=-20, date=-50)
        inv_f = cls._invoice(cls.cust_f, 800.0, due=-12, date=-40)
        policy = cls.env["crm.followup.policy"].create({"name": "Test policy", "company_id": cls.company.id})
        cls.level = cls.env["crm.followup.level"].create({"name": "Напоминание", "policy_id": policy.id,
                                                          "delay": 1})
        cls._sent_message(cls.cust_e, inv_e, "sms", -15)
        cls._sent_message(cls.cust_f, inv_f, "email", -8)
        cls._pay(inv_e, 1000.0, -5)
        cls._pay(inv_f, 800.0, -3)
        # promises of C judged in the last 30 days: kept, partial, broken → kept rate 50 %
        for state in ("kept", "partial", "broken"):
            promise = cls.env["crm.payment.promise"].create({
                "partner_id": cls.cust_c.id, "amount": 100.0, "company_id": cls.company.id,
                "currency_id": cls.company.currency_id.id, "user_id": cls.collector_2.id,
                "date_made": cls.today + timedelta(days=1), "promised_date": cls.today + timedelta(days=5),
            })
            promise.write({"state": state, "date_judged": cls.today - timedelta(days=5)})

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @classmethod
    def _customer(cls, name, user=None, company=None):
        return cls.env["res.partner"].create({"name": name, "is_company": True,
                                              "user_id": user.id if user else False})

    @classmethod
    def _invoice(cls, partner, amount, due, date, move_type="out_invoice", company=None):
        company = company or cls.company
        move = cls.env["account.move"].with_company(company).create({
            "move_type": move_type,
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_date": cls.today + timedelta(days=date),
            "date": cls.today + timedelta(days=date),
            "invoice_date_due": cls.today + timedelta(days=due),
            "invoice_line_ids": [(0, 0, {"name": "Услуги", "quantity": 1, "price_unit": amount, "tax_ids": []})],
        })
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, date):
        return cls.env["account.payment.register"].with_company(invoice.company_id).with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"amount": amount, "payment_date": cls.today + timedelta(days=date)})._create_payments()

    @classmethod
    def _sent_message(cls, partner, invoice, channel, days):
        message = cls.env["crm.followup.message"].create({
            "partner_id": partner.id, "company_id": cls.company.id, "level_id": cls.level.id, "channel": channel,
            "state": "sent",
        })
        message.date_sent = datetime.combine(cls.today + timedelta(days=days), time(12, 0))
        cls.env["crm.followup.line"].create({
            "move_line_id": invoice._crm_get_receivable_items()[:1].id, "level_id": cls.level.id,
            "message_id": message.id, "partner_id": partner.id,
            "company_id": cls.company.id, "date": cls.today + timedelta(days=days),
            "amount_residual": invoice.amount_residual,
        })
        return message

    def _count_queries(self, method):
        start = self.env.cr.sql_log_count
        method()
        return self.env.cr.sql_log_count - start

    # ------------------------------------------------------------
    # AGING
    # ------------------------------------------------------------

    def test_aging_equals_direct_sums_of_journal_items(self):
        Report = self.env["crm.aging.report"]
        # the report, by customer and bucket
        report = defaultdict(float)
        for partner, bucket, amount in Report._read_group(
            [("company_id", "=", self.company.id)], ["partner_id", "bucket"], ["amount_residual:sum"],
        ):
            report[(partner.id, bucket)] += amount
        # direct computation from the journal items
        lines = self.env["account.move.line"].search([
            ("company_id", "=", self.company.id), ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"), ("reconciled", "=", False), ("amount_residual", "!=", 0),
        ])
        direct = defaultdict(float)
        for line in lines:
            days = aging_tools.days_overdue(line.date_maturity or line.date, self.today)
            direct[(line.partner_id.commercial_partner_id.id, aging_tools.bucket(days))] += line.amount_residual
        self.assertEqual(set(report), set(direct))
        for key, amount in direct.items():
            self.assertAlmostEqual(report[key], amount, places=2, msg=key)
        # and the known figures of customer C
        self.assertEqual(
            {bucket: round(report[(self.cust_c.id, bucket)], 2) for bucket, *_rest in aging_tools.BUCKETS},
            {aging_tools.NOT_DUE: 700.0, aging_tools.D1_30: 150.0, aging_tools.D31_60: 600.0,
             aging_tools.D61_90: 0.0, aging_tools.D90_PLUS: 800.0},
        )
        # bucket columns, collector and salesperson
        rows = Report.search([("partner_id", "=", self.cust_c.id)])
        self.assertAlmostEqual(sum(rows.mapped("amount_90_plus")), 800.0)
        self.assertAlmostEqual(sum(rows.mapped("amount_overdue")), 1550.0)
        self.assertEqual(rows.collector_id, self.collector_2, "the salesperson until a collector is set")
        self.assertEqual(rows.user_id, self.collector_2)
        self.assertFalse(Report.search([("partner_id", "in", (self.cust_e | self.cust_f).ids)]),
                         "paid items are not open")

    def test_aging_is_company_scoped(self):
        """A user of another company does not see the items of this one."""
        other = self.setup_other_company(name="wb2 other company")["company"]
        user = new_test_user(self.env, login="wb2_other_user", company_id=other.id, company_ids=other.ids,
                             groups="crm_receivables.crm_receivables_group_manager")
        self.assertFalse(self.env["crm.aging.report"].with_user(user).search([("partner_id", "=", self.cust_c.id)]))
        self.assertTrue(self.env["crm.aging.report"].with_user(self.collector_2).search(
            [("partner_id", "=", self.cust_c.id)]))

    # ------------------------------------------------------------
    # FORECAST
    # ------------------------------------------------------------

    def test_forecast_rebuild_known_history_and_promises(self):
        Forecast = self.env["crm.cashin.forecast"]
        cust_g = self._customer("ООО «Гамма»")
        for due in (-200, -170, -140):                        # always paid 14 days late
            self._pay(self._invoice(cust_g, 500.0, due=due, date=due - 30), 500.0, due + 14)
        self._invoice(cust_g, 1000.0, due=7, date=-23)        # expected 21 days from today: week 4
        for state in ("kept", "kept", "kept", "broken"):       # kept rate 75 %
            promise = Forecast.env["crm.payment.promise"].create({
                "partner_id": cust_g.id, "amount": 10.0, "company_id": self.company.id,
                "currency_id": self.company.currency_id.id,
                "date_made": self.today, "promised_date": self.today + timedelta(days=10),
            })
            promise.write({"state": state, "date_judged": self.today - timedelta(days=30)})
        self.env["crm.payment.promise"].create({              # 400 × 75 % on day 2: week 1
            "partner_id": cust_g.id, "amount": 400.0, "company_id": self.company.id,
            "currency_id": self.company.currency_id.id,
            "date_made": self.today - timedelta(days=1), "promised_date": self.today + timedelta(days=2),
        })
        Forecast._rebuild(self.company)
        rows = Forecast.search([("partner_id", "=", cust_g.id)])
        self.assertEqual(
            {row.week: (round(row.amount, 2), round(row.amount_promised, 2)) for row in rows},
            {1: (300.0, 300.0), 4: (700.0, 0.0)},
        )
        self.assertEqual(rows.filtered(lambda r: r.week == 4).date_week, self.today + timedelta(days=21))
        # C has no history of its own: the company's distribution is used, and nothing is expected twice
        total_c = sum(Forecast.search([("partner_id", "=", self.cust_c.id)]).mapped("amount"))
        self.assertLessEqual(total_c, 2300.0 + 0.01)
        # rebuilding replaces the rows
        Forecast._rebuild(self.company)
        self.assertEqual(len(Forecast.search([("partner_id", "=", cust_g.id)])), 2)

    def test_forecast_report_equals_the_weekly_rows_of_the_engine(self):
        """The set-based rebuild shows exactly the rows the former ORM rebuild wrote from the same engine.

        Crafted history: a customer with its own distribution and open promises (one in another currency),
        customers on the company's distribution, a fully promised customer, an item late beyond any history.
        The expected rows are built from :meth:`_forecast` as the former ``_rebuild`` did (one row per week
        whose amount is not zero in the company currency, amounts rounded by the currency).
        """
        Forecast = self.env["crm.cashin.forecast"]
        currency = self.company.currency_id
        cust_g = self._customer("ООО «Гамма»")
        for due, late in ((-200, 3), (-170, 17), (-140, 40)):
            self._pay(self._invoice(cust_g, 333.33, due=due, date=due - 30), 333.33, due + late)
        self._invoice(cust_g, 1234.56, due=-2, date=-32)
        self._invoice(cust_g, 99.99, due=12, date=-18)
        cust_h = self._customer("ООО «Хи»")
        self._invoice(cust_h, 500.0, due=-300, date=-330)     # later than any history: nothing expected
        self._invoice(cust_h, 70.07, due=4, date=-26)
        cust_p = self._customer("ООО «Пи»")
        self._invoice(cust_p, 200.0, due=-1, date=-31)
        usd = self.env.ref("base.USD")
        other = usd if currency != usd else self.env.ref("base.EUR")
        other.active = True
        self.env["res.currency.rate"].create({"currency_id": other.id, "company_id": self.company.id,
                                             "name": self.today - timedelta(days=10), "rate": 0.5})
        promise_values = [(cust_g, 300.0, currency, 9), (cust_g, 100.0, other, 30), (cust_p, 500.0, currency, 1)]
        for partner, amount, promise_currency, days in promise_values:
            self.env["crm.payment.promise"].create({
                "partner_id": partner.id, "amount": amount, "company_id": self.company.id,
                "currency_id": promise_currency.id, "date_made": self.today - timedelta(days=1),
                "promised_date": self.today + timedelta(days=days),
            })
        expected = set()
        for (company_id, partner_id), result in Forecast._forecast(self.company, self.today).items():
            for index, amount in enumerate(result["weeks"]):
                if currency.is_zero(amount):
                    continue
                promised = result["promise_weeks"][index]
                expected.add((company_id, partner_id, index + 1, self.today + timedelta(days=7 * index),
                              currency.round(amount), currency.round(promised), currency.round(amount - promised)))
        self.assertGreater(len(expected), 10)
        self.assertIn(cust_p.id, {row[1] for row in expected}, "the fully promised customer is forecast")
        Forecast._rebuild(self.company)
        rows = Forecast.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(rows), len(expected))
        self.assertEqual(rows.currency_id, currency)
        self.assertEqual(
            {(row.company_id.id, row.partner_id.id, row.week, row.date_week, currency.round(row.amount),
              currency.round(row.amount_promised), currency.round(row.amount_items)) for row in rows},
            expected,
        )
        self.assertEqual(set(rows.mapped("date_forecast")), {self.today})
        # the pivot's total is the engine's total
        total = Forecast._read_group([("company_id", "=", self.company.id)], [], ["amount:sum"])[0][0]
        self.assertAlmostEqual(total, sum(row[4] for row in expected), places=2)
        # a company's rebuild replaces its own rows only
        other_company = self.env["res.company"].create({"name": "Другая компания"})
        kept = self.env["crm.cashin.forecast.customer"].create({
            "date_forecast": self.today, "company_id": other_company.id, "partner_id": cust_h.id,
            "amounts": [10.0, 0.0, 2.5], "amounts_promised": [0.0, 0.0, 2.5],
        })
        Forecast._rebuild(self.company)
        self.assertTrue(kept.exists())
        self.assertEqual(len(Forecast.search([("company_id", "=", self.company.id)])), len(expected))
        other_rows = Forecast.sudo().search([("company_id", "=", other_company.id)])
        self.assertEqual([(row.week, row.amount, row.amount_promised, row.amount_items) for row in other_rows],
                         [(1, 10.0, 0.0, 10.0), (3, 2.5, 2.5, 0.0)], "weeks without an amount are left out")

    def test_forecast_rebuild_button_is_for_managers(self):
        """The rows are written in SQL: the button checks the right itself."""
        self._invoice(self.cust_e, 100.0, due=3, date=-27)
        with self.assertRaises(AccessError):
            self.env["crm.cashin.forecast"].with_user(self.collector_1).action_rebuild()
        self.assertFalse(self.env["crm.cashin.forecast.customer"].sudo().search_count(
            [("partner_id", "=", self.cust_e.id)]), "the refused rebuild wrote nothing")
        action = self.env["crm.cashin.forecast"].with_user(self.manager).action_rebuild()
        self.assertEqual(action["res_model"], "crm.cashin.forecast")
        self.assertTrue(self.env["crm.cashin.forecast"].with_user(self.collector_1).search(
            [("partner_id", "=", self.cust_e.id)]), "collectors read the forecast")

    def test_forecast_rebuild_query_count_does_not_grow_with_customers(self):
        Forecast = self.env["crm.cashin.forecast"]

        def add_customers(count):
            for index in range(count):
                self._invoice(self._customer(f"Клиент {index}"), 100.0 + index, due=index, date=-10)

        add_customers(3)
        Forecast._rebuild(self.company)      # warm the caches
        self.env.invalidate_all()
        queries = self._count_queries(lambda: Forecast._rebuild(self.company))
        add_customers(6)
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            Forecast._rebuild(self.company)

    def test_backtest_on_known_history(self):
        """Forecast as of 12 weeks ago from what was known then, against what was paid since."""
        company_2 = self.setup_other_company(name="wb2 backtest company")["company"]
        as_of = -84
        cust_a = self._customer("ООО «Альфа»")
        cust_b = self._customer("ООО «Бета»")
        for due in (-100, -80, -60):                 # history: A always pays 14 days late
            inv = self._invoice(cust_a, 1000.0, due=as_of + due, date=as_of + due - 30, company=company_2)
            self._pay(inv, 1000.0, as_of + due + 14)
        # open at the forecast date: A due in a week (paid 14 days late, as forecast: week 3)
        inv_a = self._invoice(cust_a, 1000.0, due=as_of + 7, date=as_of - 23, company=company_2)
        self._pay(inv_a, 1000.0, as_of + 21)
        # B has no history (A's distribution is the company's): forecast in week 4, paid in week 5
        inv_b = self._invoice(cust_b, 500.0, due=as_of + 14, date=as_of - 16, company=company_2)
        self._pay(inv_b, 500.0, as_of + 35)
        result = self.env["crm.cashin.backtest"]._backtest(company_2, self.today + timedelta(days=as_of), 12)
        forecast = [round(row["forecast"], 2) for row in result["rows"]]
        actual = [round(row["actual"], 2) for row in result["rows"]]
        self.assertEqual(forecast, [0, 0, 0, 1000.0, 500.0] + [0] * 7)
        self.assertEqual(actual, [0, 0, 0, 1000.0, 0, 500.0] + [0] * 6)
        self.assertAlmostEqual(result["mae"], 1000.0 / 12)
        self.assertAlmostEqual(result["wape"], 100.0 * 1000.0 / 1500.0)
        self.assertAlmostEqual(result["bias"], 0.0)
        # through the wizard
        wizard = self.env["crm.cashin.backtest"].create({
            "company_id": company_2.id, "date_from": self.today + timedelta(days=as_of), "weeks": 12,
        })
        wizard.action_run()
        self.assertEqual(len(wizard.line_ids), 12)
        self.assertAlmostEqual(wizard.wape, 66.7, places=1)
        self.assertAlmostEqual(wizard.total_actual, 1500.0)
        self.assertAlmostEqual(wizard.line_ids.filtered(lambda line: line.week == 5).error, 500.0)

    # ------------------------------------------------------------
    # KPI AND DIGEST
    # ------------------------------------------------------------

    def test_kpi_figures_on_crafted_data(self):
        dashboard = self.env["crm.kpi.dashboard"].create({"company_id": self.company.id})
        self.assertEqual(dashboard.date_to - dashboard.date_from, timedelta(days=29))
        self.assertAlmostEqual(dashboard.amount_recovered, 2200.0, msg="400 + 1000 + 800; credit notes are not cash")
        self.assertAlmostEqual(dashboard.amount_open, 2250.0)
        self.assertAlmostEqual(dashboard.amount_overdue, 1550.0)
        self.assertAlmostEqual(dashboard.overdue_share, 68.9)
        self.assertAlmostEqual(dashboard.dso, 122.7, msg="2250 / (700 - 100 - 50) × 30 days")
        self.assertAlmostEqual(dashboard.kept_rate, 50.0)
        self.assertEqual(dashboard.promises_judged, 3)
        self.assertAlmostEqual(dashboard.days_to_payment, 7.8, msg="(10 days × 1000 + 5 days × 800) / 1800")
        by_user = {line.user_id: line for line in dashboard.collector_line_ids}
        self.assertAlmostEqual(by_user[self.collector_1].amount_recovered, 1800.0)
        self.assertAlmostEqual(by_user[self.collector_1].days_to_payment, 7.8)
        self.assertAlmostEqual(by_user[self.collector_2].amount_recovered, 400.0)
        self.assertAlmostEqual(by_user[self.collector_2].amount_overdue, 1550.0)
        self.assertAlmostEqual(by_user[self.collector_2].kept_rate, 50.0)
        channels = {(line.channel, line.level_id): line for line in dashboard.channel_line_ids}
        self.assertEqual((channels[("email", self.level)].sent_count, channels[("email", self.level)].rate),
                         (1, 100.0), "paid 5 days after the e-mail")
        self.assertEqual((channels[("sms", self.level)].sent_count, channels[("sms", self.level)].rate),
                         (1, 0.0), "paid 10 days after the SMS: not within 7 days")
        dashboard.write({"answer_days": 10})
        dashboard.action_refresh()
        self.assertEqual(dashboard.channel_line_ids.filtered(lambda line: line.channel == "sms").rate, 100.0)
        # the read-only RPC entry gives the same figures
        figures = self.env["crm.kpi.dashboard"].get_kpi_figures(
            str(dashboard.date_from), str(dashboard.date_to))
        self.assertAlmostEqual(figures["total"]["amount_recovered"], 2200.0)
        self.assertTrue(getattr(type(self.env["crm.kpi.dashboard"]).get_kpi_figures, "_readonly", False))

    def test_kpi_query_count_does_not_grow_with_customers(self):
        Dashboard = self.env["crm.kpi.dashboard"]
        period = (self.today - timedelta(days=29), self.today)
        Dashboard._kpi_figures(self.company, *period)
        self.env.invalidate_all()
        queries = self._count_queries(lambda: Dashboard._kpi_figures(self.company, *period))
        for index in range(5):
            customer = self._customer(f"Плательщик {index}", self.collector_1 if index % 2 else None)
            self._pay(self._invoice(customer, 100.0, due=-10, date=-20), 100.0, -2)
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            Dashboard._kpi_figures(self.company, *period)

    def test_weekly_digest_mailed_to_managers(self):
        managers = self.env["res.users"].search([
            ("groups_id", "in", self.env.ref("crm_receivables.crm_receivables_group_manager").ids),
            ("company_ids", "in", self.company.ids), ("email", "!=", False), ("share", "=", False),
        ])
        self.assertIn(self.manager, managers)
        with self.mock_mail_gateway():
            self.env["crm.kpi.dashboard"]._cron_digest()
            mails = self._new_mails.filtered(lambda m: self.company.name in (m.subject or ""))
            self.assertEqual(len(mails), 1)
            self.assertEqual(mails.recipient_ids, managers.partner_id)
            body = mails.body_html
            # the figures of the last 7 days: the payments of 5 and 3 days ago, the open and overdue amounts
            self.assertIn(format_amount(self.env, 1800.0, self.company.currency_id), body)
            self.assertIn(format_amount(self.env, 2250.0, self.company.currency_id), body)
            self.assertIn(format_amount(self.env, 1550.0, self.company.currency_id), body)
            self.assertIn(self.collector_1.name, body)
            mails.send()
        self.assertEqual(mails.state, "sent")
        self.assertEqual(
            sorted(self.env["res.partner"].browse(mails.recipient_ids.ids).mapped("email")),
            sorted(set(managers.mapped("email"))),
        )
        self.assertTrue(any(self.manager.email in str(mail["email_to"]) for mail in self._mails))

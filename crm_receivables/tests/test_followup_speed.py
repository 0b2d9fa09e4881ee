"""Speed of a full follow-up run (issue 15): the queries of a run do not grow with the number of customers.

A run selects the items, decides their levels, inserts the lines, gathers one communication per customer,
renders it and sends it: e-mails and SMS queued, calls scheduled as activities, interactions logged. For
10 customers and for 40 the run makes exactly the same number of queries.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount

from odoo.addons.crm_receivables.models.crm_followup_engine import amount_formatter

from .test_followup import DUE, TestFollowupCommon

#: ceiling of the queries of one run over one batch of customers (measured: about 110)
QUERIES_RUN_MAX = 160


@tagged("post_install", "-at_install")
class TestFollowupSpeed(TestFollowupCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.counterpart = cls.company_data["default_account_revenue"]
        cls.journal_misc = cls.company_data["default_journal_misc"]

    def _customers(self, count, prefix):
        """``count`` customers: by e-mail, by SMS and by phone call in turn, two overdue documents each."""
        vals_list = []
        for i in range(count):
            vals = {"name": f"{prefix} {i}", "is_company": True, "lang": "en_US",
                    "street": "ул. Ленина, 1", "city": "Москва"}
            kind = i % 3
            if kind == 0:
                vals["email"] = f"{prefix.lower()}{i}@example.com"
            elif kind == 1:
                vals.update(mobile=f"+7916{1000000 + i}", crm_followup_channels="sms")
            else:
                vals.update(phone=f"+7495{1000000 + i}", crm_followup_channels="call")
            vals_list.append(vals)
        customers = self.env["res.partner"].create(vals_list)
        lines = [
            Command.create({"account_id": self.receivable.id, "partner_id": customer.id, "name": f"РН-{n}",
                            "debit": 600.0, "date_maturity": DUE - timedelta(days=n)})
            for customer in customers for n in range(2)
        ]
        lines.append(Command.create({"account_id": self.counterpart.id, "name": "Opening",
                                     "credit": 600.0 * 2 * count}))
        move = self.env["account.move"].create({"move_type": "entry", "journal_id": self.journal_misc.id,
                                                "date": DUE - timedelta(days=30), "line_ids": lines})
        move.action_post()
        return customers

    def test_queries_of_a_run_do_not_grow_with_customers(self):
        warm, ten, forty = self._customers(3, "Warm"), self._customers(10, "Ten"), self._customers(40, "Forty")
        # the calls go to two collectors other than the user running the follow-up: each is told once per run
        collectors = [new_test_user(self.env, login=f"speed_collector_{n}", email=f"speed{n}@example.com",
                                    groups="crm_receivables.crm_receivables_group_user") for n in range(2)]
        for customers in (warm, ten, forty):
            for n, customer in enumerate(customers.filtered(lambda c: c.crm_followup_channels == "call")):
                customer.crm_collector_id = collectors[n % 2]
        Engine = self.env["crm.followup.engine"]
        day = DUE + timedelta(days=3)
        with freeze_time(day):  # warm the registry caches (access rules, defaults, templates)
            Engine._run(partners=warm)
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        with freeze_time(day):
            result_ten = Engine._run(partners=ten)
        queries_ten = self.env.cr.sql_log_count - start
        self.assertLessEqual(queries_ten, QUERIES_RUN_MAX)
        self.env.invalidate_all()
        with freeze_time(day), self.assertQueryCount(queries_ten):
            result_forty = Engine._run(partners=forty)
        self.assertEqual(result_ten, {"customers": 10, "lines": 20, "sent": 10})
        self.assertEqual(result_forty, {"customers": 40, "lines": 80, "sent": 40})
        messages = self._messages(forty)
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(len(messages.filtered(lambda m: m.channel == "email").mail_id), 14, "e-mails queued")
        self.assertEqual(len(messages.filtered(lambda m: m.channel == "sms").sms_id), 13, "SMS queued")
        calls = messages.filtered(lambda m: m.channel == "call")
        self.assertEqual(len(calls), 13)
        self.assertEqual(len(self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "in", calls.partner_id.ids)])), 13, "calls scheduled")
        told = self.env["mail.message"].search([("message_type", "=", "user_notification"),
                                                ("subject", "in", ["Follow-up: 7 calls assigned to you",
                                                                   "Follow-up: 6 calls assigned to you"])])
        self.assertEqual(sorted(told.partner_ids.ids), sorted(c.partner_id.id for c in collectors))
        self.assertEqual(len(messages.interaction_id), 40, "one interaction per communication")
        self.assertTrue(all("/crm/selfservice/" in (m.body or "") for m in messages - calls),
                        "each text carries the customer's own self-service link")

    def test_decision_pass_queries_do_not_grow_with_customers(self):
        """Items, levels reached, policies, promises: the same queries for 10 customers and for 40."""
        ten, forty = self._customers(10, "Ten"), self._customers(40, "Forty")
        Engine = self.env["crm.followup.engine"]
        day = DUE + timedelta(days=3)
        with freeze_time(day):
            self.assertEqual(sum(len(v) for v in Engine._get_candidates(day, ten).values()), 20)  # warm caches
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            Engine._get_candidates(day, ten)
            queries_ten = self.env.cr.sql_log_count - start
            self.env.invalidate_all()
            with self.assertQueryCount(queries_ten):
                candidates = Engine._get_candidates(day, forty)
        self.assertEqual(sorted(candidates), sorted(forty.ids))
        self.assertEqual({len(entries) for entries in candidates.values()}, {2}, "both documents of each")

    def test_amounts_formatted_as_odoo_formats_them(self):
        """The batch formatter of amounts gives the text of ``odoo.tools.format_amount``."""
        self.env["res.lang"]._activate_lang("ru_RU")
        rub = self.env.ref("base.RUB")
        rub.active = True
        for lang in ("en_US", "ru_RU"):
            fmt = amount_formatter(self.env, lang)
            for currency in (self.env.company.currency_id, rub):
                for amount in (0.0, 5.5, -1234.567, 1234567.891, 1e9):
                    self.assertEqual(fmt(amount, currency), format_amount(self.env, amount, currency, lang),
                                     f"{amount} {currency.name} {lang}")

    def test_texts_are_escaped_without_a_second_sanitizing(self):
        """The rendered texts are stored as rendered (no sanitizing pass): what the customer's record holds is
        escaped by the template, never markup."""
        customer = self._customers(1, "Escape")
        customer.name = '<script>alert("x")</script> & <b>Co</b>'
        Engine = self.env["crm.followup.engine"]
        day = DUE + timedelta(days=3)
        with freeze_time(day):
            Engine._run(partners=customer)
        message = self._messages(customer)
        self.assertEqual(message.channel, "email")
        body = str(message.body)
        self.assertNotIn("<script", body)
        self.assertNotIn("<b>Co</b>", body)
        self.assertIn("&lt;script&gt;", body)
        self.assertIn("РН-0", body, "the documents are listed")
        self.assertIn(format_amount(self.env, 600.0, self.env.company.currency_id), body)
        self.assertIn("/crm/selfservice/", body)
        self.assertEqual(message.mail_id.body_html, message.body, "the e-mail carries the text as stored")

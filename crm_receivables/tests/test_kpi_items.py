from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestKpiPerReceivableItem(AccountTestInvoicingCommon):
    """"Days from the first reminder to payment" and the effectiveness of each channel and level are counted
    per receivable item: one invoice in two instalments, each reminded and paid at its own time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("crm_receivables.crm_receivables_group_manager")
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company = cls.env.company
        term = cls.env["account.payment.term"].create({
            "name": "50 % now, 50 % in 30 days",
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
            ],
        })
        cls.customer = cls.env["res.partner"].create({"name": "ООО «Рассрочка»", "is_company": True})
        cls.invoice = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.customer.id, "invoice_payment_term_id": term.id,
            "invoice_date": cls._day(-60), "date": cls._day(-60),
            "invoice_line_ids": [Command.create({"name": "Поставка", "quantity": 1, "price_unit": 1000.0,
                                                 "tax_ids": []})],
        })
        cls.invoice.action_post()
        cls.first, cls.second = cls.invoice._crm_get_receivable_items().sorted("date_maturity")
        policy = cls.env["crm.followup.policy"].create({"name": "Рассрочка", "company_id": cls.company.id})
        cls.level_1 = cls.env["crm.followup.level"].create({"name": "Мягко", "policy_id": policy.id, "delay": 1})
        cls.level_2 = cls.env["crm.followup.level"].create({"name": "Твёрдо", "policy_id": policy.id, "delay": 20})
        # the first instalment is reminded by e-mail on day -50 and paid 5 days later;
        # the second by SMS on day -25 and paid 15 days later
        cls._sent_message(cls.first, cls.level_1, "email", -50)
        cls._sent_message(cls.second, cls.level_2, "sms", -25)
        cls._pay(500.0, -45)
        cls._pay(500.0, -10)

    @classmethod
    def _day(cls, days):
        return cls.today + timedelta(days=days)

    @classmethod
    def _sent_message(cls, item, level, channel, days):
        message = cls.env["crm.followup.message"].create({
            "partner_id": cls.customer.id, "company_id": cls.company.id, "level_id": level.id,
            "channel": channel, "state": "sent",
        })
        message.date_sent = datetime.combine(cls._day(days), time(12, 0))
        cls.env["crm.followup.line"].create({
            "move_line_id": item.id, "level_id": level.id, "message_id": message.id,
            "partner_id": cls.customer.id, "company_id": cls.company.id, "date": cls._day(days),
            "amount_residual": item.amount_residual,
        })

    @classmethod
    def _pay(cls, amount, days):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoice.ids,
        ).create({"amount": amount, "payment_date": cls._day(days)})._create_payments()

    def test_instalments_counted_each_on_its_own(self):
        self.env.invalidate_all()
        self.assertEqual((self.first.amount_residual, self.second.amount_residual), (0.0, 0.0))
        self.assertTrue(self.first.reconciled and self.second.reconciled, "each instalment fully paid")
        self.assertEqual(
            [max(item.matched_credit_ids.mapped("max_date")) for item in (self.first, self.second)],
            [self._day(-45), self._day(-10)], "each instalment paid on its own day",
        )
        figures = self.env["crm.kpi.dashboard"].get_kpi_figures(str(self._day(-60)), str(self.today), 7)
        self.assertAlmostEqual(
            figures["total"]["days_to_payment"], 10.0,
            msg="(5 days × 500 + 15 days × 500) / 1000; counted per entry it would be (5 + 40) / 2",
        )
        channels = {(row["channel"], row["level_id"]): row for row in figures["channels"]}
        self.assertEqual(
            (channels["email", self.level_1.id]["sent"], channels["email", self.level_1.id]["paid"]), (1, 1),
            "its instalment was paid 5 days after the e-mail (the entry only 40 days after)",
        )
        self.assertEqual(
            (channels["sms", self.level_2.id]["sent"], channels["sms", self.level_2.id]["paid"]), (1, 0),
            "paid 15 days after the SMS: not within 7 days",
        )
        figures = self.env["crm.kpi.dashboard"].get_kpi_figures(str(self._day(-60)), str(self.today), 15)
        channels = {(row["channel"], row["level_id"]): row for row in figures["channels"]}
        self.assertEqual(channels["sms", self.level_2.id]["rate"], 100.0)

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestPaymentPromise(AccountTestInvoicingCommon):
    """Promises judged against real invoices, payments and reconciliation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.crm_promise_grace_days = 3
        cls.collector = new_test_user(
            cls.env, login="promise_collector",
            groups="crm_receivables.crm_receivables_group_user,account.group_account_invoice",
            company_id=cls.env.company.id,
        )
        cls.customer = cls.env["res.partner"].create({"name": "ООО «Обещание»", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Бухгалтер", "parent_id": cls.customer.id})
        cls.activity_type = cls.env.ref("crm_receivables.mail_activity_type_promise_broken")

    def _invoice(self, amount=1000.0):
        return self.init_invoice(
            "out_invoice", partner=self.customer, invoice_date=date(2026, 2, 1), amounts=[amount], taxes=[],
            post=True,
        )

    def _pay(self, invoice, amount, pay_date):
        return self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"amount": amount, "payment_date": pay_date})._create_payments()

    def _promise(self, invoices, amount, promised_date, **vals):
        return self.env["crm.payment.promise"].with_user(self.collector).create({
            "partner_id": self.contact.id,
            "move_ids": [Command.set(invoices.ids)],
            "amount": amount,
            "promised_date": promised_date,
            **vals,
        })

    def _broken_activities(self):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id),
            ("activity_type_id", "=", self.activity_type.id),
        ])

    def test_kept_as_soon_as_reconciled(self):
        invoice = self._invoice(1000.0)
        with freeze_time("2026-03-01"):
            promise = self._promise(invoice, 1000.0, date(2026, 3, 5))
        self.assertEqual(promise.partner_id, self.customer, "filed on the commercial entity")
        self.assertEqual(promise.state, "open")
        self.assertEqual(self.customer._crm_get_open_promises(), promise)
        with freeze_time("2026-03-04"):
            self._pay(invoice, 1000.0, date(2026, 3, 4))
        self.assertEqual(promise.state, "kept", "judged when the payment is reconciled, without the cron")
        self.assertEqual(promise.amount_paid, 1000.0)
        self.assertEqual(promise.date_judged, date(2026, 3, 4))
        self.assertFalse(self.customer._crm_get_open_promises())
        self.assertFalse(self._broken_activities())

    def test_kept_within_grace_days(self):
        invoice = self._invoice(1000.0)
        with freeze_time("2026-03-01"):
            promise = self._promise(invoice, 1000.0, date(2026, 3, 5))
        self.assertEqual(promise.date_deadline, date(2026, 3, 8))
        with freeze_time("2026-03-08"):
            self._pay(invoice, 1000.0, date(2026, 3, 8))
        self.assertEqual(promise.state, "kept")

    def test_partially_kept_by_cron(self):
        invoice = self._invoice(1000.0)
        with freeze_time("2026-03-01"):
            promise = self._promise(invoice, 1000.0, date(2026, 3, 5))
        with freeze_time("2026-03-04"):
            self._pay(invoice, 400.0, date(2026, 3, 4))
        self.assertEqual(promise.state, "open", "400 of 1000 paid, the deadline is still ahead")
        self.assertEqual(promise.amount_paid, 400.0)
        with freeze_time("2026-03-08"):
            self.env["crm.payment.promise"]._cron_judge_promises()
        self.assertEqual(promise.state, "open", "the last day of grace is still in time")
        with freeze_time("2026-03-09"):
            self.env["crm.payment.promise"]._cron_judge_promises()
        self.assertEqual(promise.state, "partial")
        activity = self._broken_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector, "the collector who took the promise follows it up")
        self.assertEqual(promise.kept_score, 50.0)

    def test_broken_and_late_payment_does_not_count(self):
        invoice = self._invoice(1000.0)
        with freeze_time("2026-03-01"):
            promise = self._promise(invoice, 1000.0, date(2026, 3, 5))
        with freeze_time("2026-03-10"):
            self._pay(invoice, 1000.0, date(2026, 3, 10))
        self.assertEqual(promise.state, "broken", "paid after the promised date plus grace days")
        self.assertEqual(promise.amount_paid, 0.0)
        self.assertEqual(len(self._broken_activities()), 1)
        with freeze_time("2026-03-11"):
            self.customer.invalidate_recordset()
            self.assertTrue(self.customer.crm_has_broken_promise, "visible on the customer")
            invoice.invalidate_recordset(["crm_has_broken_promise"])
            self.assertTrue(invoice.crm_has_broken_promise, "and on their invoices")
            self.assertEqual(self.customer.crm_promise_kept_rate, 0.0)

    def test_payment_before_promise_does_not_count(self):
        invoice = self._invoice(1000.0)
        with freeze_time("2026-02-20"):
            self._pay(invoice, 500.0, date(2026, 2, 20))
        with freeze_time("2026-03-01"):
            promise = self._promise(invoice, 500.0, date(2026, 3, 5))
        self.assertEqual(promise.state, "open", "the earlier payment was made before the promise")
        with freeze_time("2026-03-03"):
            self._pay(invoice, 500.0, date(2026, 3, 3))
        self.assertEqual(promise.state, "kept")

    def test_on_account_promise(self):
        with freeze_time("2026-03-01"):
            promise = self.env["crm.payment.promise"].with_user(self.collector).create({
                "partner_id": self.customer.id, "amount": 700.0, "promised_date": date(2026, 3, 5),
            })
        self.assertTrue(promise.is_on_account)
        with freeze_time("2026-03-05"):
            payment = self.env["account.payment"].create({
                "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
                "amount": 700.0, "date": date(2026, 3, 5),
            })
            payment.action_post()
        with freeze_time("2026-03-06"):
            self.env["crm.payment.promise"]._cron_judge_promises()
        self.assertEqual(promise.state, "kept", "an unreconciled payment of the customer keeps an on-account promise")

    def test_kept_rate_per_customer_and_collector(self):
        invoices = self._invoice(100.0) | self._invoice(100.0) | self._invoice(100.0)
        with freeze_time("2026-03-01"):
            promises = self.env["crm.payment.promise"]
            for invoice in invoices:
                promises |= self._promise(invoice, 100.0, date(2026, 3, 5))
        with freeze_time("2026-03-04"):
            self._pay(invoices[0], 100.0, date(2026, 3, 4))
            self._pay(invoices[1], 50.0, date(2026, 3, 4))
        with freeze_time("2026-03-20"):
            self.env["crm.payment.promise"]._cron_judge_promises()
        self.assertEqual(promises.mapped("state"), ["kept", "partial", "broken"])
        self.assertEqual(self.customer.crm_promise_kept_rate, 50.0, "(100 + 50 + 0) / 3")
        groups = self.env["crm.payment.promise"]._read_group(
            [("user_id", "=", self.collector.id)], ["user_id"], ["kept_score:avg"],
        )
        self.assertEqual(groups[0][1], 50.0)

    def test_constraints(self):
        invoice = self._invoice(100.0)
        other = self.init_invoice("out_invoice", partner=self.partner_a, amounts=[10.0], post=True)
        with self.assertRaises(ValidationError):
            self._promise(invoice, 0.0, date(2026, 3, 5))
        with self.assertRaises(ValidationError):
            self._promise(other, 10.0, date(2026, 3, 5))

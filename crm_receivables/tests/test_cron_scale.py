from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .cron_common import CronBatchCase


@tagged("post_install", "-at_install")
class TestPaymentPromiseCronScale(AccountTestInvoicingCommon, CronBatchCase):
    """The daily judgement of promises finishes over more than 10,000 promises waiting, in batches that each
    make progress, although the not-yet-due ones stay open (they used to fill the first batch for ever)."""

    def _insert_promises(self, partner, count, promised_date, date_made):
        """Insert ``count`` open promises set-based; return their ids."""
        company = self.env.company
        return [row[0] for row in self.env.execute_query(SQL(
            """INSERT INTO crm_payment_promise
                   (partner_id, company_id, currency_id, user_id, amount, state, kept_score,
                    date_made, promised_date, date_deadline, create_uid, write_uid, create_date, write_date)
               SELECT %(partner)s, %(company)s, %(currency)s, %(user)s, 100 + n, 'open', 0,
                      %(made)s, %(promised)s, %(promised)s::date + %(grace)s, %(user)s, %(user)s,
                      now() at time zone 'UTC', now() at time zone 'UTC'
                 FROM generate_series(1, %(count)s) AS n
               RETURNING id""",
            partner=partner.id, company=company.id, currency=company.currency_id.id, user=self.env.uid,
            made=date_made, promised=promised_date, grace=company.crm_promise_grace_days or 0, count=count,
        ))]

    def test_judging_finishes_over_10000_promises(self):
        today = fields.Date.context_today(self.env.user)
        customer = self.env["res.partner"].create({"name": "ООО «Много обещаний»", "is_company": True})
        invoice = self.init_invoice("out_invoice", partner=customer, amounts=[500000.0], taxes=[], post=True)
        Promise = self.env["crm.payment.promise"]
        already_waiting = Promise.sudo().search_count(Promise._cron_judge_domain(today))  # demo data
        # not due yet, on the invoice's item: a payment reconciled with it judges them, not the daily cron;
        # the oldest promised date sorts first, ahead of the overdue ones, as the old "first batch" did
        not_due_ids = self._insert_promises(customer, 1500, today + timedelta(days=30), today - timedelta(days=5))
        self.env.execute_query(SQL(
            """INSERT INTO crm_payment_promise_account_move_line_rel (promise_id, line_id)
               SELECT unnest(%s::int[]), %s""",
            not_due_ids, invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable").id,
        ))
        # on account, not due: looked at once a day (a payment on account reconciles with nothing)
        on_account_ids = self._insert_promises(customer, 700, today + timedelta(days=10), today - timedelta(days=5))
        # overdue with nothing paid: each must end up broken
        overdue_ids = self._insert_promises(customer, 10300, today - timedelta(days=20), today - timedelta(days=40))
        Promise.invalidate_model()

        batches = self._run_cron_until_done("crm_receivables.ir_cron_crm_payment_promise_judge")

        self.assertBatchesProgress(batches, len(overdue_ids) + len(on_account_ids) + already_waiting)
        self.assertGreaterEqual(len(batches), 11, "1,000 promises per call")
        overdue = Promise.browse(overdue_ids)
        self.assertEqual(set(overdue.mapped("state")), {"broken"})
        self.assertEqual(set(overdue.mapped("date_judged")), {today})
        on_account = Promise.browse(on_account_ids)
        self.assertEqual(set(on_account.mapped("state")), {"open"})
        self.assertEqual(set(on_account.mapped("date_checked")), {today}, "checked once today")
        not_due = Promise.browse(not_due_ids)
        self.assertEqual(set(not_due.mapped("state")), {"open"})
        self.assertFalse(any(not_due.mapped("date_checked")), "not read by the daily cron")
        activities = self.env["mail.activity"].search_count([
            ("res_model", "=", "res.partner"), ("res_id", "=", customer.id),
            ("activity_type_id", "=", self.env.ref("crm_receivables.mail_activity_type_promise_broken").id),
        ])
        self.assertEqual(activities, len(overdue_ids), "one call-back per broken promise")
        # run again the same day: nothing left to do
        cron = self.env.ref("crm_receivables.ir_cron_crm_payment_promise_judge")
        cron_with_progress, progress = cron.with_user(cron.user_id)._add_progress()
        cron_with_progress.ir_actions_server_id.run()
        self.assertEqual((progress.done, progress.remaining), (0, 0))

    def test_judging_batch_query_count(self):
        """A batch of promises is judged with a number of queries that does not grow with the batch."""
        today = fields.Date.context_today(self.env.user)
        customer = self.env["res.partner"].create({"name": "ООО «Сто обещаний»", "is_company": True})
        Promise = self.env["crm.payment.promise"].sudo()
        promised, made = today - timedelta(days=20), today - timedelta(days=40)
        small = Promise.browse(self._insert_promises(customer, 5, promised, made))
        large = Promise.browse(self._insert_promises(customer, 200, promised, made))
        Promise.invalidate_model()
        self.env.flush_all()
        with self.assertQueryCount(30):
            small._judge()
            self.env.flush_all()
        with self.assertQueryCount(30):
            large._judge()
            self.env.flush_all()
        self.assertEqual(set(large.mapped("state")), {"broken"})

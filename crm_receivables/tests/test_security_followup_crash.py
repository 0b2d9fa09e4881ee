"""Crash and concurrency of the follow-up run (issue 12, "Crash and concurrency"), through the engine
``crm.followup.engine`` that the run and the cron call.

A run killed between batches is simulated the way a worker dies: the batches before the crash are kept (the
cron commits each one), the batch being processed is lost (its savepoint is rolled back), then the run is
started again. Duplicates and losses are counted; both must be zero.
"""

from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.crm_receivables.models.crm_followup_engine import CrmFollowupEngine

from .test_followup import DUE, TestFollowupCommon


class WorkerKilled(Exception):
    """Stands for the worker being killed in the middle of a run."""


@tagged("post_install", "-at_install")
class TestFollowupCrash(TestFollowupCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.customer_email | cls.customer_sms | cls.customer_none

    def _counts(self):
        """(duplicates, losses) of the (invoice, level) lines and communications of the customers."""
        lines = self.env["crm.followup.line"].search([("partner_id", "in", self.customers.ids)])
        pairs = Counter((line.move_id.id, line.level_id.id) for line in lines)
        messages = self.env["crm.followup.message"].search([("partner_id", "in", self.customers.ids)])
        per_level = Counter((message.partner_id.id, message.level_id.id) for message in messages)
        duplicates = sum(count - 1 for count in pairs.values()) + sum(count - 1 for count in per_level.values())
        lost_moves = self.invoices - lines.move_id
        unsent = messages.filtered(lambda m: m.state == "queued")
        return duplicates, len(lost_moves) + len(unsent), messages

    def _run_until_killed(self, day, method_name, call_number):
        """Run the follow-up, killed at the ``call_number``-th call of ``method_name``.

        Not ``assertRaises``: Odoo's rolls back everything done in its block, a dead worker does not.
        """
        killed = False
        with self._kill_on_call(method_name, call_number):
            try:
                self._run(day, self.customers, batch_size=1)
            except WorkerKilled:
                killed = True
        self.assertTrue(killed, "the worker was killed")

    def _kill_on_call(self, method_name, call_number):
        """Patch ``method_name`` so that its ``call_number``-th call kills the worker."""
        original = getattr(CrmFollowupEngine, method_name)
        calls = []

        def killer(records, *args, **kwargs):
            calls.append(1)
            if len(calls) == call_number:
                raise WorkerKilled
            return original(records, *args, **kwargs)

        return patch.object(CrmFollowupEngine, method_name, killer)

    def _setup_invoices(self):
        self.invoices = self._invoice(self.customer_email) | self._invoice(self.customer_sms) \
            | self._invoice(self.customer_none)

    def test_killed_between_generation_batches_then_rerun(self):
        self._setup_invoices()
        day = DUE + timedelta(days=3)
        self._run_until_killed(day, "_generate", 2)
        generated = self.env["crm.followup.line"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(len(generated), 1, "the first batch was kept, the killed one left nothing behind")
        self._run(day, self.customers, batch_size=1)
        duplicates, losses, messages = self._counts()
        self.assertEqual((duplicates, losses), (0, 0))
        self.assertEqual(len(messages), 3, "one communication per customer")
        self._run(day, self.customers, batch_size=1)
        self.assertEqual(self._counts()[:2], (0, 0), "a third run changes nothing")
        self.assertEqual(len(self._counts()[2]), 3)

    def test_killed_while_sending_then_rerun(self):
        self._setup_invoices()
        day = DUE + timedelta(days=3)
        self._run_until_killed(day, "_send", 2)
        messages = self.env["crm.followup.message"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(Counter(messages.mapped("state")), Counter({"queued": 2, "sent": 1}),
                         "the first one went out, the killed batch was rolled back")
        self._run(day, self.customers, batch_size=1)
        duplicates, losses, messages = self._counts()
        self.assertEqual((duplicates, losses), (0, 0))
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        interactions = self.env["crm.interaction"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(len(interactions), 3, "each communication is logged once in the history")
        mails = messages.mail_id
        self.assertEqual(len(mails), len(messages.filtered(lambda m: m.channel == "email")),
                         "one email per emailed communication")

    def test_payment_reconciled_during_the_run(self):
        """The customer pays while the run is busy with other customers: no reminder for the paid invoice."""
        self._setup_invoices()
        paid_invoice = self.invoices.filtered(lambda m: m.partner_id == self.customer_none)
        original = CrmFollowupEngine._generate
        test = self

        def pay_then_generate(records, candidates, today):
            if paid_invoice.commercial_partner_id.id in candidates and paid_invoice.payment_state == "not_paid":
                with freeze_time(DUE + timedelta(days=3)):
                    test.env["account.payment.register"].with_context(
                        active_model="account.move", active_ids=paid_invoice.ids,
                    ).create({})._create_payments()
                test.assertIn(paid_invoice.payment_state, ("paid", "in_payment"))
            return original(records, candidates, today)

        with patch.object(CrmFollowupEngine, "_generate", pay_then_generate):
            self._run(DUE + timedelta(days=3), self.customers, batch_size=1)
        reminded = self.env["crm.followup.line"].search([("move_id", "=", paid_invoice.id)])
        self.assertFalse(reminded.message_id.filtered(lambda m: m.state == "sent"),
                         "the paid invoice got no reminder")
        others = self.env["crm.followup.line"].search([("move_id", "in", (self.invoices - paid_invoice).ids)])
        self.assertEqual(len(others), 2, "the unpaid invoices were followed up")

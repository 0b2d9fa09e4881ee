from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CrmReceivablesCommon


@tagged("post_install", "-at_install")
class TestCrmFollowupBlock(CrmReceivablesCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": cls.customer.id,
            "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 1000.0})],
        })

    def test_block_until_date_resumes_by_itself(self):
        with freeze_time("2026-03-01"):
            self.invoice._crm_followup_block("Customer disputes the amount", date_end=date(2026, 3, 10))
            self.invoice.invalidate_recordset(["crm_followup_blocked"])
            self.assertTrue(self.invoice.crm_followup_blocked)
            self.assertIn(self.invoice, self.env["account.move"].search([("crm_followup_blocked", "=", True)]))
        with freeze_time("2026-03-11"):
            self.invoice.invalidate_recordset(["crm_followup_blocked"])
            self.assertFalse(self.invoice.crm_followup_blocked, "the block ends after its end date")
            self.assertIn(self.invoice, self.env["account.move"].search([("crm_followup_blocked", "=", False)]))

    def test_unblock_only_own_origin(self):
        interaction = self.env["crm.interaction"].create({"partner_id": self.customer.id, "summary": "Dispute"})
        self.invoice._crm_followup_block("Disputed in a call", origin=interaction)
        manual = self.invoice._crm_followup_block("Manual hold")
        self.invoice._crm_followup_unblock(origin=interaction)
        self.invoice.invalidate_recordset(["crm_followup_blocked"])
        self.assertTrue(self.invoice.crm_followup_blocked, "another block still holds the invoice")
        self.assertTrue(manual.active)
        manual.with_user(self.user_collector).action_lift()
        self.invoice.invalidate_recordset(["crm_followup_blocked"])
        self.assertFalse(self.invoice.crm_followup_blocked)
        self.assertTrue(manual.date_lifted)
        self.assertEqual(manual.user_id, self.env.user)

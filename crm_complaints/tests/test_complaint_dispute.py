from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import ComplaintDataMixin


@tagged("post_install", "-at_install")
class TestComplaintDispute(AccountTestInvoicingCommon, ComplaintDataMixin):
    """A complaint disputing invoices blocks their follow-up until it is closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.invoice = cls.init_invoice("out_invoice", partner=cls.customer, amounts=[1000.0], post=True)
        cls.other_invoice = cls.init_invoice("out_invoice", partner=cls.customer, amounts=[500.0], post=True)

    def _blocked(self, invoice):
        invoice.invalidate_recordset(["crm_followup_blocked"])
        return invoice.crm_followup_blocked

    def test_dispute_blocks_then_releases(self):
        complaint = self._create_complaint(invoice_ids=[(6, 0, self.invoice.ids)], is_dispute=True)
        self.assertTrue(self._blocked(self.invoice))
        self.assertFalse(self._blocked(self.other_invoice))
        block = self.env["crm.followup.block"].search([("move_id", "=", self.invoice.id)])
        self.assertEqual(block.origin_ref, complaint, "the block shows the complaint")
        self.assertIn(complaint.name, block.reason)
        self.assertEqual(self.invoice.crm_complaint_ids, complaint, "the invoice shows the complaint")
        action = self.invoice.action_view_crm_complaints()
        self.assertEqual(action["res_id"], complaint.id)

        complaint.stage_id = self.stage_progress
        self.assertTrue(self._blocked(self.invoice), "still disputed while open")
        complaint.action_close()
        self.assertFalse(self._blocked(self.invoice), "released when the complaint is closed")
        self.assertFalse(block.active)
        complaint.action_reopen()
        self.assertTrue(self._blocked(self.invoice), "blocked again when reopened")

    def test_invoices_added_and_removed(self):
        complaint = self._create_complaint(invoice_ids=[(6, 0, self.invoice.ids)])
        self.assertFalse(self._blocked(self.invoice), "linked but not disputed")
        complaint.is_dispute = True
        self.assertTrue(self._blocked(self.invoice))
        complaint.invoice_ids = [(6, 0, self.other_invoice.ids)]
        self.assertFalse(self._blocked(self.invoice))
        self.assertTrue(self._blocked(self.other_invoice))
        complaint.unlink()
        self.assertFalse(self._blocked(self.other_invoice), "deleting the complaint lifts its blocks")

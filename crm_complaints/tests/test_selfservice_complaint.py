from odoo.tests import new_test_user, tagged

from odoo.addons.crm_receivables.tests.selfservice_common import SelfServiceHttpCommon


@tagged("post_install", "-at_install")
class TestSelfServiceComplaint(SelfServiceHttpCommon):
    """With complaints: a dispute or a statement difference on the self-service page files a complaint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_member = new_test_user(cls.env, login="ss_team_member", email="ss_member@example.com",
                                        groups="crm_complaints.crm_complaints_group_user")
        cls.team_manager = new_test_user(cls.env, login="ss_team_manager", email="ss_manager@example.com",
                                         groups="crm_complaints.crm_complaints_group_user")
        cls.team = cls.env["crm.complaint.team"].create({
            "name": "Disputes desk", "manager_id": cls.team_manager.id, "member_ids": [(6, 0, cls.team_member.ids)],
        })
        cls.dispute_type = cls.env.ref("crm_complaints.crm_complaint_type_dispute")
        cls.dispute_type.team_id = cls.team

    def _complaints(self):
        return self.env["crm.complaint"].search([("partner_id", "=", self.customer.id)])

    def test_dispute_files_one_complaint_on_the_invoice(self):
        data = {"line_id": str(self.line_new.id), "reason": "Delivered 8 pallets, invoiced 10."}
        files = {"attachment": ("waybill.png", b"\x89PNG fake", "image/png")}
        response, csrf, key = self._post("dispute", data, files=files)
        self.assertEqual(response.status_code, 303)
        again, _csrf, _key = self._post("dispute", data, key=key, csrf=csrf, files=files)
        self.assertEqual(again.status_code, 303)
        complaint = self._complaints()
        self.assertEqual(len(complaint), 1, "a double submit files one complaint")
        self.assertEqual(complaint.type_id, self.dispute_type)
        self.assertTrue(complaint.is_dispute)
        self.assertEqual(complaint.invoice_ids, self.invoice_new)
        self.assertEqual(complaint.team_id, self.team)
        self.assertEqual(complaint.user_id, self.team_manager)
        self.assertIn("Delivered 8 pallets", complaint.description)
        attachment = self.env["ir.attachment"].search([("res_model", "=", "crm.complaint"),
                                                       ("res_id", "=", complaint.id)])
        self.assertEqual(attachment.name, "waybill.png")
        self.assertEqual(attachment.mimetype, "image/png")
        self.assertTrue(self.invoice_new.crm_followup_blocked, "the complaint blocks the disputed invoice")
        self.assertFalse(self.invoice_old.crm_followup_blocked)
        block = self.invoice_new.crm_followup_block_ids.filtered("active")
        self.assertEqual(block.origin_ref, complaint)
        notified = complaint.message_ids.notified_partner_ids
        self.assertIn(self.team_member.partner_id, notified, "the complaints team is notified")
        self.assertIn(self.team_manager.partner_id, notified)
        request = self.env["crm.selfservice.request"].search([("token_id", "=", self.token.id)])
        self.assertEqual((request.kind, request.res_model, request.res_id), ("dispute", "crm.complaint", complaint.id))
        self.assertEqual(request.interaction_id.channel, "selfservice")
        complaint.action_close()
        self.assertFalse(self.invoice_new.crm_followup_blocked, "closing the complaint resumes the dunning")

    def test_statement_difference_files_a_complaint_with_the_figures(self):
        response, _csrf, _key = self._post("statement_difference", {
            "statement_id": str(self.statement.id), "balance": "1000", "note": "Invoice of 500 is not ours"})
        self.assertEqual(response.status_code, 303)
        complaint = self._complaints()
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.type_id, self.dispute_type)
        self.assertFalse(complaint.is_dispute, "no invoice is blocked by a statement difference")
        self.assertIn(self.statement.name, complaint.subject)
        self.assertIn("1,500.00", complaint.description, "our closing balance")
        self.assertIn("1,000.00", complaint.description, "the customer's figure")
        self.assertIn("Invoice of 500 is not ours", complaint.description)
        self.assertEqual(self.statement.state, "disputed")

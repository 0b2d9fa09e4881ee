from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmComplaintsTour(HttpCase):

    def test_backend_create(self):
        self.env["res.partner"].create({"name": "Tour Complaint Customer", "is_company": True})
        self.env["crm.complaint.type"].create({"name": "Tour type"})
        self.start_tour("/odoo", "crm_complaints_backend_create", login="admin")
        complaint = self.env["crm.complaint"].search([("subject", "=", "Tour complaint: wrong colour")])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.partner_id.name, "Tour Complaint Customer")
        self.assertTrue(complaint.name.startswith("CMP/"))

    def test_portal_submit(self):
        customer = self.env["res.partner"].create({"name": "Tour Portal Customer", "is_company": True})
        portal_user = new_test_user(self.env, login="cmp_tour_portal", groups="base.group_portal")
        portal_user.partner_id.parent_id = customer
        self.env["crm.complaint.type"].create({"name": "Tour portal type"})
        self.start_tour("/my/complaints", "crm_complaints_portal_submit", login="cmp_tour_portal")
        complaint = self.env["crm.complaint"].search([("subject", "=", "Tour portal complaint: late delivery")])
        self.assertEqual(complaint.partner_id, customer)
        self.assertEqual(complaint.channel, "portal")

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmComplaintsTour(HttpCase):

    def test_open_complaints_app(self):
        customer = self.env["res.partner"].create({"name": "Tour Complaint Customer", "is_company": True})
        complaint_type = self.env["crm.complaint.type"].create({"name": "Tour type"})
        self.env["crm.complaint"].create({
            "subject": "Tour complaint: wrong colour", "partner_id": customer.id,
            "type_id": complaint_type.id, "user_id": self.env.ref("base.user_admin").id,
        })
        self.start_tour("/odoo", "crm_complaints_open_app", login="admin")

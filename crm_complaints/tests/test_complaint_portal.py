import re

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import ComplaintDataMixin


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase, ComplaintDataMixin):
    """Portal customers see only their company's complaints; token links; submit with attachments; rating."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.portal_a = new_test_user(cls.env, login="cmp_portal_a", groups="base.group_portal",
                                     email="portal_a@zhalobshik.example.com")
        cls.portal_a.partner_id.parent_id = cls.customer
        cls.portal_b = new_test_user(cls.env, login="cmp_portal_b", groups="base.group_portal",
                                     email="portal_b@drugoy.example.com")
        cls.portal_b.partner_id.parent_id = cls.customer_b
        cls.complaint_a = cls.env["crm.complaint"].create({
            "subject": "Complaint of customer A", "partner_id": cls.contact.id, "type_id": cls.type_quality.id,
        })
        cls.complaint_b = cls.env["crm.complaint"].create({
            "subject": "Complaint of customer B", "partner_id": cls.contact_b.id, "type_id": cls.type_quality.id,
        })

    def test_record_rules_isolate_customers(self):
        Complaint = self.env["crm.complaint"].with_user(self.portal_a)
        self.assertEqual(Complaint.search([("id", "in", (self.complaint_a | self.complaint_b).ids)]),
                         self.complaint_a)

    def test_portal_pages_isolated_between_customers(self):
        self.authenticate("cmp_portal_a", "cmp_portal_a")
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Complaint of customer A", listing.text)
        self.assertNotIn("Complaint of customer B", listing.text)
        own = self.url_open(f"/my/complaints/{self.complaint_a.id}")
        self.assertEqual(own.status_code, 200)
        self.assertIn("Complaint of customer A", own.text)
        other = self.url_open(f"/my/complaints/{self.complaint_b.id}")
        self.assertNotIn("Complaint of customer B", other.text)
        self.assertTrue(other.url.endswith("/my"), other.url)

    def test_token_link_opens_without_login(self):
        self.authenticate(None, None)
        url = self.complaint_b.get_portal_url()
        self.assertIn("access_token=", url)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Complaint of customer B", page.text)
        wrong = self.url_open(f"/my/complaints/{self.complaint_b.id}?access_token=wrong")
        self.assertNotIn("Complaint of customer B", wrong.text)

    def _post_reply(self, complaint, body):
        return self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "crm.complaint", "thread_id": complaint.id,
            "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
        })

    def test_customer_replies_from_portal(self):
        self.complaint_a.stage_id = self.stage_waiting
        self.authenticate("cmp_portal_a", "cmp_portal_a")
        self._post_reply(self.complaint_a, "Waybill 4711, unloaded at 14:00")
        self.complaint_a.invalidate_recordset()
        message = self.complaint_a.message_ids.filtered(
            lambda m: m.author_id == self.portal_a.partner_id and m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertIn("Waybill 4711", message.body)
        self.assertEqual(self.complaint_a.stage_id, self.stage_progress, "the answer ends the waiting")
        replies = self.env["crm.interaction"].search([
            ("partner_id", "=", self.customer.id), ("summary", "ilike", "replied"),
        ])
        self.assertEqual(len(replies), 1)
        self.authenticate("cmp_portal_b", "cmp_portal_b")
        with self.assertRaisesRegex(JsonRpcException, "NotFound"):
            self._post_reply(self.complaint_a, "Not my complaint")

    def test_submit_with_attachment(self):
        self.authenticate("cmp_portal_a", "cmp_portal_a")
        form = self.url_open("/my/complaints/new")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        response = self.url_open(
            "/my/complaints/new",
            data={"csrf_token": csrf, "subject": "Submitted from the portal", "description": "Scratched doors",
                  "type_id": str(self.type_quality.id)},
            files={"attachments": ("photo.txt", b"a photo of the damage", "text/plain")},
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.env["crm.complaint"].search([("subject", "=", "Submitted from the portal")])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.portal_a.partner_id)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.team_id, self.team)
        attachment = self.env["ir.attachment"].search([("res_model", "=", "crm.complaint"),
                                                       ("res_id", "=", complaint.id)])
        self.assertEqual(attachment.name, "photo.txt")
        self.assertEqual(attachment.raw, b"a photo of the damage")
        self.assertIn("Submitted from the portal", response.text, "redirected to the new complaint")

    def test_rating_after_close(self):
        self.complaint_a.resolution = "<p>Doors replaced</p>"
        self.complaint_a.action_close()
        rating_mail = self.env["mail.message"].search([
            ("model", "=", "crm.complaint"), ("res_id", "=", self.complaint_a.id), ("body", "ilike", "/rate/"),
        ])
        self.assertEqual(len(rating_mail), 1, "a rating request is sent when the complaint is closed")
        token = self.complaint_a._rating_get_access_token()
        self.assertIn(token, rating_mail.body)
        self.authenticate("cmp_portal_a", "cmp_portal_a")
        page = self.url_open(f"/my/complaints/{self.complaint_a.id}")
        self.assertIn(f"/rate/{token}/5", page.text)
        self.url_open(f"/rate/{token}/submit_feedback",
                      data={"rate": 5, "feedback": "Quick and fair", "csrf_token": http.Request.csrf_token(self)})
        self.complaint_a.invalidate_recordset()
        self.assertEqual(self.complaint_a.rating_last_value, 5)
        self.assertIn("Quick and fair", self.complaint_a.message_ids[0].body)

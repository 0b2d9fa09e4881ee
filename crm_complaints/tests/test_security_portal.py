"""Portal and public visitors: customer A gets nothing of customer B — complaints, statements, attachments,
internal articles — through portal routes, token links or JSON-RPC; a guessed token gets nothing."""

import base64
import secrets

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import ComplaintDataMixin


@tagged("post_install", "-at_install")
class TestPortalIsolation(HttpCase, ComplaintDataMixin):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.portal_a = new_test_user(cls.env, login="iso_portal_a", groups="base.group_portal",
                                     email="iso_a@zhalobshik.example.com")
        cls.portal_a.partner_id.parent_id = cls.customer
        cls.portal_b = new_test_user(cls.env, login="iso_portal_b", groups="base.group_portal",
                                     email="iso_b@drugoy.example.com")
        cls.portal_b.partner_id.parent_id = cls.customer_b
        Complaint = cls.env["crm.complaint"].with_context(crm_complaint_no_acknowledgement=True)
        cls.complaint_a = Complaint.create({"subject": "Secret-free complaint of A", "partner_id": cls.contact.id,
                                            "type_id": cls.type_quality.id})
        cls.complaint_b = Complaint.create({"subject": "Confidential complaint of B", "partner_id": cls.contact_b.id,
                                            "type_id": cls.type_quality.id, "root_cause": "B's supplier"})
        Attachment = cls.env["ir.attachment"]
        cls.attachment_a = Attachment.create({"name": "a.txt", "raw": b"content of A", "res_model": "crm.complaint",
                                              "res_id": cls.complaint_a.id})
        cls.attachment_b = Attachment.create({"name": "b.txt", "raw": b"content of B", "res_model": "crm.complaint",
                                              "res_id": cls.complaint_b.id})
        cls.statement_b = cls.env["crm.statement"].create({
            "partner_id": cls.customer_b.id, "date_from": "2026-01-01", "date_to": "2026-03-31",
        })
        cls.statement_pdf_b = Attachment.create({
            "name": "statement-b.pdf", "datas": base64.b64encode(b"%PDF-1.4 statement of B"),
            "res_model": "crm.statement", "res_id": cls.statement_b.id,
        })
        cls.complaint_b.message_post(body="Internal note about B", subtype_xmlid="mail.mt_note",
                                     message_type="comment")
        cls.internal_article = cls.env["crm.knowledge.article"].create({
            "name": "Internal escalation script", "audience": "internal", "state": "published",
        })

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs,
        })

    def _content(self, attachment, token=None):
        url = f"/web/content/{attachment.id}?download=true"
        if token:
            url += f"&access_token={token}"
        return self.url_open(url)

    def test_portal_routes(self):
        self.authenticate("iso_portal_a", "iso_portal_a")
        listing = self.url_open("/my/complaints")
        self.assertIn(self.complaint_a.subject, listing.text)
        self.assertNotIn(self.complaint_b.subject, listing.text)
        page = self.url_open(f"/my/complaints/{self.complaint_b.id}")
        self.assertNotIn(self.complaint_b.subject, page.text)
        self.assertTrue(page.url.endswith("/my"))
        own = self.url_open(f"/my/complaints/{self.complaint_a.id}")
        self.assertNotIn("Internal note about B", own.text)
        self.assertEqual(self.url_open(f"/my/help/article/{self.internal_article.id}").status_code, 404)

    def test_token_links(self):
        self.authenticate(None, None)
        guesses = [secrets.token_hex(16), "0", "", self.complaint_a._portal_ensure_token(), "' OR 1=1 --"]
        for guess in guesses:
            with self.subTest(token=guess):
                page = self.url_open(f"/my/complaints/{self.complaint_b.id}?access_token={guess}")
                self.assertNotIn(self.complaint_b.subject, page.text)
        rating = self.url_open(f"/rate/{secrets.token_hex(16)}/5")
        self.assertNotIn(self.complaint_b.subject, rating.text)
        self.assertIn(rating.status_code, (403, 404))

    def test_attachments(self):
        """Portal users read attachments through their access token only (as the portal chatter links them)."""
        self.authenticate("iso_portal_a", "iso_portal_a")
        token_a = self.attachment_a.sudo().generate_access_token()[0]
        own = self._content(self.attachment_a, token_a)
        self.assertEqual(own.status_code, 200)
        self.assertEqual(own.content, b"content of A")
        for attachment in (self.attachment_b, self.statement_pdf_b):
            for token in (None, secrets.token_hex(16), token_a):
                with self.subTest(attachment=attachment.name, token=token):
                    response = self._content(attachment, token)
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotIn(b"of B", response.content)
        self.authenticate(None, None)
        for attachment in (self.attachment_a, self.attachment_b, self.statement_pdf_b):
            response = self._content(attachment)
            self.assertIn(response.status_code, (403, 404))
            self.assertNotIn(b"content of", response.content)

    def test_json_rpc(self):
        self.authenticate("iso_portal_a", "iso_portal_a")
        found = self._rpc("crm.complaint", "search_read", [], fields=["subject"])
        self.assertEqual([row["id"] for row in found], [self.complaint_a.id])
        with self.assertRaisesRegex(JsonRpcException, "AccessError|MissingError"):
            self._rpc("crm.complaint", "read", [self.complaint_b.id], ["subject"])
        for method, args in (("search_read", [[("res_model", "=", "crm.complaint")]]),
                             ("read", [[self.attachment_b.id], ["raw"]])):
            with self.subTest(method=method), self.assertRaisesRegex(JsonRpcException, "AccessError"):
                self._rpc("ir.attachment", method, *args)
        messages = self._rpc("mail.message", "search_read",
                             [("model", "=", "crm.complaint"), ("res_id", "=", self.complaint_b.id)], fields=["body"])
        self.assertFalse(messages)
        for model in ("crm.statement", "crm.interaction", "crm.payment.promise", "crm.followup.message",
                      "crm.knowledge.article", "crm.complaint.team", "crm.complaint.report"):
            with self.subTest(model=model), self.assertRaisesRegex(JsonRpcException, "AccessError"):
                self._rpc(model, "search_read", [], fields=["id"])
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._rpc("crm.complaint", "write", [self.complaint_a.id], {"subject": "Changed"})

    def test_public_json_rpc(self):
        self.authenticate(None, None)
        with self.assertRaisesRegex(JsonRpcException, "SessionExpired"):
            self._rpc("crm.complaint", "search_read", [], fields=["subject"])

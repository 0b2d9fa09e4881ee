import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import MailCommon

from ..tools import upload as upload_tools
from .common import ComplaintDataMixin
from .test_complaint_intake import MAIL_TEMPLATE

#: fields of a complaint that only employees read (the portal pages never show them)
INTERNAL_FIELDS = ("root_cause", "corrective_action", "priority", "team_id", "user_id", "sla_escalated",
                   "sla_warned", "is_dispute", "invoice_ids", "date_first_response", "sla_status", "is_overdue")


@tagged("post_install", "-at_install")
class TestComplaintPortalRpc(HttpCase, ComplaintDataMixin):
    """A portal customer gets over JSON-RPC what the portal pages show, nothing more (items 2 and 9)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.portal_a = new_test_user(cls.env, login="sec_portal_a", groups="base.group_portal",
                                     email="sec_portal_a@zhalobshik.example.com")
        cls.portal_a.partner_id.parent_id = cls.customer
        cls.complaint = cls.env["crm.complaint"].create({
            "subject": "Doors scratched", "partner_id": cls.contact.id, "type_id": cls.type_quality.id,
            "root_cause": "Loader dropped the pallet", "corrective_action": "Retrain loaders", "priority": "2",
        })
        cls.complaint.sla_escalated = True

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs,
        })

    def test_portal_search_read_hides_internal_fields(self):
        self.authenticate("sec_portal_a", "sec_portal_a")
        records = self._rpc("crm.complaint", "search_read", [("id", "=", self.complaint.id)])
        self.assertEqual(len(records), 1, "the customer reads their own complaint")
        self.assertEqual(records[0]["subject"], "Doors scratched")
        for fname in INTERNAL_FIELDS:
            self.assertNotIn(fname, records[0])
        for fname in INTERNAL_FIELDS:
            with self.subTest(field=fname), self.assertRaisesRegex(Exception, "AccessError|not allowed|restricted"):
                self._rpc("crm.complaint", "search_read", [("id", "=", self.complaint.id)], fields=[fname])
        with self.assertRaisesRegex(Exception, "AccessError|not allowed|restricted"):
            self._rpc("crm.complaint", "search_read", [("root_cause", "ilike", "Loader")], fields=["subject"])

    def test_with_user_read_raises(self):
        complaint = self.complaint.with_user(self.portal_a)
        self.assertEqual(complaint.subject, "Doors scratched")
        for fname in ("root_cause", "corrective_action", "priority", "team_id", "user_id"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                complaint.invalidate_recordset()
                complaint.read([fname])

    def test_portal_cannot_post_as_someone_else(self):
        """message_post with an employee as author: the customer stays the author, no fake first response."""
        self.authenticate("sec_portal_a", "sec_portal_a")
        employee = self.user_a.partner_id
        message_id = self._rpc("crm.complaint", "message_post", [self.complaint.id], body="We solved it",
                               author_id=employee.id, email_from=employee.email, message_type="comment",
                               subtype_xmlid="mail.mt_comment")
        message = self.env["mail.message"].browse(message_id)
        self.assertEqual(message.author_id, self.portal_a.partner_id)
        self.assertNotIn(employee.email, message.email_from or "")
        self.complaint.invalidate_recordset()
        self.assertFalse(self.complaint.date_first_response, "a customer's message is not our first response")
        # nor in the name of a colleague of the same customer
        message_id = self._rpc("crm.complaint", "message_post", [self.complaint.id], body="I withdraw it",
                               author_id=self.contact.id, message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertEqual(self.env["mail.message"].browse(message_id).author_id, self.portal_a.partner_id)


@tagged("post_install", "-at_install")
class TestComplaintPortalUploads(HttpCase, ComplaintDataMixin):
    """Portal submission: size of the bytes read, number and type of files, complaints per hour (item 3)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.portal_a = new_test_user(cls.env, login="sec_upload_a", groups="base.group_portal",
                                     email="sec_upload_a@zhalobshik.example.com")
        cls.portal_a.partner_id.parent_id = cls.customer

    def _submit(self, subject, files):
        self.authenticate("sec_upload_a", "sec_upload_a")
        form = self.url_open("/my/complaints/new")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        response = self.url_open(
            "/my/complaints/new",
            data={"csrf_token": csrf, "subject": subject, "description": "x", "type_id": str(self.type_quality.id)},
            files=[("attachments", file) for file in files],
        )
        self.assertEqual(response.status_code, 200)
        return response, self.env["crm.complaint"].search([("subject", "=", subject)])

    def test_size_measured_on_bytes(self):
        big = b"a" * (upload_tools.MAX_FILE_SIZE + 1)
        response, complaint = self._submit("Too big", [("scan.txt", big, "text/plain")])
        self.assertFalse(complaint, "nothing is created when a file is too large")
        self.assertIn("is too large", response.text)

    def test_too_many_files(self):
        files = [(f"photo{i}.txt", b"photo", "text/plain") for i in range(upload_tools.MAX_FILES + 1)]
        response, complaint = self._submit("Too many", files)
        self.assertFalse(complaint)
        self.assertIn("Attach at most", response.text)
        _response, complaint = self._submit("Enough", files[:upload_tools.MAX_FILES])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(self.env["ir.attachment"].search_count(
            [("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)]), upload_tools.MAX_FILES)

    def test_types_from_content_and_name(self):
        for name, data in (("virus.exe", b"MZ\x90\x00\x03\x00\x00\x00"), ("page.html", b"<script>alert(1)</script>"),
                           ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
                           ("fake.pdf", b"MZ\x90\x00 not a pdf \x00\x01")):
            with self.subTest(name=name):
                response, complaint = self._submit(f"Type {name}", [(name, data, "application/octet-stream")])
                self.assertFalse(complaint)
                self.assertIn("is not accepted", response.text)
        _response, complaint = self._submit("Real pdf", [("act.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", "text/plain")])
        attachment = self.env["ir.attachment"].search([("res_model", "=", "crm.complaint"),
                                                       ("res_id", "=", complaint.id)])
        self.assertEqual(attachment.mimetype, "application/pdf", "the type is the content's, not the browser's")

    def test_rate_per_customer(self):
        self.env["crm.complaint"].create([{
            "subject": f"Earlier {i}", "partner_id": self.contact.id, "type_id": self.type_quality.id,
            "channel": "portal",
        } for i in range(upload_tools.MAX_COMPLAINTS_PER_HOUR)])
        response, complaint = self._submit("One too many", [])
        self.assertFalse(complaint)
        self.assertIn("in the last hour", response.text)
        # an hour later the customer may write again
        self.env.cr.execute("UPDATE crm_complaint SET create_date = %s WHERE subject LIKE 'Earlier %%'",
                            [fields.Datetime.now() - timedelta(hours=2)])
        _response, complaint = self._submit("After an hour", [])
        self.assertEqual(len(complaint), 1)


@tagged("post_install", "-at_install")
class TestComplaintDisputeSecurity(AccountTestInvoicingCommon, ComplaintDataMixin):
    """A complaint disputes only its customer's invoices of its company; blocking needs the right (item 4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.own_invoice = cls.init_invoice("out_invoice", partner=cls.customer, amounts=[100.0], post=True)
        cls.foreign_invoice = cls.init_invoice("out_invoice", partner=cls.customer_b, amounts=[900.0], post=True)
        cls.vendor_bill = cls.init_invoice("in_invoice", partner=cls.customer, amounts=[50.0], post=True)
        cls.complaints_only = cls.user_a  # a Complaints User without Receivables rights
        cls.collector = new_test_user(cls.env, login="sec_cmp_collector", groups=(
            "crm_complaints.crm_complaints_group_user,crm_receivables.crm_receivables_group_user_all"))
        cls.team.member_ids |= cls.collector

    def test_invoices_of_another_customer_refused(self):
        complaint = self._create_complaint()
        for invoice in (self.foreign_invoice, self.vendor_bill):
            with self.subTest(invoice=invoice.name), self.assertRaises(ValidationError):
                complaint.write({"invoice_ids": [(6, 0, invoice.ids)], "is_dispute": True})
        self.assertFalse(self.foreign_invoice.crm_followup_blocked)

    def test_invoices_of_another_company_refused(self):
        other_company = self.setup_other_company(name="Complaints Company B")["company"]
        other_company_invoice = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[70.0], post=True, company=other_company,
        )
        complaint = self._create_complaint()
        with self.assertRaises(ValidationError):
            complaint.write({"invoice_ids": [(6, 0, other_company_invoice.ids)]})

    def test_blocking_needs_the_right_to_block(self):
        complaint = self._create_complaint(invoice_ids=[(6, 0, self.own_invoice.ids)])
        with self.assertRaises(AccessError):
            complaint.with_user(self.complaints_only).write({"is_dispute": True})
        self.assertFalse(self.own_invoice.crm_followup_blocked)
        complaint.with_user(self.collector).write({"is_dispute": True})
        self.own_invoice.invalidate_recordset(["crm_followup_blocked"])
        self.assertTrue(self.own_invoice.crm_followup_blocked)
        # a complaints user still handles the complaint (stages, texts) without touching the dispute
        complaint.with_user(self.complaints_only).write({"root_cause": "Late truck"})
        with self.assertRaises(AccessError):
            complaint.with_user(self.complaints_only).write({"invoice_ids": [(5, 0, 0)]})


@tagged("post_install", "-at_install")
class TestComplaintIntakeSpoofing(MailCommon, ComplaintDataMixin):
    """Emails to a team alias: only senders known before the email get an acknowledgement (item 10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.alias_to = f"complaints-quality@{cls.alias_domain}"

    def _receive(self, email_from, subject, msg_id):
        return self.format_and_process(
            MAIL_TEMPLATE, email_from, self.alias_to, subject=subject, msg_id=msg_id,
            target_model="crm.complaint", target_field="subject",
        )

    def test_unknown_sender_not_acknowledged(self):
        with self.mock_mail_gateway():
            complaint = self._receive("victim@elsewhere.example.com", "Spam wave", "<spam-1@elsewhere.example.com>")
        self.assertEqual(len(complaint), 1, "the complaint is still registered for the team")
        self.assertFalse(self._new_mails.filtered(lambda mail: complaint.partner_id in mail.recipient_ids),
                         "no email to an address nobody confirmed")

    def test_known_sender_acknowledged(self):
        with self.mock_mail_gateway():
            complaint = self._receive(self.contact.email, "Real one", "<real-1@zhalobshik.example.com>")
        self.assertEqual(len(self._new_mails.filtered(lambda mail: self.contact in mail.recipient_ids)), 1)
        self.assertEqual(complaint.contact_id, self.contact)

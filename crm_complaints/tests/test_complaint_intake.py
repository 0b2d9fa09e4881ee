from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCommon

from .common import ComplaintDataMixin

MAIL_TEMPLATE = """Return-Path: {return_path}
To: {to}
cc: {cc}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: multipart/alternative;
    boundary="----=_Part_complaint_boundary"
Date: Fri, 10 Aug 2012 14:16:26 +0000
Message-ID: {msg_id}
{extra}
------=_Part_complaint_boundary
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Twelve pallets arrived broken, please replace them.
------=_Part_complaint_boundary
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Twelve pallets arrived broken, please replace them.</p>
------=_Part_complaint_boundary--
"""


@tagged("post_install", "-at_install")
class TestComplaintIntake(MailCommon, ComplaintDataMixin):
    """Complaints from emails to a team alias; replies go to the thread; the weekly digest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()
        cls.alias_to = f"complaints-quality@{cls.alias_domain}"

    def _receive(self, email_from, subject, msg_id, extra=""):
        return self.format_and_process(
            MAIL_TEMPLATE, email_from, self.alias_to, subject=subject, msg_id=msg_id, extra=extra,
            target_model="crm.complaint", target_field="subject",
        )

    def test_alias_creates_complaint_matched_to_customer(self):
        self.assertEqual(self.team.alias_email, self.alias_to)
        with self.mock_mail_gateway():
            complaint = self._receive(self.contact.email, "Pallets arrived broken",
                                      "<pallets-1@zhalobshik.example.com>")
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.partner_id, self.customer, "matched by the sender's email")
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.team_id, self.team)
        self.assertEqual(complaint.type_id, self.type_quality)
        self.assertEqual(complaint.user_id, self.user_a)
        self.assertIn("pallets arrived broken", complaint.description.lower())
        interaction = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(interaction), 1)
        self.assertEqual((interaction.channel, interaction.direction), ("email", "incoming"))
        self.assertIn(complaint.name, interaction.summary)
        # the customer is told, with a portal link carrying an access token
        acknowledgement = self._new_mails.filtered(lambda mail: self.contact in mail.recipient_ids)
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn("access_token=", acknowledgement.body_html)
        self.assertIn(complaint.access_token, acknowledgement.body_html)

    def test_reply_goes_to_thread_and_resumes(self):
        msg_id = "<pallets-2@zhalobshik.example.com>"
        complaint = self._receive(self.contact.email, "Pallets again", msg_id)
        complaint.stage_id = self.stage_waiting
        self._receive(self.contact.email, "Re: Pallets again", "<pallets-3@zhalobshik.example.com>",
                      extra=f"In-Reply-To: {msg_id}\nReferences: {msg_id}")
        self.assertEqual(self.env["crm.complaint"].search_count([("subject", "ilike", "Pallets again")]), 1,
                         "the reply did not open a new complaint")
        self.assertIn("Re: Pallets again", complaint.message_ids.mapped("subject"))
        self.assertEqual(complaint.stage_id, self.stage_progress, "a customer reply ends the waiting")
        self.assertTrue(complaint.sla_pause_ids.date_end)
        summaries = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)]).mapped("summary")
        self.assertTrue(any("replied" in summary for summary in summaries), summaries)

    def test_unknown_sender_gets_a_partner(self):
        complaint = self._receive("stranger@unknown.example.com", "Who are you", "<stranger-1@unknown.example.com>")
        self.assertEqual(complaint.partner_id.email, "stranger@unknown.example.com")

    def test_first_response_by_employee(self):
        complaint = self._receive(self.contact.email, "Need an answer", "<answer-1@zhalobshik.example.com>")
        self.assertFalse(complaint.date_first_response)
        complaint.with_user(self.user_a).message_post(body="We are on it", message_type="comment",
                                                      subtype_xmlid="mail.mt_comment")
        self.assertTrue(complaint.date_first_response)

    def test_weekly_digest_to_team_manager(self):
        no_sla = self.env["crm.complaint.type"].create({"name": "No deadline", "sla_hours": 0, "team_id": self.team.id})
        now = fields.Datetime.now()
        recent = self.env["crm.complaint"].create([
            {"subject": f"Recent {i}", "partner_id": self.customer.id, "type_id": no_sla.id,
             "date_open": now - timedelta(days=1)}
            for i in range(3)
        ])
        recent[0].action_close()
        self._create_complaint(subject="Old and overdue", date_open=now - timedelta(days=30))
        with self.mock_mail_gateway():
            self.env["crm.complaint.team"]._cron_send_digest()
        digest = self._new_mails.filtered(lambda mail: self.team_manager.partner_id in mail.recipient_ids)
        self.assertEqual(len(digest), 1)
        body = digest.body_html
        for css_class, value in (("o_digest_count", 3), ("o_digest_closed", 1), ("o_digest_open", 3),
                                 ("o_digest_overdue", 1)):
            self.assertRegex(body, rf'class="{css_class}"[^>]*>{value}<', css_class)

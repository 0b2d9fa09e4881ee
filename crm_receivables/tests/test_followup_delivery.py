from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

from .test_followup import DUE, TestFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupDelivery(TestFollowupCommon, MockEmail, MockSMS):
    """Delivery failures reported by Odoo's own mail and SMS gateways (mocked outside world) fall back."""

    def test_sms_gateway_error_falls_back_to_email(self):
        self._invoice(self.customer_sms)
        self._run(DUE + timedelta(days=3), self.customer_sms)
        message = self._messages(self.customer_sms)
        self.assertEqual(message.channel, "sms")
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            message.sms_id.send(unlink_failed=False)
        self.assertEqual(message.sms_id.state, "error")
        self._run(DUE + timedelta(days=4), self.customer_sms)
        self.assertEqual(message.state, "failed", "the SMS error is visible")
        self.assertEqual(message.fallback_id.channel, "email", "the next channel of the customer")
        self.assertEqual(message.fallback_id.state, "sent")
        self.assertEqual(message.fallback_id.mail_id.recipient_ids, self.customer_sms)

    def test_invalid_email_falls_back_to_sms(self):
        self.customer_email.write({"email": "buh-at-pochta", "mobile": "+79160000002"})
        self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=3), self.customer_email)
        message = self._messages(self.customer_email)
        self.assertEqual(message.channel, "email")
        with self.mock_mail_gateway():
            message.mail_id.send()
        self.assertEqual(message.mail_id.state, "exception", "Odoo refused the address")
        self._run(DUE + timedelta(days=4), self.customer_email)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.fallback_id.channel, "sms")
        self.assertEqual(len(self._messages(self.customer_email)), 2, "one fallback, no new reminder")

    def test_delivered_email_stays_sent(self):
        self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=3), self.customer_email)
        message = self._messages(self.customer_email)
        with self.mock_mail_gateway():
            message.mail_id.send()
        self.assertEqual(message.mail_id.state, "sent")
        self.assertEqual(len(self._mails), 1)
        self.assertIn("buh@pochta.example.com", self._mails[0]["email_to"][0])
        self._run(DUE + timedelta(days=4), self.customer_email)
        self.assertEqual(message.state, "sent")
        self.assertFalse(message.fallback_id)

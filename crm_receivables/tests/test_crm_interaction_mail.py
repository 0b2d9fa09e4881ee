from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCommon

INCOMING_EMAIL = """Return-Path: <{email_from}>
To: {to}
Received: by mail1.example.com (Postfix, from userid 10002)
Date: Fri, 27 Nov 2026 10:00:00 +0300
Message-ID: {msg_id}
In-Reply-To: {parent}
References: {parent}
Subject: {subject}
From: {email_from}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Мы оплатим счёт до пятницы.
"""


@tagged("post_install", "-at_install")
class TestCrmInteractionMail(SMSCommon):
    """Emails and SMS of the chatter become interactions by themselves; internal notes do not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_employee.groups_id += (
            cls.env.ref("crm_receivables.crm_receivables_group_user") + cls.env.ref("account.group_account_invoice")
            + cls.env.ref("base.group_partner_manager")
        )
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Почта»", "is_company": True, "customer_rank": 1,
            "email": "office@pochta.example", "mobile": "+32456998877",
        })
        cls.accountant = cls.env["res.partner"].create({
            "name": "Бухгалтер Почты", "parent_id": cls.customer.id, "email": "buh@pochta.example",
        })
        cls.supplier = cls.env["res.partner"].create({"name": "Поставщик", "email": "sup@example.com"})
        cls.invoice = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": cls.accountant.id,
            "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 1000.0})],
        })
        cls.invoice.action_post()

    def _interactions(self, partner=None):
        return self.env["crm.interaction"].search([("partner_id", "=", (partner or self.customer).id)])

    def test_email_sent_from_customer_chatter(self):
        with self.mock_mail_gateway():
            message = self.customer.with_user(self.user_employee).message_post(
                body="Напоминаем о задолженности", subject="Задолженность", message_type="comment",
                subtype_xmlid="mail.mt_comment", partner_ids=self.customer.ids,
            )
        self.assertSentEmail(self.partner_employee, [self.customer])
        interaction = self._interactions()
        self.assertEqual(len(interaction), 1)
        self.assertRecordValues(interaction, [{
            "channel": "email", "direction": "outgoing", "source": "mail", "user_id": self.user_employee.id,
            "summary": "Задолженность", "mail_message_id": message.id,
        }])

    def test_internal_note_is_not_an_interaction(self):
        with self.mock_mail_gateway():
            self.customer.with_user(self.user_employee).message_post(
                body="Клиент сложный, звонить после обеда", message_type="comment", subtype_xmlid="mail.mt_note",
            )
            self.invoice.with_user(self.user_employee).message_post(
                body="Внутренняя заметка", message_type="comment", subtype_xmlid="mail.mt_note",
            )
        self.assertFalse(self._interactions())

    def test_no_interaction_for_non_customer_or_when_skipped(self):
        with self.mock_mail_gateway():
            self.supplier.message_post(body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment")
            self.customer.with_context(crm_interaction_skip=True).message_post(
                body="Logged by its sender", message_type="comment", subtype_xmlid="mail.mt_comment",
            )
        self.assertFalse(self._interactions(self.supplier))
        self.assertFalse(self._interactions())

    def test_incoming_email_reply_on_invoice(self):
        with self.mock_mail_gateway():
            sent = self.invoice.with_user(self.user_employee).message_post(
                body="Счёт во вложении", subject="Счёт", message_type="comment",
                subtype_xmlid="mail.mt_comment", partner_ids=self.accountant.ids,
            )
            email = INCOMING_EMAIL.format(
                email_from="Бухгалтер Почты <buh@pochta.example>",
                to=f"{self.alias_catchall}@{self.alias_domain}",
                msg_id="<reply-1@pochta.example>", parent=sent.message_id, subject="Re: Счёт",
            )
            self.env["mail.thread"].sudo().message_process(None, email)
        interactions = self._interactions().sorted("id")
        self.assertEqual(len(interactions), 2, "the email sent and the reply received")
        received = interactions[1]
        self.assertRecordValues(received, [{
            "channel": "email", "direction": "incoming", "contact_id": self.accountant.id,
            "summary": "Re: Счёт", "source": "mail",
        }])
        self.assertEqual(received.move_ids, self.invoice, "linked to the invoice it answers")
        self.assertEqual(received.mail_message_id.model, "account.move")

    def test_sms_from_invoice_chatter(self):
        with self.mockSMSGateway():
            self.invoice.with_user(self.user_employee)._message_sms(
                "Оплатите, пожалуйста, счёт", partner_ids=self.customer.ids,
            )
        self.assertSMSIapSent(["+32456998877"], content="Оплатите")
        interaction = self._interactions()
        self.assertEqual(len(interaction), 1, "one SMS, one interaction, although Odoo posts it as a note")
        self.assertRecordValues(interaction, [{
            "channel": "sms", "direction": "outgoing", "source": "sms", "user_id": self.user_employee.id,
        }])
        self.assertEqual(interaction.move_ids, self.invoice)

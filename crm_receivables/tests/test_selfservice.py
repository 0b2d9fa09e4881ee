from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

from ..tools import selfservice as selfservice_tools
from .selfservice_common import SelfServiceHttpCommon


@tagged("post_install", "-at_install")
class TestSelfServicePage(SelfServiceHttpCommon):
    """The page and its actions through real HTTP, from a real token link, without any account."""

    def test_page_shows_only_the_customers_items(self):
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice_old.name, page.text)
        self.assertIn(self.invoice_new.name, page.text)
        self.assertNotIn(self.invoice_other.name, page.text, "another customer's invoice is never shown")
        self.assertIn(f'data-item-id="{self.line_old.id}"', page.text)
        self.assertNotIn(f'data-item-id="{self._receivable(self.invoice_other).id}"', page.text)
        self.invoice_old.invalidate_recordset(["access_token"])
        self.assertTrue(self.invoice_old.access_token)
        self.assertIn(f"/my/invoices/{self.invoice_old.id}?access_token={self.invoice_old.access_token}", page.text,
                      "the invoice PDF through its portal token")
        self.assertIn("report_type=pdf", page.text)
        self.assertRegex(page.text, r"1,500\.00|1\s?500,00", "the total of the open items")
        self.assertIn(">20<", page.text, "days overdue of the oldest invoice")
        pdf = self.url_open(f"/my/invoices/{self.invoice_old.id}?access_token={self.invoice_old.access_token}"
                            "&report_type=pdf&download=true")
        self.assertEqual(pdf.status_code, 200, "the invoice opens without an account")

    def test_pay_now_only_with_a_payment_provider(self):
        self.assertNotIn("o_crm_selfservice_pay", self.url_open(self.url).text)
        provider = self.env["payment.provider"].search([("company_id", "=", self.company.id)], limit=1)
        provider.state = "test"
        page = self.url_open(self.url)
        self.invoice_old.invalidate_recordset(["access_token"])
        self.assertIn("o_crm_selfservice_pay", page.text)
        self.assertIn(f'href="/my/invoices/{self.invoice_old.id}?access_token={self.invoice_old.access_token}"',
                      page.text, "Pay now opens Odoo's own invoice page with its payment form")

    def test_access_rights(self):
        """Collectors read links and answers, managers revoke; portal and public users have no access."""
        portal = new_test_user(self.env, login="ss_portal", groups="base.group_portal")
        Token, Request = self.env["crm.selfservice.token"], self.env["crm.selfservice.request"]
        for model in (Token, Request):
            with self.assertRaises(AccessError):
                model.with_user(portal).search([])
            with self.assertRaises(AccessError):
                model.with_user(self.env.ref("base.public_user")).search([])
        self.assertEqual(Token.with_user(self.collector).search([("id", "=", self.token.id)]), self.token)
        with self.assertRaises(AccessError):
            self.token.with_user(self.collector).action_revoke()
        manager = new_test_user(self.env, login="ss_manager", groups="crm_receivables.crm_receivables_group_manager")
        self.token.with_user(manager).action_revoke()
        self.assertFalse(self.token.active)

    def test_guessed_expired_revoked_tokens_get_nothing(self):
        self.assertEqual(self.url_open("/crm/selfservice/guessed-token-123456").status_code, 404)
        self.assertEqual(self.url_open("/crm/selfservice/" + self.token.token[:-1]).status_code, 404)
        csrf, key = self._form("callback")
        self.token.date_expiry = fields.Datetime.now() - timedelta(minutes=1)
        expired = self.url_open(self.url)
        self.assertEqual(expired.status_code, 404)
        self.assertNotIn(self.invoice_old.name, expired.text)
        tomorrow = f"{self.today + timedelta(days=1)}T10:00"
        response, _csrf, _key = self._post("callback", {"when": tomorrow}, key=key, csrf=csrf)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._requests(), "an expired link records nothing")
        self.token.date_expiry = fields.Datetime.now() + timedelta(days=1)
        self.token.action_revoke()
        self.assertEqual(self.url_open(self.url).status_code, 404)

    def test_foreign_token_and_items(self):
        """The other customer's link shows its own invoice only; my link cannot act on its items."""
        token_other = self.env["crm.selfservice.token"]._get_or_create(self.other, self.company)
        page = self.url_open(token_other._get_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoice_other.name, page.text)
        self.assertNotIn(self.invoice_old.name, page.text)
        response, _csrf, _key = self._post("promise", {
            "line_ids": [self._receivable(self.invoice_other).id], "amount": "777",
            "promised_date": str(self.today + timedelta(days=3)),
        })
        self.assertEqual(response.status_code, 400)
        both = (self.customer | self.other).ids
        self.assertFalse(self.env["crm.payment.promise"].search([("partner_id", "in", both)]))
        self.assertFalse(self._requests())

    def test_promise_on_chosen_items_pauses_their_followup(self):
        promised = self.today + timedelta(days=10)
        data = {"line_ids": [self.line_old.id], "amount": "1 000,00", "promised_date": str(promised)}
        response, csrf, key = self._post("promise", data)
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=promise", response.headers["Location"])
        again, _csrf, _key = self._post("promise", data, key=key, csrf=csrf)
        self.assertEqual(again.status_code, 303, "a double click is answered like the first one")
        promise = self.env["crm.payment.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(promise), 1, "a double submit makes one promise")
        self.assertEqual(promise.move_ids, self.invoice_old, "exactly the chosen items' invoices")
        self.assertEqual((promise.amount, promise.promised_date, promise.state), (1000.0, promised, "open"))
        self.assertEqual(promise.user_id, self.collector)
        request = self._requests("promise")
        self.assertEqual(len(request), 1)
        self.assertEqual(request.interaction_id.channel, "selfservice")
        self.assertEqual(request.interaction_id.source, "selfservice")
        self.assertEqual(request.interaction_id.partner_id, self.customer)
        self.assertEqual(request.interaction_id.move_ids, self.invoice_old)
        self.assertEqual(promise.interaction_id, request.interaction_id)
        self.assertIn(self.collector.partner_id, promise.message_ids.notified_partner_ids,
                      "the collector is notified")
        self.assertEqual(promise.line_ids, self.line_old, "the promise covers exactly the chosen item")
        pause, _escalate = self.env["crm.followup.engine"]._get_promise_pauses(
            {self.customer.id: (self.line_old | self.line_new).ids}, {}, self.today)
        self.assertEqual(pause, {self.line_old.id}, "only the promised item is paused")

    def test_promise_limits_refused(self):
        too_far = self.today + timedelta(days=31)
        response, _csrf, _key = self._post("promise", {
            "line_ids": [self.line_old.id, self.line_new.id], "amount": "1500", "promised_date": str(too_far)})
        self.assertEqual(response.status_code, 400)
        self.assertIn("too far", response.text)
        response, _csrf, _key = self._post("promise", {
            "line_ids": [self.line_new.id], "amount": "900", "promised_date": str(self.today + timedelta(days=2))})
        self.assertEqual(response.status_code, 400)
        self.assertIn("more than the chosen items", response.text)
        self.assertFalse(self.env["crm.payment.promise"].search([("partner_id", "=", self.customer.id)]))
        self.assertFalse(self._requests(), "a refused answer writes nothing")
        self.assertFalse(self.env["crm.interaction"].search([("partner_id", "=", self.customer.id),
                                                             ("channel", "=", "selfservice")]))
        # the policy sets the limit
        self.env["crm.followup.policy"]._get_company_default(self.company).selfservice_max_days = 40
        response, _csrf, _key = self._post("promise", {
            "line_ids": [self.line_old.id, self.line_new.id], "amount": "1500", "promised_date": str(too_far)})
        self.assertEqual(response.status_code, 303)

    def test_dispute_blocks_the_invoice(self):
        data = {"line_id": str(self.line_new.id), "reason": "The goods were returned on 5 May."}
        files = {"attachment": ("return.pdf", b"%PDF-1.4 return note", "application/pdf")}
        response, csrf, key = self._post("dispute", data, files=files)
        self.assertEqual(response.status_code, 303)
        self._post("dispute", data, key=key, csrf=csrf, files=files)
        request = self._requests("dispute")
        self.assertEqual(len(request), 1, "a double submit makes one dispute")
        self.assertEqual(request.move_ids, self.invoice_new)
        self.assertEqual(request.interaction_id.channel, "selfservice")
        self.assertTrue(self.invoice_new.crm_followup_blocked, "dunning of the disputed invoice is blocked")
        self.assertFalse(self.invoice_old.crm_followup_blocked, "the other invoice is still followed up")
        candidates = self.env["crm.followup.engine"]._get_candidate_domain(self.today)
        followed = self.env["account.move.line"].search(
            [*candidates, ("partner_id.commercial_partner_id", "=", self.customer.id)])
        self.assertEqual(followed.move_id, self.invoice_old)

    def test_dispute_file_bounded(self):
        response, _csrf, _key = self._post(
            "dispute", {"line_id": str(self.line_new.id), "reason": "wrong"},
            files={"attachment": ("tool.exe", b"MZ....", "application/octet-stream")})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Only PDF, PNG and JPEG", response.text)
        self.assertFalse(self.invoice_new.crm_followup_blocked)
        self.assertFalse(self._requests())

    def test_call_back_activity_for_the_collector(self):
        when = self.today + timedelta(days=2)
        data = {"when": f"{when}T15:30", "phone": "+7 916 000-00-01", "note": "after lunch"}
        response, csrf, key = self._post("callback", data)
        self.assertEqual(response.status_code, 303)
        self._post("callback", data, key=key, csrf=csrf)
        call_type = self.env.ref("mail.mail_activity_data_call")
        activities = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id),
            ("activity_type_id", "=", call_type.id),
        ])
        self.assertEqual(len(activities), 1, "a double submit makes one call-back")
        self.assertEqual(activities.user_id, self.collector)
        self.assertEqual(activities.date_deadline, when)
        self.assertIn("+7 916 000-00-01", activities.note)
        self.assertEqual(self._requests("callback").interaction_id.channel, "selfservice")

    def test_statement_confirm_records_who_and_when(self):
        response, csrf, key = self._post("statement_confirm", {
            "statement_id": str(self.statement.id), "name": "Иванова А. П., главный бухгалтер"})
        self.assertEqual(response.status_code, 303)
        self._post("statement_confirm", {"statement_id": str(self.statement.id), "name": "x"}, key=key, csrf=csrf)
        self.assertEqual(self.statement.state, "confirmed")
        self.assertEqual(self.statement.selfservice_confirmed_by, "Иванова А. П., главный бухгалтер")
        self.assertTrue(self.statement.selfservice_confirmed_on)
        self.assertEqual(self.statement.selfservice_token_id, self.token)
        request = self._requests("statement_confirm")
        self.assertEqual(len(request), 1)
        self.assertEqual((request.res_model, request.res_id), ("crm.statement", self.statement.id))
        page = self.url_open(self.url)
        self.assertIn("o_crm_selfservice_statement_confirmed", page.text)
        self.assertNotIn("o_crm_selfservice_statement_confirm_submit", page.text, "answered once")

    def test_statement_difference(self):
        response, _csrf, _key = self._post("statement_difference", {
            "statement_id": str(self.statement.id), "balance": "1000", "note": "Invoice of 500 not received"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.statement.state, "disputed")
        self.assertIn("Invoice of 500 not received", self.statement.dispute_note)
        self.assertIn("500.00", self.statement.dispute_note, "the difference is computed")
        self.assertEqual(len(self._requests("statement_difference")), 1)

    def test_rate_limited_per_token(self):
        with patch.object(selfservice_tools, "RATE_LIMIT", 2):
            for day in (1, 2):
                response, _csrf, _key = self._post("callback", {"when": f"{self.today + timedelta(days=day)}T10:00"})
                self.assertEqual(response.status_code, 303)
            response, _csrf, _key = self._post("callback", {"when": f"{self.today + timedelta(days=3)}T10:00"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Too many answers", response.text)
        self.assertEqual(len(self._requests("callback")), 2)

    def test_post_without_csrf_refused(self):
        _csrf, key = self._form("callback")
        with mute_logger("odoo.http"):
            response = self.url_open(f"{self.url}/callback", data={
                "idempotency_key": key, "when": f"{self.today + timedelta(days=1)}T10:00"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._requests())

    def test_page_in_customer_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["crm_receivables"], ["ru_RU"])
        self.customer.lang = "ru_RU"
        page = self.url_open(self.url)
        self.assertIn("Открытые позиции", page.text)
        self.assertIn("Я оплачу", page.text)
        self.customer.lang = "en_US"
        self.assertIn("Open items", self.url_open(self.url).text)


@tagged("post_install", "-at_install")
class TestSelfServiceReminders(MockEmail, MockSMS, TransactionCase):
    """The personal link is in the e-mail and SMS actually generated by a follow-up run; the KPI."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("crm_receivables.mail_template_crm_followup")
        sms_template = cls.env.ref("crm_receivables.sms_template_crm_followup")
        cls.policy = cls.env["crm.followup.policy"].create({
            "name": "Self-service policy", "company_id": cls.env.company.id, "selfservice_token_days": 10,
            "level_ids": [Command.create({"name": "Reminder", "delay": 3, "tone": "friendly",
                                         "mail_template_id": template.id, "sms_template_id": sms_template.id})],
        })
        cls.customer_email = cls._customer("ООО «Письмо»", email="buh@letter.example.com")
        cls.customer_sms = cls._customer("ООО «Эсэмэс»", mobile="+79161234567", crm_followup_channels="sms")
        cls.today = fields.Date.context_today(cls.env.user)
        for partner in cls.customer_email | cls.customer_sms:
            move = cls.env["account.move"].create({
                "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": cls.today - timedelta(days=10),
                "invoice_date_due": cls.today - timedelta(days=10), "invoice_payment_term_id": False,
                "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 2000.0,
                                                     "tax_ids": [Command.clear()]})],
            })
            move.action_post()

    @classmethod
    def _customer(cls, name, **vals):
        partner = cls.env["res.partner"].create({"name": name, "is_company": True, "lang": "en_US",
                                                 "street": "ул. Ленина, 1", "city": "Москва", **vals})
        partner.crm_followup_policy_id = cls.policy
        return partner

    def _run(self):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.env["crm.followup.message"]._followup_run(partners=self.customer_email | self.customer_sms)
            messages = self.env["crm.followup.message"].search(
                [("partner_id", "in", (self.customer_email | self.customer_sms).ids)])
            messages.mail_id.send()
            messages.sms_id.send()
        return messages

    def test_link_in_email_and_sms_of_a_followup_run(self):
        messages = self._run()
        Token = self.env["crm.selfservice.token"]
        email = messages.filtered(lambda m: m.partner_id == self.customer_email)
        sms = messages.filtered(lambda m: m.partner_id == self.customer_sms)
        self.assertEqual((email.channel, email.state, sms.channel, sms.state), ("email", "sent", "sms", "sent"))
        token_email = Token.search([("message_id", "=", email.id)])
        token_sms = Token.search([("message_id", "=", sms.id)])
        self.assertEqual(len(token_email), 1, "rendering reuses the reminder's link")
        self.assertEqual(token_email.partner_id, self.customer_email)
        self.assertEqual(token_sms.partner_id, self.customer_sms)
        expiry = fields.Datetime.now() + timedelta(days=10)
        self.assertAlmostEqual(token_email.date_expiry, expiry, delta=timedelta(minutes=5),
                               msg="valid for the policy's days")
        sent = [mail for mail in self._mails if self.customer_email.email in " ".join(mail["email_to"])]
        self.assertEqual(len(sent), 1, "the reminder went through the mail gateway")
        self.assertIn(f'href="{token_email._get_url()}"', sent[0]["body"])
        self.assertEqual(len(self._sms), 1)
        self.assertIn(token_sms._get_url(), self._sms[0]["body"])
        self.assertTrue(self.env["crm.selfservice.token"]._check_token(token_sms.token), "the link sent works")

    def test_answer_share_kpi(self):
        Token = self.env["crm.selfservice.token"]
        before = Token._answer_share(self.today, self.today)  # other reminders of the day (demo data)
        messages = self._run()
        after_run = Token._answer_share(self.today, self.today)
        self.assertEqual(after_run["reminders"], before["reminders"] + 2)
        self.assertEqual(after_run["answered"], before["answered"])
        token = Token.search([("message_id", "=", messages.filtered(lambda m: m.channel == "sms").id)])
        when = (self.today + timedelta(days=1)).isoformat() + "T10:00"
        token._selfservice_submit("callback", "kpi-key-0001", {"when": when})
        token._selfservice_submit("callback", "kpi-key-0002", {"when": when})
        kpi = Token._answer_share(self.today, self.today)
        self.assertEqual(kpi["answered"], before["answered"] + 1, "two answers to one reminder count once")
        self.assertEqual(kpi["share"], round(100.0 * kpi["answered"] / kpi["reminders"], 1))
        self.assertGreater(kpi["share"], after_run["share"])
        yesterday = self.today - timedelta(days=1)
        self.assertEqual(Token._answer_share(yesterday, yesterday, self.env.company)["answered"], 0)
        # the workbench's dashboard shows the same figure
        dashboard = self.env["crm.kpi.dashboard"].create({"date_from": self.today, "date_to": self.today})
        self.assertEqual(
            (dashboard.selfservice_reminders, dashboard.selfservice_answered, dashboard.selfservice_share),
            (kpi["reminders"], kpi["answered"], kpi["share"]),
        )

    def test_answer_share_kpi_queries(self):
        """The KPI is two grouped queries, whatever the number of reminders and answers."""
        self._run()
        Token = self.env["crm.selfservice.token"]
        Token._answer_share(self.today, self.today)
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            Token._answer_share(self.today, self.today, self.env.company)

"""The whole collection flow, end to end, in real Odoo: every capability hands its result to the next one.

Path A — a company that keeps its books in 1C: settlements file → one open item per document → follow-up
communications per document and level (e-mail and SMS) → a call reported by the exchange over HTTP → a promise
on one document from the next-call screen → the follow-up pauses that document → the next 1C file no longer
lists the documents → settled "paid in 1C" → promise kept → kept-rate, behaviour score (cron), cash-in forecast
(cron) and the statement (акт сверки).

Path B — invoices in Odoo: a posted invoice → reminder with the personal link → promise and dispute through the
self-service page (real HTTP) → the promise is broken (cron) and the item escalated, the disputed one stays
blocked → the payment registered late → score (cron) and aging.

Each step asserts concrete figures: the test fails when any link of the chain breaks.
"""

import base64
import io
import json
import re
from datetime import timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS

PBX_TOKEN = "flow-pbx-token-0123456789"  # noqa: S105 - test fixture
HEADER = ("Контрагент", "ИНН", "КПП", "Документ", "Срок оплаты", "Сумма")


def _inn10(number):
    """A valid 10-digit ИНН made from a number (check digit computed)."""
    prefix = f"{780000000 + number:09d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return prefix + str(sum(int(digit) * weight for digit, weight in zip(prefix, weights, strict=True)) % 11 % 10)


def settlements_file(rows):
    """A 1C "settlements with customers by document" export (.xlsx) with the given document rows.

    :param rows: ``(customer name, ИНН, КПП, number, document date, due date, amount)``
    :return: bytes of the .xlsx file
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Расчеты"
    sheet.append(list(HEADER))
    for name, inn, kpp, number, doc_date, due, amount in rows:
        sheet.append([name, inn, kpp, f"Реализация товаров и услуг {number} от {doc_date:%d.%m.%Y}",
                      f"{due:%d.%m.%Y}", amount])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


class DebtFlowCommon(MockEmail, MockSMS, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_promise_grace_days = 2
        cls.env.ref("base.RUB").active = True
        cls.today = fields.Date.context_today(cls.env.user)
        cls.collector = new_test_user(
            cls.env, login="flow_collector", name="Коллектор Потоков", email="collector@flow.example.com",
            groups="crm_receivables.crm_receivables_group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        email_template = cls.env.ref("crm_receivables.mail_template_crm_followup")
        sms_template = cls.env.ref("crm_receivables.sms_template_crm_followup")
        levels = [("First reminder", 3, "friendly"), ("Firm reminder", 15, "firm"), ("Final notice", 21, "final")]
        cls.policy = cls.env["crm.followup.policy"].create({
            "name": "Flow policy", "company_id": cls.company.id,
            "threshold_ids": [Command.create({"currency_id": cls.company.currency_id.id, "amount_min": 100.0})],
            "level_ids": [
                Command.create({"name": name, "delay": delay, "tone": tone, "mail_template_id": email_template.id,
                                "sms_template_id": sms_template.id})
                for name, delay, tone in levels
            ],
        })
        cls.level_first, cls.level_firm, cls.level_final = cls.policy.level_ids.sorted("delay")

    def _customer_setup(self, partner, **vals):
        """What the collector completes on a customer card: channel, contact data, policy, collector."""
        partner.write({
            "crm_followup_policy_id": self.policy.id, "crm_collector_id": self.collector.id, "lang": "en_US",
            "crm_followup_quiet_start": 0.0, "crm_followup_quiet_end": 0.0, "crm_followup_quiet_days": False,
            **vals,
        })

    def _run_followup(self, partners):
        return self.env["crm.followup.engine"]._run(partners=partners)

    def _pairs(self, partners):
        lines = self.env["crm.followup.line"].search([("partner_id", "in", partners.ids)])
        return {(line.move_line_id, line.level_id) for line in lines}

    def _messages(self, partner):
        return self.env["crm.followup.message"].search([("partner_id", "=", partner.id)], order="id")

    def _run_cron(self, xmlid):
        self.env.ref(xmlid).method_direct_trigger()

    def _score(self, partner):
        partner.invalidate_recordset()
        return partner.crm_score, partner.crm_score_class, partner.crm_score_reason


@tagged("post_install", "-at_install")
class TestDebtFlow1c(DebtFlowCommon):
    """Path A: a debt imported from 1C is chased, promised, paid in 1C and learnt from."""

    def test_debt_from_1c_to_kept_promise_score_forecast_and_statement(self):
        today = self.today
        tomorrow = today + timedelta(days=1)
        inn_a, inn_b = _inn10(40101), _inn10(40202)
        a_row = ("ООО «Поток-Опт»", inn_a, "780101001")
        b_row = ("АО «Поток-Смс»", inn_b, "780201001")
        docs = {  # number: (row, document date, due date, amount)
            "00007101": (a_row, today - timedelta(days=50), today - timedelta(days=20), 50000.0),
            "00007102": (a_row, today - timedelta(days=44), today - timedelta(days=14), 30000.0),
            "00007103": (a_row, today - timedelta(days=20), today + timedelta(days=10), 15000.0),
            "00007201": (b_row, today - timedelta(days=40), today - timedelta(days=10), 20000.0),
        }

        def file_of(numbers):
            return settlements_file([(*docs[n][0], n, docs[n][1], docs[n][2], docs[n][3]) for n in numbers])

        # 1. the 1C settlements export, through the import service (the wizard's engine), dated today
        session = self.env["crm.import.1c.service"].import_file(
            file_of(docs), "settlements_day1.xlsx", date=today)
        self.assertEqual(session.state, "done")
        customer_a = self.env["res.partner"].search([("vat", "=", inn_a)])
        customer_b = self.env["res.partner"].search([("vat", "=", inn_b)])
        self.assertEqual((len(customer_a), len(customer_b)), (1, 1))
        Document = self.env["crm.import.1c.document"]
        owner = {a_row: customer_a, b_row: customer_b}
        items = {
            number: Document.search([("doc_number", "=", number), ("partner_id", "=", owner[row].id)]).move_line_ids
            for number, (row, _doc_date, _due, _amount) in docs.items()
        }
        for number, (_row, _doc_date, due, amount) in docs.items():
            item = items[number]
            self.assertEqual(len(item), 1, f"one open item for 1C document {number}")
            self.assertEqual((item.balance, item.date_maturity, item.reconciled, item.parent_state),
                             (amount, due, False, "posted"))
            self.assertEqual(item.account_id.account_type, "asset_receivable")
            self.assertEqual(item.crm_document_name, number)
        self.assertEqual(customer_a.with_context(date=today).crm_overdue_amount, 80000.0)
        self.assertEqual(customer_a.crm_total_due, 95000.0)
        self._customer_setup(customer_a, email="buh@potok-opt.example.com", phone="+7 903 555-12-34",
                             crm_followup_channels="email")
        self._customer_setup(customer_b, mobile="+7 916 555-77-88", crm_followup_channels="sms")

        # 2. the follow-up: one line per (document, level), one communication per customer on its channel
        with self.mock_mail_gateway(), self.mockSMSGateway():
            result = self._run_followup(customer_a | customer_b)
            self.assertEqual(result["lines"], 3)
            self.assertEqual(self._pairs(customer_a | customer_b), {
                (items["00007101"], self.level_firm),  # 20 days late
                (items["00007102"], self.level_first),  # 14 days late
                (items["00007201"], self.level_first),  # 10 days late; 00007103 is not due
            })
            mail_a = self._messages(customer_a)
            sms_b = self._messages(customer_b)
            self.assertEqual((len(mail_a), mail_a.channel, mail_a.level_id, mail_a.state),
                             (1, "email", self.level_firm, "sent"))
            self.assertEqual((len(sms_b), sms_b.channel, sms_b.level_id, sms_b.state),
                             (1, "sms", self.level_first, "sent"))
            self.assertEqual(mail_a.mail_id.state, "outgoing", "the e-mail is queued")
            self.assertEqual(sms_b.sms_id.state, "outgoing", "the SMS is queued")
            for number in ("00007101", "00007102"):
                self.assertIn(number, mail_a.mail_id.body_html, "the reminder names the 1C document")
            self.assertNotIn("00007103", mail_a.mail_id.body_html)
            self.assertEqual(mail_a.interaction_id.partner_id, customer_a)
            self.assertEqual(sms_b.interaction_id.channel, "sms")
            # the queues go out through the (mocked) mail server and SMS gateway
            mail_a.mail_id.send()
            sms_b.sms_id._send(unlink_sent=False)
        to_customer = [mail for mail in self._mails if "buh@potok-opt.example.com" in " ".join(mail["email_to"])]
        self.assertEqual(len(to_customer), 1, "the reminder leaves once")
        self.assertIn("00007101", to_customer[0]["body"])
        self.assertIn("/crm/selfservice/", to_customer[0]["body"], "the e-mail carries the personal link")
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+79165557788")
        self.assertIn("/crm/selfservice/", self._sms[0]["body"], "the SMS carries the personal link")
        self.assertEqual(self._run_followup(customer_a | customer_b)["lines"], 0, "a rerun adds nothing")

        # 3. the customer calls back: the exchange reports the call over HTTP, it lands on the customer
        self.company.crm_pbx_token = PBX_TOKEN
        before = self.env["crm.interaction"].search_count([("partner_id", "=", customer_a.id)])
        response = self.url_open(
            "/crm_receivables/pbx/call",
            data=json.dumps({"phone": "8 (903) 555-12-34", "direction": "incoming", "duration": 125,
                             "summary": "Бухгалтер перезвонил по напоминанию"}),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {PBX_TOKEN}"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["partner"]["id"], customer_a.id)
        call = self.env["crm.interaction"].browse(body["interaction_id"])
        self.assertEqual((call.partner_id, call.channel, call.direction), (customer_a, "call", "incoming"))
        self.assertEqual(self.env["crm.interaction"].search_count([("partner_id", "=", customer_a.id)]), before + 1)

        # 4. the collector's next-call screen: outcome "promise" on document 00007101 only
        Queue = self.env["crm.collection.queue"]
        Queue._rebuild(self.company)
        entry = Queue.search([("partner_id", "=", customer_a.id)])
        self.assertEqual((entry.user_id, entry.amount_overdue), (self.collector, 80000.0))
        action = entry.with_user(self.collector).with_context(crm_outcome_code="promise").action_log_outcome()
        wizard_form = Form(self.env["crm.interaction.log.wizard"].with_user(self.collector).with_context(
            **action["context"]))
        wizard_form.promise_line_ids.add(items["00007101"])
        self.assertEqual(wizard_form.promise_amount, 50000.0, "the amount due on the document")
        wizard_form.promise_date = today + timedelta(days=5)
        wizard_form.save().action_log()
        promise = customer_a.crm_promise_ids
        self.assertEqual((len(promise), promise.state, promise.amount), (1, "open", 50000.0))
        self.assertEqual(promise.line_ids, items["00007101"])
        self.assertEqual(promise.user_id, self.collector)
        self.assertEqual(promise.interaction_id.outcome_id.code, "promise")
        self.assertTrue(entry.is_done)
        Queue._rebuild(self.company)
        self.assertFalse(Queue.search([("partner_id", "=", customer_a.id)]), "inside the promise window")
        # the forecast of tomorrow morning: half of the promise (no kept-rate yet) in the first week
        forecast = self.env["crm.cashin.forecast"]._forecast(self.company, tomorrow)[
            (self.company.id, customer_a.id)]
        self.assertAlmostEqual(forecast["promised"], 25000.0)
        self.assertAlmostEqual(forecast["promise_weeks"][0], 25000.0)

        with freeze_time(tomorrow):
            # 5. the next day: 00007101 would reach "Final notice" (21 days) but is paused by the promise;
            # 00007102 (not promised) goes on to "Firm reminder" (15 days)
            with self.mock_mail_gateway():
                self.assertEqual(self._run_followup(customer_a | customer_b)["lines"], 1)
            self.assertNotIn((items["00007101"], self.level_final), self._pairs(customer_a))
            self.assertIn((items["00007102"], self.level_firm), self._pairs(customer_a))
            second = self._messages(customer_a)[-1]
            self.assertEqual((second.level_id, second.move_line_ids), (self.level_firm, items["00007102"]))

            # 6. the next 1C export no longer lists 00007101 and 00007102: paid in 1C, settled in Odoo
            wizard = self.env["crm.import.1c.wizard"].create({
                "file": base64.b64encode(file_of(["00007103", "00007201"])), "filename": "settlements_day2.xlsx",
                "date": tomorrow,
            })
            wizard.action_preview()
            self.assertTrue(wizard.settle_missing, "a settlements export lists all open documents")
            settled = wizard.line_ids.filtered(lambda line: line.doc_action == "settle")
            self.assertEqual(sorted(settled.mapped("change")), [-50000.0, -30000.0])
            self.assertEqual((wizard.settled_count, wizard.settled_amount), (2, -80000.0))
            wizard.action_import()
            self.assertIn("2 paid in 1C", wizard.result_message)
            for number in ("00007101", "00007102"):
                self.assertTrue(items[number].reconciled, f"{number} is settled")
            self.assertFalse(items["00007103"].reconciled)
            self.assertEqual(items["00007201"].amount_residual, 20000.0, "the other customer is untouched")
            customer_a.invalidate_recordset(["crm_total_due", "crm_overdue_amount", "crm_open_item_count"])
            self.assertEqual((customer_a.crm_total_due, customer_a.crm_overdue_amount,
                              customer_a.crm_open_item_count), (15000.0, 0.0, 1))

            # 7. the promise is kept (by the reconciliation; the daily judge cron confirms it)
            self._run_cron("crm_receivables.ir_cron_crm_payment_promise_judge")
            self.assertEqual((promise.state, promise.amount_paid, promise.date_judged), ("kept", 50000.0, tomorrow))
            customer_a.invalidate_recordset(["crm_promise_kept_rate", "crm_promise_open_count"])
            self.assertEqual((customer_a.crm_promise_kept_rate, customer_a.crm_promise_open_count), (100.0, 0))
            self.assertEqual(self._run_followup(customer_a)["lines"], 0, "nothing left to chase but 00007103")

            # 8. behaviour score by its cron: 80 000 paid 18.75 days late on average (50 000 × 21 + 30 000 × 15),
            # all of it late, 1 of 1 promises kept, both reminders answered within 7 days, nothing overdue:
            # 100 × (40 × (1 − 18.75/60) + 15 × 0 + 20 × 1 + 10 × 1 + 15 × 1) / 100 = 72.5 → B
            self.assertTrue(customer_a.crm_score_dirty, "the settlement marked the customer for scoring")
            self._run_cron("crm_receivables.ir_cron_crm_score")
            score, cls, reason = self._score(customer_a)
            self.assertEqual((score, cls), (72.5, "B"))
            self.assertEqual(reason, "pays 19 days late on average, 100% of the amount paid late, kept 1 of 1 "
                                     "promises, pays after 100% of reminders")

            # 9. the statement (акт сверки) lists the documents and their settlement; 15 000 remain
            statement = self.env["crm.statement"].create({
                "partner_id": customer_a.id, "date_from": today - timedelta(days=90), "date_to": tomorrow,
            })
            data = statement._get_statement_data()
            self.assertEqual((data["opening"], data["debit"], data["credit"], data["closing"]),
                             (0.0, 95000.0, 80000.0, 15000.0))
            self.assertEqual(statement.closing_balance, 15000.0)
            documents = " | ".join(row["document"] for row in data["rows"])
            for number in ("00007101", "00007102", "00007103"):
                self.assertIn(number, documents)
            self.assertEqual(sorted(row["credit"] for row in data["rows"] if row["credit"]), [30000.0, 50000.0])

            # 10. a new promise on the last document: with 1 of 1 kept, the forecast expects all of it
            self.env["crm.payment.promise"].create({
                "partner_id": customer_a.id, "line_ids": [Command.set(items["00007103"].ids)], "amount": 15000.0,
                "promised_date": today + timedelta(days=12),
            })
        with freeze_time(today + timedelta(days=2)):
            self._run_cron("crm_receivables.ir_cron_crm_cashin_forecast_rebuild")
            rows = self.env["crm.cashin.forecast"].search([("partner_id", "=", customer_a.id)])
            self.assertEqual([(row.week, row.amount, row.amount_promised) for row in rows], [(2, 15000.0, 15000.0)],
                             "the whole 15 000 from the promise (kept-rate 100 %) in the week of its date")


@tagged("post_install", "-at_install")
class TestDebtFlowInvoice(DebtFlowCommon):
    """Path B: an invoice, a reminder with the personal link, self-service promise and dispute, a late payment."""

    def _invoice(self, partner, amount, due):
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": due - timedelta(days=30),
            "invoice_date_due": due, "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({"name": "Поставка", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        })
        move.action_post()
        return move, move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _selfservice_post(self, url, action, data):
        """Submit a form of the self-service page like a browser: its CSRF token and idempotency key."""
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        match = re.search(r'action="[^"]*/%s"[\s\S]*?name="csrf_token" value="([^"]+)"[\s\S]*?'
                          r'name="idempotency_key" value="([^"]+)"' % action, page.text)
        self.assertTrue(match, f"the page has a form for {action}")
        payload = {"csrf_token": match.group(1), "idempotency_key": match.group(2), **data}
        return self.url_open(f"{url}/{action}", data=payload, allow_redirects=False)

    def test_invoice_reminder_selfservice_promise_dispute_late_payment(self):
        today = self.today
        customer = self.env["res.partner"].create({"name": "ООО «Счёт и Ко»", "is_company": True})
        self._customer_setup(customer, email="pay@schet.example.com", phone="+7 903 555-44-66",
                             crm_followup_channels="email")
        invoice, item = self._invoice(customer, 12000.0, today - timedelta(days=10))
        disputed, disputed_item = self._invoice(customer, 5000.0, today - timedelta(days=12))

        # 1. the reminder: one e-mail listing both invoices, with the customer's personal link
        with self.mock_mail_gateway():
            self._run_followup(customer)
            reminder = self._messages(customer)
            self.assertEqual((len(reminder), reminder.level_id, reminder.channel, reminder.state),
                             (1, self.level_first, "email", "sent"))
            self.assertEqual(reminder.move_line_ids, item | disputed_item)
            reminder.mail_id.send()
        sent = [mail for mail in self._mails if "pay@schet.example.com" in " ".join(mail["email_to"])]
        self.assertEqual(len(sent), 1)
        self.assertIn(invoice.name, sent[0]["body"])
        link = re.search(r"(/crm/selfservice/[\w-]+)", sent[0]["body"])
        self.assertTrue(link, "the reminder carries the personal link")
        url = link.group(1)

        # 2. the customer opens the link (no account): promises the first invoice, disputes the second
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.name, page.text)
        self.assertIn(disputed.name, page.text)
        promised_date = today + timedelta(days=3)
        response = self._selfservice_post(url, "promise", {
            "line_ids": [item.id], "amount": "12 000,00", "promised_date": str(promised_date)})
        self.assertEqual(response.status_code, 303)
        promise = customer.crm_promise_ids
        self.assertEqual((len(promise), promise.state, promise.amount, promise.promised_date),
                         (1, "open", 12000.0, promised_date))
        self.assertEqual(promise.line_ids, item)
        self.assertEqual(promise.user_id, self.collector, "the customer's collector follows it")
        self.assertEqual(promise.interaction_id.channel, "selfservice")
        response = self._selfservice_post(url, "dispute", {
            "line_id": str(disputed_item.id), "reason": "Поставлено 8 паллет, в счёте 10."})
        self.assertEqual(response.status_code, 303)
        complaint = self.env["crm.complaint"].search([("partner_id", "=", customer.id)])
        self.assertEqual((len(complaint), complaint.is_dispute, complaint.invoice_ids), (1, True, disputed))
        disputed_item.invalidate_recordset(["crm_followup_blocked"])
        self.assertTrue(disputed_item.crm_followup_blocked, "the dispute blocks the item")
        self.assertFalse(item.crm_followup_blocked)

        # 3. six days later: the deadline (promised date + 2 grace days) passed unpaid — the cron judges it broken;
        # the follow-up escalates the promised invoice; the disputed one (18 days late) stays blocked
        with freeze_time(today + timedelta(days=6)):
            self._run_cron("crm_receivables.ir_cron_crm_payment_promise_judge")
            self.assertEqual((promise.state, promise.amount_paid, promise.date_judged),
                             ("broken", 0.0, today + timedelta(days=6)))
            callback = customer.activity_ids.filtered(lambda act: "Payment promise not kept" in (act.summary or ""))
            self.assertEqual(callback.user_id, self.collector, "the collector is asked to call back")
            with self.mock_mail_gateway():
                self.assertEqual(self._run_followup(customer)["lines"], 1)
            escalated = self._messages(customer)[-1]
            self.assertEqual((escalated.level_id, escalated.move_line_ids), (self.level_firm, item))
            self.assertEqual(self._pairs(customer), {
                (item, self.level_first), (disputed_item, self.level_first), (item, self.level_firm)})

        # 4. ten days later: the payment is registered, late; the broken promise stays broken
        with freeze_time(today + timedelta(days=10)):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({"amount": 12000.0, "payment_date": today + timedelta(days=10)})._create_payments()
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.assertTrue(item.reconciled)
            self.assertEqual((promise.state, promise.amount_paid), ("broken", 0.0))
            customer.invalidate_recordset(["crm_promise_kept_rate"])
            self.assertEqual(customer.crm_promise_kept_rate, 0.0)

            # score by its cron: 12 000 paid 20 days late, 0 of 1 promises kept, 1 of 2 reminders answered within
            # 7 days, the disputed 5 000 22 days overdue, one open dispute:
            # 40 × (1 − 20/60) + 15 × 0 + 20 × 0 + 10 × 0.5 + 15 × (1 − 22/90) − 5 = 38.0 → D
            self._run_cron("crm_receivables.ir_cron_crm_score")
            score, cls, reason = self._score(customer)
            self.assertEqual((score, cls), (38.0, "D"))
            self.assertEqual(reason, "pays 20 days late on average, 100% of the amount paid late, kept 0 of 1 "
                                     "promises, pays after 50% of reminders, oldest debt 22 days overdue, "
                                     "open disputes: 1")

            # aging: only the disputed invoice is left, 22 days overdue
            aging = self.env["crm.aging.report"].search([("partner_id", "=", customer.id)])
            self.assertEqual([(row.move_id, row.days_overdue, row.bucket, row.amount_1_30, row.amount_overdue)
                              for row in aging], [(disputed, 22, "1_1_30", 5000.0, 5000.0)])
            # the queue leaves out what is blocked: nothing to call this customer about
            self.env["crm.collection.queue"]._rebuild(self.company)
            self.assertFalse(self.env["crm.collection.queue"].search([("partner_id", "=", customer.id)]))
            # the follow-up chases nothing: the paid invoice is closed, the disputed one blocked
            with self.mock_mail_gateway():
                self.assertEqual(self._run_followup(customer)["lines"], 0)

        # the complaint is resolved: the item is chased again
        complaint.action_close()
        disputed_item.invalidate_recordset(["crm_followup_blocked"])
        self.assertFalse(disputed_item.crm_followup_blocked)

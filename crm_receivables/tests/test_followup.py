from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

DUE = date(2026, 3, 10)


@tagged("post_install", "-at_install")
class TestFollowupCommon(AccountTestInvoicingCommon):
    """A policy (−3 friendly, +3 friendly, +15 firm reviewed), customers with different channels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.sudo().groups_id = [
            Command.link(cls.env.ref("crm_receivables.crm_receivables_group_manager").id)]
        cls.env.company.crm_promise_grace_days = 2
        template = cls.env.ref("crm_receivables.mail_template_crm_followup")
        sms_template = cls.env.ref("crm_receivables.sms_template_crm_followup")
        cls.policy = cls.env["crm.followup.policy"].create({
            "name": "Test policy",
            "is_default": True,
            "company_id": cls.env.company.id,
            "threshold_ids": [Command.create({"currency_id": cls.env.company.currency_id.id, "amount_min": 100.0})],
            "level_ids": [
                Command.create({"name": "Before due", "delay": -3, "tone": "friendly",
                                "mail_template_id": template.id, "sms_template_id": sms_template.id}),
                Command.create({"name": "First", "delay": 3, "tone": "friendly",
                                "mail_template_id": template.id, "sms_template_id": sms_template.id}),
                Command.create({"name": "Firm", "delay": 15, "tone": "firm", "needs_review": True,
                                "mail_template_id": template.id, "sms_template_id": sms_template.id,
                                "create_activity": True}),
            ],
        })
        cls.level_pre, cls.level_1, cls.level_2 = cls.policy.level_ids.sorted("delay")
        cls.customer_email = cls._customer("ООО «Почта»", email="buh@pochta.example.com")
        cls.customer_sms = cls._customer("ООО «СМС»", mobile="+79161234567", channels="sms, email",
                                         email="info@sms.example.com")
        cls.customer_none = cls._customer("ООО «Без связи»", mobile="+79167654321")

    @classmethod
    def _customer(cls, name, channels=False, **vals):
        return cls.env["res.partner"].create({
            "name": name, "is_company": True, "crm_followup_channels": channels, "lang": "en_US",
            "street": "ул. Ленина, 1", "city": "Москва", **vals,
        })

    def _invoice(self, partner, amount=1000.0, due=DUE):
        invoice = self.init_invoice("out_invoice", partner=partner, invoice_date=due, amounts=[amount], taxes=[])
        invoice.write({"invoice_payment_term_id": False, "invoice_date_due": due})
        invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, due)
        return invoice

    def _run(self, day, partners=None, **kwargs):
        partners = partners or (self.customer_email | self.customer_sms | self.customer_none)
        with freeze_time(day):
            return self.env["crm.followup.engine"]._run(partners=partners, **kwargs)

    def _messages(self, partners=None):
        partners = partners or (self.customer_email | self.customer_sms | self.customer_none)
        return self.env["crm.followup.message"].search([("partner_id", "in", partners.ids)], order="id")


@tagged("post_install", "-at_install")
class TestFollowup(TestFollowupCommon):

    def test_levels_fire_on_the_right_days(self):
        invoice = self._invoice(self.customer_email)
        self._run(DUE - timedelta(days=4))
        self.assertFalse(self._messages(), "nothing 4 days before the due date")
        self._run(DUE - timedelta(days=3))
        message = self._messages()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.level_id, self.level_pre, "the friendly reminder 3 days before the due date")
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.channel, "email")
        self.assertTrue(message.mail_id, "an email is queued")
        self.assertIn(invoice.name, message.mail_id.body_html)
        self.assertEqual(message.interaction_id.channel, "email")
        self.assertEqual(message.interaction_id.direction, "outgoing")
        self.assertEqual(message.interaction_id.partner_id, self.customer_email)
        for day in (DUE, DUE + timedelta(days=2)):
            self._run(day)
        self.assertEqual(len(self._messages()), 1, "no level between -3 and +3")
        self._run(DUE + timedelta(days=3))
        messages = self._messages()
        self.assertEqual(messages.level_id, self.level_pre | self.level_1)
        self._run(DUE + timedelta(days=15))
        last = self._messages()[-1]
        self.assertEqual(last.level_id, self.level_2)
        self.assertEqual(last.state, "to_review", "the firm level is reviewed before sending")
        self.assertEqual(invoice.crm_followup_line_ids.level_id, self.policy.level_ids)

    def test_jump_to_highest_level_only(self):
        self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=20))
        message = self._messages()
        self.assertEqual(message.level_id, self.level_2, "a late first run sends the level of the day only")
        self.assertEqual(len(message.line_ids), 1)

    def test_one_message_per_customer_listing_all_invoices(self):
        first = self._invoice(self.customer_email, 600.0, DUE - timedelta(days=20))
        second = self._invoice(self.customer_email, 700.0, DUE)
        self._run(DUE + timedelta(days=3))
        message = self._messages()
        self.assertEqual(len(message), 1, "one communication per customer per run")
        self.assertEqual(message.line_ids.move_id, first | second)
        self.assertEqual(message.level_id, self.level_2, "the most severe level of the invoices")
        self.assertIn(first.name, message.body)
        self.assertIn(second.name, message.body)

    def test_threshold_tolerance(self):
        self._invoice(self.customer_email, 50.0)
        self._run(DUE + timedelta(days=3))
        self.assertFalse(self._messages(), "below the minimum amount nothing is sent")
        self._invoice(self.customer_email, 60.0)
        self._run(DUE + timedelta(days=4))
        self.assertEqual(len(self._messages().line_ids), 2, "together they exceed the minimum")

    def test_channel_per_customer_and_fallback(self):
        for partner in (self.customer_email, self.customer_sms, self.customer_none):
            self._invoice(partner)
        self._run(DUE + timedelta(days=3))
        by_partner = {m.partner_id: m for m in self._messages()}
        self.assertEqual(by_partner[self.customer_email].channel, "email")
        sms_message = by_partner[self.customer_sms]
        self.assertEqual(sms_message.channel, "sms", "the customer's own preference wins")
        self.assertEqual(sms_message.sms_id.number, "+79161234567")
        self.assertEqual(sms_message.sms_id.state, "outgoing")
        self.assertEqual(by_partner[self.customer_none].channel, "sms", "no email: SMS")
        self.assertIn("no email", by_partner[self.customer_none].channel_note)

    def test_blacklist_and_letter_preference(self):
        self.env["mail.blacklist"].sudo()._add(self.customer_email.email)
        self.customer_none.crm_followup_channels = "letter"
        self._invoice(self.customer_email)
        self._invoice(self.customer_none)
        self._run(DUE + timedelta(days=3))
        by_partner = {m.partner_id: m for m in self._messages()}
        self.assertEqual(by_partner[self.customer_email].channel, "letter", "blacklisted, no phone: letter")
        self.assertEqual(by_partner[self.customer_none].channel, "letter")
        letters = self._messages()
        html = self.env["ir.actions.report"]._render_qweb_html(
            "crm_receivables.crm_followup_letter_report", letters.ids)[0]
        self.assertIn("ООО «Без связи»", html.decode())
        self.assertIn(letters[0].line_ids.move_id.name, html.decode())

    def test_bounce_falls_back_to_next_channel(self):
        self.customer_email.mobile = "+79160000001"
        self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=3))
        message = self._messages()
        self.assertEqual(message.channel, "email")
        message.mail_id.write({"state": "exception", "failure_reason": "550 mailbox unavailable"})
        self._run(DUE + timedelta(days=4))
        message.invalidate_recordset()
        self.assertEqual(message.state, "failed", "the bounce is visible")
        self.assertIn("550", message.failure_reason)
        fallback = message.fallback_id
        self.assertEqual(fallback.channel, "sms")
        self.assertEqual(fallback.state, "sent")
        self.assertEqual(fallback.line_ids.level_id, self.level_1, "same level, not a new reminder")
        self._run(DUE + timedelta(days=5))
        self.assertEqual(len(self._messages()), 2, "no further fallback once the SMS went out")

    def test_call_task_when_nothing_else(self):
        self.customer_none.write({"crm_followup_channels": "call", "user_id": self.env.user.id})
        self._invoice(self.customer_none)
        self._run(DUE + timedelta(days=3))
        message = self._messages()
        self.assertEqual(message.channel, "call")
        activity = self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                     ("res_id", "=", self.customer_none.id)])
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("crm_receivables.mail_activity_type_followup_call"))
        self.assertEqual(activity.user_id, self.env.user)
        self.assertEqual(message.interaction_id.channel, "call")

    def test_call_task_in_the_collectors_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["crm_receivables"], ["ru_RU"])
        collector = new_test_user(self.env, login="fu_ru_collector", lang="ru_RU",
                                  groups="crm_receivables.crm_receivables_group_user")
        self.customer_none.write({"crm_followup_channels": "call", "crm_collector_id": collector.id})
        self._invoice(self.customer_none)
        self._run(DUE + timedelta(days=3))
        activity = self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                     ("res_id", "=", self.customer_none.id)])
        self.assertEqual(activity.user_id, collector)
        self.assertEqual(activity.summary, f"Звонок-напоминание: {self.level_1.name}",
                         "the collector reads the task in their language, whatever the run's language")

    def test_one_message_per_collector_for_the_calls_of_a_run(self):
        collector = new_test_user(self.env, login="fu_digest_collector", email="digest@example.com",
                                  groups="crm_receivables.crm_receivables_group_user")
        (self.customer_none | self.customer_sms).write({"crm_followup_channels": "call",
                                                        "crm_collector_id": collector.id})
        self._invoice(self.customer_none)
        self._invoice(self.customer_sms)
        before = self.env["mail.message"].search([]).ids
        self._run(DUE + timedelta(days=3))
        activities = self.env["mail.activity"].search([("res_model", "=", "res.partner"),
                                                       ("res_id", "in", (self.customer_none | self.customer_sms).ids)])
        self.assertEqual(activities.user_id, collector)
        self.assertEqual(len(activities), 2)
        told = self.env["mail.message"].search([("id", "not in", before),
                                                ("partner_ids", "in", collector.partner_id.ids)])
        self.assertEqual(len(told), 1, "one message for the run, not one per call task")
        self.assertEqual(told.message_type, "user_notification")
        self.assertEqual(told.subject, "Follow-up: 2 calls assigned to you")
        self.assertIn("ООО «Без связи»", told.body)
        self.assertIn("ООО «СМС»", told.body)
        # the user running the follow-up is not told about tasks of their own
        self.customer_email.write({"crm_followup_channels": "call", "crm_collector_id": self.env.user.id})
        self._invoice(self.customer_email)
        before = self.env["mail.message"].search([]).ids
        self._run(DUE + timedelta(days=3))
        self.assertFalse(self.env["mail.message"].search([("id", "not in", before),
                                                          ("message_type", "=", "user_notification")]))

    def test_language_of_the_customer(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        template = self.env.ref("crm_receivables.mail_template_crm_followup")
        template.with_context(lang="ru_RU").subject = "{{ object.company_id.name }}: напоминание"
        self.customer_email.lang = "ru_RU"
        self._invoice(self.customer_email)
        self._invoice(self.customer_sms)
        self.customer_sms.crm_followup_channels = "email"
        self._run(DUE + timedelta(days=3))
        by_partner = {m.partner_id: m for m in self._messages()}
        self.assertEqual(by_partner[self.customer_email].lang, "ru_RU")
        self.assertIn("напоминание", by_partner[self.customer_email].mail_id.subject)
        self.assertNotIn("напоминание", by_partner[self.customer_sms].mail_id.subject)

    def test_quiet_hours_delay_sending(self):
        self.customer_email.write({"tz": "Europe/Moscow", "crm_followup_quiet_start": 20.0,
                                   "crm_followup_quiet_end": 9.0})
        self._invoice(self.customer_email)
        self._run(f"{DUE + timedelta(days=3)} 19:00:00")  # 22:00 in Moscow
        message = self._messages()
        self.assertEqual(message.state, "queued", "generated, not sent during quiet hours")
        self.assertFalse(message.mail_id)
        self._run(f"{DUE + timedelta(days=4)} 06:30:00")  # 09:30 in Moscow
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(self._messages()), 1)

    def test_block_and_auto_resume(self):
        invoice = self._invoice(self.customer_email)
        with freeze_time(DUE):
            invoice._crm_followup_block("Dispute", date_end=DUE + timedelta(days=5))
        self._run(DUE + timedelta(days=3))
        self.assertFalse(self._messages(), "a blocked invoice is not followed up")
        self._run(DUE + timedelta(days=6))
        self.assertEqual(self._messages().level_id, self.level_1, "resumes by itself after the end date")

    def _promise(self, invoice, promised_date, made_on):
        with freeze_time(made_on):
            return self.env["crm.payment.promise"].create({
                "partner_id": self.customer_email.id, "move_ids": [Command.set(invoice.ids)],
                "amount": 1000.0, "promised_date": promised_date,
            })

    def test_open_promise_pauses_escalation(self):
        invoice = self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=3))
        promise = self._promise(invoice, DUE + timedelta(days=14), DUE + timedelta(days=4))
        self._run(DUE + timedelta(days=15))
        self._run(DUE + timedelta(days=16))
        self.assertEqual(self._messages().level_id, self.level_1,
                         "no escalation until the promised date + grace days")
        with freeze_time(DUE + timedelta(days=17)):
            promise._judge()
        self.assertEqual(promise.state, "broken")
        self._run(DUE + timedelta(days=17))
        self.assertEqual(self._messages()[-1].level_id, self.level_2, "the pause ends with the promise")

    def test_broken_promise_escalates_at_once(self):
        invoice = self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=3))
        promise = self._promise(invoice, DUE + timedelta(days=5), DUE + timedelta(days=4))
        with freeze_time(DUE + timedelta(days=8)):
            promise._judge()
        self.assertEqual(promise.state, "broken")
        self._run(DUE + timedelta(days=8))
        messages = self._messages()
        self.assertEqual(messages[-1].level_id, self.level_2,
                         "the firm level 7 days before its day: the promise was broken")
        self._run(DUE + timedelta(days=9))
        self._run(DUE + timedelta(days=16))
        self.assertEqual(len(self._messages()), 2, "escalated once, not every day")

    def test_review_queue_actions(self):
        self._invoice(self.customer_email)
        self._invoice(self.customer_sms)
        self._run(DUE + timedelta(days=15))
        first, second = self._messages()
        self.assertEqual((first | second).mapped("state"), ["to_review", "to_review"])
        first.body = "<p>Edited by the collector</p>"
        first.action_send()
        self.assertEqual(first.state, "sent")
        self.assertIn("Edited by the collector", first.mail_id.body_html)
        with freeze_time(DUE + timedelta(days=15)):
            second.action_postpone()
        self.assertEqual(second.state, "postponed")
        self._run(DUE + timedelta(days=18))
        self.assertEqual(second.state, "to_review", "back in the queue on its day")
        second.action_skip()
        self.assertEqual(second.state, "skipped")
        self._run(DUE + timedelta(days=19))
        self.assertEqual(len(self._messages()), 2, "a skipped level is not generated again")


@tagged("post_install", "-at_install")
class TestFollowupIdempotency(TestFollowupCommon):
    """Reruns, crashes and concurrent workers: zero duplicates, zero losses (counted)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create([
            {"name": f"Клиент {i}", "is_company": True, "email": f"c{i}@example.com", "lang": "en_US"}
            for i in range(7)
        ])

    def _assert_exactly_once(self):
        lines = self.env["crm.followup.line"].search([("partner_id", "in", self.partners.ids)])
        self.assertEqual(len(lines), 14, "every (invoice, level) exactly once")
        messages = self._messages(self.partners)
        self.assertEqual(len(messages), 7, "one communication per customer")
        self.assertEqual(set(messages.mapped("state")), {"sent"}, "none lost")
        self.assertEqual(len(messages.mail_id), 7, "one email per customer")
        self.assertEqual(len(self.env["crm.interaction"].search([("partner_id", "in", self.partners.ids)])), 7)

    def _invoices(self):
        for partner in self.partners:
            self._invoice(partner, 500.0)
            self._invoice(partner, 800.0)

    def test_rerun_same_day(self):
        self._invoices()
        day = DUE + timedelta(days=3)
        first = self._run(day, self.partners, batch_size=3)
        second = self._run(day, self.partners, batch_size=3)
        self.assertEqual(first["lines"], 14)
        self.assertEqual(second["lines"], 0)
        self.assertEqual(second["sent"], 0)
        self._assert_exactly_once()

    def test_crash_after_first_batch_then_rerun(self):
        self._invoices()
        day = DUE + timedelta(days=3)
        Engine = self.registry["crm.followup.engine"]
        original = Engine._send_email
        calls = []

        def crashing(engine, messages):
            # the hook sends a whole batch at once (3 communications): the worker dies on the second batch
            calls.append(messages.ids)
            if len(calls) > 1:
                raise RuntimeError("worker killed")
            return original(engine, messages)

        Engine._send_email = crashing
        crashed = False
        try:  # not assertRaises: it would roll back what the worker kept before the crash
            self._run(day, self.partners, batch_size=3)
        except RuntimeError:
            crashed = True
        finally:
            Engine._send_email = original
        self.assertTrue(crashed)
        messages = self._messages(self.partners)
        self.assertEqual(len(messages), 7, "generation finished before the crash")
        self.assertEqual(messages.mapped("state").count("sent"), 3, "the first batch was sent and kept")
        self._run(day, self.partners, batch_size=3)
        self._assert_exactly_once()

    def test_two_workers(self):
        """Worker A generated and holds the queued rows; worker B's run neither duplicates nor loses."""
        self._invoices()
        day = DUE + timedelta(days=3)
        Engine = self.env["crm.followup.engine"]
        with freeze_time(day):
            candidates = Engine._get_candidates(day, self.partners)
            # both workers computed the same candidates before either inserted anything
            self.assertEqual(Engine._generate(candidates, day), 14)
            self.assertEqual(Engine._generate(candidates, day), 0, "ON CONFLICT DO NOTHING")
            queued = Engine._lock_queued(ids=self._messages(self.partners).ids)
            self.assertEqual(len(queued), 7)
            sent_a = Engine._send_locked(queued)
            sent_b = Engine._send_locked(queued)
        self.assertEqual((sent_a, sent_b), (7, 0), "the second worker finds nothing left to send")
        self._run(day, self.partners)
        self._assert_exactly_once()

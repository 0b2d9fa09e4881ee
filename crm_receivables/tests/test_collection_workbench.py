from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..tools import scoring as scoring_tools


class CollectionCommon(AccountTestInvoicingCommon):
    """Customers with real invoices and payments, a collector and a manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_promise_grace_days = 3
        cls.env.user.groups_id |= cls.env.ref("crm_receivables.crm_receivables_group_manager")
        cls.collector = new_test_user(
            cls.env, login="wb_collector", name="Collector One",
            groups="crm_receivables.crm_receivables_group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.collector2 = new_test_user(
            cls.env, login="wb_collector2", name="Collector Two",
            groups="crm_receivables.crm_receivables_group_user", company_id=cls.company.id,
        )
        cls.manager = new_test_user(
            cls.env, login="wb_manager", name="Receivables Manager",
            groups="crm_receivables.crm_receivables_group_manager,sales_team.group_sale_manager",
            company_id=cls.company.id,
        )

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create({"name": name, "is_company": True, **vals})

    def _invoice(self, partner, amount, due, invoice_date=None):
        invoice = self.init_invoice(
            "out_invoice", partner=partner, invoice_date=invoice_date or due, amounts=[amount], taxes=[],
        )
        invoice.invoice_date_due = due
        invoice.action_post()
        self.assertEqual(invoice.line_ids.filtered("date_maturity").date_maturity, due)
        return invoice

    def _pay(self, invoice, amount, pay_date):
        return self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"amount": amount, "payment_date": pay_date})._create_payments()


@tagged("post_install", "-at_install")
class TestBehaviourScore(CollectionCommon):

    def test_classes_and_reasons_from_real_payments(self):
        punctual = self._customer("ООО «Пунктуальный»")
        late = self._customer("ООО «Опоздун»")
        fresh = self._customer("ООО «Новичок»")
        for due in (date(2026, 1, 10), date(2026, 2, 10)):
            self._pay(self._invoice(punctual, 1000.0, due), 1000.0, due)
        # 1,000 paid 40 days late, 3,000 paid 20 days late: 25 days late on average, weighted by amount
        self._pay(self._invoice(late, 1000.0, date(2026, 1, 10)), 1000.0, date(2026, 2, 19))
        self._pay(self._invoice(late, 3000.0, date(2026, 2, 10)), 3000.0, date(2026, 3, 2))
        overdue = self._invoice(late, 500.0, date(2026, 3, 1))
        with freeze_time("2026-03-10"):
            self.env["crm.payment.promise"].create({
                "partner_id": late.id, "move_ids": [Command.set(overdue.ids)], "amount": 500.0,
                "promised_date": date(2026, 3, 12),
            })
        with freeze_time("2026-04-10"):
            late.crm_promise_ids._judge()
            self.assertEqual(late.crm_promise_ids.state, "broken")
            self.assertEqual(late.crm_score_dirty, True, "a reconciled payment marks the customer dirty")
            (punctual | late | fresh)._crm_score_compute()
        self.assertEqual(punctual.crm_score_class, "A")
        self.assertEqual(punctual.crm_score, 100.0)
        self.assertEqual(punctual.crm_score_reason, "pays on time")
        self.assertIn(late.crm_score_class, ("C", "D"))
        self.assertLess(late.crm_score, 60.0)
        self.assertIn("pays 25 days late on average", late.crm_score_reason)
        self.assertIn("kept 0 of 1 promises", late.crm_score_reason)
        self.assertIn("oldest debt 40 days overdue", late.crm_score_reason)
        self.assertFalse(late.crm_score_dirty)
        self.assertTrue(late.crm_score_date)
        self.assertFalse(fresh.crm_score_class)
        self.assertEqual(fresh.crm_score_reason, "no payment history yet")

    def test_open_dispute_lowers_the_score(self):
        customer = self._customer("ООО «Спорщик»")
        self._pay(self._invoice(customer, 1000.0, date(2026, 1, 10)), 1000.0, date(2026, 1, 10))
        disputed = self._invoice(customer, 700.0, date(2026, 3, 20))
        with freeze_time("2026-03-25"):
            customer._crm_score_compute()
            before = customer.crm_score
            self.env["crm.followup.block"].create({"move_id": disputed.id, "reason": "Спорная поставка"})
            customer._crm_score_compute()
        self.assertLess(customer.crm_score, before)
        self.assertIn("open disputes: 1", customer.crm_score_reason)

    def test_cron_batches_and_progress(self):
        customers = self.env["res.partner"].browse([
            self._customer(f"Клиент {i}", customer_rank=1).id for i in range(5)
        ])
        self.env.flush_all()
        self.env.cr.execute(  # everybody else was scored today: only these five wait
            "UPDATE res_partner SET crm_score_date = now() at time zone 'UTC', crm_score_dirty = FALSE "
            "WHERE id != ALL(%s)", [customers.ids])
        self.env.invalidate_all()
        self.assertEqual(set(customers.ids) - set(self.env["res.partner"]._crm_score_pending().ids), set())
        self.assertEqual(self.env["res.partner"]._cron_crm_score(batch_size=2), 5)
        self.assertTrue(all(customers.mapped("crm_score_date")))
        self.assertFalse(set(customers.ids) & set(self.env["res.partner"]._crm_score_pending().ids),
                         "scored today: nothing left to do")
        customers[0].crm_score_dirty = True
        self.assertIn(customers[0], self.env["res.partner"]._crm_score_pending())

    def test_score_query_count_does_not_grow(self):
        customers = self.env["res.partner"]
        for i in range(6):
            customer = self._customer(f"ООО «Поток {i}»")
            self._pay(self._invoice(customer, 100.0 + i, date(2026, 1, 10)), 100.0 + i, date(2026, 1, 20))
            self._invoice(customer, 50.0, date(2026, 2, 1))
            customers |= customer
        self.env.flush_all()
        counts = []
        with freeze_time("2026-03-01"):
            customers._crm_score_compute()  # warm-up: pending writes flushed, crons and companies loaded
            for batch in (customers[:1], customers):
                self.env.invalidate_all()
                start = self.cr.sql_log_count
                batch._crm_score_compute()
                counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1], "the same queries for 1 and 6 customers")
        with freeze_time("2026-03-01"), self.assertQueryCount(counts[1]):
            self.env.invalidate_all()
            customers[2:]._crm_score_compute()
        self.assertTrue(all(c in {"A", "B"} for c in customers.mapped("crm_score_class")))

    def test_response_by_channel_drives_the_followup_order(self):
        customer = self._customer("ООО «Смс-ник»", crm_followup_channels="email")
        policy = self.env["crm.followup.policy"].create({"name": "По баллу", "crm_use_score": True})
        customer.crm_channel_response = "email=0/4,sms=3/3"
        customer.crm_score_class = "D"
        self.assertEqual(customer._crm_followup_channel_preferences(policy), ("sms", "email"))
        self.assertEqual(customer._crm_followup_channel_preferences(None), ("email",))
        policy.crm_use_score = False
        self.assertEqual(customer._crm_followup_channel_preferences(policy), ("email",))
        self.assertEqual(customer._crm_followup_start_level_offset(policy), 0)
        policy.crm_use_score = True
        self.assertEqual(customer._crm_followup_start_level_offset(policy), 1)

    def test_response_to_sent_reminders(self):
        customer = self._customer("ООО «Отзывчивый»", email="pay@example.com", mobile="+79001234567")
        invoice = self._invoice(customer, 1000.0, date(2026, 2, 1))
        level = self.env.ref("crm_receivables.crm_followup_level_final")
        Message = self.env["crm.followup.message"]
        sms = Message.create({"partner_id": customer.id, "level_id": level.id, "company_id": self.company.id})
        mail = Message.create({"partner_id": customer.id, "level_id": level.id, "company_id": self.company.id})
        self.env.cr.execute(
            "UPDATE crm_followup_message SET channel = 'sms', state = 'sent', date_sent = '2026-02-10 09:00' "
            "WHERE id = %s", [sms.id])
        self.env.cr.execute(
            "UPDATE crm_followup_message SET channel = 'email', state = 'sent', date_sent = '2026-01-10 09:00' "
            "WHERE id = %s", [mail.id])
        self._pay(invoice, 400.0, date(2026, 2, 13))  # 3 days after the SMS
        with freeze_time("2026-03-01"):
            facts, response = customer._crm_score_gather()
        self.assertEqual(response[customer.id], {"sms": (1, 1), "email": (1, 0)})
        self.assertEqual(facts[customer.id].reminders_sent, 2)
        self.assertEqual(facts[customer.id].reminders_answered, 1)


@tagged("post_install", "-at_install")
class TestCollectionQueue(CollectionCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = cls._customer("ООО «Хороший»", crm_collector_id=cls.collector.id)
        cls.bad = cls._customer("ООО «Плохой»", crm_collector_id=cls.collector.id)
        cls.blocked = cls._customer("ООО «Спорный»", crm_collector_id=cls.collector.id)
        cls.promised = cls._customer("ООО «Обещавший»", crm_collector_id=cls.collector.id)
        cls.by_salesperson = cls._customer("ООО «Продажный»", user_id=cls.collector2.id)
        cls.env.user.groups_id |= cls.env.ref("crm_knowledge.crm_knowledge_group_approver")
        cls.env["crm.knowledge.article"].create({
            "name": "Звонок должнику", "kind": "script", "state": "published", "company_id": cls.company.id,
            "body": "<p>Просроченная задолженность: назовите сумму и спросите дату оплаты.</p>",
        })

    def _setup_debts(self):
        self.good.crm_score_class = "A"
        self.bad.crm_score_class = "D"
        self._invoice(self.good, 1000.0, date(2026, 3, 20))
        self._invoice(self.bad, 3000.0, date(2025, 10, 1))
        disputed = self._invoice(self.blocked, 9000.0, date(2026, 3, 1))
        self.env["crm.followup.block"].create({"move_id": disputed.id, "reason": "Спор"})
        promised = self._invoice(self.promised, 8000.0, date(2026, 3, 1))
        with freeze_time("2026-03-30"):
            self.env["crm.payment.promise"].create({
                "partner_id": self.promised.id, "move_ids": [Command.set(promised.ids)], "amount": 8000.0,
                "promised_date": date(2026, 4, 2),
            })
        self._invoice(self.by_salesperson, 500.0, date(2026, 3, 25))
        # not due yet: not in the queue amount
        self._invoice(self.good, 400.0, date(2026, 5, 1), invoice_date=date(2026, 3, 20))

    def _queue(self, partner):
        return self.env["crm.collection.queue"].search([("partner_id", "=", partner.id)])

    def test_ranking_and_exclusions(self):
        self._setup_debts()
        Queue = self.env["crm.collection.queue"]
        count = Queue._rebuild(self.company, today=date(2026, 4, 1))
        self.assertEqual(count, 3)
        good, bad, other = self._queue(self.good), self._queue(self.bad), self._queue(self.by_salesperson)
        self.assertFalse(self._queue(self.blocked), "a blocked item is not chased")
        self.assertFalse(self._queue(self.promised), "inside the promise window (2 April + 3 grace days)")
        self.assertEqual(good.amount_overdue, 1000.0)
        self.assertEqual(good.days_overdue, 12)
        self.assertAlmostEqual(good.amount_expected, 1000.0 * 0.9 * 1.0)
        self.assertEqual(bad.amount_overdue, 3000.0)
        self.assertEqual(bad.days_overdue, 182)
        self.assertAlmostEqual(bad.amount_expected, 3000.0 * 0.2 * 0.3)
        self.assertEqual((good.rank, bad.rank), (1, 2), "1,000 likely beats 3,000 old and unlikely")
        self.assertEqual(good.user_id, self.collector)
        self.assertEqual(other.user_id, self.collector2, "no collector: the salesperson")
        self.assertEqual(other.rank, 1)
        # the promise window closes: the customer comes back
        Queue._rebuild(self.company, today=date(2026, 4, 6))
        self.assertEqual(self._queue(self.promised).amount_overdue, 8000.0)
        self.assertEqual(self._queue(self.promised).rank, 1)

    def test_sql_ranking_equals_scoring_tools(self):
        """The queue written in one statement equals the ranking of tools/scoring.py over the same figures.

        Crafted history: every class and none, amount-weighted ages on each bound of the age factor, a tie of
        expected recovery (customer id decides), a half-day average (rounded half to even), a credit note,
        a partly paid invoice, a customer without collector nor salesperson, two collectors.
        """
        today = date(2026, 4, 1)
        Queue = self.env["crm.collection.queue"]
        cases = [  # (class, collector, [(amount, days overdue)])
            ("A", self.collector, [(1000.0, 30)]),
            ("A", self.collector, [(1000.0, 31)]),
            ("B", self.collector, [(900.0, 60), (100.0, 60)]),
            ("C", self.collector2, [(500.0, 90)]),
            ("D", self.collector2, [(4000.0, 181)]),
            (False, self.collector2, [(100.0, 10), (100.0, 11)]),     # 10.5 days: 10
            (False, self.collector2, [(100.0, 12), (100.0, 13)]),     # 12.5 days: 12
            ("B", False, [(777.77, 45)]),
            ("B", False, [(777.77, 45)]),                             # the same expected: id order
            ("C", self.collector, [(333.33, 5), (1234.56, 200)]),
        ]
        partners = self.env["res.partner"]
        for index, (cls, collector, items) in enumerate(cases):
            partner = self._customer(f"Клиент очереди {index}", crm_collector_id=collector.id if collector else False)
            partner.crm_score_class = cls
            for amount, days in items:
                self._invoice(partner, amount, date.fromordinal(today.toordinal() - days))
            partners |= partner
        refund = self.init_invoice("out_refund", partner=partners[3], invoice_date=date(2026, 3, 1),
                                   amounts=[200.0], taxes=[], post=True)
        self.assertEqual(refund.state, "posted")
        self._pay(partners[4].invoice_ids, 1500.0, date(2026, 3, 20))
        # the reference: the figures of the same aggregate ranked in Python by tools/scoring.py
        currency = self.company.currency_id
        reference = scoring_tools.rank_queue([
            {
                "partner_id": partner_id, "user_id": user_id or False, "amount_overdue": amount,
                "days_overdue": round(amount_days / overdue) if overdue else 0, "max_days_overdue": max_days or 0,
                "item_count": count, "score_class": cls or False,
                "probability": scoring_tools.recovery_probability(cls),
                "expected_recovery": scoring_tools.expected_recovery(
                    amount, cls, amount_days / overdue if overdue else 0),
            }
            for _company, partner_id, user_id, cls, overdue, amount, amount_days, max_days, count
            in Queue._rebuild_read(self.company, today)
            if currency.compare_amounts(amount, 0.0) > 0
        ])
        self.assertEqual(Queue._rebuild(self.company, today), len(reference))
        self.assertGreaterEqual(len(reference), len(cases))
        fields_compared = ("user_id", "rank", "amount_overdue", "days_overdue", "max_days_overdue", "item_count",
                           "score_class", "probability")
        written = {
            row.partner_id.id: {**{name: row[name].id if name == "user_id" else row[name]
                                   for name in fields_compared},
                                "amount_expected": row.amount_expected}
            for row in Queue.search([("company_id", "=", self.company.id)])
        }
        expected = {
            row["partner_id"]: {**{name: row[name] for name in fields_compared},
                                "amount_expected": currency.round(row["expected_recovery"])}
            for row in reference
        }
        self.assertEqual(written, expected)
        # the crafted edges really are there
        self.assertEqual(written[partners[5].id]["days_overdue"], 10)
        self.assertEqual(written[partners[6].id]["days_overdue"], 12)
        self.assertEqual(written[partners[3].id]["amount_overdue"], 300.0, "the credit note reduces it")
        self.assertEqual(written[partners[4].id]["amount_overdue"], 2500.0)
        tie = (written[partners[7].id]["rank"], written[partners[8].id]["rank"])
        self.assertEqual(tie[1], tie[0] + 1, "same expected recovery: the older customer first")
        self.assertFalse(written[partners[7].id]["user_id"])
        self.assertAlmostEqual(written[partners[0].id]["amount_expected"], 900.0)
        self.assertAlmostEqual(written[partners[1].id]["amount_expected"], 810.0)

    def test_rebuild_keeps_the_rows_of_customers_still_to_call(self):
        """A rebuild updates the rows in place (same id, not done again), drops who was paid, adds the new."""
        self._setup_debts()
        Queue = self.env["crm.collection.queue"]
        Queue._rebuild(self.company, today=date(2026, 4, 1))
        good, bad = self._queue(self.good), self._queue(self.bad)
        good._mark_done()
        self._pay(self.bad.invoice_ids, 3000.0, date(2026, 4, 1))
        newcomer = self._customer("ООО «Новый»", crm_collector_id=self.collector.id)
        self._invoice(newcomer, 50.0, date(2026, 3, 30))
        self.assertEqual(Queue._rebuild(self.company, today=date(2026, 4, 2)), 3)
        self.assertEqual(self._queue(self.good), good, "the same row")
        self.assertFalse(good.is_done, "a new day: to call again")
        self.assertFalse(good.date_done)
        self.assertEqual(good.date, date(2026, 4, 2))
        self.assertEqual(good.days_overdue, 13)
        self.assertFalse(bad.exists(), "paid: off the queue")
        self.assertEqual(self._queue(newcomer).rank, 2)

    def test_unallocated_payment_reduces_overdue(self):
        self._invoice(self.good, 1000.0, date(2026, 3, 1))
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.good.id,
            "amount": 1000.0, "date": date(2026, 3, 15),
        })
        payment.action_post()
        self.env["crm.collection.queue"]._rebuild(self.company, today=date(2026, 4, 1))
        self.assertFalse(self._queue(self.good), "paid on account: nothing to chase")

    def test_collectors_see_their_queue(self):
        self._setup_debts()
        self.env["crm.collection.queue"]._rebuild(self.company, today=date(2026, 4, 1))
        mine = self.env["crm.collection.queue"].with_user(self.collector).search([])
        self.assertEqual(mine.partner_id, self.good | self.bad)
        theirs = self.env["crm.collection.queue"].with_user(self.collector2).search([])
        self.assertEqual(theirs.partner_id, self.by_salesperson)
        self.assertEqual(len(self.env["crm.collection.queue"].with_user(self.manager).search([])), 3)
        with self.assertRaises(UserError):
            self.env["crm.collection.queue"].with_user(self.collector).action_rebuild()

    def test_rebuild_query_count_does_not_grow(self):
        self.env["crm.collection.queue"]._rebuild(self.company, today=date(2026, 4, 1))
        counts = []
        for n in (1, 8):
            for i in range(n):
                self._invoice(self._customer(f"Должник {n}-{i}", crm_collector_id=self.collector.id),
                              100.0 * (i + 1), date(2026, 3, 1))
            self.env["crm.collection.queue"]._rebuild(self.company, today=date(2026, 4, 1))  # warm-up
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            self.env["crm.collection.queue"]._rebuild(self.company, today=date(2026, 4, 1))
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[1], counts[0], "8 more customers cost no more queries than 1")
        self.assertLessEqual(counts[1], 2, "one statement reads, ranks and writes the queue")
        self.assertEqual(self.env["crm.collection.queue"].search_count([]), 9)

    def test_next_call_requires_next_step_and_goes_on(self):
        self._setup_debts()
        self.env["crm.collection.queue"]._rebuild(self.company, today=date(2026, 4, 1))
        Queue = self.env["crm.collection.queue"].with_user(self.collector)
        first = Queue.search([], order="rank")[0]
        self.assertEqual(first.partner_id, self.good)
        self.assertEqual(first.line_ids.move_id.mapped("amount_total"), [1000.0, 400.0])
        self.assertEqual(first.script_id.kind, "script")
        self.assertIn("назовите сумму", first.script_body)
        action = first.with_context(crm_outcome_code="no_answer").action_log_outcome()
        self.assertEqual(action["res_model"], "crm.interaction.log.wizard")
        outcome = self.env["crm.interaction.outcome"]._get_by_code("no_answer")
        self.assertEqual(action["context"]["default_outcome_id"], outcome.id)
        wizard_form = Form(self.env["crm.interaction.log.wizard"].with_user(self.collector).with_context(
            **action["context"]))
        self.assertEqual(wizard_form.partner_id, self.good)
        wizard_form.activity_type_id = self.env["mail.activity.type"]
        wizard_form.activity_summary = False
        wizard_form.activity_date = False
        wizard = wizard_form.save()
        with self.assertRaises(UserError):
            wizard.action_log()
        self.assertFalse(first.is_done)
        wizard.activity_date = date(2026, 4, 3)
        wizard.activity_summary = "Перезвонить бухгалтеру"
        result = wizard.action_log()
        self.assertTrue(first.is_done)
        interaction = self.env["crm.interaction"].search([("partner_id", "=", self.good.id)])
        self.assertEqual(interaction.outcome_id, outcome)
        self.assertEqual(interaction.activity_ids.summary, "Перезвонить бухгалтеру")
        following = Queue.search([("partner_id", "=", self.bad.id)])
        self.assertEqual(result["res_id"], following.id, "the next customer of the queue opens")
        # a promise is a next step too
        action = following.with_context(crm_outcome_code="promise").action_log_outcome()
        wizard_form = Form(self.env["crm.interaction.log.wizard"].with_user(self.collector).with_context(
            **action["context"]))
        wizard_form.promise_amount = 3000.0
        wizard_form.promise_date = fields.Date.today()
        result = wizard_form.save().action_log()
        self.assertTrue(following.is_done)
        self.assertEqual(self.bad.crm_promise_ids.amount, 3000.0)
        self.assertEqual(result["tag"], "display_notification", "nobody left to call")

    def test_reassign_collector_moves_everything(self):
        self._setup_debts()
        self.env["crm.collection.queue"]._rebuild(self.company, today=date(2026, 4, 1))
        activity = self.good.activity_schedule(summary="Позвонить", user_id=self.collector.id)
        promise = self.promised.crm_promise_ids
        promise.user_id = self.collector
        wizard = self.env["crm.collector.reassign.wizard"].with_user(self.manager).create({
            "user_from_id": self.collector.id, "user_to_id": self.collector2.id, "scope": "all",
        })
        self.assertEqual(wizard.partner_count, 4)
        result = wizard.action_reassign()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual((self.good | self.bad | self.blocked | self.promised).crm_collector_id, self.collector2)
        self.assertEqual(activity.user_id, self.collector2)
        self.assertEqual(promise.user_id, self.collector2)
        self.assertEqual(self._queue(self.good).user_id, self.collector2)
        self.assertEqual(self.by_salesperson.crm_collector_id, self.collector2.browse())
        with self.assertRaises(AccessError):
            self.env["crm.collector.reassign.wizard"].with_user(self.collector).create({
                "user_from_id": self.collector2.id, "user_to_id": self.collector.id,
            })

    def test_reassign_selected_customers(self):
        wizard = self.env["crm.collector.reassign.wizard"].with_context(
            active_model="res.partner", active_ids=[self.good.id],
        ).create({"user_to_id": self.collector2.id})
        self.assertEqual(wizard.user_from_id, self.collector)
        self.assertEqual(wizard.scope, "selected")
        wizard.action_reassign()
        self.assertEqual(self.good.crm_collector_id, self.collector2)
        self.assertEqual(self.bad.crm_collector_id, self.collector)


@tagged("post_install", "-at_install")
class TestCreditHold(CollectionCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("ООО «Кредитный»")
        cls.product = cls.env["product.product"].create({"name": "Цемент", "list_price": 100.0})

    def _order(self, user=None):
        return self.env["sale.order"].with_user(user or self.collector).create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1,
                                           "price_unit": 100.0, "tax_id": False})],
        })

    def test_overdue_days_hold_and_manager_override(self):
        self.company.crm_credit_hold_days = 30
        invoice = self._invoice(self.customer, 1000.0, fields.Date.subtract(fields.Date.today(), days=45))
        order = self._order()
        self.assertIn("Debt overdue 45 days (more than 30 allowed).", order.crm_credit_hold_reason)
        self.assertIn("45 days", self.customer.crm_credit_hold_reason)
        self.assertIn("45 days", invoice.crm_credit_hold_reason, "the invoice banner says why")
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        with self.assertRaises(AccessError):
            self.env["crm.credit.hold.wizard"].with_user(self.collector).create({
                "order_id": order.id, "reason": "Сам решил"})
        self.assertEqual(order.state, "draft")
        action = order.with_user(self.manager).action_crm_credit_hold_override()
        wizard = self.env["crm.credit.hold.wizard"].with_user(self.manager).with_context(
            **action["context"]).create({"reason": "Предоплата получена сегодня"})
        wizard.action_override()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.crm_credit_hold_override_uid, self.manager)
        interaction = order.crm_credit_hold_override_interaction_id
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.sale_order_id, order)
        self.assertIn("Предоплата получена сегодня", interaction.note)

    def test_hold_lifts_when_paid(self):
        self.company.crm_credit_hold_amount = 500.0
        invoice = self._invoice(self.customer, 1000.0, fields.Date.subtract(fields.Date.today(), days=5))
        order = self._order()
        self.assertIn("Overdue debt of", order.crm_credit_hold_reason)
        self._pay(invoice, 600.0, fields.Date.today())
        order.invalidate_recordset(["crm_credit_hold_reason"])
        self.assertFalse(order.crm_credit_hold_reason, "400 left overdue is under the 500 allowed")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_odoo_credit_limit_holds(self):
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 1000.0
        self._invoice(self.customer, 950.0, fields.Date.add(fields.Date.today(), days=30))
        order = self._order()
        self.assertIn("Over the credit limit", order.crm_credit_hold_reason)
        self.assertFalse(self.customer.crm_credit_hold_reason, "950 due is under the limit without the order")
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_no_rule_no_hold(self):
        self._invoice(self.customer, 1000.0, fields.Date.subtract(fields.Date.today(), days=100))
        order = self._order()
        self.assertFalse(order.crm_credit_hold_reason)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

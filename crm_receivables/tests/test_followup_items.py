from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .test_followup import DUE, TestFollowupCommon

# queries to select the items of a batch of customers, decide their levels and insert the lines (any batch size)
QUERIES_GENERATION = 18
# queries to compute the balances of a list of statements (any length)
QUERIES_STATEMENTS = 6


@tagged("post_install", "-at_install")
class TestFollowupItems(TestFollowupCommon):
    """Open receivable items, whatever their entry: an opening entry typed by hand, a 1C-like entry listing
    several documents, a customer invoice — followed up, promised, blocked and listed item by item."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal_misc = cls.company_data["default_journal_misc"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.counterpart = cls.company_data["default_account_revenue"]

    def _entry(self, partner, documents, entry_date=DUE - timedelta(days=30), ref="Opening balances"):
        """Post a miscellaneous entry with one receivable item per document ``(label, amount, due date)``;
        a negative amount is a credit item (a prepayment, a settlement)."""
        lines = [
            Command.create({
                "account_id": self.receivable.id, "partner_id": partner.id, "name": label,
                "debit": max(amount, 0.0), "credit": max(-amount, 0.0), "date_maturity": due,
            })
            for label, amount, due in documents
        ]
        total = sum(amount for _label, amount, _due in documents)
        lines.append(Command.create({
            "account_id": self.counterpart.id, "name": ref,
            "debit": max(-total, 0.0), "credit": max(total, 0.0),
        }))
        move = self.env["account.move"].create({
            "move_type": "entry", "journal_id": self.journal_misc.id, "date": entry_date, "ref": ref,
            "line_ids": lines,
        })
        move.action_post()
        return move

    @staticmethod
    def _items(move):
        return move.line_ids.filtered(lambda line: line.account_type == "asset_receivable").sorted("id")

    def _one_c_entry(self, partner=None):
        """A "1C-like" entry: three documents of one customer, labelled by their numbers, due on their own days."""
        move = self._entry(partner or self.customer_email, [
            ("РН-0001", 700.0, DUE - timedelta(days=20)),
            ("РН-0002", 500.0, DUE),
            ("РН-0003", 400.0, DUE + timedelta(days=10)),
        ], ref="1C import: settlements.xlsx")
        return move, self._items(move)

    # ------------------------------------------------------------
    # FOLLOW-UP
    # ------------------------------------------------------------

    def test_opening_entry_typed_by_hand_is_followed_up_like_an_invoice(self):
        move = self._entry(self.customer_email, [("Долг по договору 15 на 01.01.2026", 1000.0, DUE)])
        item = self._items(move)
        self.assertIn(item, self.env["account.move.line"].search(
            self.env["account.move.line"]._crm_open_item_domain()), "an open receivable item")
        self._run(DUE - timedelta(days=4))
        self.assertFalse(self._messages(), "nothing 4 days before the due date")
        self._run(DUE - timedelta(days=3))
        self.assertEqual(self._messages().level_id, self.level_pre, "the friendly reminder before the due date")
        self._run(DUE + timedelta(days=2))
        self.assertEqual(len(self._messages()), 1, "no level between -3 and +3")
        self._run(DUE + timedelta(days=3))
        message = self._messages()[-1]
        self.assertEqual(message.level_id, self.level_1)
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.line_ids.move_line_id, item)
        self.assertEqual(message.line_ids.move_id, move, "the entry is kept on the line for grouping")
        self.assertEqual(message.line_ids.document_name, "Долг по договору 15 на 01.01.2026")
        self.assertIn("Долг по договору 15", message.mail_id.body_html)
        self.assertEqual(message.line_ids.amount_residual, 1000.0)
        self.assertIn("Долг по договору 15", message.interaction_id.note)
        self._run(DUE + timedelta(days=15))
        self.assertEqual(self._messages()[-1].level_id, self.level_2)
        self.assertEqual(item.crm_followup_line_ids.level_id, self.policy.level_ids)

    def test_one_c_entry_lines_per_document_and_one_communication(self):
        move, (doc1, doc2, doc3) = self._one_c_entry()
        invoice = self._invoice(self.customer_email, 300.0, DUE)
        invoice_item = self._items(invoice)
        first = self._run(DUE + timedelta(days=3))
        lines = self.env["crm.followup.line"].search([("partner_id", "=", self.customer_email.id)])
        self.assertEqual(
            {(line.move_line_id, line.level_id) for line in lines},
            {(doc1, self.level_2), (doc2, self.level_1), (invoice_item, self.level_1)},
            "each document reaches the level of its own due date; РН-0003 is not due yet",
        )
        self.assertEqual(first["lines"], 3)
        message = self._messages()
        self.assertEqual(len(message), 1, "one communication per customer listing the documents")
        self.assertEqual(message.level_id, self.level_2, "the most severe level of the documents")
        self.assertEqual(message.move_line_ids, doc1 | doc2 | invoice_item)
        self.assertIn("РН-0001", message.body)
        self.assertIn("РН-0002", message.body)
        self.assertIn(invoice.name, message.body, "an invoice keeps its number")
        self.assertNotIn("РН-0003", message.body)
        self.assertFalse(self.env["crm.followup.engine"]._get_attachments(message).filtered(
            lambda att: att.res_id == move.id), "a 1C document has no PDF of its own")
        # rerun: nothing new
        second = self._run(DUE + timedelta(days=3))
        self.assertEqual((second["lines"], second["sent"]), (0, 0))
        self.assertEqual(len(self._messages()), 1)
        # РН-0003 reaches the reminder before its due date on its own day
        self._run(DUE + timedelta(days=7))
        self.assertEqual(doc3.crm_followup_line_ids.level_id, self.level_pre)
        self.assertEqual(doc3.crm_followup_line_ids.message_id, message,
                         "joins the customer's communication still waiting for review")

    def test_block_one_item_or_the_whole_entry(self):
        move, (doc1, doc2, doc3) = self._one_c_entry()
        doc2._crm_followup_block("Disputed delivery")
        doc2.invalidate_recordset(["crm_followup_blocked"])
        self.assertTrue(doc2.crm_followup_blocked)
        self.assertFalse(doc1.crm_followup_blocked, "the other documents of the entry go on")
        self._run(DUE + timedelta(days=3))
        self.assertEqual(self._messages().move_line_ids, doc1)
        doc2._crm_followup_unblock()
        move._crm_followup_block("Whole file disputed")
        (doc1 | doc2 | doc3).invalidate_recordset(["crm_followup_blocked"])
        self.assertEqual((doc1 | doc2 | doc3).mapped("crm_followup_blocked"), [True, True, True],
                         "a block on the entry blocks each of its items")
        self._run(DUE + timedelta(days=16))
        self.assertEqual(len(self._messages()), 1, "nothing more while the entry is blocked")
        move._crm_followup_unblock()
        self._run(DUE + timedelta(days=17))
        message = self._messages()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.move_line_ids, doc1 | doc2 | doc3,
                         "unblocked, the documents join the communication waiting for review")

    def test_policy_per_item_entry_then_customer_then_company(self):
        move, (doc1, _doc2, _doc3) = self._one_c_entry()
        quick = self.policy.copy({"name": "Quick", "is_default": False})
        self.assertEqual(doc1._crm_get_followup_policy(), self.policy, "company default")
        self.customer_email.crm_followup_policy_id = quick
        self.assertEqual(doc1._crm_get_followup_policy(), quick, "the customer's")
        move.crm_followup_policy_id = self.policy
        self.assertEqual(doc1._crm_get_followup_policy(), self.policy, "the entry's wins")

    # ------------------------------------------------------------
    # PROMISES
    # ------------------------------------------------------------

    def _settle(self, item, amount, day, label="Settled in 1C"):
        """A "settled in 1C" credit item reconciled with ``item``."""
        settlement = self._entry(item.partner_id, [(label, -amount, day)], entry_date=day, ref=label)
        credit = self._items(settlement)
        (item | credit).reconcile()
        return credit

    def test_promise_on_item_pauses_it_and_is_kept_when_reconciled(self):
        move, (doc1, doc2, _doc3) = self._one_c_entry()
        with freeze_time(DUE + timedelta(days=2)):
            promise = self.env["crm.payment.promise"].create({
                "partner_id": self.customer_email.id, "line_ids": [Command.set(doc1.ids)],
                "amount": 700.0, "promised_date": DUE + timedelta(days=10),
            })
        self.assertEqual(promise.move_ids, move, "the entry of the promised document")
        self.assertFalse(promise.is_on_account)
        self._run(DUE + timedelta(days=3))
        self.assertEqual(self._messages().move_line_ids, doc2, "the promised document is paused, not the others")
        with freeze_time(DUE + timedelta(days=6)):
            self._settle(doc1, 700.0, DUE + timedelta(days=6))
        self.assertEqual(promise.state, "kept", "judged kept by the reconciliation of its document")
        self.assertEqual(promise.amount_paid, 700.0)
        self.assertTrue(doc1.reconciled)
        self._run(DUE + timedelta(days=16))
        self.assertFalse(doc1.crm_followup_line_ids, "a settled document is not followed up any more")

    def test_promise_on_invoices_covers_their_items(self):
        invoice = self._invoice(self.customer_email, 1000.0)
        promise = self.env["crm.payment.promise"].create({
            "partner_id": self.customer_email.id, "move_ids": [Command.set(invoice.ids)],
            "amount": 1000.0, "promised_date": DUE + timedelta(days=10), "date_made": DUE,
        })
        item = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertEqual(promise.line_ids, item, "the invoice's receivable item")
        self.assertEqual(promise.move_ids, invoice)
        move, (_doc1, _doc2, _doc3) = self._one_c_entry()
        promise.write({"move_ids": [Command.link(move.id)]})
        self.assertEqual(len(promise.line_ids), 4, "linking an entry covers its open receivable items")
        promise.write({"move_ids": [Command.unlink(invoice.id)]})
        self.assertEqual(promise.move_ids, move)
        self.assertNotIn(item, promise.line_ids)

    def test_log_call_promise_on_documents(self):
        """Log Call from the customer: the promise covers the 1C documents chosen, its amount is what they owe."""
        _move, (doc1, doc2, _doc3) = self._one_c_entry()
        Wizard = self.env["crm.interaction.log.wizard"].with_context(
            active_model="res.partner", active_id=self.customer_email.id)
        with Form(Wizard) as form:
            form.outcome_id = self.env.ref("crm_receivables.crm_interaction_outcome_promise")
            form.promise_line_ids.add(doc1)
            form.promise_line_ids.add(doc2)
            self.assertEqual(form.promise_amount, 1200.0, "the amount due on the documents")
            form.promise_date = DUE + timedelta(days=20)
        with freeze_time(DUE):
            form.record.action_log()
        promise = self.env["crm.payment.promise"].search([("partner_id", "=", self.customer_email.id)])
        self.assertEqual(promise.line_ids, doc1 | doc2)
        self.assertEqual(promise.amount, 1200.0)

    # ------------------------------------------------------------
    # STATEMENT AND CUSTOMER FIGURES
    # ------------------------------------------------------------

    def test_statement_lists_the_documents(self):
        _move, (doc1, _doc2, _doc3) = self._one_c_entry()
        opening = self._entry(self.customer_email, [("Сальдо на 01.01.2026 по договору 15", 250.0, DUE)],
                              ref="Opening balance")
        invoice = self._invoice(self.customer_email, 300.0, DUE)
        self._settle(doc1, 700.0, DUE + timedelta(days=1), label="Оплата РН-0001 (1С)")
        statement = self.env["crm.statement"].create({
            "partner_id": self.customer_email.id, "date_from": DUE - timedelta(days=60),
            "date_to": DUE + timedelta(days=30),
        })
        documents = [row["document"] for row in statement._get_statement_data()["rows"]]
        for label in ("РН-0001", "РН-0002", "РН-0003", "Сальдо на 01.01.2026 по договору 15",
                      "Оплата РН-0001 (1С)", f"Invoice {invoice.name}"):
            self.assertIn(label, documents)
        self.assertFalse([doc for doc in documents if doc.startswith("Payment")],
                         "entries that are no payment are not labelled Payment")
        self.assertAlmostEqual(statement.closing_balance, 700.0 + 500.0 + 400.0 + 250.0 + 300.0 - 700.0)
        self.assertTrue(opening)

    def test_statement_of_a_1c_document_shows_its_number_and_date(self):
        _move, (doc1, _doc2, _doc3) = self._one_c_entry()
        self.env["crm.import.1c.document"].create({
            "name": "Реализация РН-0001 от 05.01.2026", "partner_id": self.customer_email.id,
            "external_key": "test-rn-0001", "doc_number": "РН-0001", "doc_date": date(2026, 1, 5),
            "due_date": doc1.date_maturity, "amount": 700.0, "move_line_ids": [Command.set(doc1.ids)],
        })
        doc1.invalidate_recordset(["crm_document_name", "crm_document_date"])
        self.assertEqual(doc1.crm_document_name, "РН-0001")
        self.assertEqual(doc1.crm_document_date, date(2026, 1, 5))
        statement = self.env["crm.statement"].create({
            "partner_id": self.customer_email.id, "date_from": DUE - timedelta(days=60), "date_to": DUE,
        })
        documents = [row["document"] for row in statement._get_statement_data()["rows"]]
        self.assertTrue([doc for doc in documents if doc.startswith("РН-0001 of ")], documents)

    def test_statement_list_balances_cost_no_query_per_row(self):
        partners = self.env["res.partner"].create([{"name": f"Акт {i}", "is_company": True} for i in range(5)])
        for partner in partners:
            self._entry(partner, [("Д-1", 100.0, DUE), ("Д-2", 50.0, DUE)])
        statements = self.env["crm.statement"].create([
            {"partner_id": partner.id, "date_from": DUE - timedelta(days=60), "date_to": DUE + timedelta(days=5)}
            for partner in partners
        ])
        self.env.invalidate_all()
        statements[4:].mapped("closing_balance")  # warm the registry caches
        for batch in (statements[:1], statements[1:4]):
            self.env.invalidate_all()
            with self.assertQueryCount(QUERIES_STATEMENTS):
                batch.mapped("closing_balance")
        self.assertEqual(statements.mapped("closing_balance"), [150.0] * 5)

    def test_customer_figures_from_open_items(self):
        self._one_c_entry()
        self._invoice(self.customer_email, 300.0, DUE + timedelta(days=1))
        partner = self.customer_email
        with freeze_time(DUE + timedelta(days=5)):
            partner.invalidate_recordset(["crm_overdue_amount", "crm_total_due", "crm_open_item_count"])
            self.assertEqual(partner.crm_open_item_count, 4)
            self.assertAlmostEqual(partner.crm_overdue_amount, 700.0 + 500.0 + 300.0,
                                   msg="РН-0003 is not due yet")
            self.assertAlmostEqual(partner.crm_total_due, 700.0 + 500.0 + 400.0 + 300.0)
            action = partner.action_crm_view_open_items()
        self.assertEqual(len(self.env["account.move.line"].search(action["domain"])), 4)

    # ------------------------------------------------------------
    # SPEED
    # ------------------------------------------------------------

    def test_query_count_does_not_grow_with_customers(self):
        """Selecting the items, deciding their levels and inserting the lines: the same queries for 2
        customers and for 4 (3 documents each)."""
        partners = self.env["res.partner"].create([
            {"name": f"Должник {i}", "is_company": True, "email": f"d{i}@example.com", "lang": "en_US"}
            for i in range(8)
        ])
        for partner in partners:
            self._one_c_entry(partner)
        Engine = self.env["crm.followup.engine"]
        day = DUE + timedelta(days=3)
        self.env.invalidate_all()
        with freeze_time(day):  # warm the registry caches (access rules, defaults)
            inserted = [Engine._insert_lines(Engine._get_candidates(day, partners[:2]), day)]
        for batch in (partners[2:4], partners[4:]):
            self.env.invalidate_all()
            with freeze_time(day), self.assertQueryCount(QUERIES_GENERATION):
                candidates = Engine._get_candidates(day, batch)
                inserted.append(Engine._insert_lines(candidates, day))
        self.assertEqual(inserted, [4, 4, 8], "two documents of each customer reached a level")

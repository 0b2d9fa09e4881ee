import json
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .test_followup import DUE, TestFollowupCommon

PBX_URL = "/crm_receivables/pbx/call"
TOKEN_A = "pbx-token-company-a"  # noqa: S105 - test fixtures, not credentials
TOKEN_B = "pbx-token-company-b"  # noqa: S105


@tagged("post_install", "-at_install")
class TestPbxCompanyIsolation(HttpCase):
    """Company A's exchange finds company A's customers only (issue 12, item 5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ru = cls.env.ref("base.ru")
        cls.company_a = cls.env.company
        cls.company_a.write({"country_id": ru.id, "crm_pbx_token": TOKEN_A})
        cls.company_b = cls.env["res.company"].create({"name": "PBX Company B", "country_id": ru.id,
                                                       "crm_pbx_token": TOKEN_B})
        Partner = cls.env["res.partner"]
        cls.customer_b = Partner.create({"name": "Клиент компании Б", "is_company": True,
                                         "mobile": "+7 933 111-22-33", "company_id": cls.company_b.id})
        cls.customer_a = Partner.create({"name": "Клиент компании А", "is_company": True,
                                         "mobile": "+7 933 444-55-00", "company_id": cls.company_a.id})
        cls.shared = Partner.create({"name": "Общий клиент", "is_company": True, "mobile": "+7 933 777-88-99"})

    def _post(self, phone, token):
        return self.url_open(PBX_URL, data=json.dumps({"phone": phone, "direction": "incoming"}), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
        })

    def test_token_of_a_does_not_find_customer_of_b(self):
        before = self.env["crm.interaction"].sudo().search_count([])
        response = self._post("89331112233", TOKEN_A)
        self.assertEqual(response.status_code, 404, response.text)
        self.assertEqual(response.json()["error"], "unknown_number")
        self.assertEqual(self.env["crm.interaction"].sudo().search_count([]), before, "nothing logged")
        response = self._post("89331112233", TOKEN_B)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["partner"]["id"], self.customer_b.id)
        interaction = self.env["crm.interaction"].sudo().browse(response.json()["interaction_id"])
        self.assertEqual(interaction.company_id, self.company_b)

    def test_own_and_shared_customers_found(self):
        self.assertEqual(self._post("89334445500", TOKEN_A).json()["partner"]["id"], self.customer_a.id)
        self.assertEqual(self._post("89334445500", TOKEN_B).status_code, 404)
        for token in (TOKEN_A, TOKEN_B):
            self.assertEqual(self._post("+79337778899", token).json()["partner"]["id"], self.shared.id)

    def test_model_method_for_telephony(self):
        """``res.partner._crm_find_by_phone(number, company)``: the lookup every telephony endpoint uses."""
        Partner = self.env["res.partner"].sudo()
        self.assertEqual(Partner._crm_find_by_phone("89331112233", self.company_b), self.customer_b)
        self.assertFalse(Partner._crm_find_by_phone("89331112233", self.company_a))


@tagged("post_install", "-at_install")
class TestCollectorScope(TransactionCase):
    """Receivables User works with their own customers; User: All Customers with every one (item 8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "crm_receivables.crm_receivables_group_"
        cls.collector_a = new_test_user(cls.env, login="sec_col_a", groups=f"{group}user")
        cls.collector_b = new_test_user(cls.env, login="sec_col_b", groups=f"{group}user")
        cls.senior = new_test_user(cls.env, login="sec_col_all", groups=f"{group}user_all")
        cls.manager = new_test_user(cls.env, login="sec_col_mgr", groups=f"{group}manager")
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create({"name": "Customer of A", "is_company": True, "user_id": cls.collector_a.id})
        cls.customer_b = Partner.create({"name": "Customer of B", "is_company": True, "user_id": cls.collector_b.id})
        cls.customer_free = Partner.create({"name": "Nobody's customer", "is_company": True})
        customers = cls.customer_a | cls.customer_b | cls.customer_free
        cls.interactions = cls.env["crm.interaction"].create([
            {"partner_id": partner.id, "summary": f"Call {partner.name}", "user_id": cls.manager.id}
            for partner in customers
        ])
        currency = cls.env.company.currency_id
        cls.promises = cls.env["crm.payment.promise"].create([
            {"partner_id": partner.id, "amount": 100.0, "currency_id": currency.id,
             "promised_date": date.today() + timedelta(days=5), "user_id": cls.manager.id}
            for partner in customers
        ])
        cls.statements = cls.env["crm.statement"].create([
            {"partner_id": partner.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31)}
            for partner in customers
        ])

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_collector_sees_own_and_unassigned_customers(self):
        for records in (self.interactions, self.promises, self.statements):
            with self.subTest(model=records._name):
                visible = self._visible(self.collector_a, records)
                self.assertEqual(visible.partner_id, self.customer_a | self.customer_free)
                other = records.filtered(lambda r: r.partner_id == self.customer_b)
                with self.assertRaises(AccessError):
                    other.with_user(self.collector_a).read(["partner_id"])
                with self.assertRaises(AccessError):
                    other.with_user(self.collector_a).write({"partner_id": self.customer_a.id})

    def test_collector_sees_what_they_logged(self):
        mine = self.env["crm.interaction"].create({"partner_id": self.customer_b.id, "summary": "Met at a fair",
                                                   "user_id": self.collector_a.id})
        self.assertEqual(self._visible(self.collector_a, mine), mine)

    def test_senior_and_manager_see_everyone(self):
        for user in (self.senior, self.manager):
            for records in (self.interactions, self.promises, self.statements):
                with self.subTest(user=user.login, model=records._name):
                    self.assertEqual(self._visible(user, records), records)


@tagged("post_install", "-at_install")
class TestFollowupSecurity(TestFollowupCommon):
    """Collectors never redirect a communication; "Run now" sends the current companies' queue only;
    the 1C import goes to one of the user's companies (item 8, item 10)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = new_test_user(cls.env, login="sec_fu_collector",
                                      groups="crm_receivables.crm_receivables_group_user_all")
        cls.other_contact = cls.env["res.partner"].create({"name": "Someone else", "email": "else@example.com"})

    def test_collector_cannot_change_addressee(self):
        self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=15), self.customer_email)
        message = self._messages(self.customer_email)
        self.assertEqual(message.state, "to_review")
        as_collector = message.with_user(self.collector)
        for fname, value in (("contact_id", self.other_contact.id), ("partner_id", self.customer_sms.id),
                             ("company_id", self.env.company.id + 10**6)):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                as_collector.write({fname: value})
        as_collector.write({"subject": "Reviewed subject"})
        self.assertEqual(message.subject, "Reviewed subject", "the collector still reviews the text")
        message.write({"contact_id": self.other_contact.id})
        self.assertEqual(message.contact_id, self.other_contact, "a manager may redirect it")

    def test_run_now_sends_current_companies_only(self):
        other = self.setup_other_company(name="Follow-up Company B")["company"]
        policy_b = self.env["crm.followup.policy"].create({
            "name": "Policy B", "company_id": other.id,
            "level_ids": [Command.create({"name": "B first", "delay": 3})],
        })
        queued_b = self.env["crm.followup.message"].create({
            "partner_id": self.customer_none.id, "company_id": other.id, "level_id": policy_b.level_ids.id,
            "channel": "call", "state": "queued",
        })
        self.env["crm.followup.message"].with_context(allowed_company_ids=self.env.company.ids)._followup_run(
            partners=self.customer_email)
        self.assertEqual(queued_b.state, "queued", "another company's communication is not sent")

    def test_import_into_foreign_company_refused(self):
        other = self.setup_other_company(name="Import Company B")["company"]
        importer = new_test_user(self.env, login="sec_importer", groups="crm_receivables.crm_receivables_group_manager")
        self.assertNotIn(other, importer.company_ids)
        with self.assertRaises(AccessError):
            self.env["crm.import.1c.wizard"].with_user(importer).create({"company_id": other.id})
        wizard = self.env["crm.import.1c.wizard"].with_user(importer).create({})
        self.assertEqual(wizard.company_id, importer.company_id)
        with self.assertRaises(AccessError):
            wizard.write({"company_id": other.id})


@tagged("post_install", "-at_install")
class TestCollectorAccounting(TestFollowupCommon):
    """Collectors read their customers' documents, never vendor bills, bank or other entries (item 8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = "crm_receivables.crm_receivables_group_"
        cls.collector = new_test_user(cls.env, login="acc_col", groups=f"{group}user")
        cls.other_collector = new_test_user(cls.env, login="acc_col_b", groups=f"{group}user")
        cls.senior = new_test_user(cls.env, login="acc_senior", groups=f"{group}user_all")
        cls.accountant_collector = new_test_user(
            cls.env, login="acc_both", groups=f"{group}user,account.group_account_readonly")
        cls.mine = cls._customer("ООО «Мой клиент»", user_id=cls.collector.id)
        cls.theirs = cls._customer("ООО «Чужой клиент»", user_id=cls.other_collector.id)
        cls.vendor = cls._customer("ООО «Поставщик»")

    def _visible(self, user, model, records):
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def _opening_entry(self, partner, amount):
        """An opening entry typed by an accountant (or posted by the 1C import): one receivable item."""
        receivable = partner.property_account_receivable_id
        entry = self.env["account.move"].create({
            "move_type": "entry", "date": DUE, "ref": "Ввод остатков",
            "line_ids": [
                Command.create({"name": "Реализация 17 от 01.02.2026", "account_id": receivable.id,
                                "partner_id": partner.id, "debit": amount, "date_maturity": DUE}),
                Command.create({"name": "Ввод остатков", "debit": 0.0, "credit": amount,
                                "account_id": self.env.company.get_unaffected_earnings_account().id}),
            ],
        })
        entry.action_post()
        return entry

    def test_collector_reads_own_customer_documents_only(self):
        invoice_mine = self._invoice(self.mine)
        entry_mine = self._opening_entry(self.mine, 700.0)
        invoice_theirs = self._invoice(self.theirs)
        bill = self.init_invoice("in_invoice", partner=self.vendor, invoice_date=DUE, amounts=[500.0], post=True)
        moves = invoice_mine | entry_mine | invoice_theirs | bill
        self.assertEqual(self._visible(self.collector, "account.move", moves), invoice_mine | entry_mine)
        self.assertEqual(self._visible(self.senior, "account.move", moves), invoice_mine | entry_mine | invoice_theirs)
        self.assertEqual(self._visible(self.accountant_collector, "account.move", moves), moves,
                         "Odoo's accounting groups keep full read access")
        with self.assertRaises(AccessError):
            bill.with_user(self.collector).read(["name"])
        with self.assertRaises(AccessError):
            invoice_theirs.with_user(self.collector).read(["name"])
        # journal items: the invoice's lines and the 1C item, not the counterpart of the opening entry
        lines = self._visible(self.collector, "account.move.line", moves.line_ids)
        self.assertEqual(lines, invoice_mine.line_ids | entry_mine.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"))
        # what a collector opens works: the invoice form's fields and the customer's figures
        invoice_mine.with_user(self.collector).read(["name", "amount_residual", "invoice_line_ids", "journal_id"])
        partner = self.mine.with_user(self.collector)
        self.assertEqual(partner.crm_open_item_count, 2)
        self.assertEqual(partner.crm_total_due, invoice_mine.amount_residual + 700.0)

    def test_collector_cannot_write_documents(self):
        invoice = self._invoice(self.mine)
        with self.assertRaises(AccessError):
            invoice.with_user(self.collector).write({"ref": "changed"})

    def test_collector_reads_customer_payments_only(self):
        invoice = self._invoice(self.mine)
        payment = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"payment_date": DUE})._create_payments()
        vendor_payment = self.env["account.payment"].create({
            "payment_type": "outbound", "partner_type": "supplier", "partner_id": self.vendor.id, "amount": 10.0})
        found = self._visible(self.collector, "account.payment", payment | vendor_payment)
        self.assertEqual(found, payment)


@tagged("post_install", "-at_install")
class TestCollectorAccountingTour(HttpCase):
    """In the browser, as a collector without any accounting group."""

    def test_collector_works_own_debt_in_the_ui(self):
        collector = new_test_user(self.env, login="tour_collector", groups="crm_receivables.crm_receivables_group_user",
                                  tz="Europe/Moscow")
        other = new_test_user(self.env, login="tour_collector_b", groups="crm_receivables.crm_receivables_group_user")
        self.assertFalse(collector.has_group("account.group_account_readonly"))
        Partner = self.env["res.partner"]
        mine = Partner.create({"name": "ООО «Тур Мой клиент»", "is_company": True, "user_id": collector.id,
                               "crm_collector_id": collector.id, "phone": "+7 912 000-11-22"})
        theirs = Partner.create({"name": "ООО «Тур Чужой клиент»", "is_company": True, "user_id": other.id})
        due = date.today() - timedelta(days=20)
        invoices = self.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": due, "invoice_date_due": due,
            "invoice_line_ids": [Command.create({"name": "Товар", "quantity": 1, "price_unit": 10_000.0,
                                                 "tax_ids": []})],
        } for partner in (mine, theirs)])
        invoices.action_post()
        receivable = mine.property_account_receivable_id
        entry = self.env["account.move"].create({
            "move_type": "entry", "date": due, "ref": "1C",
            "line_ids": [
                Command.create({"name": "Реализация 4242 от 01.10.2026", "account_id": receivable.id,
                                "partner_id": mine.id, "debit": 2345.0, "date_maturity": due}),
                Command.create({"name": "1C", "credit": 2345.0,
                                "account_id": self.env.company.get_unaffected_earnings_account().id}),
            ],
        })
        entry.action_post()
        self.env["crm.collection.queue"]._rebuild(self.env.company)
        self.start_tour("/odoo", "crm_collector_accounting", login="tour_collector")

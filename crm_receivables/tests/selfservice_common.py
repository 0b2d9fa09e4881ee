import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user


class SelfServiceHttpCommon(HttpCase):
    """A customer with two overdue invoices and a sent statement, another customer, a valid link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.collector = new_test_user(
            cls.env, login="ss_collector", name="Collector Petrova",
            groups="crm_receivables.crm_receivables_group_user",
        )
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Самообслуживание»", "is_company": True, "lang": "en_US",
            "email": "buh@self.example.com", "phone": "+79161112233", "user_id": cls.collector.id,
        })
        cls.other = cls.env["res.partner"].create({"name": "ООО «Чужой»", "is_company": True})
        today = fields.Date.context_today(cls.env.user)
        cls.today = today
        cls.invoice_old = cls._invoice(cls.customer, 1000.0, today - timedelta(days=20))
        cls.invoice_new = cls._invoice(cls.customer, 500.0, today - timedelta(days=5))
        cls.invoice_other = cls._invoice(cls.other, 777.0, today - timedelta(days=5))
        cls.line_old = cls._receivable(cls.invoice_old)
        cls.line_new = cls._receivable(cls.invoice_new)
        cls.statement = cls.env["crm.statement"].create({
            "partner_id": cls.customer.id, "date_from": today - timedelta(days=60), "date_to": today,
        })
        cls.statement.action_mark_sent()
        cls.token = cls.env["crm.selfservice.token"]._get_or_create(cls.customer, cls.company)
        cls.url = f"/crm/selfservice/{cls.token.token}"

    @classmethod
    def _invoice(cls, partner, amount, due):
        move = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": due,
            "invoice_date_due": due, "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        })
        move.action_post()
        return move

    @staticmethod
    def _receivable(move):
        return move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _form(self, action, url=None):
        """GET the page, return ``(csrf token, idempotency key)`` of the form of ``action``."""
        page = self.url_open(url or self.url)
        self.assertEqual(page.status_code, 200)
        match = re.search(
            r'action="[^"]*/%s"[\s\S]*?name="csrf_token" value="([^"]+)"[\s\S]*?name="idempotency_key" value="([^"]+)"'
            % action, page.text,
        )
        self.assertTrue(match, f"the page has a form for {action}")
        return match.group(1), match.group(2)

    def _post(self, action, data, key=None, csrf=None, url=None, files=None):
        """POST a form of the page like a browser (CSRF token and idempotency key of the rendered form)."""
        form_csrf, form_key = self._form(action, url=url) if not (key and csrf) else (csrf, key)
        payload = {"csrf_token": form_csrf, "idempotency_key": form_key, **data}
        return self.url_open(f"{url or self.url}/{action}", data=payload, files=files, allow_redirects=False), \
            form_csrf, form_key

    def _requests(self, kind=None):
        domain = [("partner_id", "=", self.customer.id)]
        if kind:
            domain.append(("kind", "=", kind))
        return self.env["crm.selfservice.request"].search(domain)

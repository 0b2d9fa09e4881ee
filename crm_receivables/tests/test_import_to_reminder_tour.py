import base64
import io
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.tests import HttpCase, tagged

NUMBER = "00009301"
CUSTOMER = "ООО «Тур из 1С»"
INN = "7814039176"


@tagged("post_install", "-at_install")
class TestImportToReminderTour(HttpCase):
    """Issue 11 in a browser: from a 1C settlements export to the first reminder naming the 1C document."""

    def _settlements_file(self):
        today = fields.Date.context_today(self.env.user)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Расчеты"
        sheet.append(["Контрагент", "ИНН", "КПП", "Электронная почта", "Документ", "Срок оплаты", "Сумма"])
        doc_date = today - timedelta(days=50)
        sheet.append([CUSTOMER, INN, "781401001", "buh@tour-1c.example.com",
                      f"Реализация товаров и услуг {NUMBER} от {doc_date:%d.%m.%Y}",
                      f"{today - timedelta(days=35):%d.%m.%Y}", "42 000,00"])
        content = io.BytesIO()
        book.save(content)
        return content.getvalue()

    def test_import_to_first_reminder(self):
        self.env["ir.attachment"].create({
            "name": "crm_import_to_reminder_tour.xlsx", "datas": base64.b64encode(self._settlements_file()),
        })
        # keep "Run Now" quick on the demo database: no invoice PDF is rendered for the demo customers
        # (a 1C document has no PDF of its own anyway)
        self.env["crm.followup.level"].search([]).attach_invoices = False
        self.start_tour("/odoo", "crm_import_to_reminder_tour", login="admin", timeout=300)
        customer = self.env["res.partner"].search([("vat", "=", INN)])
        self.assertEqual((len(customer), customer.name, customer.email),
                         (1, CUSTOMER, "buh@tour-1c.example.com"))
        item = self.env["crm.import.1c.document"].search([("partner_id", "=", customer.id)]).move_line_ids
        self.assertEqual((len(item), item.balance, item.crm_document_name), (1, 42000.0, NUMBER))
        reminder = self.env["crm.followup.message"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(reminder), 1, "the first reminder")
        self.assertEqual((reminder.state, reminder.channel, reminder.move_line_ids), ("sent", "email", item))
        self.assertEqual(reminder.level_id.delay, 30, "35 days late: the level of the day (reviewed)")
        self.assertIn(NUMBER, reminder.mail_id.body_html, "the e-mail names the 1C document")
        self.assertEqual(reminder.interaction_id.partner_id, customer)

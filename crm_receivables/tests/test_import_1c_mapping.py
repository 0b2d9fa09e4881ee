import base64
import datetime
import io

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_import_1c import Import1cCommon, _inn10

SHEET = "Дебиторка"
HEADER = ("Организация-плательщик", "Рег. номер налогоплательщика", "Счёт-фактура", "Оплатить не позднее",
          "К оплате, руб.", "Просрочка, руб.")
MAPPING = ("name", "inn", "document", "due_date", "amount", "overdue")
LISTOPAD, ZIMNIY_SAD, KAPEL = "ООО «Листопад»", "АО «Зимний сад»", "ООО «Капель»"
INN_LISTOPAD, INN_ZIMNIY_SAD, INN_KAPEL = _inn10(11), _inn10(12), _inn10(13)
FIRST = [
    (LISTOPAD, INN_LISTOPAD, "Реализация товаров и услуг 00ЛП-000011 от 15.01.2026",
     datetime.datetime(2026, 2, 14), 120000.0, 120000.0),
    (LISTOPAD, INN_LISTOPAD, "Реализация товаров и услуг 00ЛП-000019 от 02.03.2026",
     datetime.datetime(2026, 4, 1), 30500.5, 0.0),
    (ZIMNIY_SAD, INN_ZIMNIY_SAD, "Реализация товаров и услуг 00ЛП-000024 от 10.03.2026",
     datetime.datetime(2026, 4, 9), 75000.0, 0.0),
]
SECOND = [
    (LISTOPAD, INN_LISTOPAD, "Реализация товаров и услуг 00ЛП-000019 от 02.03.2026",
     datetime.datetime(2026, 4, 1), 30500.5, 30500.5),
    (KAPEL, INN_KAPEL, "Реализация товаров и услуг 00ЛП-000031 от 01.04.2026",
     datetime.datetime(2026, 5, 1), 5000.0, 0.0),
]


def unusual_report(rows, title_lines=("Дебиторка по клиентам на 31.03.2026",), total=None):
    """A debt report whose column titles no synonym of the import knows (synthetic companies).

    Above the header, a «Параметры» row that looks more like a header to detection (it names a currency), as 1C
    prints its report settings: the user has to pick the real header row.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    for line in title_lines:
        sheet.append([line])
    sheet.append(["Параметры:", "Период: 01.03.2026 - 31.03.2026", "Валюта: руб."])
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row))
    if total is not None:
        sheet.append(["Итого", None, None, None, total, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestImport1cMapping(Import1cCommon):
    """Issue 17: a header detection cannot find is picked by the user, its columns mapped; the mapping is
    saved and applied to the next file of the same report without any manual step."""

    def _session(self, content, filename="debitorka.xlsx", **vals):
        return self.Wizard.create({"file": base64.b64encode(content), "filename": filename, **vals})

    def _pick_and_map(self, wizard, row, fields_by_column):
        wizard.header_line_ids.filtered(lambda line: line.row == row).action_use_as_header()
        for line in wizard.mapping_ids:
            line.field = fields_by_column.get(line.column_index, False)

    def test_pick_header_map_columns_save_and_reuse(self):
        counts = self._counts()
        wizard = self._session(unusual_report(FIRST, total=225500.5))
        wizard.action_preview()
        self.assertEqual(wizard.state, "header", "no header found: the wizard asks for it instead of failing")
        self.assertIn("No header found on sheet “Дебиторка”", wizard.header_message)
        self.assertEqual(wizard.sheet_name, SHEET)
        self.assertEqual(wizard.header_line_ids.mapped("row")[:4], [1, 2, 3, 4], "the first rows, in order")
        suggested = wizard.header_line_ids.filtered("is_suggested")
        self.assertEqual(suggested.row, 2, "the «Параметры» row names a currency: detection's best guess")
        self.assertEqual(wizard.manual_header_row, 2, "pre-selected")
        self.assertEqual(self._counts(), counts, "nothing written")

        self._pick_and_map(wizard, 3, dict(enumerate(MAPPING)))
        self.assertEqual(wizard.manual_header_row, 3)
        self.assertEqual(wizard.mapping_ids.mapped("column_label"), list(HEADER))
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual((wizard.layout, wizard.header_row, wizard.error_count), ("settlements", 3, 0))
        self.assertEqual(wizard.line_ids.mapped("row"), [4, 5, 6])
        self.assertEqual(wizard.line_ids.mapped("doc_number"), ["00ЛП-000011", "00ЛП-000019", "00ЛП-000024"])
        self.assertEqual(wizard.total_amount, 225500.5, "equal to the file's «Итого»")

        wizard.mapping_name = "Дебиторка (нестандартная)"
        wizard.action_save_mapping()
        mapping = self.env["crm.import.1c.mapping"].search([("name", "=", "Дебиторка (нестандартная)")])
        self.assertEqual((mapping.company_id, mapping.layout, mapping.header_row, mapping.sheet_name),
                         (self.company, "settlements", 3, SHEET))
        self.assertEqual({line.column_label: line.field for line in mapping.line_ids},
                         dict(zip(HEADER, MAPPING, strict=True)))
        self.assertEqual(wizard.saved_mapping_id, mapping)
        self.assertIn("saved", wizard.mapping_note)

        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        listopad, zimniy_sad = self._partner(INN_LISTOPAD), self._partner(INN_ZIMNIY_SAD)
        self.assertEqual((listopad.name, zimniy_sad.name), (LISTOPAD, ZIMNIY_SAD))
        self.assertEqual((self._receivable(listopad), self._receivable(zimniy_sad)), (150500.5, 75000.0))
        documents = self.Document.search([("partner_id", "in", (listopad | zimniy_sad).ids)])
        self.assertEqual(sorted(documents.mapped("doc_number")), ["00ЛП-000011", "00ЛП-000019", "00ЛП-000024"])
        self.assertEqual(str(documents.filtered(lambda d: d.doc_number == "00ЛП-000024").due_date), "2026-04-09")

        # the next month's file: another title line (the header is one row lower), other customers; no manual step
        second = self._session(unusual_report(
            SECOND, title_lines=("Дебиторка по клиентам на 30.04.2026", "Организация: ООО «Пример»"),
            total=35500.5), filename="debitorka_april.xlsx")
        second.action_preview()
        self.assertEqual(second.state, "preview")
        self.assertEqual(second.saved_mapping_id, mapping)
        self.assertEqual(second.mapping_note,
                         "Saved mapping “Дебиторка (нестандартная)” applied: header on row 4.")
        self.assertEqual((second.header_row, second.error_count, second.total_amount), (4, 0, 35500.5))
        second.action_import()
        kapel = self._partner(INN_KAPEL)
        self.assertEqual(kapel.name, KAPEL)
        self.assertEqual(self._receivable(kapel), 5000.0)
        self.assertEqual(self._receivable(listopad), 30500.5,
                         "a settlements report lists every open document: 00ЛП-000011, no longer listed, was paid")

        # the same through the service, as a scheduled import would: the saved mapping is applied
        counts = self._counts()
        session = self.env["crm.import.1c.service"].import_file(
            unusual_report(SECOND, total=35500.5), "debitorka_again.xlsx")
        self.assertEqual((session.state, session.saved_mapping_id), ("done", mapping))
        self.assertEqual(self._counts(), counts, "nothing new in the same documents")

    def test_import_file_with_a_header_row_and_mapping(self):
        session = self.env["crm.import.1c.service"].import_file(
            unusual_report(FIRST, total=225500.5), "debitorka.xlsx", manual_header_row=3,
            mapping_ids=[Command.create({"column_index": index, "column_label": HEADER[index], "field": field})
                         for index, field in enumerate(MAPPING)],
        )
        self.assertEqual((session.state, session.layout), ("done", "settlements"))
        self.assertEqual(self._receivable(self._partner(INN_ZIMNIY_SAD)), 75000.0)

    def test_amount_mapped_to_a_text_column_writes_nothing(self):
        counts = self._counts()
        wizard = self._session(unusual_report(FIRST, total=225500.5))
        wizard.action_preview()
        self._pick_and_map(wizard, 3, {0: "name", 1: "inn", 2: "amount"})
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 3)
        expected = ("Sheet “Дебиторка”, row 4, column “Счёт-фактура”: “Реализация товаров и услуг 00ЛП-000011 "
                    "от 15.01.2026” is not an amount.")
        self.assertEqual(wizard.line_ids[0].message, expected)
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertIn("Nothing was imported", str(caught.exception))
        self.assertIn(expected, str(caught.exception))
        self.assertEqual(self._counts(), counts)
        self.assertFalse(self.env["crm.import.1c.mapping"].search_count([]), "no mapping saved by a preview")

    def test_incomplete_or_doubled_mapping_is_refused_before_reading(self):
        wizard = self._session(unusual_report(FIRST, total=225500.5))
        wizard.action_preview()
        self._pick_and_map(wizard, 3, {1: "inn", 2: "document"})
        with self.assertRaisesRegex(UserError, "The column mapping imports nothing: map a column to each of "
                                               "Customer name, Amount."):
            wizard.action_preview()
        self._pick_and_map(wizard, 3, {0: "name", 4: "amount", 5: "amount"})
        with self.assertRaisesRegex(UserError, r"Column F \(Просрочка, руб.\) and column E \(К оплате, руб.\) are "
                                               "both mapped to “Amount”"):
            wizard.action_preview()
        self.assertEqual(wizard.state, "header")
        wizard.manual_header_row = 60
        with self.assertRaisesRegex(UserError, "Sheet “Дебиторка”, row 60 is empty"):
            wizard.action_read_header()

    def test_self_check_applies_to_a_manual_mapping(self):
        counts = self._counts()
        wizard = self._session(unusual_report(FIRST, total=225000.0))
        wizard.action_preview()
        self._pick_and_map(wizard, 3, dict(enumerate(MAPPING)))
        wizard.action_preview()
        errors = wizard.line_ids.filtered(lambda line: line.fate == "error")
        self.assertEqual(errors.mapped("row"), [7])
        self.assertIn("the total “Итого” is 225", errors.message)
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertEqual(self._counts(), counts)

    def test_choose_header_when_detection_is_unsure_and_back(self):
        wizard = self._wizard("settlements_by_document.xls")
        wizard.action_preview()
        detected = {line.column_index: line.field for line in wizard.mapping_ids if line.field}
        total, header_row = wizard.total_amount, wizard.header_row
        wizard.action_choose_header()
        self.assertEqual((wizard.state, wizard.manual_header_row), ("header", header_row))
        self.assertFalse(wizard.line_ids, "the preview is cleared")
        self.assertEqual({line.column_index: line.field for line in wizard.mapping_ids if line.field}, detected,
                         "the detected fields are pre-selected")
        wizard.action_preview()
        self.assertEqual((wizard.state, wizard.total_amount, wizard.error_count), ("preview", total, 0))
        wizard.action_back()
        self.assertEqual((wizard.state, wizard.manual_header_row), ("upload", 0))
        self.assertFalse(wizard.header_line_ids)

    def test_mapping_of_another_company_is_not_applied(self):
        other = self.env["res.company"].create({"name": "Mapping Company B"})
        wizard = self._session(unusual_report(FIRST, total=225500.5))
        wizard.action_preview()
        self._pick_and_map(wizard, 3, dict(enumerate(MAPPING)))
        wizard.action_preview()
        wizard.action_save_mapping()
        wizard.saved_mapping_id.company_id = other
        again = self._session(unusual_report(FIRST, total=225500.5))
        again.action_preview()
        self.assertEqual(again.state, "header", "company B's mapping is not this company's")
        self.assertFalse(again.saved_mapping_id)

    def test_security_company_and_groups(self):
        other = self.env["res.company"].create({"name": "Mapping Company B"})
        mapping_b = self.env["crm.import.1c.mapping"].create({
            "name": "Mapping B", "company_id": other.id, "signature": "b", "layout": "settlements",
            "line_ids": [Command.create({"column_index": 0, "field": "name"}),
                         Command.create({"column_index": 1, "field": "amount"})],
        })
        mapping_a = mapping_b.copy({"name": "Mapping A", "company_id": self.company.id})
        manager = new_test_user(self.env, login="map_manager", groups="crm_receivables.crm_receivables_group_manager",
                                company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        user = new_test_user(self.env, login="map_user", groups="crm_receivables.crm_receivables_group_user",
                             company_id=self.company.id, company_ids=[Command.set(self.company.ids)])
        Mapping, Line = self.env["crm.import.1c.mapping"], self.env["crm.import.1c.mapping.line"]
        self.assertEqual(Mapping.with_user(manager).search([("name", "like", "Mapping ")]), mapping_a)
        self.assertEqual(Line.with_user(manager).search([("mapping_id.name", "like", "Mapping ")]),
                         mapping_a.line_ids.with_user(manager))
        with self.assertRaises(AccessError):
            mapping_b.with_user(manager).read(["name"])
        with self.assertRaises(AccessError):
            mapping_b.line_ids[0].with_user(manager).read(["field"])
        mapping_a.with_user(manager).line_ids[1].field = "debt"
        self.assertEqual(mapping_a.with_user(user).line_ids.mapped("field"), ["name", "debt"], "users read")
        with self.assertRaises(AccessError):
            mapping_a.with_user(user).name = "Renamed"
        with self.assertRaises(UserError, msg="a field given to two columns"):
            mapping_a.with_user(manager).line_ids[1].field = "name"


@tagged("post_install", "-at_install")
class TestImport1cMappingTour(HttpCase):

    def test_import_1c_mapping_tour(self):
        self.env.ref("base.RUB").active = True
        self.env["ir.attachment"].create({
            "name": "crm_import_1c_mapping_tour.xlsx",
            "datas": base64.b64encode(unusual_report(FIRST, total=225500.5)),
        })
        self.start_tour("/odoo", "crm_import_1c_mapping_tour", login="admin")
        mapping = self.env["crm.import.1c.mapping"].search([("name", "=", "Дебиторка ТД")])
        self.assertEqual(mapping.header_row, 3)
        self.assertEqual({line.field for line in mapping.line_ids if line.field},
                         {"name", "inn", "document", "amount"})
        self.assertEqual(self.env["res.partner"].search([("vat", "=", INN_ZIMNIY_SAD)]).name, ZIMNIY_SAD)

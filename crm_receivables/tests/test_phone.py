from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CrmReceivablesCommon


@tagged("post_install", "-at_install")
class TestPhoneLookup(CrmReceivablesCommon):
    """A customer is found from any way of writing their number; duplicates and ИНН are checked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ru")
        cls.customer.write({"phone": "+7 495 765-43-21", "country_id": cls.env.ref("base.ru").id})
        cls.contact.mobile = "8 (922) 111-22-33"

    def test_find_customer_from_any_format(self):
        Partner = self.env["res.partner"]
        for typed in ("8 (922) 111-22-33", "+7 922 1112233", "89221112233", "+79221112233", "007 922 111 22 33"):
            self.assertEqual(Partner._crm_find_by_phone(typed), self.customer, f"{typed} is the contact's mobile")
        self.assertEqual(Partner._crm_find_by_phone("84957654321"), self.customer)
        self.assertFalse(Partner._crm_find_by_phone("+7 922 000-00-00"))
        self.assertFalse(Partner._crm_find_by_phone("345-67"), "too short to search")
        self.assertFalse(Partner._crm_find_by_phone("not a number"))

    def test_suffix_of_another_number_is_not_a_match(self):
        other = self.env["res.partner"].create({"name": "ООО «Другой»", "is_company": True, "phone": "+3 89221112233"})
        found = self.env["res.partner"]._crm_find_by_phone("89221112233")
        self.assertEqual(found, self.customer, "a number merely containing the digits is not the same number")
        self.assertNotIn(other, found)

    def test_inn_checksum(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create({
                "name": "ООО «Ошибка»", "is_company": True, "vat": "7708123451",
                "country_id": self.env.ref("base.ru").id,
            })
        partner = self.env["res.partner"].create({"name": "ИП Верный", "vat": "500100732259"})
        self.assertEqual(partner.vat, "500100732259", "a valid 12-digit ИНН is accepted")
        foreign = self.env["res.partner"].create({
            "name": "Foreign GmbH", "vat": "DE123456789", "country_id": self.env.ref("base.de").id,
        })
        self.assertTrue(foreign.vat)

    def test_possible_duplicates(self):
        twin = self.env["res.partner"].create({
            "name": "СтройМонтаж (дубль)", "is_company": True, "phone": "8 495 765 43 21",
            "country_id": self.env.ref("base.ru").id, "vat": "7708 123 450",
        })
        self.env.flush_all()  # the SQL view reads the stored, sanitized numbers
        pairs = self.env["crm.partner.duplicate"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(set(pairs.mapped("reason")), {"phone", "vat"})
        self.assertEqual(pairs.duplicate_id, twin)
        action = pairs[0].action_merge()
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        self.assertEqual(wizard.partner_ids, self.customer | twin, "Odoo's merge wizard opens on the pair")

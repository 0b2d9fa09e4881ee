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

    def test_find_customer_from_other_spellings(self):
        """Trunk prefix, ``+7-``, ``007``, dots, spaces and extensions, typed or stored: one number."""
        Partner = self.env["res.partner"]
        for typed in ("8 (495) 765-43-21", "+7-495-765-43-21", "007 495 765 43 21", "8.495.765.43.21",
                      "+7 495 765-43-21 доб. 123", "8 495 765 43 21 ext. 7"):
            self.assertEqual(Partner._crm_find_by_phone(typed), self.customer, typed)
        switchboard = Partner.create({"name": "ООО «Коммутатор»", "is_company": True,
                                      "phone": "+7 (383) 209-47-61 доб. 45"})
        self.assertEqual(Partner._crm_find_by_phone("8 383 209 47 61"), switchboard,
                         "a stored extension does not hide the number")

    def test_company_country_reads_national_numbers(self):
        """A national number is read in the country of the company whose customers are searched."""
        Partner = self.env["res.partner"]
        company_by = self.env["res.company"].create({"name": "ООО «Минск»", "country_id": self.env.ref("base.by").id})
        shared = Partner.create({"name": "ОАО «Гомель»", "is_company": True, "phone": "+375 17 212-34-56"})
        own = Partner.create({"name": "ОАО «Брест»", "is_company": True, "phone": "+375 16 221-11-22",
                              "company_id": company_by.id})
        self.assertEqual(company_by._crm_phone_region(), "BY")
        self.assertEqual(Partner._crm_find_by_phone("8 017 212 34 56", company_by), shared)
        self.assertEqual(Partner._crm_find_by_phone("8 016 221 11 22", company_by), own)
        self.assertFalse(Partner._crm_find_by_phone("8 017 212 34 56", self.env.company),
                         "in a Russian company this is no Belarusian number")
        self.assertEqual(Partner._crm_find_by_phone("+375 17 212 34 56", self.env.company), shared,
                         "an international number is found from any company")
        self.assertFalse(Partner._crm_find_by_phone("+375 16 221 11 22", self.env.company),
                         "another company's customer is not found")

    def test_several_customers_ordered_by_id(self):
        twin = self.env["res.partner"].create({"name": "СтройМонтаж-2", "is_company": True, "phone": "84957654321"})
        found = self.env["res.partner"]._crm_find_by_phone("+7 495 765 43 21")
        self.assertEqual(found, self.customer | twin)
        self.assertEqual(found[:1], min(self.customer, twin, key=lambda partner: partner.id), "lowest id first")

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

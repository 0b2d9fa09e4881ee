import json

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import mango as mango_tools
from .fake_providers import FakeProviders

MANGO_KEY, MANGO_SALT = "c2c-mango-key", "c2c-mango-salt"
ZADARMA_KEY, ZADARMA_SECRET = "c2c-zadarma-key", "c2c-zadarma-secret"
ZADARMA_CALLBACK = "/v1/request/callback/"
MANGO_CALLBACK = "/vpbx/commands/callback"


class ClickToCallCase(HttpCase):
    """A company whose exchange is a local fake Zadarma / Mango Office, a collector with extension 101."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeProviders(MANGO_KEY, MANGO_SALT, ZADARMA_KEY, ZADARMA_SECRET, "unused").start()
        cls.addClassCleanup(cls.fake.stop)
        cls.company = cls.env.company
        cls.company.write({
            "country_id": cls.env.ref("base.ru").id, "crm_telephony_provider": "zadarma",
            "crm_mango_api_key": MANGO_KEY, "crm_mango_api_salt": MANGO_SALT,
            "crm_mango_api_url": f"{cls.fake.url}/vpbx",
            "crm_zadarma_api_key": ZADARMA_KEY, "crm_zadarma_api_secret": ZADARMA_SECRET,
            "crm_zadarma_api_url": cls.fake.url,
        })
        cls.env["res.users"].search([("crm_pbx_extension", "in", ["101", "777"])]).crm_pbx_extension = False
        cls.collector = new_test_user(cls.env, login="c2c_collector", name="Коллектор Звонков",
                                      groups="crm_receivables.crm_receivables_group_user")
        cls.collector.crm_pbx_extension = "101"
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Тур Клик»", "is_company": True, "phone": "8 (903) 555-77-99",
            "mobile": "12345678901234567", "company_id": cls.company.id,
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "Анна Бухгалтер", "parent_id": cls.customer.id, "mobile": "+7 916 000-11-22",
        })
        cls.other_company = cls.env["res.company"].create({"name": "Чужая компания",
                                                           "country_id": cls.env.ref("base.ru").id})
        cls.other_customer = cls.env["res.partner"].create({
            "name": "Клиент чужой компании", "is_company": True, "phone": "+7 903 111-22-33",
            "company_id": cls.other_company.id,
        })

    def setUp(self):
        super().setUp()
        self.fake.reset()

    def _call(self, number, res_model=False, res_id=False, user=None):
        return self.env["crm.telephony.call"].with_user(user or self.collector).crm_click_to_call(
            number, res_model=res_model, res_id=res_id)


@tagged("post_install", "-at_install")
class TestClickToCall(ClickToCallCase):
    """One server method behind every Call button: the exchange's call-back, else a tel: link."""

    def test_any_phone_field_through_zadarma(self):
        action = self._call("+7 916 000-11-22", "res.partner", self.contact.id)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Анна Бухгалтер", action["params"]["message"])
        self.assertIn("101", action["params"]["message"])
        sent = self.fake.received(ZADARMA_CALLBACK)
        self.assertEqual(len(sent), 1)
        self.assertEqual((sent[0]["form"]["from"], sent[0]["form"]["to"]), ("101", "79160001122"),
                         "the collector's extension first, then the customer's number in international digits")

    def test_number_typed_nationally_through_mango(self):
        self.company.crm_telephony_provider = "mango"
        action = self._call("8 (903) 555-77-99", "res.partner", self.customer.id)
        self.assertIn("ООО «Тур Клик»", action["params"]["message"])
        sent = self.fake.received(MANGO_CALLBACK)
        self.assertEqual(len(sent), 1)
        self.assertTrue(mango_tools.verify(sent[0]["form"], MANGO_KEY, MANGO_SALT))
        command = json.loads(sent[0]["form"]["json"])
        self.assertEqual((command["from"]["extension"], command["to_number"]), ("101", "79035557799"))

    def test_record_of_another_model_names_its_customer(self):
        row = self.env["crm.collection.queue"].create({
            "partner_id": self.customer.id, "company_id": self.company.id, "date": fields.Date.today(),
            "rank": 1, "user_id": self.collector.id,
        })
        action = self._call(row.phone, row._name, row.id)
        self.assertIn("ООО «Тур Клик»", action["params"]["message"])
        self.assertEqual(self.fake.received(ZADARMA_CALLBACK)[0]["form"]["to"], "79035557799")

    def test_queue_row_dial_button(self):
        """The queue's Dial button: the row's mobile, else its phone (the mobile here is not dialable)."""
        row = self.env["crm.collection.queue"].create({
            "partner_id": self.contact.parent_id.id, "company_id": self.company.id, "date": fields.Date.today(),
            "rank": 1, "user_id": self.collector.id,
        })
        dial = self.env.ref("crm_receivables.crm_collection_queue_action_click_to_call").with_user(self.collector)
        with mute_logger("odoo.addons.base.models.ir_actions"), self.assertRaisesRegex(
                UserError, "12345678901234567 is not a phone number"):
            dial.with_context(active_model=row._name, active_id=row.id, active_ids=row.ids).run()
        self.assertFalse(self.fake.requests, "nothing is sent for a number that cannot be dialled")
        self.customer.mobile = False
        action = dial.with_context(active_model=row._name, active_id=row.id, active_ids=row.ids).run()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.fake.received(ZADARMA_CALLBACK)[0]["form"]["to"], "79035557799")

    def test_without_provider_tel_link(self):
        self.company.crm_telephony_provider = False
        action = self._call("8 (903) 555-77-99", "res.partner", self.customer.id)
        self.assertEqual(action, {"type": "ir.actions.act_url", "url": "tel:+79035557799", "target": "self"})
        self.assertFalse(self.fake.requests, "no provider: the exchange is not asked")

    def test_without_extension_tel_link(self):
        self.collector.crm_pbx_extension = False
        action = self._call("8 (903) 555-77-99")
        self.assertEqual(action["url"], "tel:+79035557799")
        self.assertFalse(self.fake.requests)

    def test_read_access_to_the_record_is_checked(self):
        with self.assertRaises(AccessError):
            self._call(self.other_customer.phone, "res.partner", self.other_customer.id)
        portal = new_test_user(self.env, login="c2c_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self._call("8 (903) 555-77-99", user=portal)
        self.assertFalse(self.fake.requests, "refused calls never reach the exchange")

    def test_clear_errors(self):
        for number, res_model, res_id, message in [
            ("12", False, False, "12 is not a phone number"),
            ("8 903 555 77 99", "no.such.model", 1, "Unknown document type"),
            ("8 903 555 77 99", "res.partner", 10**9, "no longer exists"),
        ]:
            with self.assertRaisesRegex(UserError, message):
                self._call(number, res_model, res_id)
        self.company.crm_zadarma_api_secret = "stale-secret"  # noqa: S105 - test fixture
        with mute_logger("odoo.addons.crm_receivables.models.crm_telephony_call"), \
                self.assertRaisesRegex(UserError, "could not be reached: 401"):
            self._call("8 903 555 77 99", "res.partner", self.customer.id)
        self.company.write({"crm_telephony_provider": "mango", "crm_mango_api_salt": "stale-salt"})
        with self.assertRaisesRegex(UserError, "refused the call: 3102"):
            self._call("8 903 555 77 99", "res.partner", self.customer.id)
        self.company.write({"crm_telephony_provider": "zadarma", "crm_zadarma_api_secret": ZADARMA_SECRET})
        self.company.crm_zadarma_api_secret = False
        with self.assertRaisesRegex(UserError, "credentials"):
            self._call("8 903 555 77 99", "res.partner", self.customer.id)

    def test_session_tells_the_web_client(self):
        def session_info():
            self.authenticate("c2c_collector", "c2c_collector")
            return self.make_jsonrpc_request("/web/session/get_session_info")

        self.assertEqual(session_info()["crm_click_to_call_company_ids"], self.company.ids)
        self.company.crm_telephony_provider = False
        self.assertEqual(session_info()["crm_click_to_call_company_ids"], [])
        self.collector.crm_pbx_extension = False
        self.assertNotIn("crm_click_to_call_company_ids", session_info())


@tagged("post_install", "-at_install")
class TestClickToCallTour(ClickToCallCase):
    """In the browser: the Call button of phone fields and of the collector's queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.crm_pbx_extension = "777"

    def test_form_tour(self):
        self.start_tour(f"/odoo/contacts/{self.customer.id}", "crm_receivables_click_to_call_form", login="admin")
        sent = self.fake.received(ZADARMA_CALLBACK)
        self.assertEqual([(item["form"]["from"], item["form"]["to"]) for item in sent], [("777", "79035557799")],
                         "one call placed: the phone; the undialable mobile reached no exchange")

    def test_queue_tour(self):
        queue_customer = self.env["res.partner"].create({
            "name": "ООО «Тур Клик Очередь»", "is_company": True, "phone": "+7 903 555-66-11",
            "mobile": "+7 916 555-66-22", "company_id": self.company.id,
        })
        self.env["crm.collection.queue"].create({
            "partner_id": queue_customer.id, "company_id": self.company.id, "date": fields.Date.today(),
            "rank": 1, "user_id": self.admin.id, "amount_overdue": 1000.0,
        })
        self.start_tour("/odoo/action-crm_receivables.crm_collection_queue_action",
                        "crm_receivables_click_to_call_queue", login="admin")
        sent = self.fake.received(ZADARMA_CALLBACK)
        self.assertEqual([(item["form"]["from"], item["form"]["to"]) for item in sent],
                         [("777", "79035556611"), ("777", "79165556622"), ("777", "79035556611")],
                         "the phone column's button, the row's Dial button (mobile first), the card's button")

import json
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import mango as mango_tools
from ..tools import zadarma as zadarma_tools
from .fake_providers import FakeProviders

DATA = Path(__file__).parent / "data" / "telephony"
SAMPLE_NUMBER = "79161234567"  # the number in the providers' sample payloads
NUMBER = "79035551122"  # our test customer's number (the sample one belongs to a demo customer)
MANGO_KEY, MANGO_SALT = "mango-key-a", "mango-salt-a"
ZADARMA_KEY, ZADARMA_SECRET = "zadarma-key-a", "zadarma-secret-a"
SMSRU_ID = "SMSRU-API-ID"


def _sample(name):
    text = (DATA / name).read_text(encoding="utf-8").replace(SAMPLE_NUMBER, NUMBER).replace(
        "8" + SAMPLE_NUMBER[1:], "8" + NUMBER[1:])
    return json.loads(text)["events"]


@tagged("post_install", "-at_install")
class TestTelephonyWebhooks(HttpCase):
    """Mango Office and Zadarma report calls in their own signed formats: one call, one interaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeProviders(MANGO_KEY, MANGO_SALT, ZADARMA_KEY, ZADARMA_SECRET, SMSRU_ID).start()
        cls.addClassCleanup(cls.fake.stop)
        cls.company = cls.env.company
        cls.company.write({
            "country_id": cls.env.ref("base.ru").id,
            "crm_mango_api_key": MANGO_KEY, "crm_mango_api_salt": MANGO_SALT,
            "crm_mango_api_url": f"{cls.fake.url}/vpbx",
            "crm_zadarma_api_key": ZADARMA_KEY, "crm_zadarma_api_secret": ZADARMA_SECRET,
            "crm_zadarma_api_url": cls.fake.url, "crm_zadarma_tz": "Europe/Moscow",
        })
        cls.collector = new_test_user(cls.env, login="tel_collector", name="Иван Сборщиков",
                                      groups="crm_receivables.crm_receivables_group_user,base.group_partner_manager")
        cls.env["res.users"].search([("crm_pbx_extension", "=", "101")]).crm_pbx_extension = False
        cls.collector.crm_pbx_extension = "101"
        cls.owner = new_test_user(cls.env, login="tel_owner", name="Ольга Владелец",
                                  groups="crm_receivables.crm_receivables_group_user")
        cls.default_user = new_test_user(cls.env, login="tel_default", name="Дежурный",
                                         groups="crm_receivables.crm_receivables_group_user")
        cls.company.crm_telephony_user_id = cls.default_user
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Звонкий клиент»", "is_company": True, "phone": "8 (903) 555-11-22",
            "user_id": cls.owner.id, "company_id": cls.company.id,
        })
        cls.other_company = cls.env["res.company"].create({"name": "Другая компания",
                                                           "country_id": cls.env.ref("base.ru").id})
        cls.other_customer = cls.env["res.partner"].create({
            "name": "Клиент другой компании", "is_company": True, "mobile": "+7 903 555 11 22",
            "company_id": cls.other_company.id,
        })

    def setUp(self):
        super().setUp()
        self.fake.reset()
        self.bus_start = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0

    # ------------------------------------------------------------ helpers

    def _zadarma(self, form, secret=ZADARMA_SECRET, company=None, signature=None):
        headers = {"Signature": signature if signature is not None else zadarma_tools.sign(secret, form)}
        return self.url_open(f"/crm_receivables/telephony/zadarma/{(company or self.company).id}",
                             data=form, headers=headers)

    def _mango(self, path, payload, key=MANGO_KEY, salt=MANGO_SALT, company=None):
        json_text = json.dumps(payload, ensure_ascii=False)
        form = {"vpbx_api_key": key, "sign": mango_tools.sign(key, json_text, salt), "json": json_text}
        return self.url_open(f"/crm_receivables/telephony/mango/{(company or self.company).id}/{path}", data=form)

    def _call(self, provider, ref):
        return self.env["crm.telephony.call"].search([("provider", "=", provider), ("call_ref", "=", ref)])

    def _screen_pops(self):
        messages = self.env["bus.bus"].sudo().search([("message", "like", "crm_receivables/screen_pop"),
                                                      ("id", ">", self.bus_start)])
        return [(json.loads(message.channel), json.loads(message.message)) for message in messages]

    def _counts(self):
        return (self.env["crm.interaction"].search_count([]), self.env["crm.telephony.call"].search_count([]),
                self.env["crm.telephony.event"].search_count([]), len(self._screen_pops()),
                self.env["mail.activity"].search_count([]))

    # ------------------------------------------------------------ Zadarma

    def test_zadarma_incoming_call(self):
        for form in _sample("zadarma_incoming.json"):
            response = self._zadarma(form)
            self.assertEqual(response.status_code, 200, response.text)
            self.assertTrue(response.json()["ok"])
        call = self._call("zadarma", "in_7e1b2c3d4f5a")
        self.assertRecordValues(call, [{
            "state": "answered", "is_finished": True, "direction": "incoming", "partner_id": self.customer.id,
            "user_id": self.collector.id, "extension": "101", "duration": 95, "recording_ref": "1772433000.123456",
        }])
        self.assertEqual(str(call.started_at), "2026-03-02 06:30:00", "Moscow time stored in UTC")
        interactions = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(interactions), 1)
        self.assertEqual(call.interaction_id, interactions)
        self.assertRecordValues(interactions, [{
            "channel": "call", "direction": "incoming", "source": "pbx", "user_id": self.collector.id,
            "duration": round(95 / 3600, 4), "phone": NUMBER, "company_id": self.company.id,
            "outcome_id": self.env.ref("crm_receivables.crm_interaction_outcome_reached").id,
        }])
        self.assertFalse(self.customer.activity_ids, "an answered call needs no call-back")
        pops = self._screen_pops()
        self.assertEqual(len(pops), 1, "one card, on the extension that rang")
        channel, message = pops[0]
        self.assertEqual(channel[1:], ["res.partner", self.collector.partner_id.id])
        payload = message["payload"]
        self.assertEqual(payload["partner"]["name"], "ООО «Звонкий клиент»")
        self.assertEqual(payload["phone"], NUMBER)
        self.assertIn("overdue", payload["partner"])

    def test_zadarma_replay_writes_nothing(self):
        events = _sample("zadarma_incoming.json")
        for form in events:
            self._zadarma(form)
        before = self._counts()
        for form in events:
            response = self._zadarma(form)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.json()["replay"])
        self.assertEqual(self._counts(), before)

    def test_zadarma_bad_signature_writes_nothing(self):
        before = self._counts()
        form = _sample("zadarma_incoming.json")[0]
        with mute_logger("odoo.addons.crm_receivables.controllers.telephony"):
            for response in (
                self._zadarma(form, secret="not-the-secret"),
                self._zadarma(form, signature=""),
                self._zadarma({**form, "caller_id": "79990000000"}, signature=zadarma_tools.sign(ZADARMA_SECRET, form)),
                self._zadarma(form, company=self.other_company),  # company B has no Zadarma secret
            ):
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["error"], "invalid_signature")
        self.assertEqual(self._counts(), before)

    def test_zadarma_echo_and_malformed(self):
        response = self.url_open(f"/crm_receivables/telephony/zadarma/{self.company.id}?zd_echo=a1b2c3")
        self.assertEqual((response.status_code, response.text), (200, "a1b2c3"))
        before = self._counts()
        response = self._zadarma({"event": "NOTIFY_START", "pbx_call_id": "x", "call_start": "yesterday",
                                  "caller_id": NUMBER, "called_did": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["field"], "call_start")
        self.assertEqual(self._counts(), before)

    def test_zadarma_missed_call_without_collector_goes_to_default(self):
        self.customer.user_id = False
        for form in _sample("zadarma_missed.json"):
            self._zadarma(form)
        call = self._call("zadarma", "in_9a8b7c6d5e4f")
        self.assertEqual(call.state, "missed")
        self.assertEqual(call.interaction_id.summary, f"Missed call from {NUMBER}")
        activity = self.customer.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.default_user)
        self.assertEqual(activity.activity_type_id, self.env.ref("crm_receivables.mail_activity_type_call_back"))

    def test_zadarma_outgoing_call(self):
        for form in _sample("zadarma_outgoing.json"):
            self._zadarma(form)
        call = self._call("zadarma", "out_1a2b3c4d5e6f")
        self.assertRecordValues(call, [{"direction": "outgoing", "state": "answered", "duration": 240,
                                        "user_id": self.collector.id, "partner_id": self.customer.id}])
        self.assertEqual(call.interaction_id.summary, "Outgoing call to 89035551122")
        self.assertFalse(self._screen_pops(), "no card for the collector's own outgoing call")

    # ------------------------------------------------------------ Mango Office

    def test_mango_events_out_of_order_make_one_interaction(self):
        events = _sample("mango_incoming.json")
        for item in reversed(events):  # summary and hang-up first, ringing last
            response = self._mango(item["path"], item["json"])
            self.assertEqual(response.status_code, 200, response.text)
        call = self._call("mango", "MjY2NjQ1NzU1NTo0MDE=")
        self.assertRecordValues(call, [{
            "state": "answered", "direction": "incoming", "duration": 120, "user_id": self.collector.id,
            "partner_id": self.customer.id, "recording_ref": "MToxMDE0NTY0NDo0MDE6NjY3OTkxODI1OjE=",
        }])
        interactions = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(interactions), 1)
        self.assertEqual(interactions.duration, round(120 / 3600, 4))
        self.assertEqual(len(call.event_ids), 6)
        self.assertFalse(self.customer.activity_ids)
        self.assertFalse(self._screen_pops(), "the call was over before its ringing was reported")

    def test_mango_in_order_pops_the_card_and_replays_write_nothing(self):
        events = _sample("mango_incoming.json")
        for item in events:
            self._mango(item["path"], item["json"])
        pops = self._screen_pops()
        self.assertEqual(len(pops), 1)
        self.assertEqual(pops[0][1]["payload"]["partner"]["id"], self.customer.id)
        before = self._counts()
        for item in events:
            self.assertTrue(self._mango(item["path"], item["json"]).json()["replay"])
        self.assertEqual(self._counts(), before)

    def test_mango_bad_signature_writes_nothing(self):
        item = _sample("mango_incoming.json")[1]
        before = self._counts()
        with mute_logger("odoo.addons.crm_receivables.controllers.telephony"):
            for response in (self._mango(item["path"], item["json"], salt="wrong-salt"),
                             self._mango(item["path"], item["json"], key="other-key"),
                             self._mango(item["path"], item["json"], company=self.other_company)):
                self.assertEqual(response.status_code, 401)
        self.assertEqual(self._counts(), before)

    def test_mango_missed_call_activity_for_the_customers_collector(self):
        for item in _sample("mango_missed.json"):
            self._mango(item["path"], item["json"])
        call = self._call("mango", "MjY2NjQ1NzU1NTo0MDI=")
        self.assertEqual(call.state, "missed")
        self.assertEqual(call.interaction_id.direction, "incoming")
        activity = self.customer.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.owner)
        self.assertEqual(call.callback_activity_id, activity)

    def test_late_answer_removes_the_call_back(self):
        """A hang-up reported before the answer first looks missed; the answer then cancels the call-back."""
        events = _sample("mango_incoming.json")
        self._mango(events[3]["path"], events[3]["json"])  # Disconnected
        call = self._call("mango", "MjY2NjQ1NzU1NTo0MDE=")
        self.assertEqual(call.state, "missed")
        self.assertEqual(len(self.customer.activity_ids), 1)
        self._mango(events[2]["path"], events[2]["json"])  # Connected
        self.assertEqual(call.state, "answered")
        self.assertEqual(call.duration, 120)
        self.assertFalse(self.customer.activity_ids)
        self.assertEqual(self.env["crm.interaction"].search_count([("partner_id", "=", self.customer.id)]), 1)

    def test_unknown_number_becomes_a_customer(self):
        item = _sample("mango_missed.json")[0]
        item["json"]["from"]["number"] = "74957778899"
        self._mango(item["path"], item["json"])
        call = self._call("mango", "MjY2NjQ1NzU1NTo0MDI=")
        action = call.with_user(self.collector).action_create_customer()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertRecordValues(partner, [{"phone": "74957778899", "is_company": True, "company_id": self.company.id}])
        self.assertEqual(call.partner_id, partner)

    def test_unknown_number_then_linked(self):
        events = _sample("mango_missed.json")
        for item in events:
            item["json"]["from"]["number"] = "74957778899"
            self._mango(item["path"], item["json"])
        call = self._call("mango", "MjY2NjQ1NzU1NTo0MDI=")
        self.assertFalse(call.partner_id)
        self.assertFalse(call.interaction_id, "no customer, no history entry yet")
        payload = self._screen_pops()[0][1]["payload"]
        self.assertFalse(payload["partner"], "unknown number: the card offers to create or link")
        call.with_user(self.collector).partner_id = self.customer
        self.assertEqual(call.interaction_id.partner_id, self.customer)
        with self.assertRaises(AccessError):
            call.with_user(self.collector).duration = 5

    def test_customer_of_the_webhook_company_only(self):
        self.customer.phone = False
        item = _sample("mango_missed.json")[0]
        self._mango(item["path"], item["json"])
        call = self._call("mango", "MjY2NjQ1NzU1NTo0MDI=")
        self.assertFalse(call.partner_id, "company B's customer with this number is not company A's")

    def test_shared_customer_is_found(self):
        self.customer.company_id = False
        item = _sample("mango_missed.json")[0]
        self._mango(item["path"], item["json"])
        self.assertEqual(self._call("mango", "MjY2NjQ1NzU1NTo0MDI=").partner_id, self.customer,
                         "a customer shared by all companies is everyone's")

    def test_recording_link_through_the_provider(self):
        for item in _sample("mango_incoming.json"):
            self._mango(item["path"], item["json"])
        call = self._call("mango", "MjY2NjQ1NzU1NTo0MDE=")
        self.authenticate("tel_collector", "tel_collector")
        response = self.url_open(f"/crm_receivables/telephony/recording/{call.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response.headers["Location"],
                         f"{self.fake.url}/records/MToxMDE0NTY0NDo0MDE6NjY3OTkxODI1OjE=.mp3")

    # ------------------------------------------------------------ click-to-call

    def _click_to_call(self):
        """The *Call* button of the customer form, pressed by the collector."""
        return self.env.ref("crm_receivables.res_partner_action_click_to_call").with_user(self.collector).with_context(
            active_model="res.partner", active_id=self.customer.id, active_ids=self.customer.ids).run()

    def test_click_to_call_through_each_provider(self):
        for provider in ("mango", "zadarma"):
            self.company.crm_telephony_provider = provider
            action = self._click_to_call()
            self.assertEqual(action["tag"], "display_notification")
        mango_request = self.fake.received("/vpbx/commands/callback")[-1]
        self.assertTrue(mango_tools.verify(mango_request["form"], MANGO_KEY, MANGO_SALT))
        command = json.loads(mango_request["form"]["json"])
        self.assertEqual((command["from"]["extension"], command["to_number"]), ("101", NUMBER))
        zadarma_request = self.fake.received("/v1/request/callback/")[-1]
        self.assertEqual((zadarma_request["form"]["from"], zadarma_request["form"]["to"]), ("101", NUMBER))

    def test_click_to_call_falls_back_to_tel_links(self):
        self.company.crm_telephony_provider = False
        action = self._click_to_call()
        self.assertEqual(action, {"type": "ir.actions.act_url", "url": "tel:+79035551122", "target": "self"})

    def test_click_to_call_refused_by_the_provider(self):
        self.company.write({"crm_telephony_provider": "zadarma", "crm_zadarma_api_secret": "stale-secret"})
        with mute_logger("odoo.addons.crm_receivables.models.crm_telephony_call"), self.assertRaises(UserError):
            self._click_to_call()


@tagged("post_install", "-at_install")
class TestScreenPopTour(HttpCase):
    """In the browser: the caller's card pops up for the collector whose extension rings."""

    def test_screen_pop_tour(self):
        company = self.env.company
        company.write({"country_id": self.env.ref("base.ru").id, "crm_zadarma_api_secret": "tour-zadarma-secret"})
        self.env["res.users"].search([("crm_pbx_extension", "=", "555")]).crm_pbx_extension = False
        self.env.ref("base.user_admin").crm_pbx_extension = "555"
        self.env["res.partner"].create({"name": "ООО «Тур Звонок»", "is_company": True, "phone": "+7 903 555-77-88",
                                        "company_id": company.id})
        self.start_tour("/odoo", "crm_receivables_screen_pop", login="admin")
        call = self.env["crm.telephony.call"].search([("call_ref", "=", "in_tour_screen_pop")])
        self.assertEqual(call.screen_pop_user_ids, self.env.ref("base.user_admin"))

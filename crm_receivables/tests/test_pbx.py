import json

from odoo.tests import HttpCase, new_test_user, tagged

URL = "/crm_receivables/pbx/call"
TOKEN = "pbx-secret-token"  # noqa: S105 - a test fixture, not a credential


@tagged("post_install", "-at_install")
class TestPbxEndpoint(HttpCase):
    """The telephone exchange logs calls with its company's token; every bad call gets a clear JSON error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"country_id": cls.env.ref("base.ru").id, "crm_pbx_token": TOKEN})
        cls.agent = new_test_user(cls.env, login="pbx_agent", email="agent@example.com",
                                  groups="crm_receivables.crm_receivables_group_user")
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Звонок»", "is_company": True, "mobile": "8 (933) 444-55-66",
        })

    def _post(self, payload, token=TOKEN, raw=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.url_open(URL, data=raw if raw is not None else json.dumps(payload), headers=headers)

    def _count(self):
        return self.env["crm.interaction"].search_count([])

    def test_incoming_call_logged(self):
        response = self._post({
            "phone": "+7 933 444 55 66", "direction": "incoming", "duration": 150, "agent": "agent@example.com",
            "outcome": "reached", "date": "2026-03-02T09:30:00+03:00",
        })
        self.assertEqual(response.status_code, 200, response.text)
        result = response.json()
        self.assertTrue(result["ok"])
        self.assertEqual(result["partner"], {"id": self.customer.id, "name": "ООО «Звонок»"})
        self.assertTrue(result["url"].endswith(f"/odoo/res.partner/{self.customer.id}"))
        interaction = self.env["crm.interaction"].browse(result["interaction_id"])
        self.assertRecordValues(interaction, [{
            "partner_id": self.customer.id, "channel": "call", "direction": "incoming", "source": "pbx",
            "user_id": self.agent.id, "duration": 0.0417, "phone": "+7 933 444 55 66",
            "outcome_id": self.env.ref("crm_receivables.crm_interaction_outcome_reached").id,
        }])
        self.assertEqual(str(interaction.date), "2026-03-02 06:30:00")

    def test_outcome_requiring_activity(self):
        response = self._post({"phone": "89334445566", "direction": "outgoing", "outcome": "no_answer"})
        interaction = self.env["crm.interaction"].browse(response.json()["interaction_id"])
        self.assertEqual(interaction.summary, "Outgoing call to 89334445566")
        self.assertEqual(len(interaction.activity_ids), 1, "no answer: a call back is planned")

    def test_bad_token_writes_nothing(self):
        before = self._count()
        for token in ("wrong-token", None, TOKEN + "-x"):
            response = self._post({"phone": "89123456789", "direction": "incoming"}, token=token)
            self.assertEqual(response.status_code, 401)
            self.assertEqual(response.json()["error"], "invalid_token")
        self.assertEqual(self._count(), before)

    def test_malformed_payloads(self):
        before = self._count()
        cases = [
            (None, "{not json"),
            ({"direction": "incoming"}, None),
            ({"phone": "89123456789", "direction": "sideways"}, None),
            ({"phone": "89123456789", "direction": "incoming", "duration": "long"}, None),
            ([1, 2], None),
        ]
        for payload, raw in cases:
            response = self._post(payload, raw=raw)
            self.assertEqual(response.status_code, 400, payload or raw)
            body = response.json()
            self.assertFalse(body["ok"])
            self.assertEqual(body["error"], "malformed")
            self.assertTrue(body["message"])
        self.assertEqual(self._count(), before)

    def test_unknown_number(self):
        before = self._count()
        response = self._post({"phone": "+7 999 000-00-00", "direction": "incoming"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "unknown_number")
        self.assertEqual(self._count(), before)

    def test_get_is_refused(self):
        response = self.url_open(URL)
        self.assertEqual(response.status_code, 405)

    def test_same_call_id_logged_once(self):
        """A retry of the same call (same ``call_id``) answers the first interaction and writes nothing."""
        payload = {"phone": "+7 933 444 55 66", "direction": "incoming", "duration": 95, "call_id": "pbx-777",
                   "date": "2026-03-02T09:30:00Z", "agent": "agent@example.com"}
        first = self._post(payload).json()
        self.assertFalse(first["replay"])
        before = self._count()
        again = self._post(payload).json()
        self.assertEqual((again["replay"], again["interaction_id"]), (True, first["interaction_id"]))
        self.assertEqual(self._count(), before)
        call = self.env["crm.telephony.call"].search([("provider", "=", "pbx"), ("call_ref", "=", "pbx-777")])
        self.assertRecordValues(call, [{
            "company_id": self.company.id, "partner_id": self.customer.id, "interaction_id": first["interaction_id"],
            "direction": "incoming", "duration": 95, "state": "answered", "is_finished": True,
            "user_id": self.agent.id,
        }])
        self.assertEqual(call.interaction_id.document_ref, call)
        other_company = self.env["res.company"].create({"name": "PBX Другая", "crm_pbx_token": "other-pbx-token"})
        self.env["res.partner"].create({"name": "Клиент другой", "is_company": True, "mobile": "8 933 444 55 66",
                                        "company_id": other_company.id})
        other = self._post(payload, token="other-pbx-token").json()  # noqa: S106 - test fixture
        self.assertFalse(other["replay"], "the call id is unique per company, not across companies")
        self.assertNotEqual(other["interaction_id"], first["interaction_id"])

    def test_calls_without_call_id_are_each_logged(self):
        payload = {"phone": "+7 933 444 55 66", "direction": "outgoing"}
        first, second = self._post(payload).json(), self._post(payload).json()
        self.assertFalse(first["replay"] or second["replay"])
        self.assertNotEqual(first["interaction_id"], second["interaction_id"])

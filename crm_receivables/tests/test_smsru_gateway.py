from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import SMSCase

from ..tools import smsru as smsru_tools
from .fake_providers import FakeProviders

SMSRU_ID = "SMSRU-API-ID"
TEXT_RU = "Напоминаем: долг по счёту №15 составляет 12 500 руб., срок оплаты истёк 01.03. Оплатите, пожалуйста."


@tagged("post_install", "-at_install")
class TestSmsRuGateway(SMSCase):
    """A company with its own SMS.ru account sends every SMS through it; statuses come back into Odoo's states."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeProviders("m", "m", "z", "z", SMSRU_ID).start()
        cls.addClassCleanup(cls.fake.stop)
        cls.company = cls.env.company
        cls.company.write({
            "country_id": cls.env.ref("base.ru").id, "crm_sms_gateway": "smsru", "crm_smsru_api_id": SMSRU_ID,
            "crm_smsru_sender": "Raschety", "crm_smsru_api_url": cls.fake.url,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Адресат»", "is_company": True, "mobile": "+7 903 555-11-22", "company_id": cls.company.id,
        })

    def setUp(self):
        super().setUp()
        self.fake.reset()

    def _new_sms(self, number, body=TEXT_RU, **values):
        return self.env["sms.sms"].create({"number": number, "body": body, "partner_id": self.customer.id, **values})

    def test_send_through_smsru(self):
        good, refused = self._new_sms("+7 903 555-11-22"), self._new_sms("+7 499 322-16-27")
        (good | refused).send(unlink_sent=True)
        requests = self.fake.received("/sms/send")
        self.assertEqual(len(requests), 1, "one request for one text")
        form = requests[0]["form"]
        self.assertEqual((form["api_id"], form["from"], form["msg"], form["to"]),
                         (SMSRU_ID, "Raschety", TEXT_RU, "79035551122,74993221627"))
        self.assertRecordValues(good, [{
            "state": "pending", "crm_gateway": "smsru", "crm_gateway_ref": "000000-00000001", "crm_part_count": 2,
            "crm_encoding": "ucs2", "to_delete": False,
        }])
        self.assertRecordValues(refused, [{"state": "error", "failure_type": "sms_country_not_supported"}])

    def test_wrong_api_key_is_an_account_error(self):
        self.company.crm_smsru_api_id = "WRONG"
        sms = self._new_sms("+7 903 555-11-22")
        sms.send()
        self.assertRecordValues(sms, [{"state": "error", "failure_type": "sms_acc"}])

    def test_other_gateway_stays_on_iap(self):
        self.company.crm_sms_gateway = "iap"
        sms = self._new_sms("+79035551122", body="Hello")
        with self.mockSMSGateway():
            sms.send()
        self.assertFalse(self.fake.received("/sms/send"))
        self.assertSMSIapSent(["+79035551122"], content="Hello")

    def test_status_cron_feeds_odoo_states(self):
        delivered, expired, waiting = (self._new_sms("+7 903 555-11-22", body=f"Текст {index}") for index in range(3))
        (delivered | expired | waiting).send()
        self.fake.sms_statuses.update({delivered.crm_gateway_ref: 103, expired.crm_gateway_ref: 104})
        self.env["sms.sms"]._cron_crm_smsru_status()
        self.assertEqual(len(self.fake.received("/sms/status")), 1, "one status request for the three")
        self.assertRecordValues(delivered | expired | waiting, [
            {"state": "sent", "failure_type": False},
            {"state": "error", "failure_type": "sms_expired"},
            {"state": "pending", "failure_type": False},
        ])

    def test_status_cron_batches_make_progress(self):
        """More SMS on their way than a batch holds: each call asks about others, until none is left; an SMS
        asked about is asked again only after a pause."""
        sms = self.env["sms.sms"]
        for index in range(5):
            sms |= self._new_sms("+7 903 555-11-22", body=f"Текст {index}")
        sms.send()
        already = self.env["sms.sms"].search_count(
            self.env["sms.sms"]._crm_smsru_status_domain(fields.Datetime.now())) - len(sms)
        self.fake.sms_statuses.update({sms[0].crm_gateway_ref: 103})
        with patch("odoo.addons.crm_receivables.models.sms_sms.STATUS_BATCH", 2):
            done = [self.env["sms.sms"]._cron_crm_smsru_status() for _call in range(5)]
        calls = [count for count in done if count]
        self.assertEqual(sum(calls), len(sms) + already, done)
        self.assertEqual(done, calls + [0] * (len(done) - len(calls)), "each call did work until none was left")
        self.assertEqual(max(calls), 2)
        self.assertEqual(sms[0].state, "sent", "delivered")
        self.assertEqual(set(sms[1:].mapped("state")), {"pending"}, "still on their way: asked again later")
        self.assertTrue(all(sms.mapped("crm_status_checked")))
        self.assertEqual(len(self.fake.received("/sms/status")), len(calls), "one request per batch")

    def test_callback_route_and_chatter_notification(self):
        self.customer._message_sms("Счёт №15: 12 500 руб.", partner_ids=self.customer.ids)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)], order="id desc", limit=1)
        self.assertEqual(sms.state, "pending")
        notification = self.env["mail.notification"].search([("sms_id_int", "=", sms.id)])
        self.assertEqual(notification.notification_status, "pending")
        token = self.company.sudo().crm_smsru_callback_token
        url = f"/crm_receivables/sms/smsru/{self.company.id}"
        body = smsru_tools.callback_body({sms.crm_gateway_ref: 108})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with mute_logger("odoo.addons.crm_receivables.controllers.telephony"):
            refused = self.url_open(f"{url}/not-the-token", data=body, headers=headers)
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(sms.state, "pending", "a refused report changes nothing")
        response = self.url_open(f"{url}/{token}", data=body, headers=headers)
        self.assertEqual((response.status_code, response.text), (200, "100"))
        sms.invalidate_recordset()
        self.assertRecordValues(sms, [{"state": "error", "failure_type": "sms_rejected"}])
        self.assertEqual(notification.notification_status, "bounce")

    def test_status_batch_queries_do_not_grow(self):
        """Applying delivery reports costs the same queries for 3 SMS as for 12 (one batch per status)."""
        counts = []
        for size in (3, 12):
            batch = self.env["sms.sms"].browse()
            for index in range(size):
                batch |= self._new_sms("+7 903 555-11-22", body=f"Счёт {size}-{index}")
            batch.send()
            statuses = {sms.crm_gateway_ref: (103 if index % 2 else 104) for index, sms in enumerate(batch)}
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            changed = self.env["sms.sms"]._crm_smsru_apply_statuses(self.company, statuses)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(changed, size)
            self.assertEqual(set(batch.mapped("state")), {"sent", "error"})
        self.assertEqual(counts[0], counts[1], f"queries for 3 and 12 SMS: {counts}")

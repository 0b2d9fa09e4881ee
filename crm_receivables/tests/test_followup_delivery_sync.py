from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.mail.tests.common import MockEmail

from .test_followup import DUE, TestFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupDeliverySync(TestFollowupCommon, MockEmail):
    """The delivery sync reads only the communications whose e-mail or SMS failed, not the delivered history."""

    def _copy_as_history(self, message, count):
        """``count`` more communications sent with the same (delivered) e-mail, inserted set-based."""
        self.env.flush_all()
        self.env.execute_query(SQL(
            """INSERT INTO crm_followup_message (partner_id, company_id, level_id, state, channel, mail_id,
                                                 create_uid, write_uid, create_date, write_date)
               SELECT partner_id, company_id, level_id, 'sent', channel, mail_id, create_uid, write_uid,
                      create_date, write_date
                 FROM crm_followup_message, generate_series(1, %s)
                WHERE id = %s""",
            count, message.id,
        ))

    def test_sync_reads_only_what_can_still_change(self):
        self._invoice(self.customer_email)
        self._run(DUE + timedelta(days=3), self.customer_email)
        delivered = self._messages(self.customer_email)
        with self.mock_mail_gateway():
            delivered.mail_id.send()
        self.assertEqual((delivered.state, delivered.mail_id.state), ("sent", "sent"))
        Engine = self.env["crm.followup.engine"]
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertFalse(Engine._sync_delivery())

        self._copy_as_history(delivered, 2500)
        failing = self._customer("ООО «Нет адреса»", email="buh-at-pochta")
        self._invoice(failing)
        self._run(DUE + timedelta(days=3), failing)
        bounced = self._messages(failing)
        with self.mock_mail_gateway():
            bounced.mail_id.send()
        self.assertEqual(bounced.mail_id.state, "exception")
        self.env.invalidate_all()
        with self.assertQueryCount(4):  # the history does not count; the failed one is read and written
            failed = Engine._sync_delivery()
        self.assertEqual(failed, bounced)
        self.assertEqual(bounced.state, "failed")
        self.assertTrue(bounced.failure_reason)
        self.assertEqual(self.env["crm.followup.message"].search_count(
            [("mail_id", "=", delivered.mail_id.id), ("state", "=", "sent")]), 2501, "the history is untouched")

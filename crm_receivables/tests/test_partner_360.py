import logging
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CrmReceivablesCommon

_logger = logging.getLogger(__name__)

ROW = {"date": {}, "channel": {}, "direction": {}, "summary": {},
       "outcome_id": {"fields": {"display_name": {}}}, "user_id": {"fields": {"display_name": {}}}}
# what the customer form reads for the history: smart buttons, the "Customer History" page, its two lists
PARTNER_360_SPEC = {
    "interaction_count": {},
    "crm_promise_open_count": {},
    "crm_promise_kept_rate": {},
    "crm_has_promise_history": {},
    "crm_broken_promise_count": {},
    "crm_has_broken_promise": {},
    "crm_overdue_amount": {},
    "crm_last_contact_date": {},
    "crm_next_activity_date": {},
    "crm_next_activity_summary": {},
    "interaction_ids": {"fields": ROW, "limit": 10, "order": "date desc, id desc"},
    "crm_open_promise_ids": {"fields": {"promised_date": {}, "amount": {}, "state": {}}, "limit": 10},
}
BIG = 10000


@tagged("post_install", "-at_install")
class TestPartner360(CrmReceivablesCommon):
    """The customer's 360° view: right figures, and a cost that does not grow with the history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager.groups_id += cls.env.ref("account.group_account_invoice")
        cls.small = cls.env["res.partner"].create({"name": "ООО «Мало»", "is_company": True})
        cls.env["crm.interaction"].create([
            {"partner_id": cls.small.id, "summary": f"Звонок {i}"} for i in range(3)
        ])
        cls._insert_interactions(cls.customer, BIG)
        today = fields.Date.today()
        for partner in (cls.customer, cls.small):
            cls.env["crm.payment.promise"].create({
                "partner_id": partner.id, "amount": 500.0, "promised_date": today + timedelta(days=5),
            })
            latest = cls.env["crm.interaction"].search([("partner_id", "=", partner.id)], limit=1)
            latest.activity_schedule(
                "mail.mail_activity_data_call", date_deadline=today + timedelta(days=2), summary="Перезвонить",
                user_id=cls.user_manager.id,
            )

    @classmethod
    def _insert_interactions(cls, partner, count):
        """Bulk history through SQL (the ORM would spend minutes on 10,000 chatters)."""
        cls.env.cr.execute(SQL(
            """
            INSERT INTO crm_interaction (partner_id, company_id, user_id, date, channel, direction, summary,
                                         source, create_uid, create_date, write_uid, write_date)
            SELECT %(partner)s, %(company)s, %(user)s, now() AT TIME ZONE 'UTC' - make_interval(hours => n),
                   (ARRAY['call', 'email', 'sms', 'meeting'])[1 + mod(n, 4)],
                   CASE WHEN mod(n, 2) = 0 THEN 'outgoing' ELSE 'incoming' END,
                   'Контакт ' || n, 'manual', %(user)s, now() AT TIME ZONE 'UTC', %(user)s, now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %(count)s) AS n
            """,
            partner=partner.id, company=cls.env.company.id, user=cls.env.uid, count=count,
        ))
        cls.env["crm.interaction"].invalidate_model()

    def _read_form(self, partner):
        self.env.invalidate_all()
        return partner.with_user(self.user_manager).web_read(PARTNER_360_SPEC)[0]

    def test_partner_360_values(self):
        values = self._read_form(self.customer)
        self.assertEqual(values["interaction_count"], BIG)
        rows = [row for row in values["interaction_ids"] if "summary" in row]
        self.assertEqual(len(rows), 10, "the page reads the latest ten, the others are mere ids for the pager")
        self.assertEqual(len(values["interaction_ids"]), BIG)
        self.assertEqual(values["crm_promise_open_count"], 1)
        self.assertEqual(values["crm_next_activity_summary"], "Перезвонить")
        self.assertTrue(values["crm_last_contact_date"])
        self.assertFalse(values["crm_has_broken_promise"])
        contact_values = self.contact.with_user(self.user_manager).web_read({"interaction_count": {}})[0]
        self.assertEqual(contact_values["interaction_count"], BIG, "a contact shows its company's history")

    def test_partner_form_query_count_is_constant(self):
        self._read_form(self.small)  # warm the caches (access rules, ir.model) like an open session
        with self.assertQueryCount(19):
            self._read_form(self.customer)
        with self.assertQueryCount(19):
            self._read_form(self.small)

    def test_timeline_list_page_time(self):
        """Measured, not asserted: the first page (80 rows) of the customer's timeline list."""
        Interaction = self.env["crm.interaction"].with_user(self.user_manager)
        spec = {**ROW, "partner_id": {"fields": {"display_name": {}}}, "activity_ids": {}}
        self.env.invalidate_all()
        start = time.perf_counter()
        result = Interaction.web_search_read(
            [("partner_id", "=", self.customer.id)], spec, limit=80, count_limit=10001,
        )
        elapsed = time.perf_counter() - start
        self.assertEqual(len(result["records"]), 80)
        self.assertEqual(result["length"], BIG)
        _logger.info("Timeline list page: 80 of %s interactions read in %.3f s", BIG, elapsed)

    def test_customer_list_columns_in_batch(self):
        """The Receivables customer list computes the history columns for a whole page at once."""
        view = self.env.ref("crm_receivables.res_partner_view_list_receivables")
        action = self.env.ref("crm_receivables.res_partner_action_customers")
        self.assertIn(view, action.view_ids.view_id)
        spec = {
            "crm_promise_open_count": {}, "crm_last_contact_date": {}, "crm_next_activity_summary": {},
            "crm_has_broken_promise": {}, "crm_overdue_amount": {},
        }

        def queries(partners):
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            values = partners.with_user(self.user_manager).web_read(spec)
            return self.env.cr.sql_log_count - start, values

        queries(self.small)  # warm the caches (access rules, ir.model) like an open session
        one, _values = queries(self.small)
        both, values = queries(self.customer | self.small)
        self.assertEqual(both, one, "no query per customer: a page of customers costs what one does")
        self.assertEqual([v["crm_promise_open_count"] for v in values], [1, 1])
        self.assertEqual([v["crm_next_activity_summary"] for v in values], ["Перезвонить", "Перезвонить"])

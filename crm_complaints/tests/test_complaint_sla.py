from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import format_datetime

from .common import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintSla(ComplaintCommon):
    """Deadlines on a 9:00-18:00 Mon-Fri calendar, paused while waiting for the customer."""

    def _activities(self, complaint, user):
        return complaint.activity_ids.filtered(lambda activity: activity.user_id == user)

    def test_deadline_paused_while_waiting_for_customer(self):
        with freeze_time("2026-03-02 10:00:00"):  # Monday
            complaint = self._create_complaint(date_open=datetime(2026, 3, 2, 10, 0))
            self.assertEqual(complaint.deadline, datetime(2026, 3, 2, 18, 0))
            self.assertEqual(complaint.sla_status, "ok")
        with freeze_time("2026-03-02 12:00:00"):
            complaint.stage_id = self.stage_waiting
            self.assertEqual(len(complaint.sla_pause_ids), 1)
            self.assertFalse(complaint.sla_pause_ids.date_end)
            self.assertEqual(complaint.sla_status, "paused")
        with freeze_time("2026-03-03 12:00:00"):
            complaint.stage_id = self.stage_progress
            self.assertEqual(complaint.sla_pause_ids.date_end, datetime(2026, 3, 3, 12, 0))
        # 2 hours on Monday before the pause, 6 hours on Tuesday after it
        self.assertEqual(complaint.deadline, datetime(2026, 3, 3, 18, 0))
        self.assertAlmostEqual(complaint._sla_working_hours_spent(datetime(2026, 3, 3, 15, 0)), 5.0)

    def test_deadline_skips_weekend_and_follows_priority(self):
        complaint = self._create_complaint(date_open=datetime(2026, 3, 6, 16, 0))  # Friday 16:00
        self.assertEqual(complaint.deadline, datetime(2026, 3, 9, 15, 0), "2 hours on Friday, 6 on Monday")
        complaint.priority = "2"
        self.assertEqual(complaint.deadline, datetime(2026, 3, 6, 18, 0), "urgent: 2 working hours")

    def test_warning_then_escalation_once(self):
        with freeze_time("2026-03-02 10:00:00"):
            complaint = self._create_complaint(date_open=datetime(2026, 3, 2, 10, 0))
            waiting = self._create_complaint(date_open=datetime(2026, 3, 2, 10, 0), subject="Waiting one")
            waiting.stage_id = self.stage_waiting
        Complaint = self.env["crm.complaint"]
        with freeze_time("2026-03-02 15:00:00"):  # deadline Monday 18:00, warning from 16:00
            Complaint._cron_check_sla()
            self.assertFalse(complaint.sla_warned)
            self.assertFalse(complaint.activity_ids)
        with freeze_time("2026-03-02 16:30:00"):
            Complaint._cron_check_sla()
            self.assertTrue(complaint.sla_warned)
            self.assertEqual(self._activities(complaint, self.user_a).summary, "Deadline approaching")
            self.assertFalse(complaint.sla_escalated)
        with freeze_time("2026-03-02 18:30:00"):
            Complaint._cron_check_sla()
            self.assertTrue(complaint.sla_escalated)
            self.assertEqual(complaint.sla_status, "breached")
            self.assertTrue(complaint.is_overdue)
            self.assertIn(complaint, Complaint.search([("is_overdue", "=", True)]))
            escalation = self._activities(complaint, self.team_manager)
            self.assertEqual(escalation.summary, "Complaint deadline breached")
            mails = self.env["mail.mail"].search([
                ("model", "=", "crm.complaint"), ("res_id", "=", complaint.id),
                ("recipient_ids", "in", self.team_manager.partner_id.ids),
            ])
            self.assertEqual(len(mails), 1)
            self.assertIn(complaint.name, mails.subject)
            Complaint._cron_check_sla()
            self.assertEqual(len(self._activities(complaint, self.team_manager)), 1, "escalated only once")
            self.assertEqual(len(mails.search([("id", "in", mails.ids)])), 1)
            self.assertFalse(waiting.sla_escalated, "a complaint waiting for the customer is not escalated")
            self.assertFalse(waiting.activity_ids)

    def test_warning_shows_the_deadline_in_the_responsibles_time_zone(self):
        self.user_a.tz = "Asia/Vladivostok"  # UTC+10 all year
        complaint = self._create_complaint(date_open=datetime(2026, 3, 2, 10, 0), user_id=self.user_a.id)
        complaint._sla_warn()
        activity = complaint.activity_ids.filtered(lambda act: act.summary == "Deadline approaching")
        self.assertEqual(activity.user_id, self.user_a)
        local = format_datetime(self.env, complaint.deadline, tz="Asia/Vladivostok", dt_format=False)
        self.assertIn("03/03/2026 04:00", local, "Tuesday 04:00 in Vladivostok")
        self.assertIn(local, str(activity.note))

    def test_escalation_mail_shows_the_deadline_in_the_managers_time_zone(self):
        self.team_manager.tz = "Asia/Vladivostok"  # UTC+10 all year
        complaint = self._create_complaint(date_open=datetime(2026, 3, 2, 10, 0))  # deadline Monday 18:00 UTC
        complaint._sla_escalate()
        mail = self.env["mail.mail"].search([
            ("model", "=", "crm.complaint"), ("res_id", "=", complaint.id),
            ("recipient_ids", "in", self.team_manager.partner_id.ids),
        ])
        self.assertEqual(len(mail), 1)
        local = format_datetime(self.env, complaint.deadline, tz="Asia/Vladivostok", dt_format=False)
        self.assertIn("03/03/2026 04:00", local, "Tuesday 04:00 in Vladivostok")
        self.assertIn(local, mail.body_html)

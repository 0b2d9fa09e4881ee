from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.crm_receivables.tests.cron_common import CronBatchCase

from .common import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintSlaCronScale(ComplaintCommon, CronBatchCase):
    """The deadline cron finishes over more than 10,000 complaints to warn, in batches that each make
    progress, while thousands of complaints whose warning is not due yet wait (they used to fill each batch)."""

    def _insert_complaints(self, count, deadline, warning_from, user=None, team=None, prefix="SCALE"):
        """Insert ``count`` running complaints set-based, with their stored deadline and warning moment."""
        now = fields.Datetime.now()
        return [row[0] for row in self.env.execute_query(SQL(
            """INSERT INTO crm_complaint
                   (name, subject, partner_id, commercial_partner_id, type_id, team_id, user_id, company_id,
                    channel, priority, stage_id, is_closed, is_waiting, date_open, deadline, sla_warning_date,
                    sla_warned, sla_escalated, create_uid, write_uid, create_date, write_date)
               SELECT %(prefix)s || '-' || n, 'Pallets ' || n, %(partner)s, %(partner)s, %(type)s, %(team)s,
                      %(user)s, %(company)s, 'phone', '0', %(stage)s, false, false, %(opened)s, %(deadline)s,
                      %(warning)s, false, false, %(uid)s, %(uid)s, %(now)s, %(now)s
                 FROM generate_series(1, %(count)s) AS n
               RETURNING id""",
            prefix=prefix, partner=self.customer.id, type=self.type_quality.id, team=team and team.id,
            user=user and user.id, company=self.company.id, stage=self.stage_progress.id,
            opened=now - timedelta(days=1), deadline=deadline, warning=warning_from, uid=self.env.uid, now=now,
            count=count,
        ))]

    def test_sla_cron_finishes_over_10000_complaints(self):
        now = fields.Datetime.now()
        Complaint = self.env["crm.complaint"].sudo()
        already_waiting = sum(Complaint.search_count(domain) for domain in Complaint._sla_cron_domains(now))
        quiet_team = self.env["crm.complaint.team"].sudo().create({"name": "Night desk"})  # no manager
        # not in the warning window yet: the cron must leave them alone (and not pick them again and again)
        later_ids = self._insert_complaints(3000, now + timedelta(days=3), now + timedelta(days=2),
                                            team=quiet_team, prefix="LATER")
        # in the warning window, nobody to tell: marked warned, no activity
        silent_ids = self._insert_complaints(10200, now + timedelta(hours=1), now - timedelta(hours=1),
                                             team=quiet_team, prefix="SILENT")
        # in the warning window with a responsible: a to-do each
        warned_ids = self._insert_complaints(150, now + timedelta(hours=1), now - timedelta(hours=1),
                                             user=self.user_a, team=self.team, prefix="WARN")
        # past the deadline: escalated to the team manager
        breached_ids = self._insert_complaints(30, now - timedelta(hours=2), now - timedelta(hours=4),
                                               user=self.user_a, team=self.team, prefix="LATE")
        Complaint.invalidate_model()

        batches = self._run_cron_until_done("crm_complaints.ir_cron_complaint_sla")

        self.assertBatchesProgress(batches, len(silent_ids) + len(warned_ids) + len(breached_ids) + already_waiting)
        self.assertGreaterEqual(len(batches), 21, "500 complaints per call")
        self.assertTrue(all(Complaint.browse(silent_ids + warned_ids).mapped("sla_warned")))
        self.assertFalse(any(Complaint.browse(silent_ids + warned_ids).mapped("sla_escalated")))
        self.assertTrue(all(Complaint.browse(breached_ids).mapped("sla_escalated")))
        self.assertFalse(any(Complaint.browse(later_ids).mapped("sla_warned")), "not due yet")
        activities = self.env["mail.activity"].sudo()._read_group(
            [("res_model", "=", "crm.complaint"), ("res_id", "in", warned_ids + breached_ids + silent_ids)],
            ["user_id", "summary"], ["__count"],
        )
        self.assertEqual(sorted((user.login, summary, count) for user, summary, count in activities), [
            ("cmp_team_manager", "Complaint deadline breached", 30),
            ("cmp_user_a", "Deadline approaching", 150),
        ])

    def test_warning_moment_is_stored_and_follows_its_inputs(self):
        complaint = self._create_complaint()
        self.assertTrue(complaint.deadline)
        self.assertEqual(complaint.sla_warning_date, complaint.deadline - timedelta(hours=2))
        self.type_quality.warning_hours = 5
        self.assertEqual(complaint.sla_warning_date, complaint.deadline - timedelta(hours=5))
        complaint.priority = "2"  # 2 working hours instead of 8: a new deadline
        self.assertEqual(complaint.sla_warning_date, complaint.deadline - timedelta(hours=5))
        self.env.flush_all()
        found = self.env["crm.complaint"].search([("sla_warning_date", "=", complaint.sla_warning_date),
                                                  ("id", "=", complaint.id)])
        self.assertEqual(found, complaint, "searchable: a stored column")
        self.type_quality.warning_hours = 0
        self.assertFalse(complaint.sla_warning_date, "no warning hours, no warning")

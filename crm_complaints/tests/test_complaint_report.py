from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import ComplaintCommon


@tagged("post_install", "-at_install")
class TestComplaintReport(ComplaintCommon):
    """Report figures on crafted complaints (8 working hours, 9:00-18:00)."""

    def test_report_figures(self):
        Report = self.env["crm.complaint.report"]
        with freeze_time("2026-03-02 09:00:00"):  # Monday
            met, missed, overdue = (self._create_complaint(subject=f"R{i}", date_open=datetime(2026, 3, 2, 9, 0))
                                    for i in range(3))
        with freeze_time("2026-03-02 10:00:00"):
            met.with_user(self.user_a).message_post(body="Looking", message_type="comment",
                                                    subtype_xmlid="mail.mt_comment")
        with freeze_time("2026-03-02 12:00:00"):
            met.action_close()  # 3 hours, deadline Monday 18:00: met
            missed.with_user(self.user_a).message_post(body="Looking", message_type="comment",
                                                       subtype_xmlid="mail.mt_comment")
        with freeze_time("2026-03-04 09:00:00"):
            missed.action_close()  # 48 hours: missed
        fresh = self._create_complaint(subject="Fresh", date_open=fields.Datetime.now())
        complaints = met | missed | overdue | fresh
        rows = {row.complaint_id: row for row in Report.search([("complaint_id", "in", complaints.ids)])}
        self.assertEqual(len(rows), 4)
        self.assertTrue(rows[met].deadline_met)
        self.assertFalse(rows[missed].deadline_met)
        self.assertTrue(rows[missed].is_overdue)
        self.assertTrue(rows[overdue].is_overdue)
        self.assertTrue(rows[overdue].is_open)
        self.assertFalse(rows[fresh].is_overdue)
        self.assertAlmostEqual(rows[met].hours_to_close, 3.0)
        self.assertAlmostEqual(rows[met].hours_to_first_response, 1.0)

        [(type_, count, open_count, overdue_count, to_close, to_respond, met_rate)] = Report._read_group(
            [("complaint_id", "in", complaints.ids)], ["type_id"],
            ["__count", "open_count:sum", "overdue_count:sum", "hours_to_close:avg",
             "hours_to_first_response:avg", "deadline_met_rate:avg"],
        )
        self.assertEqual(type_, self.type_quality)
        self.assertEqual((count, open_count, overdue_count), (4, 2, 2))
        self.assertAlmostEqual(to_close, (3.0 + 48.0) / 2)
        self.assertAlmostEqual(to_respond, (1.0 + 3.0) / 2)
        self.assertAlmostEqual(met_rate, 50.0)

    def test_report_respects_user_rules(self):
        mine = self._create_complaint(subject="Mine")
        other = self._create_complaint(subject="Other", user_id=self.user_b.id, team_id=False)
        rows = self.env["crm.complaint.report"].with_user(self.user_b).search(
            [("complaint_id", "in", (mine | other).ids)])
        self.assertEqual(rows.complaint_id, other)

    def test_digest_and_report_count_the_same_overdue_complaints(self):
        """One rule of "overdue": the weekly digest, the report and the ``is_overdue`` search agree, and a
        complaint waiting for the customer is overdue in none of them."""
        now = fields.Datetime.now()
        urgent = {"priority": "2", "date_open": now - timedelta(days=6)}  # 2 working hours: long past
        running = self._create_complaint(subject="Running late", **urgent)
        waiting = self._create_complaint(subject="Waiting for the customer", **urgent)
        waiting.stage_id = self.stage_waiting
        closed_late = self._create_complaint(subject="Closed late", **urgent)
        closed_late.action_close()
        old = self._create_complaint(subject="Old and overdue", date_open=now - timedelta(days=30))
        fresh = self._create_complaint(subject="Fresh", date_open=now)
        self.assertEqual((running | waiting | closed_late | old | fresh).team_id, self.team)
        self.assertLess(waiting.deadline, now, "past its deadline, but waiting")

        Report = self.env["crm.complaint.report"]
        team_rows = [("team_id", "=", self.team.id)]

        def report_overdue(domain):
            [(count,)] = Report._read_group([*team_rows, *domain], aggregates=["overdue_count:sum"])
            return count

        figures = self.team._get_digest_figures()
        self.assertEqual(figures["overdue_total"], 2, "running late and old; not the waiting one")
        self.assertEqual(figures["overdue_total"], report_overdue([("is_open", "=", True)]))
        self.assertEqual(figures["overdue"], 1, "received this week and overdue: running late only")
        self.assertEqual(figures["overdue"], report_overdue([("is_open", "=", True),
                                                             ("date_open", ">=", now - timedelta(days=7))]))
        overdue = self.env["crm.complaint"].search([*team_rows, ("is_overdue", "=", True)])
        self.assertEqual(overdue, running | closed_late | old)
        self.assertEqual(len(overdue), report_overdue([]))
        self.assertEqual(Report.search([*team_rows, ("is_overdue", "=", True)]).complaint_id, overdue)
        self.assertEqual(self.env["crm.complaint"].search([*team_rows, ("is_overdue", "=", False)]),
                         waiting | fresh)
        self.assertEqual((running | waiting | closed_late | old | fresh).filtered("is_overdue"), overdue,
                         "the computed flag follows the same rule")

    def test_report_vocabularies_are_the_complaints(self):
        """The analysis shows the complaint's own priorities and channels, not a copy that can drift."""
        Complaint, Report = self.env["crm.complaint"], self.env["crm.complaint.report"]
        for name in ("priority", "channel"):
            self.assertEqual(Report._fields[name].selection, Complaint._fields[name].selection, name)
        self.assertEqual(self.env["crm.complaint.sla"]._fields["priority"].selection,
                         Complaint._fields["priority"].selection)

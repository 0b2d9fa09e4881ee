from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmComplaint(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a = new_test_user(cls.env, login="cmp_user_a", groups="crm_complaints.crm_complaints_group_user")
        cls.user_b = new_test_user(cls.env, login="cmp_user_b", groups="crm_complaints.crm_complaints_group_user")
        cls.manager = new_test_user(cls.env, login="cmp_manager",
                                    groups="crm_complaints.crm_complaints_group_manager")
        cls.customer = cls.env["res.partner"].create({"name": "Complaining Customer", "is_company": True})
        cls.type_quality = cls.env["crm.complaint.type"].create(
            {"name": "Quality", "sla_hours": 48, "user_id": cls.user_a.id},
        )

    def test_number_deadline_and_responsible(self):
        complaint = self.env["crm.complaint"].create({
            "subject": "Broken item", "partner_id": self.customer.id, "type_id": self.type_quality.id,
            "date_open": datetime(2026, 3, 2, 10, 0),
        })
        self.assertTrue(complaint.name.startswith("CMP/"), complaint.name)
        self.assertEqual(complaint.deadline, datetime(2026, 3, 4, 10, 0))
        self.assertEqual(complaint.user_id, self.user_a, "the type's default responsible is assigned")
        other = self.env["crm.complaint"].create({
            "subject": "Second", "partner_id": self.customer.id, "type_id": self.type_quality.id,
        })
        self.assertNotEqual(other.name, complaint.name)

    def test_close_and_reopen(self):
        complaint = self.env["crm.complaint"].create({
            "subject": "Late", "partner_id": self.customer.id, "type_id": self.type_quality.id,
        })
        complaint.action_start()
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertTrue(complaint.date_closed)
        complaint.action_reopen()
        self.assertFalse(complaint.date_closed)

    def test_user_sees_own_manager_sees_all(self):
        mine, theirs = self.env["crm.complaint"].create([
            {"subject": "A", "partner_id": self.customer.id, "type_id": self.type_quality.id,
             "user_id": self.user_a.id},
            {"subject": "B", "partner_id": self.customer.id, "type_id": self.type_quality.id,
             "user_id": self.user_b.id},
        ])
        Complaint = self.env["crm.complaint"]
        self.assertEqual(Complaint.with_user(self.user_a).search([("id", "in", (mine | theirs).ids)]), mine)
        self.assertEqual(Complaint.with_user(self.manager).search([("id", "in", (mine | theirs).ids)]),
                         mine | theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_a).write({"subject": "Not mine"})

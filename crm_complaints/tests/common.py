from odoo.tests import TransactionCase, new_test_user


class ComplaintDataMixin:
    """Users, a team, a type with per-priority deadlines, customers and a 9:00-18:00 Mon-Fri calendar (UTC)."""

    @classmethod
    def _setup_complaint_data(cls):
        """Create the data as superuser; the test's own user becomes a complaints manager."""
        cls.env.user.sudo().groups_id |= cls.env.ref("crm_complaints.crm_complaints_group_manager")
        user_env = cls.env
        cls.env = cls.env(su=True)
        cls._create_complaint_data()
        cls.env = user_env

    @classmethod
    def _create_complaint_data(cls):
        cls.company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Office 9-18 UTC",
            "tz": "UTC",
            "company_id": cls.company.id,
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 9, "hour_to": 18,
                        "day_period": "morning"})
                for day in range(5)
            ],
        })
        cls.company.resource_calendar_id = cls.calendar
        cls.user_a = new_test_user(cls.env, login="cmp_user_a", email="cmp_user_a@example.com",
                                   groups="crm_complaints.crm_complaints_group_user")
        cls.user_b = new_test_user(cls.env, login="cmp_user_b", email="cmp_user_b@example.com",
                                   groups="crm_complaints.crm_complaints_group_user")
        cls.team_manager = new_test_user(cls.env, login="cmp_team_manager", email="cmp_team_manager@example.com",
                                         groups="crm_complaints.crm_complaints_group_user")
        cls.manager = new_test_user(cls.env, login="cmp_manager", email="cmp_manager@example.com",
                                    groups="crm_complaints.crm_complaints_group_manager")
        cls.team = cls.env["crm.complaint.team"].create({
            "name": "Quality desk", "manager_id": cls.team_manager.id, "member_ids": [(6, 0, cls.user_a.ids)],
            "alias_name": "complaints-quality",
        })
        cls.type_quality = cls.env["crm.complaint.type"].create({
            "name": "Quality", "sla_hours": 8, "warning_hours": 2, "user_id": cls.user_a.id,
            "team_id": cls.team.id,
            "sla_ids": [(0, 0, {"priority": "2", "hours": 2})],
        })
        cls.stage_new = cls.env.ref("crm_complaints.crm_complaint_stage_new")
        cls.stage_progress = cls.env.ref("crm_complaints.crm_complaint_stage_in_progress")
        cls.stage_waiting = cls.env.ref("crm_complaints.crm_complaint_stage_waiting")
        cls.stage_closed = cls.env.ref("crm_complaints.crm_complaint_stage_closed")
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Жалобщик»", "is_company": True, "email": "office@zhalobshik.example.com",
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "Анна Петрова", "parent_id": cls.customer.id, "email": "anna@zhalobshik.example.com",
        })
        cls.customer_b = cls.env["res.partner"].create({
            "name": "ООО «Другой клиент»", "is_company": True, "email": "office@drugoy.example.com",
        })
        cls.contact_b = cls.env["res.partner"].create({
            "name": "Борис Иванов", "parent_id": cls.customer_b.id, "email": "boris@drugoy.example.com",
        })

    def _create_complaint(self, **values):
        vals = {"subject": "Broken pallets", "partner_id": self.customer.id, "type_id": self.type_quality.id}
        vals.update(values)
        return self.env["crm.complaint"].create(vals)


class ComplaintCommon(TransactionCase, ComplaintDataMixin):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_data()

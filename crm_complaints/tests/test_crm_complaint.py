from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ComplaintCommon


@tagged("post_install", "-at_install")
class TestCrmComplaint(ComplaintCommon):

    def test_number_deadline_team_and_responsible(self):
        complaint = self._create_complaint(date_open=datetime(2026, 3, 2, 10, 0))  # a Monday
        self.assertTrue(complaint.name.startswith("CMP/"), complaint.name)
        self.assertEqual(complaint.deadline, datetime(2026, 3, 2, 18, 0), "8 working hours of 9:00-18:00")
        self.assertEqual(complaint.user_id, self.user_a, "the type's default responsible is assigned")
        self.assertEqual(complaint.team_id, self.team, "the type's team is assigned")
        self.assertEqual(complaint.stage_id, self.stage_new)
        urgent = self._create_complaint(date_open=datetime(2026, 3, 2, 17, 0), priority="2")
        self.assertEqual(urgent.deadline, datetime(2026, 3, 3, 10, 0), "urgent: 2 working hours")
        self.assertNotEqual(urgent.name, complaint.name)

    def test_contact_split_from_customer(self):
        complaint = self._create_complaint(partner_id=self.contact.id)
        self.assertEqual(complaint.commercial_partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertIn(self.contact, complaint.message_partner_ids, "the customer follows the complaint")

    def test_close_and_reopen(self):
        complaint = self._create_complaint()
        complaint.stage_id = self.stage_progress
        complaint.action_close()
        self.assertTrue(complaint.is_closed)
        self.assertTrue(complaint.date_closed)
        complaint.action_reopen()
        self.assertFalse(complaint.is_closed)
        self.assertFalse(complaint.date_closed)
        self.assertEqual(complaint.stage_id, self.stage_progress)

    def test_events_logged_in_interaction_history(self):
        complaint = self._create_complaint(partner_id=self.contact.id, channel="visit")
        complaint.stage_id = self.stage_progress
        complaint.resolution = "<p>Replaced the goods</p>"
        complaint.action_close()
        interactions = self.env["crm.interaction"].search([("partner_id", "=", self.customer.id)], order="id")
        self.assertEqual(len(interactions), 3, interactions.mapped("summary"))
        self.assertIn(complaint.name, interactions[0].summary)
        self.assertIn("received", interactions[0].summary)
        self.assertEqual(interactions[0].channel, "visit")
        self.assertEqual(interactions[0].direction, "incoming")
        self.assertEqual(interactions[0].contact_id, self.contact)
        self.assertEqual(interactions.mapped("document_ref"), [complaint] * 3, "the history links to the complaint")
        self.assertIn("In Progress", interactions[1].summary)
        self.assertIn("Replaced the goods", interactions[2].summary)

    def test_user_sees_own_and_team_manager_sees_all(self):
        mine, theirs, team_unassigned = self.env["crm.complaint"].create([
            {"subject": "A", "partner_id": self.customer.id, "type_id": self.type_quality.id,
             "user_id": self.user_a.id},
            {"subject": "B", "partner_id": self.customer.id, "type_id": self.type_quality.id,
             "user_id": self.user_b.id, "team_id": False},
            {"subject": "C", "partner_id": self.customer.id, "type_id": self.type_quality.id,
             "user_id": self.team_manager.id},
        ])
        everything = mine | theirs | team_unassigned
        Complaint = self.env["crm.complaint"]
        self.assertEqual(Complaint.with_user(self.user_a).search([("id", "in", everything.ids)]),
                         mine | team_unassigned, "own and own team's complaints")
        self.assertEqual(Complaint.with_user(self.user_b).search([("id", "in", everything.ids)]), theirs)
        self.assertEqual(Complaint.with_user(self.manager).search([("id", "in", everything.ids)]), everything)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_a).write({"subject": "Not mine"})

    def test_multi_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "Other company"})
        complaint = self._create_complaint(company_id=other_company.id, user_id=self.manager.id, team_id=False)
        self.assertFalse(self.env["crm.complaint"].with_user(self.manager).search([("id", "=", complaint.id)]))
        self.manager.company_ids |= other_company
        found = self.env["crm.complaint"].with_user(self.manager).with_context(
            allowed_company_ids=[self.company.id, other_company.id]).search([("id", "=", complaint.id)])
        self.assertEqual(found, complaint)

    def test_complaints_registered_as_template_models(self):
        """crm_complaints brings complaints to the document templates through the hook of crm_knowledge."""
        self.assertIn("crm.complaint", self.env["crm.knowledge.article"]._get_template_model_names())
        template = self.env["crm.knowledge.article"].create({
            "name": "Ответ на претензию", "kind": "template", "state": "published",
            "template_model_id": self.env["ir.model"]._get_id("crm.complaint"),
            "template_body": '<p>По претензии <t t-out="object.name"/></p>',
        })
        complaint = self._create_complaint()
        html = template._render_document(complaint.ids)[complaint.id]
        self.assertIn(f"По претензии {complaint.name}", html)

    def test_knowledge_suggestions_and_article_from_resolution(self):
        article = self.env["crm.knowledge.article"].create({
            "name": "Замена повреждённых поддонов", "state": "published",
            "body": "<p>Поддоны шпунтовые заменяем за счёт поставщика</p>",
        })
        complaint = self._create_complaint(subject="Повреждённые поддоны", description="<p>шпунтовые поддоны</p>")
        self.assertIn(article, complaint.suggested_article_ids)
        action = article.with_context(crm_complaint_id=complaint.id).action_crm_complaint_insert()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertIn("шпунтовые", action["context"]["default_body"])
        with self.assertRaises(UserError):
            complaint.with_user(self.manager).action_create_knowledge_article()
        complaint.resolution = "<p>Поддоны заменены</p>"
        complaint.action_close()
        with self.assertRaises(UserError):
            complaint.with_user(self.user_a).action_create_knowledge_article()
        action = complaint.with_user(self.manager).action_create_knowledge_article()
        new_article = self.env["crm.knowledge.article"].browse(action["res_id"])
        self.assertEqual(new_article.kind, "faq")
        self.assertEqual(new_article.state, "draft")
        self.assertEqual(new_article.owner_id, self.manager)
        self.assertIn("Поддоны заменены", new_article.body)
        self.assertEqual(complaint.knowledge_article_id, new_article)

from odoo.tests import TransactionCase, new_test_user


class CrmKnowledgeCommon(TransactionCase):
    """Users of each knowledge role and a small category tree."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_reader = new_test_user(cls.env, login="kb_reader", groups="crm_knowledge.crm_knowledge_group_reader")
        cls.user_editor = new_test_user(cls.env, login="kb_editor", groups="crm_knowledge.crm_knowledge_group_editor")
        cls.user_approver = new_test_user(
            cls.env, login="kb_approver", groups="crm_knowledge.crm_knowledge_group_approver",
        )
        cls.category = cls.env["crm.knowledge.category"].create({"name": "Payments"})
        cls.subcategory = cls.env["crm.knowledge.category"].create(
            {"name": "Bank transfer", "parent_id": cls.category.id},
        )

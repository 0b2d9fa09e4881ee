from odoo.tests import TransactionCase, new_test_user


class CrmReceivablesCommon(TransactionCase):
    """A collector, a manager and a customer company with a contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_collector = new_test_user(
            cls.env, login="rcv_collector", groups="crm_receivables.crm_receivables_group_user",
        )
        cls.user_manager = new_test_user(
            cls.env, login="rcv_manager", groups="crm_receivables.crm_receivables_group_manager",
        )
        cls.customer = cls.env["res.partner"].create({
            "name": "ООО «Тест»", "is_company": True, "vat": "7708123450",
        })
        cls.contact = cls.env["res.partner"].create({"name": "Сидоров", "parent_id": cls.customer.id})

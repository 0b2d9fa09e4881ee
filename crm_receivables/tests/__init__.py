from . import (
    test_crm_followup_block,
    test_crm_interaction,
    test_crm_interaction_log,
    test_crm_interaction_mail,
    test_crm_receivables_tour,
    test_import_1c,
    test_knowledge_templates,
    test_partner_360,
    test_payment_promise,
    test_pbx,
    test_phone,
)

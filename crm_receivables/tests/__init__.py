from . import test_crm_followup_block, test_crm_interaction, test_crm_receivables_tour
from . import test_knowledge_templates

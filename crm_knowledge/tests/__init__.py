from . import test_crm_knowledge_article, test_crm_knowledge_tour

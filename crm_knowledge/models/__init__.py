from . import crm_knowledge_article, crm_knowledge_category

from . import (
    test_crm_knowledge_article,
    test_crm_knowledge_portal,
    test_crm_knowledge_search,
    test_crm_knowledge_template,
    test_crm_knowledge_tour,
    test_security_knowledge,
)

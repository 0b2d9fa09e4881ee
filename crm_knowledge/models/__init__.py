from . import (
    crm_knowledge_article,
    crm_knowledge_article_version,
    crm_knowledge_article_vote,
    crm_knowledge_category,
    crm_knowledge_suggestion_mixin,
    crm_knowledge_tag,
)

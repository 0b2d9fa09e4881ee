from . import (
    account_move,
    crm_complaint,
    crm_complaint_sla,
    crm_complaint_stage,
    crm_complaint_team,
    crm_complaint_type,
    crm_followup_block,
    crm_knowledge_article,
    crm_selfservice_token,
)

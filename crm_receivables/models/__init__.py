from . import (
    account_move,
    account_partial_reconcile,
    crm_followup_block,
    crm_interaction,
    crm_interaction_outcome,
    crm_payment_promise,
    mail_message,
    res_company,
    res_config_settings,
    res_partner,
    res_partner_duplicate,
    sale_order,
)

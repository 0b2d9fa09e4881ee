from . import account_move, crm_followup_block, crm_interaction, res_partner

from . import (
    crm_cashin_backtest,
    crm_collector_reassign_wizard,
    crm_credit_hold_wizard,
    crm_import_1c_wizard,
    crm_import_1c_wizard_company,
    crm_interaction_log_wizard,
    crm_interaction_log_wizard_queue,
    crm_statement_wizard,
)

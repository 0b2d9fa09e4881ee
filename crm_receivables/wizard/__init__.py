from . import crm_cashin_backtest, crm_import_1c_wizard, crm_interaction_log_wizard, crm_statement_wizard

from . import crm_aging_report

from . import crm_complaint_report

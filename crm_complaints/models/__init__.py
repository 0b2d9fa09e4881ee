from . import crm_complaint, crm_complaint_type

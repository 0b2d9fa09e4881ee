from . import test_crm_complaint, test_crm_complaints_tour

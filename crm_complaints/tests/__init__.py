from . import (
    test_access_matrix,
    test_complaint_dispute,
    test_complaint_intake,
    test_complaint_portal,
    test_complaint_report,
    test_complaint_sla,
    test_crm_complaint,
    test_crm_complaints_tour,
    test_e2e_debt_flow,
    test_security_complaints,
    test_security_portal,
    test_selfservice_complaint,
)

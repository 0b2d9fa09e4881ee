{
    "name": "CRM Complaints",
    "summary": "Customer complaints that are never lost: types, deadlines, stages and reports",
    "version": "18.0.1.0.0",
    "category": "Services/Complaints",
    "website": "https://github.com/crm-suite/crm-receivables",
    "author": "CRM Suite Developers",
    "maintainers": ["crm-suite"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["crm_receivables", "crm_knowledge", "rating", "portal"],
    "data": [
        "security/crm_complaints_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_complaints_security.xml",
        "data/crm_complaint_data.xml",
        "views/crm_complaint_type_views.xml",
        "views/crm_complaint_views.xml",
        "views/crm_complaints_menus.xml",
    ],
    "demo": [
        "demo/crm_complaint_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_complaints/static/src/js/tours/*.js",
        ],
    },
}

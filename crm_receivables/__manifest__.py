{
    "name": "CRM Receivables",
    "summary": "Customer history, payment promises and follow-up of overdue invoices",
    "version": "18.0.1.0.0",
    "category": "Accounting/Receivables",
    "website": "https://github.com/crm-suite/crm-receivables",
    "author": "CRM Suite Developers",
    "maintainers": ["crm-suite"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["account", "sale", "sms", "phone_validation", "contacts", "crm_knowledge"],
    "external_dependencies": {"python": ["phonenumbers", "xlrd"]},
    "data": [
        "security/crm_receivables_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_receivables_security.xml",
        "data/crm_knowledge_template_data.xml",
        "views/crm_interaction_views.xml",
        "views/res_partner_views.xml",
        "views/crm_receivables_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/crm_interaction_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_receivables/static/src/js/tours/*.js",
        ],
    },
}

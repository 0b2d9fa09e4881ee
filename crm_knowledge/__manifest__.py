{
    "name": "CRM Knowledge Base",
    "summary": "Answers to typical customer questions, call scripts and document templates",
    "version": "18.0.1.0.0",
    "category": "Productivity/Knowledge",
    "website": "https://github.com/crm-suite/crm-receivables",
    "author": "CRM Suite Developers",
    "maintainers": ["crm-suite"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["mail", "portal", "web"],
    "data": [
        "security/crm_knowledge_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_knowledge_security.xml",
        "views/crm_knowledge_category_views.xml",
        "views/crm_knowledge_article_views.xml",
        "views/crm_knowledge_menus.xml",
    ],
    "demo": [
        "demo/crm_knowledge_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_knowledge/static/src/js/tours/*.js",
        ],
    },
}

/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_knowledge_open_app", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Knowledge app from the home menu",
            trigger: '.o_app[data-menu-xmlid="crm_knowledge.crm_knowledge_menu_root"]',
            run: "click",
        },
        {
            content: "Switch to the list of articles",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The published article is listed",
            trigger: ".o_list_view .o_data_cell:contains('Tour article: how to pay')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_knowledge_search_render", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Knowledge app",
            trigger: '.o_app[data-menu-xmlid="crm_knowledge.crm_knowledge_menu_root"]',
            run: "click",
        },
        {
            content: "Open the full-text search",
            trigger: '.o_main_navbar [data-menu-xmlid="crm_knowledge.crm_knowledge_search_menu"]',
            run: "click",
        },
        {
            content: "Type words in another form than in the title",
            trigger: ".o_crm_knowledge_search_query input",
            run: "edit туровых письмах",
        },
        {
            content: "Search",
            trigger: 'button[name="action_search"]',
            run: "click",
        },
        {
            content: "The template is found, the match highlighted",
            trigger: ".o_field_one2many .o_data_row:contains('Туровое письмо') mark",
        },
        {
            content: "Open it",
            trigger: ".o_data_row:contains('Туровое письмо') button[name='action_open_article']",
            run: "click",
        },
        {
            content: "Generate a document from the template",
            trigger: ".o_form_view button[name='action_open_render_wizard']",
            run: "click",
        },
        {
            content: "Choose the customer",
            trigger: ".modal div[name='record_ref'] input",
            run: "edit Туровый клиент",
        },
        {
            content: "Pick it in the list",
            trigger: ".o-autocomplete--dropdown-item a:contains('Туровый клиент')",
            run: "click",
        },
        {
            content: "The document is rendered with the customer's figures",
            trigger: ".modal .o_crm_knowledge_preview:contains('ИНН 7707083893')",
        },
        {
            content: "Close the wizard",
            trigger: ".modal .modal-footer button:contains('Cancel')",
            run: "click",
        },
        {
            content: "Back to the articles (a tour must not end on a form being edited)",
            trigger: '.o_main_navbar [data-menu-xmlid="crm_knowledge.crm_knowledge_article_menu"]',
            run: "click",
        },
        {
            content: "The articles are listed",
            trigger: ".o_kanban_view .o_kanban_record",
        },
    ],
});

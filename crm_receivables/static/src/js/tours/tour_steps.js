/** @odoo-module **/

import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * Steps shared by the tours of the Receivables app (one place for how the app and the 1C import are opened).
 */

/** The home screen's apps, then the Receivables app (it opens on the collector's queue). */
export function openReceivablesApp() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Receivables app",
            trigger: '.o_app[data-menu-xmlid="crm_receivables.crm_receivables_menu_root"]',
            run: "click",
        },
    ];
}

/**
 * Receivables → Import → Import from 1C, upload a file as a browser would, then Preview.
 *
 * The test stores the file as an attachment named `attachment`; the step reads it and feeds it to the
 * wizard's file input under the name `fileName`.
 */
export function uploadOneCFile(attachment, fileName) {
    return [
        ...openReceivablesApp(),
        {
            content: "Open the Import menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="crm_receivables.crm_import_1c_menu"]',
            run: "click",
        },
        {
            content: "Start the import from 1C",
            trigger: '.dropdown-item[data-menu-xmlid="crm_receivables.crm_import_1c_wizard_menu"]',
            run: "click",
        },
        {
            content: `Upload ${fileName}`,
            trigger: ".modal .o_field_widget[name=file] .o_select_file_button",
            async run() {
                const orm = odoo.__WOWL_DEBUG__.root.env.services.orm;
                const [record] = await orm.searchRead("ir.attachment", [["name", "=", attachment]], ["datas"]);
                const bytes = Uint8Array.from(atob(record.datas), (c) => c.charCodeAt(0));
                const file = new File([bytes], fileName, {
                    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                const input = document.querySelector(".modal .o_field_widget[name=file] input[type=file]");
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is uploaded",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Preview",
            trigger: ".modal-footer button[name=action_preview]",
            run: "click",
        },
    ];
}

/** @odoo-module **/
/**
 * Screen pop, as a collector sees it: Zadarma reports that a customer's call rings on the collector's
 * extension (the webhook is signed in the browser exactly as Zadarma signs it), the caller's card pops
 * up with the debt, and "Open Customer" opens the customer. The test sets the secret and the extension.
 */

import { registry } from "@web/core/registry";

const SECRET = "tour-zadarma-secret";
const CALLER = "79035557788";

async function zadarmaSignature(text) {
    const encoder = new TextEncoder();
    const key = await crypto.subtle.importKey(
        "raw", encoder.encode(SECRET), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]
    );
    const digest = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
    const hex = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    return btoa(hex); // base64 of the hex digest, as Zadarma's PHP does
}

function services() {
    return odoo.__WOWL_DEBUG__.root.env.services;
}

async function ring(event) {
    const signature = await zadarmaSignature(event.caller_id + event.called_did + event.call_start);
    const response = await fetch(`/crm_receivables/telephony/zadarma/${services().company.currentCompany.id}`, {
        method: "POST",
        headers: { Signature: signature },
        body: new URLSearchParams(event),
    });
    if (response.status !== 200) {
        throw new Error(`the webhook answered ${response.status}`);
    }
}

registry.category("web_tour.tours").add("crm_receivables_screen_pop", {
    url: "/odoo",
    steps: () => [
        {
            content: "The web client is ready",
            trigger: ".o_main_navbar",
            run: async () => {
                const call = {
                    call_start: "2026-03-02 09:30:00",
                    pbx_call_id: "in_tour_screen_pop",
                    caller_id: CALLER,
                    called_did: "74951112233",
                };
                await ring({ event: "NOTIFY_START", ...call });
                await ring({ event: "NOTIFY_INTERNAL", internal: "555", ...call });
                // The test server never commits, so the bus cannot wake the websocket: read this session's
                // bus messages through the bus's own polling route and hand them to the screen pop service.
                const response = await fetch("/websocket/peek_notifications", {
                    method: "POST",
                    headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({ jsonrpc: "2.0", method: "call",
                                           params: { channels: [], last: 0, is_first_poll: true } }),
                });
                const { result } = await response.json();
                const pops = result.notifications.filter(
                    (n) => n.message.type === "crm_receivables/screen_pop" &&
                        n.message.payload.phone === CALLER
                );
                if (pops.length !== 1) {
                    throw new Error(`expected one screen pop on the bus, got ${pops.length}`);
                }
                services().crm_receivables_screen_pop.show(pops[0].message.payload);
            },
        },
        {
            content: "The caller's card pops up with the debt",
            trigger: ".o_crm_screen_pop:contains(ООО «Тур Звонок»):contains(Overdue)",
        },
        {
            content: "Open the customer from the card",
            trigger: ".o_crm_screen_pop button:contains(Open Customer)",
            run: "click",
        },
        {
            content: "The customer's form is open",
            trigger: ".o_form_view .o_breadcrumb:contains(ООО «Тур Звонок»)",
        },
    ],
});

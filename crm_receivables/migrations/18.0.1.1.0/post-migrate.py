"""18.0.1.1.0: the follow-up works on open receivable items.

The follow-up lines got their item in ``crm.followup.line._auto_init`` and the promises theirs in
``crm.payment.promise.init``; the follow-up email lists the documents of the items (number or 1C label, date,
what is still due), so the shipped template (``noupdate``) is reset to its new source.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("crm_receivables.mail_template_crm_followup", raise_if_not_found=False)
    if template:
        template.reset_template()

from lxml import etree

from odoo import models

#: key of ``cr.cache`` set while the follow-up engine renders a batch of communications with one template
BATCH_COMPILE_KEY = "crm_qweb_batch_compile"


class IrQweb(models.AbstractModel):
    """Compile a template given as an element once per batch of records.

    ``mail.template`` renders its body per record from a fresh element (``_render_template_qweb``), which
    ``ir.qweb`` compiles again each time (no cache for elements). While the follow-up engine renders a batch
    (:meth:`crm.followup.engine._render`), the compiled functions are reused for the same source and the same
    compile options; everything else renders as before.
    """

    _inherit = "ir.qweb"

    def _compile(self, template):
        cache = self.env.cr.cache.get(BATCH_COMPILE_KEY)
        if cache is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        key = (
            etree.tostring(template),
            tuple(self.env.context.get(k) for k in self._get_template_cache_keys()),
            self.env.context.get("raise_on_forbidden_code_for_model"),
            self.env.uid, self.env.su,
        )
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]

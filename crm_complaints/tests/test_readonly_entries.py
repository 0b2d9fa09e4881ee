from odoo import fields
from odoo.tests import HttpCase, tagged

# (model, method): read-only RPC entries of the three addons, sent to the read replica when there is one
READONLY_METHODS = [
    ("crm.kpi.dashboard", "get_kpi_figures"),
    ("crm.cashin.backtest", "get_backtest_errors"),
]
# routes that only read: the help centre and its search
READONLY_ROUTES = ["/help", "/my/help"]
# routes that write (a view counter, an answer, the portal's access tokens): never on the replica
READWRITE_ROUTES = ["/help/article/1", "/crm/selfservice/abc/promise", "/my/complaints", "/my/complaints/1"]


@tagged("post_install", "-at_install")
class TestReadonlyEntries(HttpCase):
    """Reports and dashboards that only read are marked read-only (Odoo 18: ``@api.readonly`` methods called
    through ``/web/dataset/call_kw``, ``readonly=True`` routes), and they work on a read-only cursor."""

    def _method_is_readonly(self, model, method):
        """What ``web.controllers.dataset.DataSet._call_kw_readonly`` decides for this RPC call."""
        for cls in type(self.env[model]).mro():
            function = cls.__dict__.get(method)
            if function is not None and hasattr(function, "_readonly"):
                return function._readonly
        return False

    def test_methods_marked_readonly(self):
        for model, method in READONLY_METHODS:
            with self.subTest(model=model, method=method):
                self.assertTrue(self._method_is_readonly(model, method))
        self.assertFalse(self._method_is_readonly("crm.kpi.dashboard", "action_refresh"), "writes its lines")

    def test_routes_marked_readonly(self):
        router = self.env["ir.http"].routing_map().bind("localhost")
        for path in READONLY_ROUTES:
            with self.subTest(path=path):
                endpoint, _args = router.match(path, method="GET")
                self.assertIs(endpoint.routing["readonly"], True)
        for path in READWRITE_ROUTES:
            with self.subTest(path=path):
                endpoint, _args = router.match(path, method="POST" if "selfservice" in path else "GET")
                self.assertFalse(endpoint.routing["readonly"])

    def test_readonly_entries_answer(self):
        """Called for real over HTTP, on the read-only cursor tests give these routes."""
        self.authenticate("admin", "admin")
        today = fields.Date.today()
        figures = self.make_jsonrpc_request("/web/dataset/call_kw/crm.kpi.dashboard/get_kpi_figures", {
            "model": "crm.kpi.dashboard", "method": "get_kpi_figures",
            "args": [str(fields.Date.subtract(today, days=29)), str(today)], "kwargs": {},
        })
        self.assertIn("days_to_payment", figures["total"])
        response = self.url_open("/my/help?search=оплата")
        self.assertEqual(response.status_code, 200)
        self.authenticate(None, None)
        response = self.url_open("/help?search=оплата")
        self.assertEqual(response.status_code, 200)

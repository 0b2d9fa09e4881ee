"""The customer statement (акт сверки) prints as a real PDF through wkhtmltopdf on the live server."""

import urllib.request

from tests.e2e.rpc import Client


def test_statement_pdf_renders(e2e_server):
    client = Client(e2e_server)
    statement = client.call("crm.statement", "search_read", [], fields=["id", "partner_id"], limit=1)
    assert statement, "the demo data has a statement"
    url = f"{e2e_server['url']}/report/pdf/crm_receivables.report_crm_statement/{statement[0]['id']}"
    request = urllib.request.Request(url, headers={"Cookie": client.cookie})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.headers.get("Content-Type", "").startswith("application/pdf")
        pdf = response.read()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 2000, "an empty PDF"

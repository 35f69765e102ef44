"""The public /findings page: server-made SVG charts, each beside a table of the same numbers."""

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import screenshot_path
from tests.findings.city import make_city


class Tables(HTMLParser):
    """Every table's body rows as lists of cell texts, by table id; and the ids of the SVG charts."""

    def __init__(self):
        super().__init__()
        self.tables, self.charts, self._table, self._row, self._cell = {}, [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "svg":
            self.charts.append(attrs.get("id"))
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


@pytest.fixture
def city(app, tmp_path):
    return make_city(app, tmp_path)


def parsed(html: str) -> Tables:
    tables = Tables()
    tables.feed(html)
    return tables


def test_every_chart_has_a_table_with_the_jsons_numbers(client, city):
    query = {"area": city["area_id"], "status": "all"}
    body = client.get("/api/v1/findings", query_string=query).json
    response = client.get("/findings", query_string=query)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    page = parsed(html)
    assert page.charts == [
        f"chart-{n}" for n in ("operator", "signage", "watch", "manufacturer", "camera_type", "zone", "months")
    ]
    assert body["summary"] in html
    for name, key in (("signage", "by_signage_class"), ("manufacturer", "by_manufacturer"), ("zone", "by_zone")):
        rows = page.tables[f"table-{name}"][1:]
        assert [(label, int(n)) for label, n in rows] == [(r["label"], r["cameras"]) for r in body[key]], name
    operators = page.tables["table-operator"][1:]
    assert [row[:3] for row in operators[:-1]] == [
        [r["label"], str(r["cameras"]), str(r["without_sign"])] for r in body["by_operator"]
    ]
    assert operators[-1][:3] == ["All", str(body["cameras"]), str(body["without_sign"])]
    months = page.tables["table-months"][1:]
    assert months == [[m["month"], str(m["first_seen"]), str(m["removed"])] for m in body["by_month"]]
    streets = page.tables["table-streets"][1:]
    assert [int(row[4]) for row in streets] == [s["cameras"] for s in body["area"]["streets"]]
    assert 'href="/api/v1/findings/evidence.zip?operator=Police&amp;status=all"' in html


def test_the_page_has_no_script_and_refuses_a_bad_filter(client):
    html = client.get("/findings").get_data(as_text=True)
    assert "<script" not in html and not re.search(r"\son[a-z]+\s*=", html)
    assert "No cameras match these filters." in html
    response = client.get("/findings?bbox=nonsense")
    assert response.status_code == 400 and response.json["errors"]["bbox"]


def _problems(page) -> list:
    """Script errors, CSP violations (console errors) and failed loads; the browser's own favicon probe aside."""
    found = []
    page.on("pageerror", lambda exc: found.append(str(exc)))
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and "Failed to load resource" not in m.text and found.append(m.text),
    )
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and found.append(r.url))
    return found


def test_the_page_renders_in_chromium_with_charts_and_tables(browser, live_server, app, city):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = _problems(page)
    page.goto(f"{live_server.url}/findings?area={city['area_id']}")
    assert page.locator("svg.chart").count() == 7
    assert page.locator("svg.chart rect").count() > 30
    # The bars are drawn: the tallest is wider than the label column's edge, and laid out beside its table.
    chart = page.locator("#chart-manufacturer").bounding_box()
    table = page.locator("#table-manufacturer").bounding_box()
    assert chart["width"] > 300 and table["x"] > chart["x"] + chart["width"] - 1
    assert "have no sign within 50 m" in page.locator("#summary").inner_text()
    page.screenshot(path=str(screenshot_path("findings.png")), full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})  # a phone: charts above their tables, nothing too wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert (
        page.locator("#table-manufacturer").bounding_box()["y"]
        > page.locator("#chart-manufacturer").bounding_box()["y"]
    )
    assert problems == []
    context.close()

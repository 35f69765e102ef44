"""OGC API paging without offset cost: next and prev links carry keyset cursors, and a bare offset= is
found from marks along the id index. Every way to a page gives the page that offset numbering names."""

from urllib.parse import parse_qs, urlsplit

import pytest

from survey import dataset_version
from survey.extensions import db
from survey.models import Camera
from survey.publish import ogc_cameras
from tests.support import camera

ITEMS = "/ogcapi/collections/cameras/items"


@pytest.fixture
def many(app, monkeypatch):
    """23 cameras, every third one removed; marks every 4 ids, so offsets fall between them."""
    monkeypatch.setattr(ogc_cameras, "MARK_EVERY", 4)
    ids = [camera(app, lat=50.0, lon=i * 0.01, status="removed" if i % 3 == 2 else "active") for i in range(23)]
    with app.app_context():
        active = [c.id for c in db.session.query(Camera).filter_by(status="active").order_by(Camera.id)]
    return ids, active


def ids_of(client, url: str, **params) -> tuple[list[int], dict]:
    response = client.get(url, query_string=params or None)
    assert response.status_code == 200, response.json
    body = response.json
    return [f["id"] for f in body["features"]], {link["rel"]: link["href"] for link in body["links"]}


def args(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


@pytest.mark.parametrize("limit", [1, 3, 5])
def test_every_offset_gives_the_page_offset_numbering_names(client, many, limit):
    _, active = many
    for offset in range(len(active) + 2):
        got, _ = ids_of(client, ITEMS, offset=offset, limit=limit)
        assert got == active[offset : offset + limit], (offset, limit)


def test_next_and_prev_links_walk_the_pages_with_cursors(client, many):
    _, active = many
    pages, href = [], f"{ITEMS}?limit=4"
    while href:
        got, links = ids_of(client, href)
        pages.append(got)
        if "next" in links:
            assert "after" in args(links["next"]) and "before" not in args(links["next"])
        href = links.get("next")
    assert [i for page in pages for i in page] == active
    back, href = [], links.get("prev")
    while href:
        got, links = ids_of(client, href)
        back.insert(0, got)
        href = links.get("prev")
    assert back == pages[:-1]


def test_prev_links_use_a_cursor_except_to_the_first_page(client, many):
    _, active = many
    _, links = ids_of(client, ITEMS, offset=9, limit=4)
    prev = args(links["prev"])
    assert prev == {"limit": "4", "offset": "5", "before": str(active[9]), "f": "json"}
    assert ids_of(client, ITEMS, **{k: v for k, v in prev.items() if k != "f"})[0] == active[5:9]
    _, links = ids_of(client, ITEMS, offset=3, limit=4)
    assert args(links["prev"]) == {"limit": "4", "offset": "0", "f": "json"}


def test_past_the_end_is_an_empty_page_with_a_way_back(client, many):
    _, _active = many
    got, links = ids_of(client, ITEMS, offset=100, limit=4)
    assert got == [] and "next" not in links and args(links["prev"])["offset"] == "96"


def test_marks_follow_the_data(client, app, many):
    """The marks are cached with the data stamp: a change moves what an offset finds."""
    _ids, active = many
    assert ids_of(client, ITEMS, offset=6, limit=2)[0] == active[6:8]
    with app.app_context():
        db.session.get(Camera, active[1]).status = "removed"
        dataset_version.bump(db.session)  # as the decision that removes it does
        db.session.commit()
    shifted = [i for i in active if i != active[1]]
    assert ids_of(client, ITEMS, offset=6, limit=2)[0] == shifted[6:8]


def test_offset_with_filters_uses_their_own_marks(client, many):
    ids, active = many
    got, _ = ids_of(client, ITEMS, offset=2, limit=3, status="all", filter="direction = 90")
    assert got == ids[2:5]
    east, _ = ids_of(client, ITEMS, offset=1, limit=2, bbox="0.105,49,1,51")
    assert east == [i for i in active if i > ids[10]][1:3]


def test_two_cursors_at_once_are_400(client, many):
    response = client.get(ITEMS, query_string={"after": 3, "before": 9})
    assert response.status_code == 400 and "before" in response.json["errors"]

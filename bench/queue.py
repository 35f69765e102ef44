"""Case 4: the moderation queue's first and a deep page of 50, at a million sightings and cameras."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bench.apps import dispose, migrated_app, postgres_database, sqlite_url
from bench.camera_data import load_postgres, load_sqlite
from bench.harness import Context, Row, Target, measure, ms, with_ratios
from bench.sighting_data import PHOTO_COLUMNS, SIGHTING_COLUMNS, photo_rows, sighting_rows

CASE = "4 queue"
PAGE = "/api/v1/moderation/sightings?limit=50"
PAGE_TARGET = Target("value", 20, "< 20 ms")
# "No slower than the first page", with room for noise: OFFSET paging would be many times slower.
DEEP_TARGET = Target("ratio", 1.1, "<= first page (+10%)")


def _load(url: str, count: int) -> None:
    load = load_sqlite if url.startswith("sqlite") else load_postgres
    load(url, count)
    load(url, count, table="sightings", rows=sighting_rows(count), columns=SIGHTING_COLUMNS)
    load(url, count, table="photos", rows=photo_rows(count), columns=PHOTO_COLUMNS)


def _token_and_deep_cursor(app) -> tuple[str, dict[str, str]]:
    """A moderator's API token, and per sort the cursor of a pending sighting 90% of the way down."""
    from survey.accounts.auth import issue_token
    from survey.accounts.users import create_user
    from survey.extensions import db
    from survey.models import Sighting
    from survey.review.work_queue import encode_cursor

    with app.app_context():
        token = issue_token(create_user("bench@example.org", "bench-password-1234", role="moderator"))
        pending = select(Sighting).where(Sighting.status == "pending")
        total = len(db.session.scalars(pending.with_only_columns(Sighting.id)).all())
        cursors = {}
        for sort, order in (
            ("oldest", (Sighting.submitted_at, Sighting.id)),
            ("most_warnings", (Sighting.warning_count.desc(), Sighting.submitted_at, Sighting.id)),
            ("likely_repeat", (Sighting.repeat_score.desc(), Sighting.id)),
        ):
            deep = db.session.scalars(pending.order_by(*order).offset(total * 9 // 10).limit(1)).one()
            cursors[sort] = encode_cursor(deep, sort)
        db.session.remove()
    return token, cursors


def _page(client, token: str, cursor: str | None = None, sort: str = "oldest") -> dict:
    url = PAGE + f"&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    body = response.get_json()
    if response.status_code != 200 or len(body["items"]) != 50:
        raise AssertionError(f"queue page answered {response.status_code}: {str(body)[:300]}")
    return body


def _database(ctx: Context, url: str, label: str, count: int) -> list[Row]:
    app = migrated_app(url, Path(ctx.workdir) / "queue")
    _load(url, count)
    token, cursors = _token_and_deep_cursor(app)
    cursor, warned, likely = cursors["oldest"], cursors["most_warnings"], cursors["likely_repeat"]
    client = app.test_client()
    first, deep = _page(client, token), _page(client, token, cursor)
    candidates = sum(len(item["candidates"]) for item in first["items"] + deep["items"])
    timings = measure(
        {
            "first page": lambda: _page(client, token),
            "deep page": lambda: _page(client, token, cursor),
            "warnings first": lambda: _page(client, token, sort="most_warnings"),
            "warnings deep": lambda: _page(client, token, warned, sort="most_warnings"),
            "likely first": lambda: _page(client, token, sort="likely_repeat"),
            "likely deep": lambda: _page(client, token, likely, sort="likely_repeat"),
        },
        runs=ctx.runs if ctx.quick else max(ctx.runs, 20),
    )
    dispose(app)
    case = f"{CASE} {label}"
    note = f"{count:,} sightings + cameras, 50 items, {candidates} candidates in both pages"
    return with_ratios(
        [
            Row(case, "first page", ms(timings["first page"]), target=PAGE_TARGET, note=note),
            Row(case, "deep page", ms(timings["deep page"]), target=PAGE_TARGET, note="by cursor, 90% down"),
            Row(case, "deep page", ms(timings["deep page"]), baseline="first page", target=DEEP_TARGET, paired=True),
            Row(case, "first page, most warnings first", ms(timings["warnings first"]), target=PAGE_TARGET),
            Row(
                case,
                "deep page, most warnings first",
                ms(timings["warnings deep"]),
                target=PAGE_TARGET,
                note="by cursor, 90% down",
            ),
            Row(case, "first page, likely repeats first", ms(timings["likely first"]), target=PAGE_TARGET),
            Row(
                case,
                "deep page, likely repeats first",
                ms(timings["likely deep"]),
                target=PAGE_TARGET,
                note="by cursor, 90% down",
            ),
        ]
    )


def run(ctx: Context) -> list[Row]:
    count = 50_000 if ctx.quick else 1_000_000
    rows = _database(ctx, sqlite_url(ctx.workdir, "queue.db"), "SQLite", count)
    with postgres_database(ctx.pg_url) as url:
        rows += _database(ctx, url, "PostgreSQL", count)
    return rows

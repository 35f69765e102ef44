"""Many volunteers at once against gunicorn: nothing lost, nothing doubled, no 500, every file sound.

LOAD_UPLOADS sets the count (40 here; `python -m bench.load` runs 200 and reports the figures).
The database is a fresh one of the run's kind: SQLite, or PostgreSQL when TEST_DATABASE_URL is set.
"""

import os

from tests.conftest import corpus
from tests.dbtools import empty_database, migrate
from tests.load.harness import Gunicorn, audit, plan, run_uploads


def test_concurrent_uploads_with_retries_are_held_exactly_once(tmp_path):
    corpus()  # the uploads are the corpus's photos: skip where it is absent
    count = int(os.environ.get("LOAD_UPLOADS", "40"))
    jobs = plan(count, retry_share=0.1)
    assert sum(job.retry for job in jobs) == count // 10
    with empty_database(tmp_path) as url:
        migrate(url)
        server = Gunicorn(url, tmp_path / "photos", tmp_path, workers=3).start()
        try:
            outcome = run_uploads(server.url, jobs, clients=20, deadline_s=600)
        finally:
            server.stop()
        result = audit(url, tmp_path / "photos", jobs)
    assert outcome.errors == [], outcome.errors
    assert not [s for s in outcome.statuses if s >= 500]
    assert len(outcome.ids) == count and len(set(outcome.ids.values())) == count
    assert result == {
        "sightings": count,
        "photos": count,
        "lost": 0,
        "duplicated": 0,
        "strangers": 0,
        "files_checked": result["files_checked"],
        "unreferenced": 0,
        "temporaries": 0,
        "missing": 0,
        "corrupt": 0,
    }
    assert result["files_checked"] >= count  # originals and public copies are shared between equal photos

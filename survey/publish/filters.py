"""The filters every public view of the cameras shares: downloads, the OGC API and the CLI."""

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime, time

from sqlalchemy import func

from survey import vocab
from survey.geo import BBox, within
from survey.models import Camera

# Every camera status the public never sees (withdrawn): defined as "not public", so a new status stays hidden.
HIDDEN_STATUSES = tuple(s for s in vocab.CAMERA_STATUSES if s not in vocab.PUBLIC_CAMERA_STATUSES)


@dataclass(frozen=True)
class CameraFilter:
    bbox: BBox | None = None
    manufacturer: str | None = None
    operator: str | None = None
    camera_type: str | None = None
    status: str = vocab.ACTIVE
    updated_since: datetime | None = None

    def clauses(self) -> list:
        """SQL conditions on the cameras table; text filters ignore case."""
        table = Camera.__table__.c
        # "all" as NOT IN: an IN list would make SQLite read the status index and sort the whole table by id.
        found = [
            table.status.not_in(HIDDEN_STATUSES) if self.status == vocab.ALL_PUBLIC else table.status == self.status
        ]
        if self.bbox:
            found.append(within(table.lat, table.lon, self.bbox))
        for name in ("manufacturer", "operator", "camera_type"):
            if (value := getattr(self, name)) is not None:
                found.append(func.lower(table[name]) == value.lower())
        if self.updated_since is not None:
            found.append(table.updated_at >= self.updated_since)
        return found

    def query_args(self) -> dict[str, str]:
        """The filter as URL query parameters (defaults left out), for links and cache keys."""
        args = {}
        for field in dataclass_fields(self):
            value = getattr(self, field.name)
            if value is None or (field.name == "status" and value == vocab.ACTIVE):
                continue
            if field.name == "bbox":
                value = value.as_text()
            elif field.name == "updated_since":
                value = value.isoformat()
            args[field.name] = str(value)
        return args


UNFILTERED = CameraFilter()  # what the published snapshot holds and the unfiltered count counts


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date (midnight UTC) or date-time (UTC when no offset is given)."""
    try:
        moment = datetime.fromisoformat(text) if "T" in text or " " in text else None
        moment = moment or datetime.combine(date.fromisoformat(text), time.min)
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        raise ValueError("Use an ISO 8601 date or date-time, e.g. 2026-05-01.") from None
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC: refused before the first byte
        raise ValueError("That date-time is out of range once converted to UTC.") from None
    return moment

"""Run GDAL's ogrinfo and read its text report back into features (GDAL 3.6 has no -json for ogrinfo)."""

import re
import subprocess

from tests.conftest import require_tool

FIELD = re.compile(r"^  (\w+) \(([\w()]+)\) = (.*)$")  # types such as Integer(Boolean) too
POINT = re.compile(r"^  POINT \((\S+) (\S+)\)$")


def ogrinfo(*args: str) -> str:
    tool = require_tool("ogrinfo", "gdal-bin")
    done = subprocess.run([tool, "-ro", "-al", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def features(report: str) -> dict[int, dict]:
    """{fid: {field: text value or None, '_point': (lon, lat)}} from an ogrinfo -al report."""
    found, current = {}, None
    for line in report.splitlines():
        if line.startswith("OGRFeature("):
            current = found.setdefault(int(line.rsplit(":", 1)[1]), {})
        elif current is not None and (match := FIELD.match(line)):
            name, _type, value = match.groups()
            current[name] = None if value == "(null)" else value
        elif current is not None and (match := POINT.match(line)):
            current["_point"] = (float(match.group(1)), float(match.group(2)))
    return found


def feature_count(report: str) -> int:
    return int(re.search(r"^Feature Count: (\d+)$", report, re.M).group(1))

"""Audit the public pages with Lighthouse (mobile) and axe-core; write the scores to docs/page-audit.md.

make audit-pages   (needs npx and network for the two npm tools, run on demand and never installed;
                    LIGHTHOUSE=path/to/lighthouse and AXE_JS=path/to/axe.min.js use local copies)

The app runs from a scratch SQLite database on a free port under Flask's own server, so the figures
are for this machine, one process, no TLS: a floor to compare releases by, not a production figure.
"""

import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "docs" / "page-audit.md"
PAGES = {"/": "capture page", "/map": "public map", "/console/login": "console login"}
LIGHTHOUSE = os.environ.get("LIGHTHOUSE") or "npx --yes lighthouse@12.2.3"
AXE_VERSION = "4.10.3"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(workdir: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'audit.db'}", "INSTANCE_DIR": str(workdir)}
    env["SESSION_COOKIE_SECURE"] = "0"
    subprocess.run([BIN / "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [BIN / "flask", "--app", "wsgi", "run", "--port", str(port)], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the app did not start")


def lighthouse(url: str, workdir: Path) -> dict:
    report = workdir / "lh.json"
    command = [
        *shlex.split(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
    data = json.loads(report.read_text())
    audits = data["audits"]
    return {
        **{name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES},
        "LCP": audits["largest-contentful-paint"]["displayValue"],
        "TBT": audits["total-blocking-time"]["displayValue"],
        "transfer": audits["total-byte-weight"]["displayValue"],
    }


def axe_source(workdir: Path) -> str:
    if os.environ.get("AXE_JS"):
        return Path(os.environ["AXE_JS"]).read_text()
    subprocess.run(["npm", "pack", "--silent", f"axe-core@{AXE_VERSION}"], cwd=workdir, check=True)
    subprocess.run(["tar", "xzf", f"axe-core-{AXE_VERSION}.tgz"], cwd=workdir, check=True)
    return (workdir / "package" / "axe.min.js").read_text()


def axe(url: str, source: str) -> list[str]:
    """axe-core's violations at 360x640 (WCAG 2.x A and AA rules), as 'rule (n nodes)'."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROME, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 360, "height": 640}, bypass_csp=True).new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=source)
        result = page.evaluate("axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })")
        browser.close()
    return [f"{v['id']} ({len(v['nodes'])})" for v in result["violations"]]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="audit-pages-") as tmp:
        workdir = Path(tmp)
        server, base = serve(workdir)
        try:
            source = axe_source(workdir)
            rows = [
                (path, name, lighthouse(base + path, workdir), axe(base + path, source)) for path, name in PAGES.items()
            ]
        finally:
            server.terminate()
            server.wait(10)
    lines = [
        "# Page audit",
        "",
        f"`make audit-pages` on {time.strftime('%Y-%m-%d')}: Lighthouse 12.2.3 (mobile emulation, simulated",
        f"slow 4G) and axe-core {AXE_VERSION} (WCAG 2.1 A/AA rules at 360x640), against Flask's development",
        "server on this machine.",
        "",
        "| Page | Performance | Accessibility | Best practices | LCP | TBT | Transfer | axe violations |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path, name, lh, found in rows:
        cells = [f"{name} (`{path}`)", lh["performance"], lh["accessibility"], lh["best-practices"]]
        cells += [lh["LCP"], lh["TBT"], lh["transfer"], ", ".join(found) or "none"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())

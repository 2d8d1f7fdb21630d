"""Crawl speed and re-crawl cost: ``timkiem crawl`` against a generated site on 127.0.0.1.

The site is N news pages made from the first N VNTC articles (one HTML page each, with ETag
and Last-Modified, answered 304 when they match), a gzipped sitemap listing them all without
lastmod (the case that costs most requests) and robots.txt. The crawl runs with ``--delay 0``
(the default delay would measure the politeness, not the crawler) into a fresh index:

1. the first crawl: pages/s, fetch and extraction time, the build;
2. a re-crawl after a share of the pages changed (``--changed``): pages/s, how many requests
   were conditional and how many answered 304, how many pages were re-indexed.

    python benchmarks/crawl.py --pages 500
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import VNTC_FILE, iter_docs
from benchmarks.harness.report import git_revision, log, reproduce_command
from indexer.live.crawl import CrawlOptions, CrawlReport, crawl

STAMP = formatdate(1712000000, usegmt=True)
LATER = formatdate(1713000000, usegmt=True)


def page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><nav><a href='/'>Trang chủ</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        "<footer>Bản quyền</footer></body></html>"
    ).encode()


class Site:
    """path → (body, Last-Modified), served with ETag/Last-Modified and 304s."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real site
            disable_nagle_algorithm = True  # headers and body are two writes

            def do_GET(self) -> None:
                found = site.pages.get(self.path)
                if found is None:
                    self._send(404, b"", {})
                    return
                body, modified = found
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                headers = {"ETag": etag, "Last-Modified": modified}
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", headers)
                    return
                if self.path.endswith(".gz"):
                    headers["Content-Type"] = "application/gzip"
                elif self.path == "/robots.txt":
                    headers["Content-Type"] = "text/plain"
                else:
                    headers["Content-Type"] = "text/html; charset=utf-8"
                self._send(200, body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def build_site(site: Site, source: Path, n: int) -> list[str]:
    paths = []
    for i, doc in enumerate(iter_docs([source])):
        if i >= n:
            break
        title = doc.title or doc.text.strip().split("\n")[0][:120]
        path = f"/bai/{i}.html"
        site.pages[path] = (page(title, doc.text), STAMP)
        paths.append(path)
    urls = "".join(f"<url><loc>{site.base}{p}</loc></url>" for p in paths)
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    site.pages["/sitemap.xml.gz"] = (gzip.compress(sitemap.encode(), mtime=0), STAMP)
    site.pages["/robots.txt"] = (b"User-agent: *\nDisallow: /quan-tri/\n", STAMP)
    return paths


def figures(report: CrawlReport) -> dict[str, Any]:
    build = report.build
    return {
        "page_requests": report.page_requests,
        "pages_per_second": round(report.pages_per_second, 1),
        "fetch_seconds": round(report.seconds, 2),
        "conditional": report.conditional,
        "conditional_share": round(report.conditional / report.page_requests, 3)
        if report.page_requests
        else 0.0,
        "not_modified": report.not_modified,
        "new": report.new,
        "updated": report.updated,
        "build_seconds": round(build.seconds, 2) if build else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="pages on the site")
    parser.add_argument("--changed", type=float, default=0.05, help="share changed before re-crawl")
    parser.add_argument("--source", type=Path, default=VNTC_FILE, help="JSON Lines of articles")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args(argv)
    if not args.source.exists():
        parser.error(f"{args.source} not found (see the data README)")
    site = Site()
    paths = build_site(site, args.source, args.pages)
    log(f"site: {len(paths)} pages at {site.base}")
    options = CrawlOptions(max_pages=args.pages + 10, delay=0.0)
    start = [f"{site.base}/sitemap.xml.gz"]
    with tempfile.TemporaryDirectory(prefix="tk-crawl-") as index_dir:
        started = time.perf_counter()
        first = crawl(start, index_dir, options)
        first_wall = time.perf_counter() - started
        step = max(1, round(1 / args.changed)) if args.changed > 0 else 0
        changed = paths[::step] if step else []
        for path in changed:
            body, _ = site.pages[path]
            site.pages[path] = (
                body.replace(b"</article>", "<p>Cập nhật.</p></article>".encode()),
                LATER,
            )
        started = time.perf_counter()
        again = crawl(start, index_dir, options)
        again_wall = time.perf_counter() - started
    result = {
        "revision": git_revision(),
        "pages": len(paths),
        "changed": len(changed),
        "first": {**figures(first), "wall_seconds": round(first_wall, 2)},
        "recrawl": {**figures(again), "wall_seconds": round(again_wall, 2)},
    }
    for name in ("first", "recrawl"):
        f = result[name]
        print(
            f"{name:>8}: {f['page_requests']} page requests, {f['pages_per_second']} pages/s "
            f"(fetch + extraction {f['fetch_seconds']} s, build {f['build_seconds']} s, "
            f"wall {f['wall_seconds']} s); conditional {f['conditional']} "
            f"({100 * f['conditional_share']:.0f}%), 304 {f['not_modified']}, "
            f"new {f['new']}, updated {f['updated']}"
        )
    print(reproduce_command(sys.argv[0], sys.argv[1:]))
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

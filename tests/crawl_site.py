"""A small news site on 127.0.0.1 for the crawler's tests: served by http.server in a thread.

Every resource is a ``Resource`` in ``LocalSite.resources`` (path → resource), which a test
may change between two crawls; ETag and Last-Modified are answered with 304 the way a real
server does. ``LocalSite.log`` records each request (path, headers, and its place among the
requests to every site of the test).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from indexer.extract.decode import encode_legacy

HTML = "text/html; charset=utf-8"
LAST_MODIFIED = formatdate(1712000000, usegmt=True)  # 2024-04-01 19:33:20 GMT


@dataclass
class Resource:
    body: bytes = b""
    content_type: str = HTML
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True  # send an ETag (from the body) and answer If-None-Match
    last_modified: str | None = LAST_MODIFIED
    fail_first: int = 0  # answer 503 this many times first
    stall: float = 0.0  # seconds to wait before answering
    trickle: float = 0.0  # seconds between two bytes of the answer, from ``trickle_from`` on
    trickle_from: str = "body"  # or "headers": the status line and headers trickle too

    @property
    def tag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


_ORDER = itertools.count()  # requests to all the sites of a test, in the order they came


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    order: int = field(default_factory=lambda: next(_ORDER))


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    canonical: str | None = None,
    links: list[str] = (),  # type: ignore[assignment]
    charset: str = "utf-8",
    robots: str | None = None,
) -> str:
    """A news page the extractor reads: a headline, a date, paragraphs, links around it."""
    head = [f'<meta charset="{charset}">', f"<title>{title} - Báo Thử Nghiệm</title>"]
    head.append('<meta property="og:site_name" content="Báo Thử Nghiệm">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    if robots:
        head.append(f'<meta name="robots" content="{robots}">')
    nav = "".join(f'<a href="{href}">Liên kết {i}</a> ' for i, href in enumerate(links))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='vi'><head>"
        + "".join(head)
        + f"</head><body><header><nav>{nav}</nav></header>"
        + f"<article><h1>{title}</h1><div class='date'>05/04/2024 08:30</div>{body}</article>"
        + "<footer><p>Bản quyền Báo Thử Nghiệm</p></footer></body></html>"
    )


MENU = [("/index.html", "Trang chủ"), ("/chuyen-muc.html", "Thời sự")]


def list_page(
    title: str,
    links: list[tuple[str, str]],
    *,
    og_type: str | None = None,
    menu: list[tuple[str, str]] = MENU,
) -> str:
    """A home or section page: the site's menu, then a list of headlines linking to articles."""
    head = [f'<meta charset="utf-8"><title>{title} - Báo Thử Nghiệm</title>']
    if og_type:
        head.append(f'<meta property="og:type" content="{og_type}">')
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    nav = " ".join(f'<a href="{href}">{text}</a>' for href, text in menu)
    return (
        "<!DOCTYPE html><html lang='vi'><head>"
        + "".join(head)
        + f"</head><body><header><nav>{nav}</nav></header>"
        + f"<main><h2>Tin mới</h2><ul>{items}</ul></main>"
        + "<footer><p>Bản quyền Báo Thử Nghiệm</p></footer></body></html>"
    )


def directory_listing(path: str, names: list[str]) -> str:
    """A web server's directory listing, as nginx's autoindex writes it."""
    rows = "".join(
        f'<a href="{n}">{n}</a>{" " * (40 - len(n))}05-Apr-2024 08:30    {1000 + i}\r\n'
        for i, n in enumerate(names)
    )
    return (
        f"<html>\r\n<head><title>Index of {path}</title></head>\r\n<body>\r\n"
        f'<h1>Index of {path}</h1><hr><pre><a href="../">../</a>\r\n{rows}</pre><hr></body>\r\n'
        "</html>\r\n"
    )


def html(text: str) -> Resource:
    return Resource(text.encode("utf-8"))


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


class LocalSite:
    """The site and its server; ``url(path)`` is an absolute address on it."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.log: list[Request] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site.lock:
                    site.log.append(Request(self.path, dict(self.headers.items())))
                    res = site.resources.get(self.path.split("#")[0])
                    failing = res is not None and res.fail_first > 0
                    if failing:
                        res.fail_first -= 1
                if res is not None and res.stall:
                    time.sleep(res.stall)
                if failing:
                    self._send(503, b"busy", "text/plain", {"Retry-After": "1"})
                    return
                if res is None:
                    self._send(404, b"not found", "text/plain", {})
                    return
                headers = dict(res.headers)
                if res.etag:
                    headers["ETag"] = res.tag
                if res.last_modified:
                    headers["Last-Modified"] = res.last_modified
                if res.trickle:
                    self._trickle(res, headers)
                    return
                if res.status == 200:
                    match = self.headers.get("If-None-Match")
                    since = self.headers.get("If-Modified-Since")
                    if (res.etag and match == res.tag) or (
                        not match and res.last_modified and since == res.last_modified
                    ):
                        self._send(304, b"", None, headers)
                        return
                self._send(res.status, res.body, res.content_type, headers)

            def _send(
                self, status: int, body: bytes, ctype: str | None, headers: dict[str, str]
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # The client may have stopped reading (a size cap, a timeout).
                if body:
                    with contextlib.suppress(OSError):
                        self.wfile.write(body)

            def _trickle(self, res: Resource, headers: dict[str, str]) -> None:
                head = [f"HTTP/1.1 {res.status} OK", f"Content-Type: {res.content_type}"]
                head += [f"{k}: {v}" for k, v in headers.items()]
                head.append(f"Content-Length: {len(res.body)}")
                raw_head = ("\r\n".join(head) + "\r\n\r\n").encode()
                slow = raw_head + res.body if res.trickle_from == "headers" else res.body
                try:
                    if res.trickle_from != "headers":
                        self.wfile.write(raw_head)
                    for i in range(len(slow)):
                        self.wfile.write(slow[i : i + 1])
                        time.sleep(res.trickle)
                except OSError:
                    pass  # the client gave up, as it should
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def requests_for(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.log if r.path == path]

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.log]

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()


# --- The news site the tests crawl ------------------------------------------------------------

PAGES = {
    "/tin/1.html": ("Hội nghị giao ban công tác dân vận", "dân vận khéo ở thôn bản vùng cao"),
    "/tin/2.html": ("Mùa lúa chín ở Bắc Kạn", "nông dân phấn khởi vì lúa được mùa"),
    "/tin/3.html": ("Khánh thành cầu treo Nà Phặc", "cây cầu nối hai bờ suối cho học sinh"),
    "/tin/moi.html": ("Địa chỉ mới của bài viết", "bài viết đã chuyển sang địa chỉ mới"),
    "/tin/loi.html": ("Lễ hội xuống đồng", "lễ hội mở đầu mùa cày cấy của đồng bào Tày"),
    "/tin/4.html": ("Trồng rừng gỗ lớn", "hợp tác xã trồng rừng gỗ lớn thu lãi cao"),
    "/private/bi-mat.html": ("Trang nội bộ", "tài liệu nội bộ không được thu thập"),
}
SHARED = ("Bản gốc của bài chia sẻ", "bài chia sẻ có một địa chỉ chính thức")
WINDOWS_1258 = ("Người dân Phong Điền đón Tết", "đồng bào háo hức chuẩn bị đón Tết Nguyên đán")


def paragraphs(lead: str) -> list[str]:
    return [
        f"Sáng 05/4, {lead}.",
        "Theo ban tổ chức, hoạt động thu hút đông đảo người dân tham gia.",
        "Chính quyền địa phương cho biết sẽ tiếp tục duy trì trong những năm tới.",
    ]


def build_news_site(site: LocalSite) -> None:
    """Fill ``site`` with the news site: robots.txt (``/private/`` disallowed), a sitemap
    index with a gzipped sitemap and a plain one, an RSS feed, an Atom feed, pages (one in
    windows-1258, one behind a redirect, one whose canonical address is another), a PDF, and
    a home page (a list of headlines) → section page → article for following links."""
    r = site.resources
    r["/robots.txt"] = Resource(
        b"User-agent: *\nDisallow: /private/\n\nSitemap: /sitemap_index.xml\n", "text/plain"
    )
    for path, (title, lead) in PAGES.items():
        r[path] = html(article_page(title, paragraphs(lead)))
    r["/tin/chia-se.html"] = html(
        article_page(SHARED[0], paragraphs(SHARED[1]), canonical="/tin/goc.html")
    )
    title, lead = WINDOWS_1258
    page = article_page(title, paragraphs(lead), charset="windows-1258")
    # Only Last-Modified, no ETag: a re-crawl asks If-Modified-Since.
    r["/tin/phong-dien.html"] = Resource(
        encode_legacy(page, "cp1258"), "text/html; charset=windows-1258", etag=False
    )
    r["/tin/cu.html"] = Resource(b"", status=301, headers={"Location": "/tin/moi.html"})
    r["/tai-lieu.pdf"] = Resource(b"%PDF-1.4 not a page", "application/pdf")
    r["/index.html"] = html(
        list_page(
            "Trang chủ",
            [
                ("/chuyen-muc.html", "Chuyên mục thời sự"),
                (site.url("/ngoai.html", host="localhost"), "Tin của một báo khác"),
                ("/tin/1.html", PAGES["/tin/1.html"][0]),
            ],
        )
    )
    r["/chuyen-muc.html"] = html(
        article_page(
            "Chuyên mục thời sự",
            paragraphs("tổng hợp tin thời sự trong tỉnh"),
            links=["/tin/4.html", "/private/bi-mat.html"],
        )
    )

    def urlset(paths: list[tuple[str, str | None]]) -> bytes:
        items = "".join(
            f"<url><loc>{site.url(p)}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>"
            for p, m in paths
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
        ).encode()

    r["/sitemap-tin.xml.gz"] = Resource(
        gzipped(
            urlset(
                [
                    ("/tin/1.html", "2024-04-01"),
                    ("/tin/2.html", None),
                    ("/private/bi-mat.html", "2024-04-01"),
                    ("/tin/cu.html", None),
                    ("/tin/phong-dien.html", None),
                ]
            )
        ),
        "application/gzip",
    )
    r["/sitemap-trang.xml"] = Resource(
        urlset(
            [
                ("/tin/loi.html", None),
                ("/tin/chia-se.html", None),
                ("/tai-lieu.pdf", None),
            ]
        ),
        "application/xml",
    )
    r["/sitemap_index.xml"] = Resource(
        (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.url('/sitemap-tin.xml.gz')}</loc>"
            "<lastmod>2024-04-01</lastmod></sitemap>"
            f"<sitemap><loc>{site.url('/sitemap-trang.xml')}</loc></sitemap>"
            "</sitemapindex>"
        ).encode(),
        "application/xml",
    )
    r["/rss.xml"] = Resource(
        (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>Báo Thử Nghiệm</title><link>/</link><description>Tin mới</description>"
            "<item><title>Khánh thành cầu treo</title><link>/tin/3.html</link>"
            "<pubDate>Fri, 05 Apr 2024 08:30:00 +0700</pubDate></item>"
            "</channel></rss>"
        ).encode(),
        "application/rss+xml",
    )
    r["/atom.xml"] = Resource(
        (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Báo Thử Nghiệm</title>'
            "<id>urn:x</id><updated>2024-04-05T01:30:00Z</updated>"
            '<entry><title>Mùa lúa</title><link href="/tin/2.html"/><id>urn:2</id>'
            "<updated>2024-04-05T01:30:00Z</updated></entry></feed>"
        ).encode(),
        "application/atom+xml",
    )


class FakeClock:
    """A clock that only moves when the fetcher sleeps: waits are recorded, not waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def __call__(self) -> float:
        return self.now

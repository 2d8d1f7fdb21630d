"""How the crawler's list-page rule (``indexer.live.crawl.listpage``) sorts real text.

Real VNTC articles (a random sample, and the shortest ones) are laid out as a portal lays
them out, at their worst for the rule: no ``og:type``, no schema.org type, 64 menu links, a
"Tin liên quan" list of 5 (or 10) headlines inside the article and 10 in a sidebar. List
pages are made from VNTC headlines: home pages of 10-60 headline links (with or without a
date each, or with a 30-word lead each), and directory listings as nginx, Apache and
Python's http.server write them. Each page goes through the crawler's extraction and the
rule; a page whose extracted text is not its article's (the extractor's failure, not the
rule's) is counted apart.

    python benchmarks/list_pages.py [--docs 30000] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import DATA_DIR
from indexer.article import Article
from indexer.extract.chrome import fold
from indexer.extract.htmlpage import extract_htmlpage
from indexer.live.crawl.listpage import page_shape

MENU = ["Thời sự", "Chính trị", "Kinh tế", "Xã hội", "Văn hóa", "Thể thao", "Pháp luật"]
MENU += ["Giáo dục", "Y tế", "Quốc tế", "Nông nghiệp", "Du lịch", "Đời sống", "Công nghệ"]
MENU = [*MENU, "Ảnh", "Video"] * 4
FOOTER = "".join(f'<a href="/f/{i}">Liên hệ {i}</a> ' for i in range(20))

Item = tuple[str, list[str]]  # headline, paragraphs


def read_items(source: Path, limit: int) -> list[Item]:
    items = []
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= limit:
                break
            lines = [x.strip() for x in json.loads(line)["text"].split("\n") if x.strip()]
            if lines:
                items.append((" ".join(lines[0].split()[:12]), lines))
    return items


def links(headlines: list[str]) -> str:
    rows = "".join(
        f'<li><a href="/tin/{i}.html">{html.escape(h)}</a></li>' for i, h in enumerate(headlines)
    )
    return f"<ul>{rows}</ul>"


def page(body: str, title: str) -> str:
    nav = "".join(f'<a href="/c/{i}">{n}</a> ' for i, n in enumerate(MENU))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} - Báo"
        f"</title></head><body><header><nav>{nav}</nav></header>{body}"
        f"<footer>{FOOTER}<p>Bản quyền thuộc Báo Thử Nghiệm</p></footer></body></html>"
    )


def article(item: Item, heads: list[str], related: int) -> str:
    title, paras = item
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    box = f"<div><strong>Tin liên quan</strong>{links(random.sample(heads, related))}</div>"
    side = f"<aside><h3>Đọc nhiều</h3>{links(random.sample(heads, 10))}</aside>"
    return page(
        f"<main><article><h1>{html.escape(title)}</h1><div class='date'>05/04/2024 08:30</div>"
        f"{body}{box}</article>{side}</main>",
        title,
    )


def home(heads: list[str], extra: Callable[[int], str]) -> str:
    rows = "".join(
        f'<div class="item"><a href="/tin/{i}.html">{html.escape(h)}</a>{extra(i)}</div>'
        for i, h in enumerate(heads)
    )
    return page(f"<main><h2>Tin mới</h2>{rows}</main>", "Trang chủ")


def nginx(names: list[str]) -> str:
    rows = "".join(
        f'<a href="{n}">{n}</a>   05-Apr-2024 08:30   {1000 + i}\r\n' for i, n in enumerate(names)
    )
    return (
        "<html><head><title>Index of /</title></head><body><h1>Index of /</h1><hr><pre>"
        f'<a href="../">../</a>\r\n{rows}</pre><hr></body></html>'
    )


def apache(names: list[str]) -> str:
    rows = "".join(
        f'<tr><td><a href="{n}">{n}</a></td><td align="right">2024-04-05 08:30</td>'
        f'<td align="right">3.3K</td></tr>'
        for n in names
    )
    return (
        "<html><head><title>Index of /tin</title></head><body><h1>Index of /tin</h1><table>"
        '<tr><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th>'
        '<th><a href="?C=S;O=A">Size</a></th></tr><tr><td><a href="/">Parent Directory</a></td>'
        f"<td></td><td>-</td></tr>{rows}</table><address>Apache/2.4.58 Server at 127.0.0.1"
        "</address></body></html>"
    )


def python_listing(names: list[str], folder: Path) -> str:
    """http.server's own listing of ``folder`` (``names`` are not used: its files are)."""
    handler = SimpleHTTPRequestHandler.__new__(SimpleHTTPRequestHandler)
    handler.path = "/"
    for name in ("send_response", "send_header", "end_headers", "send_error"):
        setattr(handler, name, lambda *a: None)
    handler.wfile = io.BytesIO()
    listing = handler.list_directory(str(folder))
    return listing.read().decode("utf-8") if listing else ""


def verdict(text: str, expected_tail: str | None) -> str:
    item = extract_htmlpage(text, article_id="x", path="/p")
    if not isinstance(item, Article):
        return "no text (skipped)"
    out = "list page" if page_shape(text, item).is_list else "article"
    if expected_tail is not None and expected_tail not in fold(" ".join(item.body.split())):
        out += " (extracted text not the article's)"
    return out


def lead(item: Item) -> str:
    return html.escape(" ".join(" ".join(item[1]).split()[:30]))


def tail(item: Item) -> str:
    return fold(" ".join(item[1][-1].split()[-8:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=30_000, help="VNTC articles read")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="the shared data folder holding vntc/ (default: ../shared/data beside the repo)",
    )
    args = parser.parse_args()
    random.seed(7)
    items = read_items(args.data_dir / "vntc" / "vntc_10topics.jsonl.gz", args.docs)
    heads = [h for h, _ in items[:2000]]
    shortest = sorted(items, key=lambda it: sum(len(p.split()) for p in it[1]))[:300]
    picked = random.sample(items, 1500)
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    names = [f"bai-{i}.html" for i in range(200)]
    sizes = range(1, 201, 4)
    cases: list[tuple[str, list[tuple[str, str | None]]]] = [
        ("articles, random sample", [(article(i, heads, 5), tail(i)) for i in picked]),
        (
            "articles, the 300 shortest (50-60 words)",
            [(article(i, heads, 5), tail(i)) for i in shortest],
        ),
        (
            "the 300 shortest, 10 related headlines",
            [(article(i, heads, 10), tail(i)) for i in shortest],
        ),
        (
            "home pages: 10-60 headline links",
            [(home(random.sample(heads, n), lambda i: ""), None) for n in range(10, 61)],
        ),
        (
            "home pages: headline links and dates",
            [
                (home(random.sample(heads, n), lambda i: " <span>05/04/2024</span>"), None)
                for n in range(10, 61)
            ],
        ),
        (
            "home pages: headline link and a 30-word lead each",
            [
                (home(random.sample(heads, n), lambda i: f"<p>{lead(items[i])}</p>"), None)
                for n in range(10, 61)
            ],
        ),
        ("directory listings (nginx), 1-200 files", [(nginx(names[:n]), None) for n in sizes]),
        ("directory listings (Apache), 1-200 files", [(apache(names[:n]), None) for n in sizes]),
        (
            "directory listing (Python http.server) of seeds/",
            [(python_listing(names, seeds), None)],
        ),
    ]
    for name, pages in cases:
        counts = Counter(verdict(text, expected) for text, expected in pages)
        shown = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        print(f"{name:52s} {len(pages):5,d}  {shown}")


if __name__ == "__main__":
    main()

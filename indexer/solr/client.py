"""Talking to a SolrCloud collection over HTTP (Solr's JSON APIs, through httpx).

``SOLR_URL`` names the collection on one node or several, comma-separated:
``http://127.0.0.1:8983/solr/timkiem,http://127.0.0.1:8984/solr/timkiem``. Any live node
serves any request (SolrCloud routes it to the shards), so a request that cannot reach one
node is sent to the next. A URL may carry Solr basic-auth credentials
(``https://user:secret@solr.example.vn/solr/timkiem``); https is verified as usual.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from ..errors import TimkiemError
from .schema import CONFIGSET, SOLR_SCHEMA

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
ADMIN_TIMEOUT = httpx.Timeout(180.0, connect=5.0)  # creating a collection waits for its cores


class SolrError(TimkiemError):
    """Solr cannot be reached, or refused a request; the message says what to do."""

    status = 503


@dataclass(frozen=True)
class SolrTarget:
    """Where a collection is: its nodes' base URLs (``…/solr``) and its name."""

    nodes: tuple[str, ...]
    collection: str
    auth: tuple[str, str] | None = None

    @classmethod
    def parse(cls, solr_url: str) -> SolrTarget:
        """``http://h:8983/solr/timkiem,http://h:8984/solr/timkiem`` → the two nodes and
        ``timkiem``. Every URL must name the same collection."""
        nodes: list[str] = []
        names: set[str] = set()
        auth: tuple[str, str] | None = None
        for part in (p.strip() for p in solr_url.split(",")):
            if not part:
                continue
            url = urlsplit(part)
            path = url.path.rstrip("/")
            base, _, name = path.rpartition("/")
            try:
                port = url.port
            except ValueError:
                port = -1
            if (
                url.scheme not in ("http", "https")
                or not url.hostname
                or not name
                or not base
                or port == -1
            ):
                raise SolrError(
                    f"SOLR_URL must be node URLs ending in the collection, such as "
                    f"http://127.0.0.1:8983/solr/timkiem; got {part!r}"
                )
            if url.username:
                auth = (url.username, url.password or "")
            netloc = url.hostname + (f":{port}" if port else "")
            nodes.append(urlunsplit((url.scheme, netloc, base, "", "")))
            names.add(name)
        if not nodes:
            raise SolrError("SOLR_URL is empty: give a node URL ending in the collection.")
        if len(names) > 1:
            raise SolrError(f"SOLR_URL names several collections: {', '.join(sorted(names))}")
        return cls(tuple(nodes), names.pop(), auth)

    @property
    def url(self) -> str:
        """The ``SOLR_URL`` of this target (without credentials)."""
        return ",".join(f"{node}/{self.collection}" for node in self.nodes)


class SolrClient:
    """Requests to one collection's nodes, each tried in turn until one answers."""

    def __init__(self, target: SolrTarget | str, *, timeout: httpx.Timeout = TIMEOUT) -> None:
        self.target = SolrTarget.parse(target) if isinstance(target, str) else target
        self._http = httpx.Client(timeout=timeout, auth=self.target.auth)
        self._first = 0  # the node that answered last is asked first

    @property
    def collection(self) -> str:
        return self.target.collection

    def close(self) -> None:
        self._http.close()

    def __del__(self) -> None:
        # A command that searches once drops its client without closing it: its pooled
        # connections are closed here rather than left for the garbage collector to warn of.
        http = getattr(self, "_http", None)
        if http is not None:
            http.close()

    def __enter__(self) -> SolrClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, timeout: httpx.Timeout | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A JSON request to ``path`` under a node's ``/solr``; the next node is tried when
        one cannot be reached or answers 503 (it is starting or has lost ZooKeeper)."""
        nodes = self.target.nodes
        errors: list[str] = []
        for i in range(len(nodes)):
            at = (self._first + i) % len(nodes)
            try:
                answer = self._http.request(
                    method,
                    nodes[at] + path,
                    timeout=timeout or self._http.timeout,
                    **kwargs,
                )
            except httpx.TransportError as exc:
                errors.append(f"{nodes[at]}: {exc.__class__.__name__}")
                continue
            if answer.status_code == 503:
                errors.append(f"{nodes[at]}: 503")
                continue
            self._first = at
            return _json(answer)
        raise SolrError(
            f"No Solr node answered ({'; '.join(errors)}). Is the cluster running? "
            f"(timkiem solr status; for a local one: timkiem solr start)"
        )

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any, **params: Any) -> dict[str, Any]:
        return self.request("POST", path, params=params, json=body)

    # -- the collection -------------------------------------------------------------------

    def cluster_status(self) -> dict[str, Any]:
        return self.get("/admin/collections", action="CLUSTERSTATUS")["cluster"]

    def collection_exists(self) -> bool:
        return self.collection in self.cluster_status().get("collections", {})

    def schema_name(self) -> str:
        return str(self.get(f"/{self.collection}/schema/name").get("name"))

    def check_schema(self) -> None:
        """Raise ``SolrError`` naming the fix unless the collection exists with this
        version's schema."""
        if not self.collection_exists():
            raise SolrError(
                f"Solr has no collection {self.collection!r}. Create it with: timkiem solr create"
            )
        found = self.schema_name()
        if found != SOLR_SCHEMA:
            raise SolrError(schema_mismatch(self.collection, found))

    def create_collection(self, shards: int, replicas: int) -> bool:
        """Upload timkiem's configset and create the collection; False when it exists
        already with this schema. Raises ``SolrError`` when it exists with another one."""
        if self.collection_exists():
            found = self.schema_name()
            if found != SOLR_SCHEMA:
                raise SolrError(schema_mismatch(self.collection, found))
            return False
        self.request(
            "POST",
            "/admin/configs",
            params={"action": "UPLOAD", "name": CONFIGSET, "overwrite": "true"},
            content=configset_zip(),
            headers={"Content-Type": "application/octet-stream"},
            timeout=ADMIN_TIMEOUT,
        )
        self.request(
            "GET",
            "/admin/collections",
            params={
                "action": "CREATE",
                "name": self.collection,
                "numShards": shards,
                "replicationFactor": replicas,
                "collection.configName": CONFIGSET,
                "waitForFinalState": "true",
            },
            timeout=ADMIN_TIMEOUT,
        )
        return True

    def delete_collection(self) -> None:
        self.request(
            "GET",
            "/admin/collections",
            params={"action": "DELETE", "name": self.collection},
            timeout=ADMIN_TIMEOUT,
        )

    # -- documents ------------------------------------------------------------------------

    def update(
        self,
        docs: Sequence[dict[str, Any]] = (),
        deletes: Sequence[str] = (),
        *,
        min_rf: int = 1,
        commit: bool = False,
    ) -> None:
        """Add or replace ``docs`` and delete the ids ``deletes`` in one request. Raises
        ``SolrError`` when fewer than ``min_rf`` replicas of a shard acknowledged it."""
        # Solr's JSON update format repeats the key "add" once per document: written by
        # hand, since a dict cannot hold a key twice.
        commands = [("delete", list(deletes))] if deletes else []
        commands += [("add", {"doc": doc}) for doc in docs]
        content = "{" + ",".join(_dumps(k) + ":" + _dumps(v) for k, v in commands) + "}"
        params: dict[str, Any] = {"min_rf": min_rf, "wt": "json"}
        if commit:
            params["commit"] = "true"
        answer = self.request(
            "POST",
            f"/{self.collection}/update",
            params=params,
            content=content.encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        rf = answer.get("responseHeader", {}).get("rf")
        if rf is not None and int(rf) < min_rf:
            raise SolrError(
                f"Solr acknowledged a batch on {rf} replica(s) of a shard, fewer than the "
                f"{min_rf} asked for: some replicas are down (timkiem solr status)."
            )

    def commit(self) -> None:
        self.get(f"/{self.collection}/update", commit="true")

    def select(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/{self.collection}/select", data=params)

    def scan(self, fl: str, q: str = "*:*", rows: int = 1000) -> Iterator[dict[str, Any]]:
        """Every document matching ``q`` with the fields ``fl``, by cursor (in id order)."""
        cursor = "*"
        while True:
            found = self.select(
                {"q": q, "fl": fl, "rows": rows, "sort": "id asc", "cursorMark": cursor}
            )
            yield from found["response"]["docs"]
            following = found.get("nextCursorMark", cursor)
            if following == cursor:
                return
            cursor = following


def schema_mismatch(collection: str, found: str) -> str:
    return (
        f"The Solr collection {collection!r} has the schema {found!r}; this version of timkiem "
        f"writes {SOLR_SCHEMA!r}. Recreate it and index again: timkiem solr create --recreate, "
        f"then timkiem index --rebuild SOURCES"
    )


def configset_zip() -> bytes:
    """timkiem's configset (``files/configset``) as the zip Solr's Configsets API takes."""
    folder = resources.files(__package__).joinpath("files", "configset")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file():
                z.writestr(entry.name, entry.read_bytes())
    return out.getvalue()


def quote_term(term: str) -> str:
    """A term for Solr's standard query parser, its special characters escaped."""
    return "".join("\\" + c if c in _SPECIAL else c for c in term)


_SPECIAL = set('+-&|!(){}[]^"~*?:\\/ ')


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        data = answer.json()
    except ValueError:
        data = None
    if answer.status_code >= 400 or not isinstance(data, dict):
        message = ""
        if isinstance(data, dict):
            message = str(data.get("error", {}).get("msg", "")) or str(data)[:300]
        raise SolrError(
            f"Solr answered {answer.status_code} to {answer.request.method} "
            f"{answer.request.url.path}: {message or answer.text[:300]}"
        )
    return data


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def ids_query(ids: Iterable[str]) -> str:
    """A query for documents by id: ``{!terms f=id}a,b`` (ids hold no commas here)."""
    return "{!terms f=id}" + ",".join(ids)

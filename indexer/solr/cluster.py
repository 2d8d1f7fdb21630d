"""A local SolrCloud for trials and tests: ZooKeeper and N Solr nodes on 127.0.0.1, each in
its own Java process (so that one can be killed), from Solr's jars on Maven Central.

Solr's binary tarball cannot be had here; its jars can. ``files/pom.xml`` names them; they are
fetched once with Maven into the user's cache (``jar_cache``). ZooKeeper runs as
``ZooKeeperServerMain``; each node runs ``files/SolrNode.java`` (a page of Java in
single-file source mode around Solr's own ``JettySolrRunner``). The cluster's folder (``--data``)
holds each process's home, log and ``cluster.json``: the ports and process ids that
``stop`` and ``status`` read. Production clusters are the operator's (docs/solr.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from .client import SolrError

SOLR_VERSION = "9.10.1"
DEFAULT_PORT = 8983
ZK_OFFSET = 1000  # ZooKeeper listens on the first node's port + 1000, as Solr's own does
DEFAULT_HEAP = "512m"
ZK_HEAP = "128m"
START_TIMEOUT = 180.0  # seconds for every node to be live (the first start compiles the node)
STOP_TIMEOUT = 30.0
STATE = "cluster.json"
JAVA_MIN = 17


@dataclass
class Process:
    """One process of the cluster: what it is, where it listens, its id."""

    role: str  # "zookeeper" or "solr"
    port: int
    pid: int
    home: str

    @property
    def url(self) -> str:
        if self.role == "zookeeper":
            return f"127.0.0.1:{self.port}"
        return f"http://127.0.0.1:{self.port}/solr"


@dataclass
class Cluster:
    """A local cluster as ``cluster.json`` records it."""

    data: str
    zookeeper: Process
    nodes: list[Process] = field(default_factory=list)

    def save(self) -> None:
        path = Path(self.data) / STATE
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, data: str | os.PathLike[str]) -> Cluster | None:
        path = Path(data) / STATE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return cls(raw["data"], Process(**raw["zookeeper"]), [Process(**n) for n in raw["nodes"]])

    def solr_url(self, collection: str) -> str:
        """``SOLR_URL`` for ``collection`` on every node of this cluster."""
        return ",".join(f"{node.url}/{collection}" for node in self.nodes)


# -- the jars ---------------------------------------------------------------------------------


def jar_cache() -> Path:
    """Where Solr's jars are kept: ``TIMKIEM_SOLR_JARS``, else the user's cache folder
    (``$XDG_CACHE_HOME`` or ``~/.cache``) ``/timkiem/solr-9.10.1``."""
    given = os.environ.get("TIMKIEM_SOLR_JARS")
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "timkiem" / f"solr-{SOLR_VERSION}"


def jars_ready(cache: Path | None = None) -> bool:
    """Whether the jars were fetched whole (``fetch_jars`` marks the end of a fetch)."""
    return ((cache or jar_cache()) / "complete").exists()


def fetch_jars(say: Callable[[str], None] = print, cache: Path | None = None) -> Path:
    """Solr's and ZooKeeper's jars in the cache, fetched with Maven the first time (about
    90 MB); the folder of jars."""
    cache = cache or jar_cache()
    lib = cache / "lib"
    if jars_ready(cache):
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise SolrError(
            "Maven (mvn) is needed once, to fetch Solr's jars: install it "
            "(Debian/Ubuntu: apt-get install maven), or put the jars of "
            f"indexer/solr/files/pom.xml in {lib} and create {cache / 'complete'}"
        )
    say(f"Fetching Solr {SOLR_VERSION}'s jars with Maven into {cache} (once, about 90 MB) …")
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / "lib.partial"
    shutil.rmtree(partial, ignore_errors=True)
    pom = resources.files(__package__).joinpath("files", "pom.xml")
    with resources.as_file(pom) as pom_path:
        done = subprocess.run(
            [
                mvn,
                "-B",
                "-q",
                "-f",
                str(pom_path),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={partial}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise SolrError(f"Maven could not fetch Solr's jars (exit {done.returncode}):\n{tail}")
    shutil.rmtree(lib, ignore_errors=True)
    partial.rename(lib)
    (cache / "complete").write_text(SOLR_VERSION + "\n", encoding="utf-8")
    return lib


def java_command() -> str:
    """The ``java`` to run (``JAVA_HOME``'s, else the one on PATH), checked to be 17 or
    newer."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise SolrError(
            f"Java {JAVA_MIN} or newer is needed to run Solr: install it "
            "(Debian/Ubuntu: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
        )
    done = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    words = (done.stderr or done.stdout).split('"')
    version = words[1] if len(words) > 1 else ""
    major = version.split(".")[0]
    if not major.isdigit() or int(major) < JAVA_MIN:
        raise SolrError(
            f"Solr {SOLR_VERSION} needs Java {JAVA_MIN} or newer; {java} is "
            f"{version or 'of an unknown version'}. Install a newer JDK or set JAVA_HOME to one."
        )
    return java


# -- processes -------------------------------------------------------------------------------


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def running(process: Process) -> bool:
    """Whether ``process`` still runs: its pid is alive and is still this cluster's (its
    command line names its home), not another program given the same id later."""
    try:
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
    except OSError:
        if sys.platform.startswith("linux"):
            return False
        try:
            os.kill(process.pid, 0)
        except OSError:
            return False
        return True
    return process.home.encode() in cmdline


# The cluster's processes started by this one, kept: they are meant to outlive the call
# that started them (the tests start a node from inside pytest), and a dropped Popen of a
# process still running warns.
_STARTED: list[subprocess.Popen[bytes]] = []


def _spawn(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        child = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the command that started it
        )
    _STARTED.append(child)
    return child


def _zk_ok(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.sendall(b"ruok")
            return s.recv(4) == b"imok"
    except OSError:
        return False


def live_nodes(node_url: str) -> list[str]:
    """The live nodes a node's view of the cluster lists (empty when it does not answer)."""
    try:
        answer = httpx.get(
            node_url + "/admin/collections", params={"action": "CLUSTERSTATUS"}, timeout=5.0
        )
        return list(answer.json()["cluster"]["live_nodes"])
    except (httpx.HTTPError, ValueError, KeyError):
        return []


def _log_tail(path: str | Path, lines: int = 20) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line for line in text.splitlines() if not line.lstrip().startswith("at ")]
    return "\n".join(kept[-lines:])


def start(
    data: str | os.PathLike[str],
    *,
    nodes: int = 2,
    port: int = DEFAULT_PORT,
    heap: str = DEFAULT_HEAP,
    say: Callable[[str], None] = print,
    timeout: float = START_TIMEOUT,
) -> Cluster:
    """Start ZooKeeper and ``nodes`` Solr nodes (ports ``port``, ``port`` + 1, …; ZooKeeper
    on ``port`` + 1000) and wait until every node is live.

    A folder that holds a cluster already (``cluster.json``) restarts what of it is stopped,
    on its own ports, with its data: a node that was killed rejoins, a stopped cluster comes
    back with its collections (``nodes`` and ``port`` are then not used)."""
    folder = Path(data).resolve()
    cluster = Cluster.load(folder)
    if cluster is None:
        zk_port = port + ZK_OFFSET
        cluster = Cluster(
            str(folder),
            Process("zookeeper", zk_port, 0, str(folder / "zookeeper")),
            [Process("solr", port + i, 0, str(folder / f"node{i + 1}")) for i in range(nodes)],
        )
    stopped = [p for p in [cluster.zookeeper, *cluster.nodes] if not p.pid or not running(p)]
    if not stopped:
        raise SolrError(
            f"The cluster of {folder} is running already (timkiem solr status --data {data}; "
            f"timkiem solr stop --data {data} to stop it)"
        )
    taken = [p.port for p in stopped if not port_free(p.port)]
    if taken:
        raise SolrError(
            f"Port{'s' if len(taken) > 1 else ''} {', '.join(map(str, taken))} "
            f"{'are' if len(taken) > 1 else 'is'} in use: choose others with --port"
        )
    java = java_command()
    classpath = str(fetch_jars(say) / "*")
    folder.mkdir(parents=True, exist_ok=True)
    files = resources.files(__package__).joinpath("files")
    deadline = time.monotonic() + timeout

    zk = cluster.zookeeper
    if zk in stopped:
        Path(zk.home).mkdir(exist_ok=True)
        child = _spawn(
            [
                java,
                f"-Xmx{ZK_HEAP}",
                "-Dzookeeper.admin.enableServer=false",
                "-Dzookeeper.4lw.commands.whitelist=ruok",
                "-cp",
                classpath,
                "org.apache.zookeeper.server.ZooKeeperServerMain",
                str(zk.port),
                zk.home,
            ],
            Path(zk.home) / "zookeeper.log",
        )
        zk.pid = child.pid
        cluster.save()
        while not _zk_ok(zk.port):
            # Its own child's state, not ``running``: until it has exec'd java, its command
            # line is still this process's.
            if child.poll() is not None or time.monotonic() > deadline:
                stop(folder)
                raise SolrError(
                    f"ZooKeeper did not start on port {zk.port}:\n"
                    + _log_tail(Path(zk.home) / "zookeeper.log")
                )
            time.sleep(0.3)

    launcher = folder / "SolrNode.java"
    launcher.write_bytes(files.joinpath("SolrNode.java").read_bytes())
    children: list[tuple[Process, subprocess.Popen[bytes]]] = []
    for node in cluster.nodes:
        if node not in stopped:
            continue
        home = Path(node.home)
        home.mkdir(exist_ok=True)
        (home / "solr.xml").write_bytes(files.joinpath("solr.xml").read_bytes())
        child = _spawn(
            [
                java,
                f"-Xmx{heap}",
                f"-Dsolr.log.dir={home}",
                "-cp",
                classpath,
                str(launcher),
                str(home),
                str(node.port),
                zk.url,
            ],
            home / "solr.log",
        )
        node.pid = child.pid
        children.append((node, child))
        cluster.save()
    if children:
        say(f"Waiting for {count(len(children), 'Solr node')} to join the cluster …")
    want = {f"127.0.0.1:{n.port}_solr" for n in cluster.nodes}
    while True:
        dead = [n for n, c in children if c.poll() is not None]
        if dead:
            stop(folder)
            raise SolrError(
                f"The Solr node on port {dead[0].port} stopped while starting:\n"
                + _log_tail(Path(dead[0].home) / "solr.log")
            )
        if want <= set(live_nodes((children[0][0] if children else cluster.nodes[0]).url)):
            return cluster
        if time.monotonic() > deadline:
            stop(folder)
            raise SolrError(
                f"The Solr nodes were not all live after {timeout:.0f} s; see the logs in "
                f"{folder}/node*/solr.log"
            )
        time.sleep(0.5)


def stop(data: str | os.PathLike[str], timeout: float = STOP_TIMEOUT) -> list[Process]:
    """Stop the cluster's processes (nodes first, then ZooKeeper): SIGTERM, then SIGKILL
    after ``timeout``. The processes that were running."""
    cluster = Cluster.load(data)
    if cluster is None:
        return []
    alive = [p for p in [*cluster.nodes, cluster.zookeeper] if running(p)]
    for group in (
        [p for p in alive if p.role == "solr"],
        [p for p in alive if p is cluster.zookeeper],
    ):
        for p in group:
            _signal(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while any(running(p) for p in group) and time.monotonic() < deadline:
            time.sleep(0.2)
        for p in group:
            if running(p):
                _signal(p.pid, signal.SIGKILL)
    for p in alive:
        _reap(p.pid)
    return alive


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    """Collect a stopped child of this process (a cluster started by the same process, as in
    the tests), so that it leaves no zombie behind."""
    for child in [c for c in _STARTED if c.pid == pid]:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
        _STARTED.remove(child)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def status(data: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Each process of the cluster with its state, and each collection's shards and
    replicas as a live node sees them; None when ``data`` holds no cluster."""
    cluster = Cluster.load(data)
    if cluster is None:
        return None
    live: set[str] = set()
    collections: dict[str, Any] = {}
    for node in cluster.nodes:
        if not running(node):
            continue
        try:
            answer = httpx.get(
                node.url + "/admin/collections", params={"action": "CLUSTERSTATUS"}, timeout=5.0
            ).json()["cluster"]
        except (httpx.HTTPError, ValueError, KeyError):
            continue
        live = set(answer.get("live_nodes", []))
        collections = {
            name: {
                shard: [
                    {
                        "node": replica.get("base_url"),
                        "state": replica.get("state"),
                        "leader": replica.get("leader") == "true",
                    }
                    for replica in info.get("replicas", {}).values()
                ]
                for shard, info in coll.get("shards", {}).items()
            }
            for name, coll in answer.get("collections", {}).items()
        }
        break
    processes = []
    for p in [cluster.zookeeper, *cluster.nodes]:
        if not running(p):
            state = "stopped"
        elif p.role == "zookeeper":
            state = "running" if _zk_ok(p.port) else "not answering"
        else:
            state = "live" if f"127.0.0.1:{p.port}_solr" in live else "not live"
        processes.append({"role": p.role, "url": p.url, "pid": p.pid, "state": state})
    return {"data": cluster.data, "processes": processes, "collections": collections}


def count(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else word + 's'}"

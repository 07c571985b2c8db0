"""factx.ray on a real Ray cluster of two one-CPU nodes, started here as separate processes:
the records are the CLI's, each once, and stay so when the worker node is killed mid-job."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import BBC, compact

ray = pytest.importorskip("ray", reason="ray is not installed (scripts/test installs it in .cache/py-venv)")
RAY = str(Path(sys.executable).parent / "ray")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A head node and a worker node, each `ray start` in a session of its own: every process
    of a node (raylet, agents, workers) is in its `ray start`'s process group, which is how
    the test kills one node, and the cluster at the end, and nothing else."""

    def __init__(self):
        # Short: Ray's socket paths must fit in 107 bytes.
        self.temp = tempfile.mkdtemp(prefix="fxray-", dir="/tmp")
        # A lost node is noticed in about 2 s instead of the default 15.
        self.env = {
            **os.environ,
            "RAY_health_check_period_ms": "500",
            "RAY_health_check_failure_threshold": "4",
            "RAY_USAGE_STATS_ENABLED": "0",
        }
        port = free_port()
        self.address = f"127.0.0.1:{port}"
        common = ["--num-cpus", "1", "--disable-usage-stats"]
        self.groups: list[int] = []
        self.head = self.start("--head", "--port", str(port), "--temp-dir", self.temp, "--include-dashboard", "false", *common)
        self.worker = self.start("--address", self.address, *common)

    def start(self, *args: str) -> int:
        """Starts a node; its process group."""
        started = subprocess.Popen(
            [RAY, "start", *args], env=self.env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.groups.append(started.pid)
        log, _ = started.communicate(timeout=120)
        assert started.returncode == 0, log
        return started.pid

    def nodes_alive(self) -> int:
        script = f"import ray; ray.init(address={self.address!r}, log_to_driver=False); print(sum(n['Alive'] for n in ray.nodes()))"
        out = subprocess.run([sys.executable, "-c", script], env=self.env, capture_output=True, text=True, timeout=120)
        return int(out.stdout.strip().splitlines()[-1])

    def kill_worker_node(self) -> None:
        """As if its machine died: every process of the worker node at once."""
        os.killpg(self.worker, signal.SIGKILL)

    def stop(self) -> None:
        for group in self.groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.temp, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def shards(tmp_path_factory, gold_docs) -> list[Path]:
    """A corpus in 16 JSONL shards: BBC business (490 documents, ids the file names), or where
    ../shared is absent (a fresh clone) the fixture documents 5 times over."""
    if (BBC / "business").is_dir():
        docs = [
            {"id": f"business/{p.name}", "text": p.read_text(encoding="utf-8").strip()}
            for p in sorted((BBC / "business").glob("*.txt"))
        ]
    else:
        docs = [{**d, "id": f"{d['id']}#{k}"} for k in range(5) for d in gold_docs]
    folder = tmp_path_factory.mktemp("shards")
    paths = []
    for k in range(16):
        path = folder / f"shard-{k:02d}.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs[k::16]), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def expected(shards, cli) -> list[str]:
    return cli(*shards)


def job(cluster: Cluster, shards: list[Path], out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "factx.ray", *map(str, shards), "-o", str(out), "--address", cluster.address],
        env=cluster.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def output(out: Path) -> list[str]:
    return [line for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text(encoding="utf-8").splitlines()]


def check_once_each(lines: list[str], expected: list[str]) -> None:
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)), "a record came out twice"
    assert sorted(lines) == sorted(expected)
    # Beyond the same set: the CLI's order, so the parts concatenated are its output.
    assert lines == expected


def test_a_job_on_two_nodes_writes_the_clis_records_once_each(cluster, shards, expected, tmp_path):
    assert cluster.nodes_alive() == 2
    run = job(cluster, shards, tmp_path / "out")
    log, _ = run.communicate(timeout=900)
    assert run.returncode == 0, log
    check_once_each(output(tmp_path / "out"), expected)


def test_the_job_completes_when_the_worker_node_dies_mid_job(cluster, shards, expected, tmp_path):
    out = tmp_path / "out"
    run = job(cluster, shards, out)
    deadline = time.monotonic() + 300
    # Mid-job: as soon as the first shard's records are out (both actors are at work then).
    while not output(out):
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "no record came out"
        time.sleep(0.05)
    assert len(output(out)) < len(expected) // 2, "the job was nearly done before the kill"
    cluster.kill_worker_node()
    log, _ = run.communicate(timeout=900)
    assert run.returncode == 0, log
    assert cluster.nodes_alive() == 1
    check_once_each(output(out), expected)


def test_extract_maps_a_datasets_rows_to_the_clis_records(cluster, gold_docs, cli, tmp_path):
    import factx.ray

    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in gold_docs), encoding="utf-8")
    expected = cli(path)
    ray.init(address=cluster.address, log_to_driver=False)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        rows = factx.ray.extract(ray.data.from_items(gold_docs), batch_size=8).take_all()
    finally:
        ray.shutdown()
    assert [r["record"] for r in rows] == expected
    assert [r["id"] for r in rows] == [d["id"] for d in gold_docs]
    assert compact(json.loads(rows[1]["record"])) == expected[1]

"""Requests/s and latency of the governance proxy against calling the provider directly, at 1, 10
and 50 concurrent clients, plain and streaming, in one run.

The processes of a pod: the fake OpenAI-format provider (examples/fake-llm, its stdout to
/dev/null); the proxy (``python -m clawlib.proxy`` with a temporary context root holding one
agent, ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` pointing at the fake), whose stdout is a pipe
drained by ``wc -l`` (a separate process, as a container's log collector is; it counts the log
lines); and this process as the load generator: N asyncio workers, each with its own keep-alive
connection (one aiohttp session, a connector limited to N), sending the next request as soon
as the last answer is read (a closed loop). A plain request reads the whole JSON body; a
streaming one reads the server-sent events line by line to ``data: [DONE]``, its latency to
the last event (and to the first, shown apart). Direct requests carry the same body the proxy
forwards (the model without its ``openai/`` prefix, ``stream_options.include_usage`` when
streaming), so the fake does the same work either way.

CPU: on two cores the client, the proxy and the fake compete. Pinned (the default where
``taskset`` exists; ``--no-pin`` not to) the proxy has CPU 1 to itself, and the fake, the load
generator and ``wc`` share CPU 0: a direct window and a proxied one give the client and the
fake the same core, and the difference is the hop through the proxy. The table also shows each
process's CPU time per request (from /proc over the window): the proxy's is what it costs
whatever the bottleneck (one core of proxy serves 1 s divided by it), and "cores" says whether
it was the bottleneck (near 1.00) or waited for the other core.

Other work on the machine shows as "other processes": the machine's busy CPU time (/proc/stat)
less that of the benchmark's processes, over the window. A window in which other processes
used more than ``--max-others`` cores is measured again (at most ``--retries`` times, each
after waiting for two quiet seconds); the worst window kept is in the table.

For each client count and kind, windows of ``--seconds`` (after a short warm-up) alternate
direct, proxied, proxied, direct, ``--rounds`` times (the machine's load drifts; this order
gives both the same average position in time); the latencies of a kind's windows are pooled.
With several ``--tree`` (e.g. an older commit unpacked with ``git archive``), one proxy runs
from each, all on CPU 1 but only one under load at a time, in the order direct, each tree,
each tree in reverse, direct. Every answer must be a 200 and every proxied request must have
logged its two lines.

``--rates`` adds rows for an open loop: a request starts every 1/rate s whatever is still in
flight (each on an idle keep-alive connection or a new one), the load of many agents that each
send now and then. There the proxy is not saturated, and its added latency and CPU per request
are those of a moderately busy pod.

Run: .venv/bin/python bench/proxy.py [--seconds 4] [--rounds 1] [--clients 1 10 50]
     [--rates R ...] [--no-pin] [--max-others 0.25] [--retries 3] [--tree DIR ...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
FAKE = ROOT / "examples" / "fake-llm" / "fake_llm.py"
AGENT = "bench"
SECRET = "5e" * 24
KEY = "sk-bench-provider-key"
MODEL = "fake-model"
WARM_UP = 0.5
SYSCALLS = "raw_syscalls:sys_enter"
MESSAGES = [
    {"role": "system", "content": "You are a careful research assistant."},
    {"role": "user", "content": "Summarise what changed in the notes volume overnight."},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def write_context(root: Path) -> None:
    directory = root / AGENT
    directory.mkdir(parents=True)
    (directory / "AGENTS.md").write_text("# Contract\n\nAnswer briefly.\n")
    (directory / "CLAWDAPUS.md").write_text("# bench\n\nA claw of the benchmark pod.\n")
    metadata = {"pod": "bench", "service": AGENT, "type": "openclaw", "token": f"{AGENT}:{SECRET}"}
    (directory / "metadata.json").write_text(json.dumps(metadata))


def machine_busy() -> float:
    """Busy CPU time of the whole machine so far (user, nice, system, steal), in seconds."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, steal = (int(fields[i]) for i in (0, 1, 2, 7))
    return (user + nice + system + steal) / os.sysconf("SC_CLK_TCK")


def wait_quiet(threshold: float, limit: float = 120.0) -> None:
    """Wait (at most ``limit`` seconds) for two seconds in which other processes use less than
    ``threshold`` cores: between windows the benchmark's own processes are idle."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = machine_busy()
        time.sleep(2)
        if (machine_busy() - before) / 2 < threshold:
            return


@contextlib.contextmanager
def counted(pid: int | None, events: dict[str, float]) -> Iterator[None]:
    """Count the system calls and context switches of ``pid`` meanwhile, with ``perf stat``
    (kernel tracepoints; cheap, unlike strace), into ``events``."""
    if pid is None:
        yield
        return
    with tempfile.NamedTemporaryFile("r", suffix=".perf") as out:
        argv = ["perf", "stat", "-x", ",", "-e", f"{SYSCALLS},context-switches"]
        perf = subprocess.Popen([*argv, "-p", str(pid), "-o", out.name], stderr=subprocess.PIPE)
        time.sleep(0.3)  # attached
        try:
            yield
        finally:
            perf.send_signal(signal.SIGINT)
            _, error = perf.communicate(timeout=15)
        for line in out.read().splitlines():
            fields = line.split(",")
            if len(fields) > 2 and fields[0].replace(".", "").isdigit():
                events[fields[2]] = float(fields[0])
        if SYSCALLS not in events:
            raise RuntimeError(f"perf stat counted nothing: {error.decode(errors='replace')}")


def cpu_seconds(pid: int) -> float:
    """User + system time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pinned(argv: list[str], cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus, *argv] if cpus else argv


def wait_healthy(port: int, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if connection.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not answer /health on port {port} in 20 s")


@dataclass
class Window:
    """What one window of load measured."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    first_event: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    others: float = 0.0
    """Cores that other processes of the machine used meanwhile (busy CPU time of the machine
    less that of the client, the fake, the proxy and its log counter, over the window)."""
    total: int = 0
    """Requests answered, warm-up and wind-down included."""
    events: dict[str, float] = field(default_factory=dict)
    """The proxy's system calls and context switches over the whole load (``--syscalls``)."""


@dataclass(frozen=True)
class Target:
    """Where requests go and as whom."""

    url: str
    authorization: str
    model: str


async def one_request(
    session: aiohttp.ClientSession, target: Target, payload: bytes, stream: bool
) -> tuple[float, float]:
    """Latency to the end of the answer and to its first event (streaming), in seconds."""
    headers = {"Authorization": target.authorization, "Content-Type": "application/json"}
    start = time.perf_counter()
    first = 0.0
    async with session.post(target.url, data=payload, headers=headers) as response:
        if response.status != 200:
            raise RuntimeError(f"{target.url}: {response.status} {await response.text()}")
        if not stream:
            body = await response.read()
            if b'"usage"' not in body:
                raise RuntimeError(f"{target.url}: no usage in {body[:200]!r}")
        else:
            done = False
            async for line in response.content:
                if not first and line.startswith(b"data: "):
                    first = time.perf_counter() - start
                if line == b"data: [DONE]\n":
                    done = True
            if not done:
                raise RuntimeError(f"{target.url}: stream ended without [DONE]")
    return time.perf_counter() - start, first


@dataclass(frozen=True)
class Shape:
    """How requests are sent: ``clients`` workers in a closed loop (each sends its next request
    when its last answer is read), or, given a ``rate``, an open loop (a request starts every
    1/rate s whatever is still in flight, each on an idle keep-alive connection or a new one)."""

    clients: int = 0
    rate: float = 0.0

    def __str__(self) -> str:
        return f"{self.rate:g}/s" if self.rate else str(self.clients)


async def load(
    target: Target, shape: Shape, stream: bool, seconds: float, pids: dict[str, int]
) -> Window:
    body: dict[str, object] = {"model": target.model, "messages": MESSAGES}
    if stream:
        body["stream"] = True
        if target.model == MODEL:  # direct: what the proxy would add
            body["stream_options"] = {"include_usage": True}
    payload = json.dumps(body).encode()
    connector = aiohttp.TCPConnector(limit=0 if shape.rate else shape.clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        window = Window(seconds)
        state = {"measuring": False, "stop": False}

        async def once() -> None:
            latency, first = await one_request(session, target, payload, stream)
            window.total += 1
            if state["measuring"]:
                window.latencies.append(latency)
                if stream:
                    window.first_event.append(first)

        async def worker() -> None:
            while not state["stop"]:
                await once()

        async def pacer() -> None:
            started, begun = 0, time.perf_counter()
            running: set[asyncio.Task[None]] = set()
            failed: list[BaseException] = []

            def done(task: asyncio.Task[None]) -> None:
                running.discard(task)
                if not task.cancelled() and task.exception() is not None:
                    failed.append(task.exception())  # type: ignore[arg-type]

            while not state["stop"] and not failed:
                started += 1
                await asyncio.sleep(max(0.0, begun + started / shape.rate - time.perf_counter()))
                task = asyncio.create_task(once())
                running.add(task)
                task.add_done_callback(done)
            await asyncio.gather(*running)
            if failed:
                raise failed[0]

        if shape.rate:
            tasks = [asyncio.create_task(pacer())]
        else:
            tasks = [asyncio.create_task(worker()) for _ in range(shape.clients)]
        await asyncio.sleep(WARM_UP)
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        busy_before = machine_busy()
        state["measuring"] = True
        start = time.perf_counter()
        await asyncio.sleep(seconds)
        state["measuring"] = False
        window.seconds = time.perf_counter() - start
        window.cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        others = machine_busy() - busy_before - sum(window.cpu.values())
        window.others = max(0.0, others) / window.seconds
        state["stop"] = True
        await asyncio.gather(*tasks)
    return window


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Pooled:
    """The windows of one kind (direct or proxied) for one client count and mode."""

    windows: list[Window] = field(default_factory=list)

    def rate(self) -> float:
        return sum(len(w.latencies) for w in self.windows) / sum(w.seconds for w in self.windows)

    def latencies(self) -> list[float]:
        return [x for w in self.windows for x in w.latencies]

    def first_events(self) -> list[float]:
        return [x for w in self.windows for x in w.first_event]

    def cpu_per_request(self, name: str) -> float:
        """Microseconds of CPU per request of one process."""
        requests = sum(len(w.latencies) for w in self.windows)
        return sum(w.cpu.get(name, 0.0) for w in self.windows) / requests * 1e6

    def per_request(self, event: str) -> float:
        """How many of the proxy's ``event`` one request took (warm-up and wind-down in)."""
        return sum(w.events.get(event, 0.0) for w in self.windows) / sum(
            w.total for w in self.windows
        )

    def cores(self, name: str) -> float:
        return sum(w.cpu.get(name, 0.0) for w in self.windows) / sum(
            w.seconds for w in self.windows
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def row(
    shape: Shape, stream: bool, label: str, direct: Pooled, proxied: Pooled, syscalls: bool
) -> str:
    d, p = direct.latencies(), proxied.latencies()
    d50, d99, p50, p99 = (quantile(d, 0.5), quantile(d, 0.99), quantile(p, 0.5), quantile(p, 0.99))
    cells = [str(shape), "streaming" if stream else "plain"]
    if label:
        cells.append(label)
    cells += [
        f"{direct.rate():,.0f}",
        f"{proxied.rate():,.0f}",
        f"{ms(d50)} / {ms(d99)}",
        f"{ms(p50)} / {ms(p99)}",
        f"**{ms(p50 - d50)} / {ms(p99 - d99)}**",
    ]
    if stream:
        cells.append(
            f"{ms(statistics.median(direct.first_events()))} → "
            f"{ms(statistics.median(proxied.first_events()))}"
        )
    else:
        cells.append("")
    cells += [
        f"{proxied.cpu_per_request('proxy'):.0f} µs ({proxied.cores('proxy'):.2f})",
        f"{direct.cpu_per_request('fake'):.0f} / {proxied.cpu_per_request('fake'):.0f} µs",
        f"{direct.cpu_per_request('client'):.0f} / {proxied.cpu_per_request('client'):.0f} µs",
        f"{max(w.others for w in [*direct.windows, *proxied.windows]):.2f}",
    ]
    if syscalls:
        cells.append(
            f"{proxied.per_request(SYSCALLS):.1f} / {proxied.per_request('context-switches'):.1f}"
        )
    return "| " + " | ".join(cells) + " |"


def header(trees: int, syscalls: bool) -> str:
    columns = [
        "clients (or rate)",
        "kind",
        *(["proxy tree"] if trees > 1 else []),
        "direct req/s",
        "proxied req/s",
        "direct p50 / p99 ms",
        "proxied p50 / p99 ms",
        "added p50 / p99 ms",
        "first event p50 ms, direct → proxied",
        "proxy CPU per request (cores)",
        "fake CPU per request, direct / proxied",
        "client CPU per request, direct / proxied",
        "other processes (cores, worst window)",
        *(["proxy system calls / context switches per request"] if syscalls else []),
    ]
    return "| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|"


@dataclass(eq=False)
class Proxy:
    """One proxy process, from one source tree, its stdout counted by ``wc -l``."""

    tree: Path
    process: subprocess.Popen[bytes]
    counter: subprocess.Popen[bytes]
    target: Target
    requests: int = 0
    lines: int = 0

    def stop(self) -> None:
        """Stop the proxy; ``wc -l`` then reads the end of the pipe and tells the count."""
        self.process.terminate()
        for process in (self.process, self.counter):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.counter.stdout is not None:
            self.lines = int(self.counter.stdout.read() or 0)
            self.counter.stdout.close()


def start_proxy(tree: Path, env: dict[str, str], cpus: str | None, log_cpus: str | None) -> Proxy:
    """A proxy from ``tree`` on ``cpus``, its stdout a pipe that ``wc -l`` on ``log_cpus``
    drains (a separate process, as a container's log collector is)."""
    port = free_port()
    read_end, write_end = os.pipe()
    counter = subprocess.Popen(
        pinned(["wc", "-l"], log_cpus), stdin=read_end, stdout=subprocess.PIPE
    )
    os.close(read_end)
    try:
        # Not from this directory: ``python -m`` puts the working directory before PYTHONPATH.
        process = subprocess.Popen(
            pinned([sys.executable, "-m", "clawlib.proxy"], cpus),
            env=dict(env, PYTHONPATH=str(tree), LISTEN_ADDR=f"127.0.0.1:{port}"),
            cwd=env["CLAW_CONTEXT_ROOT"],
            stdout=write_end,
            stderr=subprocess.DEVNULL,
        )
    finally:
        os.close(write_end)
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    target = Target(url, f"Bearer {AGENT}:{SECRET}", f"openai/{MODEL}")
    proxy = Proxy(tree, process, counter, target)
    try:
        wait_healthy(port, process, f"the proxy of {tree}")
    except BaseException:
        proxy.stop()
        raise
    return proxy


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="length of one window")
    parser.add_argument("--rounds", type=int, default=1, help="direct/proxied/proxied/direct")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 10, 50])
    parser.add_argument(
        "--rates", type=float, nargs="*", default=[], help="requests/s in an open loop"
    )
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="no taskset")
    parser.add_argument(
        "--max-others",
        type=float,
        default=0.25,
        help="cores other processes may use in a window before it is measured again",
    )
    parser.add_argument("--retries", type=int, default=3, help="measurements again per window")
    parser.add_argument(
        "--syscalls",
        action="store_true",
        help="count the proxy's system calls and context switches (perf stat, Debian linux-perf)",
    )
    parser.add_argument(
        "--tree", type=Path, action="append", help="the proxy's source (default: this checkout)"
    )
    options = parser.parse_args(argv)
    trees = [tree.resolve() for tree in options.tree or [ROOT]]
    pin = options.pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    if pin:
        os.sched_setaffinity(0, {0})
    proxies: list[Proxy] = []
    redone_total = 0
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "context"
        write_context(root)
        fake_port = free_port()
        base_env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_URL"))}
        fake = subprocess.Popen(
            pinned([sys.executable, str(FAKE)], "0" if pin else None),
            env=dict(base_env, FAKE_LLM_LISTEN=f"127.0.0.1:{fake_port}", FAKE_LLM_KEY=KEY),
            stdout=subprocess.DEVNULL,
        )
        proxy_env = dict(
            base_env,
            CLAW_CONTEXT_ROOT=str(root),
            CLAW_AUTH_DIR=str(Path(scratch) / "auth"),
            OPENAI_BASE_URL=f"http://127.0.0.1:{fake_port}/v1",
            OPENAI_API_KEY=KEY,
        )
        try:
            wait_healthy(fake_port, fake, "the fake provider")
            for tree in trees:
                proxies.append(
                    start_proxy(tree, proxy_env, "1" if pin else None, "0" if pin else None)
                )
            direct = Target(
                f"http://127.0.0.1:{fake_port}/v1/chat/completions", f"Bearer {KEY}", MODEL
            )
            print(
                f"pinned: {'proxy on CPU 1; fake and client on CPU 0' if pin else 'no'}; "
                f"{options.seconds:g} s windows, {options.rounds} round(s); "
                f"load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            print(header(len(trees), options.syscalls), flush=True)
            shapes = [Shape(clients=n) for n in options.clients]
            shapes += [Shape(rate=rate) for rate in options.rates]
            for shape in shapes:
                for stream in (False, True):
                    plain, through, redone = measure(
                        shape, stream, direct, proxies, fake.pid, options
                    )
                    redone_total += redone
                    for proxy in proxies:
                        label = str(proxy.tree) if len(trees) > 1 else ""
                        print(row(shape, stream, label, plain, through[proxy], options.syscalls))
                    sys.stdout.flush()
            print(
                f"load average at the end {os.getloadavg()[0]:.2f}; windows measured again "
                f"because other processes used over {options.max_others:g} cores: {redone_total}",
                flush=True,
            )
        finally:
            for proxy in proxies:
                proxy.stop()
            fake.terminate()
            fake.wait(15)
    for proxy in proxies:
        if proxy.lines != 2 * proxy.requests:
            print(
                f"proxy log of {proxy.tree}: {proxy.lines} lines for {proxy.requests} requests",
                file=sys.stderr,
            )
            return 1
    print("proxy log: two lines per request")
    return 0


def measure(
    shape: Shape,
    stream: bool,
    direct: Target,
    proxies: list[Proxy],
    fake: int,
    options: argparse.Namespace,
) -> tuple[Pooled, dict[Proxy, Pooled], int]:
    """Direct and through each proxy, in the order direct, proxies, proxies reversed, direct
    (``options.rounds`` times), and how many windows were measured again because other
    processes used more than ``options.max_others`` cores meanwhile (at most
    ``options.retries`` times each, after waiting for the machine to be quiet)."""
    pooled = Pooled()
    through = {proxy: Pooled() for proxy in proxies}
    order: list[Proxy | None] = [None, *proxies, *reversed(proxies), None]
    redone = 0
    for _ in range(options.rounds):
        for proxy in order:
            pids = {"fake": fake, "client": os.getpid()}
            if proxy is not None:
                pids.update(proxy=proxy.process.pid, log=proxy.counter.pid)
            target = direct if proxy is None else proxy.target
            for attempt in range(options.retries + 1):
                events: dict[str, float] = {}
                watched = proxy.process.pid if proxy is not None and options.syscalls else None
                with counted(watched, events):
                    window = asyncio.run(load(target, shape, stream, options.seconds, pids))
                window.events = events
                if proxy is not None:
                    proxy.requests += window.total
                if window.others <= options.max_others or attempt == options.retries:
                    break
                redone += 1
                wait_quiet(options.max_others)
            (pooled if proxy is None else through[proxy]).windows.append(window)
    return pooled, through, redone


if __name__ == "__main__":
    sys.exit(main())

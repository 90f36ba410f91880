"""Start-up smoke test driver for steer-studio (issue 10, item 6).

Runs a program offscreen (QT_QPA_PLATFORM=offscreen) with its settings, caches and data in a
fresh temporary folder, waits for the line it must print, and then requires a clean exit: status
0 within a time limit, no death by a signal, and no crash text ("Segmentation fault", "Aborted",
"terminate called", "core dumped") in its output. CTest's PASS_REGULAR_EXPRESSION alone passed
a program that printed the line and then crashed or exited non-zero.

  run_app_smoke.py --expect REGEX [--file PATH] [--timeout S] [--exit-within S] -- PROGRAM [ARGS...]
  run_app_smoke.py --self-test

--file: a file the program must have written (removed before the start, so an old one does not
count). The program's output is echoed as it comes. Exit status 0 when every requirement holds,
1 (with the reason) otherwise.

--self-test runs the driver on small Python programs: ones that print the line and then exit 1,
kill themselves with SIGSEGV or abort, exit 0 after printing a crash message, never print the
line, or hang after it must all be reported as failures; one that prints it and exits 0 must
pass (so a driver that always fails cannot pass the self-test).

The screenshot line of steer-studio goes to a pipe here, so it is flushed when the program
exits: a program that prints it and then hangs never shows it and fails by --timeout.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CRASH_TEXT = re.compile(r"Segmentation fault|\bAborted\b|terminate called|core dumped")


def isolated_environment(home: Path) -> dict[str, str]:
    """The caller's environment with every per-user folder Qt (QSettings, QStandardPaths) or
    anything else could write moved into `home`, and the offscreen platform."""
    env = dict(os.environ)
    for name in ("config", "cache", "data", "state"):
        (home / name).mkdir(parents=True, exist_ok=True)
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
    })
    return env


def smoke(command: list[str], expect: str, timeout: float, exit_within: float, file: Path | None = None,
          echo: bool = True) -> tuple[bool, str]:
    """Runs `command`; (passed, reason)."""
    if file is not None and file.exists():
        file.unlink()
    pattern = re.compile(expect)
    with tempfile.TemporaryDirectory(prefix="steer-smoke-") as home:
        started = time.monotonic()
        p = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=isolated_environment(Path(home)), start_new_session=True)
        lines: list[str] = []
        seen = threading.Event()
        seen_at: list[float] = []

        def read() -> None:
            assert p.stdout is not None
            for raw in p.stdout:
                line = raw.decode(errors="replace").rstrip("\n")
                lines.append(line)
                if echo:
                    print(f"  | {line}", flush=True)
                if not seen.is_set() and pattern.search(line):
                    seen_at.append(time.monotonic())
                    seen.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()

        def stop(reason: str) -> tuple[bool, str]:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)  # the group of the process started here
                except ProcessLookupError:
                    pass
                p.wait()
            reader.join(timeout=10)
            return False, reason

        # Until the line shows (or the program exits, or the start-up time runs out).
        deadline = started + timeout
        while not seen.is_set() and p.poll() is None and time.monotonic() < deadline:
            seen.wait(timeout=0.1)
        if p.poll() is not None:
            reader.join(timeout=10)  # the rest of its output, the line perhaps among it
        if not seen.is_set():
            if p.poll() is None:
                return stop(f"no line matching /{expect}/ within {timeout:g} s; killed")
            return False, f"{describe(p.returncode)} without printing a line matching /{expect}/"
        # Then a clean exit within the limit.
        try:
            p.wait(timeout=max(0.0, seen_at[0] + exit_within - time.monotonic()))
        except subprocess.TimeoutExpired:
            return stop(f"printed the line but did not exit within {exit_within:g} s after it; killed")
        reader.join(timeout=10)
        seconds = time.monotonic() - started
        if p.returncode != 0:
            return False, f"printed the line but then {describe(p.returncode)}"
        crash = [line for line in lines if CRASH_TEXT.search(line)]
        if crash:
            return False, f"exited with status 0 but its output reports a crash: {crash[0]!r}"
        if file is not None and (not file.is_file() or file.stat().st_size == 0):
            return False, f"exited cleanly but did not write {file}"
        return True, f"printed the line and exited with status 0 after {seconds:.1f} s" + (
            f"; wrote {file} ({file.stat().st_size} bytes)" if file is not None else "")


def describe(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"died of {name}"
    return f"exited with status {returncode}"


def self_test() -> int:
    py = sys.executable
    line = "print('saved /tmp/x/shot.png', flush=True)"
    cases = [
        ("prints the line, then exits 1", f"import sys; {line}; sys.exit(1)", False),
        ("prints the line, then dies by SIGSEGV", f"import os, signal; {line}; os.kill(os.getpid(), signal.SIGSEGV)", False),
        ("prints the line, then aborts", f"import os; {line}; os.abort()", False),
        ("prints the line and a crash message, then exits 0",
         f"import sys; {line}; print('terminate called after throwing an instance of std::bad_alloc', file=sys.stderr)", False),
        ("exits 0 without the line", "print('no model loaded within 5 minutes')", False),
        ("prints the line, then hangs", f"import time; {line}; time.sleep(60)", False),
        ("prints the line and exits 0 (must pass)", f"{line}", True),
    ]
    failures = 0
    for what, code, should_pass in cases:
        passed, reason = smoke([py, "-c", code], r"saved [^\n]*shot\.png", timeout=20, exit_within=2, echo=False)
        ok = passed == should_pass
        failures += not ok
        print(f"{'[ ok ]' if ok else '[FAIL]'} {what}: driver says {'pass' if passed else 'fail'} ({reason})", flush=True)
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--expect", help="regular expression of the line the program must print")
    parser.add_argument("--file", type=Path, help="a file the program must write")
    parser.add_argument("--timeout", type=float, default=280, help="seconds until the line (default 280)")
    parser.add_argument("--exit-within", type=float, default=60, help="seconds from the line to the exit (default 60)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    a = parser.parse_args()
    if a.self_test:
        return self_test()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not a.expect or not command:
        parser.error("--expect and a command (after --) are required")
    passed, reason = smoke(command, a.expect, a.timeout, a.exit_within, a.file)
    print(("PASS: " if passed else "FAIL: ") + reason, flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

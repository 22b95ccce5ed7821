"""Runs a notebook on its Jupyter kernel with nbclient, keeping the output Deno's kernel sends late.

    python3 tools/deno_execute.py [--timeout SECONDS] [--late-output-grace SECONDS] IN.ipynb OUT.ipynb

Every cell of IN runs in IN's own folder on the kernel its metadata names, as
`jupyter nbconvert --to notebook --execute` runs it, and the executed notebook is written to OUT.
Execution stops at the first cell that throws (a cell tagged `raises-exception` may throw), and the
script exits non-zero with nbclient's error: `CellExecutionError` (with the cell's source and its
error text), `CellTimeoutError`, or `NoSuchKernel`. tools/notebook.ts reads those errors.

    python3 tools/deno_execute.py --serve SOCKET [--log FILE]

runs notebooks on request instead, several at once, each on its own thread, for every connection
to the Unix socket SOCKET: the connection sends one JSON line `{"notebook": IN, "output": OUT,
"timeout": SECONDS or null, "late_output_grace": SECONDS (optional)}`, with absolute paths, and
gets back one, `{"ok": true|false, "stderr": TEXT}`, where TEXT is what the script would have
printed for the same run. It prints `ready` once it listens and stops when its stdin closes. The
kernels it starts get the server's environment, not the caller's; with `--log`, what they and the
server print on stderr goes to FILE. `deno task test` starts one for the whole run, which saves starting Python
and importing nbclient for each of the few dozen notebooks a test run executes.

It imports nbclient and nbformat only, not nbconvert, whose application takes longer to start
(about 1 s of CPU) than a small notebook takes to run. The Python to use is the one the `jupyter`
command runs (tools/notebook.ts reads it from that script's first line).

Why not nbclient's own loop: Deno's Jupyter kernel forwards a cell's stdout and stderr from a
separate reader, so a `console.log` line can reach the IOPub channel just *after* the kernel has
reported the cell idle. nbclient stops listening for a cell at that idle message, so such lines went
missing from executed notebooks at random (seen here on roughly one run in three). JupyterLab shows
them, because it keeps listening. This client keeps listening too, without waiting: while the next
cell runs, output whose parent is an earlier cell (a stream, a display or its update) is added to
that cell. After the last cell, and after a cell that failed (where execution stops), it listens on
for `late_output_grace` seconds for what is still on its way.
"""

import argparse
import asyncio
import json
import os
import signal
import socketserver
import sys
import threading
import traceback
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async
from nbformat.v4.rwbase import split_lines
from traitlets import Float


# seconds to listen for late output after the last cell, or a failing one
LATE_OUTPUT_GRACE = 0.15

# what a kernel may still publish for a cell after reporting it idle
LATE_OUTPUT = {
    "stream",
    "display_data",
    "execute_result",
    "update_display_data",
    "clear_output",
    "error",
}


class DenoNotebookClient(NotebookClient):
    """Runs every cell, and keeps the output a kernel publishes just after a cell went idle."""

    late_output_grace = Float(
        LATE_OUTPUT_GRACE,
        config=True,
        help="Seconds to keep listening for the cells' output after the last cell (or a failed "
        "one) went idle.",
    )

    def _finished_cells(self):
        # msg_id -> (cell, cell_index) of every cell that has gone idle
        if not hasattr(self, "_deno_finished"):
            self._deno_finished = {}
        return self._deno_finished

    def _take_late(self, msg):
        """Adds `msg` to the finished cell it belongs to, if it is output that cell sent late."""
        parent = msg["parent_header"].get("msg_id")
        owner = self._finished_cells().get(parent)
        if owner is None or msg["msg_type"] not in LATE_OUTPUT:
            return
        cell, cell_index = owner
        if not hasattr(self, "_deno_clear_pending"):
            self._deno_clear_pending = set()
        if msg["msg_type"] == "clear_output" and msg["content"].get("wait"):
            # clear the owner's outputs at its next output, as nbclient does for the running cell
            # (its own flag belongs to the running cell)
            self._deno_clear_pending.add(parent)
            return
        if parent in self._deno_clear_pending and msg["msg_type"] != "clear_output":
            self._deno_clear_pending.discard(parent)
            cell.outputs[:] = []
            self.clear_display_id_mapping(cell_index)
        try:
            self.process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            pass

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                self._take_late(msg)
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                self._finished_cells()[parent_msg_id] = (cell, cell_index)
                if cell_index == self._last_code_cell():
                    await self._drain_late()
                return

    def _last_code_cell(self):
        last = -1
        for i, c in enumerate(self.nb.cells):
            skipped = self.skip_cells_with_tag in c.metadata.get("tags", [])
            if c.cell_type == "code" and c.source.strip() and not skipped:
                last = i
        return last

    async def _drain_late(self):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.late_output_grace
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=remaining))
            except Empty:
                return
            self._take_late(msg)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except CellExecutionError:
            # execution stops here: collect what this and earlier cells still send
            await self._drain_late()
            raise


def timeout_problem(value):
    """What `value` must be as a cell timeout (whole seconds > 0: nbclient's unit), or None if it is."""
    if type(value) is not int or value <= 0:
        return "must be a whole number of seconds > 0"
    return None


def grace_problem(value):
    """What `value` must be as the late-output grace (seconds >= 0), or None if it is."""
    if type(value) not in (int, float) or not value >= 0:
        return "must be a number of seconds >= 0"
    return None


def argument(parse, problem):
    """An argparse type: `parse` the text, then refuse it when `problem` says what it must be."""

    def convert(text):
        try:
            value = parse(text)
        except ValueError:
            value = text
        message = problem(value)
        if message is not None:
            raise argparse.ArgumentTypeError(f"{message}, got {text!r}")
        return value

    return convert


def run(notebook, output, timeout=None, late_output_grace=LATE_OUTPUT_GRACE):
    """Runs `notebook` and writes the executed notebook to `output`; raises what nbclient raises."""
    nb = nbformat.read(notebook, as_version=4)
    client = DenoNotebookClient(
        nb,
        timeout=timeout,
        late_output_grace=late_output_grace,
        # the kernel's working folder: the notebook's own, as nbconvert and JupyterLab use
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook))}},
    )
    # a fresh event loop per run, so that runs on several threads of the server don't share one
    asyncio.run(client.async_execute())
    # multiline text as lists of lines, as nbformat writes a notebook, then JSON without indents:
    # nbformat.write would also copy the notebook and indent it in pure Python, about 1 s for a
    # lesson's 3 MB of figures
    split_lines(nb)
    with open(output, "w", encoding="utf-8") as out:
        json.dump(nb, out, ensure_ascii=False)


def request_error(request):
    """What is wrong with a server request, or None."""
    if not isinstance(request, dict):
        return f"a request must be a JSON object, got {type(request).__name__}"
    for key in ("notebook", "output"):
        if not isinstance(request.get(key), str) or request[key] == "":
            return f"`{key}` must be a file path, got {request.get(key)!r}"
    timeout = request.get("timeout")
    if timeout is not None and timeout_problem(timeout) is not None:
        return f"`timeout` {timeout_problem(timeout)} or null, got {timeout!r}"
    grace = request.get("late_output_grace", LATE_OUTPUT_GRACE)
    if grace_problem(grace) is not None:
        return f"`late_output_grace` {grace_problem(grace)}, got {grace!r}"
    unknown = sorted(set(request) - {"notebook", "output", "timeout", "late_output_grace"})
    if unknown:
        return f"unknown request fields: {', '.join(unknown)}"
    return None


class RunHandler(socketserver.StreamRequestHandler):
    """One connection, one run: a JSON request line in, a JSON answer line out."""

    def handle(self):
        try:
            request = json.loads(self.rfile.readline())
            problem = request_error(request)
            if problem is not None:
                answer = {"ok": False, "stderr": f"deno_execute.py --serve: {problem}"}
            else:
                run(
                    request["notebook"],
                    request["output"],
                    request.get("timeout"),
                    request.get("late_output_grace", LATE_OUTPUT_GRACE),
                )
                answer = {"ok": True, "stderr": ""}
        except BaseException:  # the run's error, as the script would print it
            answer = {"ok": False, "stderr": traceback.format_exc()}
        self.wfile.write((json.dumps(answer) + "\n").encode("utf-8"))


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a burst of more connections than that (a caller's
    # Promise.all over a few notebooks) had its connect refused with EAGAIN ("WouldBlock")
    request_queue_size = 128


def serve(socket_path, log_path=None):
    """Runs notebooks for every connection to `socket_path`, each on its own thread, until stdin
    closes (the process that started the server went away) or a SIGTERM. With `log_path`, what the
    server and the kernels it starts print on stderr goes to that file (appended)."""
    socket_path = os.path.abspath(socket_path)
    if log_path is not None:
        # file descriptor 2 itself, so that the kernels, which inherit it, write there too (and no
        # pipe is held open by a kernel outliving the server)
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 2)
        os.close(log)
    server = Server(socket_path, RunHandler)
    # requests name absolute paths; a relative one must not depend on where the server started
    os.chdir(os.path.dirname(socket_path))
    print("ready", flush=True)

    def wait_for_parent():
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=wait_for_parent, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    finally:
        server.server_close()
        try:
            os.unlink(socket_path)
        except FileNotFoundError:
            pass
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run a notebook's cells on its kernel and write the executed notebook."
    )
    parser.add_argument("notebook", nargs="?", help="the .ipynb file to run")
    parser.add_argument("output", nargs="?", help="where to write the executed notebook")
    parser.add_argument(
        "--timeout",
        type=argument(int, timeout_problem),
        default=None,
        help="seconds one cell may run (default: no limit)",
    )
    parser.add_argument(
        "--late-output-grace",
        type=argument(float, grace_problem),
        default=LATE_OUTPUT_GRACE,
        help="seconds to listen for late output after the last or a failing cell (default 0.15)",
    )
    parser.add_argument(
        "--serve",
        metavar="SOCKET",
        help="instead, run notebooks on request at this Unix socket (one JSON line per "
        "connection) until stdin closes",
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="with --serve: write what the server and its kernels print on stderr to FILE",
    )
    args = parser.parse_args(argv)
    if args.log is not None and args.serve is None:
        parser.error("--log goes with --serve")
    if args.serve is not None:
        if args.notebook is not None:
            parser.error("--serve takes no NOTEBOOK or OUTPUT")
        return serve(args.serve, args.log)
    if args.notebook is None or args.output is None:
        parser.error("NOTEBOOK and OUTPUT are required (or --serve SOCKET)")
    run(args.notebook, args.output, args.timeout, args.late_output_grace)
    return 0


if __name__ == "__main__":
    sys.exit(main())

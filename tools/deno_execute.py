"""nbconvert's ExecutePreprocessor, made to keep output the Deno kernel sends late.

Deno's Jupyter kernel forwards a cell's stdout and stderr from a separate reader, so a
`console.log` line can reach the IOPub channel just *after* the kernel has reported the cell
idle. nbclient stops listening for a cell at that idle message, so such lines went missing from
executed notebooks at random (seen here on roughly one run in three). JupyterLab shows them,
because it keeps listening.

This preprocessor listens on for `late_output_grace` seconds after each cell goes idle and adds
whatever arrives for that cell. Use it from nbconvert in place of `--execute`:

    PYTHONPATH=tools jupyter nbconvert --to notebook \\
        --Exporter.preprocessors='["deno_execute.DenoExecutePreprocessor"]' \\
        --DenoExecutePreprocessor.enabled=True NOTEBOOK.ipynb

Every `--ExecutePreprocessor.*` option (timeout, allow_errors, ...) works under the name
`--DenoExecutePreprocessor.*`.
"""

import asyncio
from queue import Empty

from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class DenoExecutePreprocessor(ExecutePreprocessor):
    """Runs every cell, and keeps the output a kernel publishes just after a cell went idle."""

    late_output_grace = Float(
        0.15,
        config=True,
        help="Seconds to keep listening for a cell's output after the kernel reports it idle.",
    )

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
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
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass

"""How papermill runs a report: a kernel shut down without an interrupt, and a failing cell named
as the user sees it in the notebook they opened.

jupyter_client interrupts a kernel before asking it to shut down, in case it is still busy. Papermill
asks only once every cell has run, so the interrupt has nothing to stop; a SIGINT that lands
while the kernel is still finishing its last message makes it log ``[IPKernelApp] ERROR |
KeyboardInterrupt caught in kernel`` into a run that succeeded. :class:`QuietShutdownKernelManager`
leaves the interrupt out of the shutdown (the shutdown request, and a kill after
``shutdown_wait_time`` if that is not heeded, stop the kernel as before).

Papermill counts cells in the notebook it executed, which holds the cell of parameters it
injected; the committed notebook does not. :func:`failed_cell` maps a failure back to the
committed notebook's code cells, which are numbered as JupyterLab numbers them after
*Run All* ([1], [2], ...).
"""

from __future__ import annotations

import re
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

__all__ = ["QuietShutdownKernelManager", "failed_cell", "describe_failure"]


class QuietShutdownKernelManager(AsyncKernelManager):
    """An :class:`~jupyter_client.AsyncKernelManager` whose shutdown does not interrupt the kernel.

    An interrupt asked for outside a shutdown (a cell that timed out) is sent as usual.
    """

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:  # set by shutdown_kernel before it interrupts
            return
        await super()._async_interrupt_kernel()


def _first_line(source: str, width: int = 60) -> str:
    line = next((s.strip() for s in source.splitlines() if s.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def failed_cell(notebook, cell_index: int, *, injected: bool) -> tuple[int, str] | None:
    """The failing cell of ``notebook`` as (number among its code cells, its first line).

    ``cell_index`` counts the cells of the executed notebook (papermill's
    ``PapermillExecutionError.cell_index``); ``injected`` says whether papermill injected a cell
    of parameters, which it places right after the cell tagged ``parameters`` (at the top
    without one) or in place of a cell tagged ``injected-parameters``. ``None`` when the failing
    cell is the injected one (a parameter value the kernel could not read).
    """
    import nbformat

    cells = nbformat.read(Path(notebook), as_version=4).cells
    positions: list[int | None] = list(range(len(cells)))
    if injected:
        tags = [cell.get("metadata", {}).get("tags", []) for cell in cells]
        replaced = next((i for i, t in enumerate(tags) if "injected-parameters" in t), None)
        if replaced is not None:
            positions[replaced] = None
        else:
            after = next((i for i, t in enumerate(tags) if "parameters" in t), -1)
            positions.insert(after + 1, None)
    if not 0 <= cell_index < len(positions) or positions[cell_index] is None:
        return None
    at = positions[cell_index]
    number = sum(1 for cell in cells[: at + 1] if cell.cell_type == "code")
    return number, _first_line(cells[at].source)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def describe_failure(notebook, exc, *, injected: bool) -> tuple[str, str]:
    """A papermill execution error as (one line naming the notebook, the cell and the cause;
    the cell's traceback as plain text)."""
    notebook = Path(notebook)
    cell = failed_cell(notebook, exc.cell_index, injected=injected)
    where = (f'code cell {cell[0]} ("{cell[1]}")' if cell else "the injected cell of parameters")
    message = f"{notebook.name}: {where} failed: {exc.ename}: {exc.evalue}"
    return message, _ANSI.sub("", "\n".join(exc.traceback or []))

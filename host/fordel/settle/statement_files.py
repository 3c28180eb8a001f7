"""Statements (HTML + PDF per tenancy) written in parallel over the machine's cores.

The parent process walks the result's statements (built lazily, one batch at a time) and
hands batches to a concurrent.futures.ProcessPoolExecutor; each worker holds the
property-level part of the result (pools, dates, names: `context`) once, from its
initializer, and writes its batch's files itself, so only small statement records cross
process boundaries and no rendered PDF is held in memory. At most a few batches per worker
are in flight: memory stays flat however many statements there are. A statement that fails
is reported with its tenancy id and the reason; the other statements go on.
"""
import concurrent.futures as cf
import copy
import os
from pathlib import Path

from . import render_html, render_pdf, statement

BATCH = 32                 # statements per task: amortises pickling, keeps progress smooth
IN_FLIGHT_PER_WORKER = 3   # tasks queued per worker: enough to keep it busy, memory flat

_context = None            # the worker's property-level result (set once per process)


def write_file(path, data):
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    mode = "wb" if isinstance(data, bytes) else "w"
    kwargs = {} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""}
    with open(tmp, mode, **kwargs) as f:
        f.write(data)
    os.replace(tmp, path)
    return path


def write_streamed(path, write):
    """write(text file) into path via a temporary file and rename (UTF-8, newline as
    written): for outputs written a statement at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        write(f)
    os.replace(tmp, path)
    return path


def context_of(result):
    """The result without its statements and EED series: what one statement's page needs
    from the property (pools, dates, names), small enough to send to every worker."""
    ctx = copy.copy(result)
    ctx.statements = []
    ctx.eed = []
    return ctx


def _init_worker(context):
    global _context
    _context = context


def write_statement(context, st, folder, name):
    """Build, check and write one statement's HTML and PDF; return the two paths."""
    doc = statement.build(context, st)
    html = render_html.to_html(doc)
    pdf = render_pdf.to_pdf(doc)
    return [write_file(folder / (name + ".html"), html),
            write_file(folder / (name + ".pdf"), pdf)]


def _write_batch(batch, folder, context=None):
    """[(statement, file name)] -> [(tenancy id, paths, error or None)]; never raises for
    one statement's failure."""
    context = context or _context
    done = []
    for st, name in batch:
        try:
            done.append((st.tenancy_id, write_statement(context, st, folder, name), None))
        except Exception as e:          # reported per tenancy: the others go on
            done.append((st.tenancy_id, [], "%s: %s" % (type(e).__name__, e)))
    return done


def _batches(statements, names):
    batch = []
    for st in statements:
        batch.append((st, names[st.tenancy_id]))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def render_all(result, folder, names, workers=1, progress=None):
    """Yield (tenancy id, written paths, error or None) for every statement of `result`,
    written under `folder` as names[tenancy id] + .html/.pdf, by `workers` processes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    context = context_of(result)
    if workers <= 1:
        for batch in _batches(result.statements, names):
            done = _write_batch(batch, folder, context)
            if progress:
                progress(len(done))
            yield from done
        return
    with cf.ProcessPoolExecutor(workers, initializer=_init_worker,
                                initargs=(context,)) as pool:
        pending = {}                                 # future -> its batch
        for batch in _batches(result.statements, names):
            try:
                pending[pool.submit(_write_batch, batch, folder)] = batch
            except cf.process.BrokenProcessPool as e:
                yield from _failed(batch, e, progress)
                continue
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                yield from _collect(finished, pending, progress)
        yield from _collect(cf.as_completed(list(pending)), pending, progress)


def _collect(futures, pending, progress):
    for f in futures:
        batch = pending.pop(f)
        try:
            done = f.result()
        except Exception as e:      # the worker died (killed, out of memory): name them all
            yield from _failed(batch, e, progress)
            continue
        if progress:
            progress(len(done))
        yield from done


def _failed(batch, error, progress):
    """A batch no worker could finish: each of its statements named as failed."""
    if progress:
        progress(len(batch))
    reason = "worker process failed: %s: %s" % (type(error).__name__, error)
    return [(st.tenancy_id, [], reason) for st, _ in batch]

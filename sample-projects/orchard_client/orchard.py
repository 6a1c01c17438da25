"""Orchard's trial client: one file, standard library only (Python 3.8+). Copy it next to your script or put its
folder on ``sys.path``/``PYTHONPATH``.

A command trial started by Orchard gets its parameters, a checkpoint directory and maybe a checkpoint to resume
from in its environment; it reports metrics as ``@orchard {json}`` lines on stdout; and it is asked to stop (early
stopping by the scheduler, a paused sweep, the user's stop) with SIGTERM, followed by SIGKILL after a grace period.
This module does all of that for you, and the same script still runs by hand outside Orchard::

    import orchard

    p = orchard.params({"lr": 0.01, "epochs": 20})      # ORCHARD_PARAMS over these defaults
    state = orchard.load_checkpoint("state.json") or {"epoch": 0, "w": 0.0}
    orchard.install_signal_handlers()                   # SIGTERM now only sets should_stop()
    for epoch in range(state["epoch"] + 1, p["epochs"] + 1):
        state["w"] += p["lr"]                           # ... one epoch of training ...
        state["epoch"] = epoch
        orchard.save_checkpoint(state, "state.json")    # atomic: a kill never leaves half a file
        orchard.report(epoch, loss=1.0 / epoch)         # prints: @orchard {"step": 3, "loss": 0.333...}
        if orchard.should_stop():                       # pruned, paused or stopped: checkpoint is saved
            break

Environment read (each call reads it afresh): ``ORCHARD_TRIAL_ID``, ``ORCHARD_EXPERIMENT_ID``, ``ORCHARD_PARAMS``
(a JSON object), ``ORCHARD_CHECKPOINT_DIR``, ``ORCHARD_RESUME_FROM`` (empty on a fresh start).
"""
import contextlib
import json
import math
import numbers
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

__all__ = [
    "report", "should_stop", "request_stop", "install_signal_handlers", "params", "trial_id", "experiment_id",
    "checkpoint_dir", "resume_from", "save_checkpoint", "load_checkpoint", "atomic_write", "PREFIX",
]

PREFIX = "@orchard"
_FALLBACK_ROOT = "orchard-checkpoints"

# ----------------------------------------------------------------------------------------------------------------
# Metrics
# ----------------------------------------------------------------------------------------------------------------

_report_lock = threading.Lock()


def _number(name, value):
    """A finite int or float for JSON, or a ValueError that says what was wrong with ``name``."""
    # bool is an int in Python but would reach the engine as true/false, which is no metric
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = " (a tensor? use .item())" if hasattr(value, "item") else ""
        raise ValueError("metric %r must be a real number, got %s %r%s"
                         % (name, type(value).__name__, value, hint))
    if isinstance(value, numbers.Integral):
        return int(value)  # also numpy integers, which json cannot write
    v = float(value)
    if not math.isfinite(v):
        raise ValueError("metric %r is %r; Orchard stores only finite values (did training diverge?)" % (name, v))
    return v


def report(step, metrics=None, /, **kwargs):
    """Reports metric values at ``step`` by printing one flushed line ``@orchard {"step": 3, "loss": 0.2}``.

    ``step`` is a non-negative int (an epoch, an iteration); metrics are keyword arguments, or a dict as the
    second argument for names that are not identifiers (``report(3, {"val/loss": 0.2})``). Values must be finite
    real numbers (ints, floats, numpy scalars); anything else raises ValueError before anything is printed.
    Safe to call from several threads: lines never interleave with each other.
    """
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 0:
        raise ValueError("step must be a non-negative int, got %r" % (step,))
    values = dict(metrics or {})
    values.update(kwargs)
    if not values:
        raise ValueError("report(%d) needs at least one metric, e.g. report(%d, loss=0.5)" % (step, step))
    line = {"step": int(step)}
    for name, value in values.items():
        if not isinstance(name, str) or not name:
            raise ValueError("metric names must be non-empty strings, got %r" % (name,))
        if name == "step":
            raise ValueError("'step' is the step, not a metric name")
        line[name] = _number(name, value)
    text = PREFIX + " " + json.dumps(line, allow_nan=False) + "\n"
    with _report_lock:
        out = sys.stdout  # looked up per call, so redirect_stdout and test harnesses see the lines
        out.write(text)
        out.flush()


# ----------------------------------------------------------------------------------------------------------------
# Stopping
# ----------------------------------------------------------------------------------------------------------------

_stop = threading.Event()
_install_lock = threading.Lock()
_installed = False
_warned_thread = False
_previous = {}  # signal number -> the handler that was there before ours
_seen = {}      # signal number -> how many times it arrived


def _on_signal(signum, frame):
    # Runs on the main thread between bytecodes: set a flag and return, so a checkpoint being written finishes.
    _stop.set()
    _seen[signum] = _seen.get(signum, 0) + 1
    previous = _previous.get(signum)
    if signum == signal.SIGINT and previous is signal.default_int_handler:
        # At a terminal, the first Ctrl-C asks for a graceful stop and the second one interrupts as usual.
        if _seen[signum] > 1:
            previous(signum, frame)
    elif callable(previous):
        previous(signum, frame)  # someone else's handler (a framework, the script itself): it runs too
    # SIG_DFL for SIGTERM is deliberately not re-raised, not even for a second SIGTERM: the engine may send SIGTERM
    # more than once while it waits, and it ends a trial that does not stop in time with SIGKILL anyway.


def install_signal_handlers():
    """Makes SIGTERM (and SIGINT) set :func:`should_stop` instead of ending the process. Idempotent.

    :func:`should_stop` calls this itself the first time; call it earlier (before loading data, say) if a stop
    during setup should also be graceful. A handler that was installed before is still called (after the flag is
    set). SIGINT: the first one asks for a graceful stop, a second raises KeyboardInterrupt as usual; an ignored
    SIGINT (a background job) stays ignored. Signal handlers can only be installed from the main thread; from
    another thread this warns once and returns False (call it from the main thread first). Returns True when the
    handlers are in place.
    """
    global _installed, _warned_thread
    with _install_lock:
        if _installed:
            return True
        if threading.current_thread() is not threading.main_thread():
            if not _warned_thread:
                _warned_thread = True
                warnings.warn("orchard: signal handlers can only be installed from the main thread; call "
                              "orchard.install_signal_handlers() there, or SIGTERM will end the process at once",
                              RuntimeWarning, stacklevel=3)
            return False
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(sig)
            if previous is _on_signal:
                continue
            if sig == signal.SIGINT and previous is signal.SIG_IGN:
                continue
            _previous[sig] = previous
            signal.signal(sig, _on_signal)
        _installed = True
        return True


def should_stop():
    """True once the trial has been asked to end: SIGTERM (early stop, pause or stop from Orchard) or SIGINT arrived,
    or :func:`request_stop` was called. Then save a checkpoint (if the last one is stale) and exit with status 0;
    whether the trial was pruned, paused or stopped is the engine's business, and a paused trial is restarted later
    with ``ORCHARD_RESUME_FROM``. Cheap: call it every epoch or every few batches.
    """
    if not _installed:
        install_signal_handlers()
    return _stop.is_set()


def request_stop():
    """Makes :func:`should_stop` return True, as a SIGTERM would (for stopping from your own code or a test)."""
    _stop.set()


# ----------------------------------------------------------------------------------------------------------------
# Identity and parameters
# ----------------------------------------------------------------------------------------------------------------

def _env(name):
    value = os.environ.get(name, "")
    return value if value.strip() else None


def trial_id():
    """The trial's number as a string (``ORCHARD_TRIAL_ID``), or None when not run by Orchard."""
    return _env("ORCHARD_TRIAL_ID")


def experiment_id():
    """The experiment's id as a string (``ORCHARD_EXPERIMENT_ID``), or None when not run by Orchard."""
    return _env("ORCHARD_EXPERIMENT_ID")


def params(defaults=None):
    """The trial's parameters: ``ORCHARD_PARAMS`` (a JSON object) merged over a copy of ``defaults``.

    Outside Orchard (no ``ORCHARD_PARAMS``) this is just a copy of ``defaults``, so a script runs by hand too.
    Parameters that Orchard sends but ``defaults`` lacks are included; values keep their JSON types (a ``choice``
    of strings stays a string, an ``int`` parameter an int). A malformed ``ORCHARD_PARAMS`` raises ValueError.
    """
    merged = dict(defaults or {})
    raw = _env("ORCHARD_PARAMS")
    if raw is None:
        return merged
    try:
        given = json.loads(raw)
    except ValueError as e:
        raise ValueError("ORCHARD_PARAMS is not valid JSON (%s): %.200s" % (e, raw)) from None
    if not isinstance(given, dict):
        raise ValueError("ORCHARD_PARAMS must be a JSON object, got: %.200s" % (raw,))
    merged.update(given)
    return merged


# ----------------------------------------------------------------------------------------------------------------
# Checkpoints
# ----------------------------------------------------------------------------------------------------------------

_write_lock = threading.RLock()  # re-entrant: save_checkpoint runs inside atomic_write


def checkpoint_dir():
    """This trial's checkpoint directory (``ORCHARD_CHECKPOINT_DIR``; kept across pause and resume), created if
    needed. Outside Orchard: ``./orchard-checkpoints/<trial id or "local">`` under the working directory."""
    given = _env("ORCHARD_CHECKPOINT_DIR")
    path = Path(given) if given else Path(_FALLBACK_ROOT) / (trial_id() or "local")
    path.mkdir(parents=True, exist_ok=True)
    return path


def resume_from():
    """The directory holding the checkpoint to continue from (``ORCHARD_RESUME_FROM``), or None on a fresh start.

    After a pause or an engine crash it is the trial's own checkpoint directory; for a trial derived from another
    (population-based training) a copy of the parent's checkpoint. Load from here, save to :func:`checkpoint_dir`.
    """
    given = _env("ORCHARD_RESUME_FROM")
    return Path(given) if given else None


def _plain_name(name):
    if not name or os.path.basename(name) != name or name in (".", ".."):
        raise ValueError("checkpoint name must be a plain file name, got %r" % (name,))
    return name


@contextlib.contextmanager
def atomic_write(name, directory=None):
    """Context manager yielding a temporary Path to write; on a clean exit it is fsynced and renamed over
    ``directory/name`` (``directory`` defaults to :func:`checkpoint_dir`) with ``os.replace``, which is atomic:
    readers, and a resume after a kill, see the old file or the new one, never half of one. On an exception the
    temporary file is removed and the old checkpoint stays. For large checkpoints written by a library::

        with orchard.atomic_write("model.pt") as tmp:
            torch.save(state, tmp)

    The temporary file is ``.<name>.tmp`` beside the target (one writer per directory); a SIGKILL mid-write leaves
    at most that file behind, and the next save reuses it.
    """
    name = _plain_name(name)
    folder = Path(directory) if directory is not None else checkpoint_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / (".%s.tmp" % name)
    with _write_lock:
        try:
            yield tmp
            with open(tmp, "rb+") as f:  # the writer may have closed its handle already: flush to disk here
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    _fsync_dir(folder)


def _fsync_dir(folder):
    # Makes the rename itself durable on POSIX; directories cannot be opened like this on Windows.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(str(folder), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def save_checkpoint(obj, name="state.json", directory=None):
    """Saves ``obj`` atomically as ``directory/name`` (default: :func:`checkpoint_dir`) and returns its Path.

    ``bytes``/``bytearray``/``memoryview`` are written as they are (e.g. ``torch.save`` into an ``io.BytesIO``);
    anything else is written as JSON (dicts, lists, numbers, strings). The object is encoded before the file is
    touched, so an object that cannot be encoded raises and leaves the previous checkpoint as it was.
    """
    if isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
    else:
        try:
            data = json.dumps(obj).encode("utf-8")
        except (TypeError, ValueError) as e:
            raise ValueError("checkpoint %r: cannot encode %s as JSON (%s); pass bytes for other formats"
                             % (name, type(obj).__name__, e)) from None
    folder = Path(directory) if directory is not None else checkpoint_dir()
    with atomic_write(name, folder) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
    return folder / name


def load_checkpoint(name="state.json", directory=None):
    """Loads ``directory/name``; ``directory`` defaults to :func:`resume_from`. Returns None when there is nothing
    to resume from (a fresh start, or no such file there), so ``load_checkpoint(...) or initial_state`` works.

    Names ending in ``.json`` are parsed as JSON; other files come back as bytes.
    """
    name = _plain_name(name)
    folder = Path(directory) if directory is not None else resume_from()
    if folder is None:
        return None
    path = folder / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if name.endswith(".json"):
        return json.loads(data.decode("utf-8"))
    return data

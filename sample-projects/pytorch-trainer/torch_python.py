"""Finds a Python that has PyTorch, so ``python3 train.py`` works whichever ``python3`` comes first on the PATH.

Why: PyTorch is often installed for one interpreter only (Debian's ``python3-torch`` for ``/usr/bin/python3``, a
conda or venv environment, ...), while ``python3`` on the PATH may be another one (pyenv, a bare system Python).
``ensure_torch()``, called before ``import torch``, does nothing when this interpreter has torch; otherwise it
replaces the process (``os.execv``: same PID, so Orchard's SIGTERM still reaches the trainer) with the first of:

1. ``$ORCHARD_PYTHON`` if set: this interpreter, and only this one (it is used even when the current one has torch);
2. another ``python3`` on the PATH;
3. ``/usr/bin/python3``, ``/usr/local/bin/python3``.

Run as a script, it prints the interpreter it would use (exit 0) or why there is none (exit 1); the tests use that
to decide whether they can run.
"""
import importlib.util
import os
import shutil
import subprocess
import sys

_REEXEC = "ORCHARD_TORCH_REEXEC"  # set in the environment of the re-executed process, so it never loops
_PROBE = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 1)"


def _which_all(name):
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = os.path.join(folder, name)
        if folder and os.path.isfile(path) and os.access(path, os.X_OK):
            yield path


def has_torch(python):
    """True when ``python`` can find the ``torch`` package (without importing it: that takes seconds)."""
    try:
        return subprocess.run([python, "-c", _PROBE], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _chosen():
    """$ORCHARD_PYTHON as a path (a bare name is looked up on the PATH), or None."""
    chosen = os.environ.get("ORCHARD_PYTHON", "").strip()
    return (shutil.which(chosen) or chosen) if chosen else None


def candidates():
    """Interpreters to try, in order, without duplicates (see the module docstring)."""
    chosen = _chosen()
    if chosen:
        return [chosen]
    seen, out = set(), []
    for path in [sys.executable, *_which_all("python3"), "/usr/bin/python3", "/usr/local/bin/python3"]:
        key = os.path.realpath(path)
        if path and key not in seen and os.path.exists(path):
            seen.add(key)
            out.append(path)
    return out


def find():
    """The first candidate that has torch, or None."""
    return next((p for p in candidates() if has_torch(p)), None)


def _same(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


def ensure_torch():
    """Returns when this interpreter may import torch; otherwise re-executes the script with one that can, or exits
    with a message that says what to install or set."""
    chosen = _chosen()
    here_ok = importlib.util.find_spec("torch") is not None and (not chosen or _same(chosen, sys.executable))
    if here_ok or os.environ.get(_REEXEC):
        if importlib.util.find_spec("torch") is None:
            sys.exit("%s (chosen by ORCHARD_PYTHON or the PATH) cannot import torch" % sys.executable)
        return
    other = find()
    if other is None:
        tried = ", ".join(candidates()) or "no python3 found"
        sys.exit("PyTorch is not installed for any Python found (tried: %s). Install it (pip install torch, or "
                 "apt install python3-torch) or set ORCHARD_PYTHON to an interpreter that has it." % tried)
    if os.name != "posix":
        sys.exit("%s has no torch; run the script with %s (or put it first on the PATH)" % (sys.executable, other))
    os.environ[_REEXEC] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(other, [other] + sys.argv)


if __name__ == "__main__":
    found = find()
    if found is None:
        print("no Python with torch among: %s" % (", ".join(candidates()) or "(none)"), file=sys.stderr)
        sys.exit(1)
    print(found)

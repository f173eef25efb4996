"""The trusted side of the grader's sandbox: the child process, its limits, and the proxy.

:class:`Sandbox` starts ``python -I -m lossfns._grade_child`` (a fork server, see that module) in
a clean environment and an empty folder, inside a user and network namespace
(``unshare --user --map-root-user --net``) where the platform allows one;
:attr:`Sandbox.isolation` says which level was reached. :meth:`Sandbox.worker` forks a fresh
worker for one submission: a :class:`Worker` loads one exercise's code and calls it with a
timeout per call. :func:`proxy` wraps a worker as the function the unchanged ``lossfns.check_*``
calls: it returns the child's result (arrays read-only) and re-raises the student's exception
as the same builtin type with the same message, any other as an ``Exception`` subclass of the
same name. When the child dies, hangs or breaks the wire format the proxy raises
:class:`SandboxFailure`, a ``BaseException``, so that no check can mistake it for the student's
own exception: the exercise scores nothing and the note says what happened.
"""

import builtins
import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from . import _grade_wire as wire

DEFAULT_LIMITS = {"AS": 1536 * 2**20, "CPU": 60, "FSIZE": 2**20, "NOFILE": 64, "NPROC": 0,
                  "CORE": 0}
DEFAULT_TIMEOUT = 10.0  # seconds per call of the student's function; a load gets 3 times this
_CLEAN_ENVIRONMENT = {"PATH": os.defpath, "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
                      "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
ISOLATION_NAMESPACES = "user and network namespace (no network), rlimits, audit hook"
ISOLATION_PLAIN = "rlimits and audit hook only (no network namespace on this platform)"


class SandboxFailure(BaseException):
    """The child hung, crashed or broke the wire format; ``note`` says which, for the report."""

    def __init__(self, note):
        super().__init__(note)
        self.note = note


@functools.lru_cache(maxsize=1)
def namespace_prefix():
    """``["unshare", ...]`` if a user and network namespace can be made here, else ``[]``."""
    command = ["unshare", "--user", "--map-root-user", "--net", "--"]
    if shutil.which("unshare") is None:
        return []
    try:
        done = subprocess.run([*command, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return command if done.returncode == 0 else []


class Sandbox:
    """One fork server; ``with Sandbox() as sandbox: worker = sandbox.worker()``."""

    def __init__(self, timeout=DEFAULT_TIMEOUT, limits=None, isolate_network=True):
        self.timeout, self.limits = timeout, {**DEFAULT_LIMITS, **(limits or {})}
        prefix = namespace_prefix() if isolate_network else []
        self.isolation = ISOLATION_NAMESPACES if prefix else ISOLATION_PLAIN
        self._home = tempfile.mkdtemp(prefix="lossfns-grade-")
        self._control, child_end = socket.socketpair()
        self._lock = threading.Lock()
        child_end_fd = child_end.fileno()
        self._process = subprocess.Popen(
            [*prefix, sys.executable, "-I", "-m", "lossfns._grade_child", str(child_end_fd)],
            cwd=self._home, env={**_CLEAN_ENVIRONMENT, "HOME": self._home,
                                 "MPLCONFIGDIR": self._home, "TMPDIR": self._home},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(child_end_fd,))
        child_end.close()

    def worker(self):
        """A fresh :class:`Worker` in an empty folder of its own."""
        workdir = tempfile.mkdtemp(dir=self._home)
        with self._lock:
            self._control.settimeout(60)
            try:
                wire.send(self._control, {"op": "spawn", "workdir": workdir,
                                          "limits": self.limits})
                message, fds, _, _ = socket.recv_fds(self._control, 8, 1)
            except OSError as error:
                raise RuntimeError(f"the grader's fork server did not answer: {error}") from None
        if len(message) != 8 or len(fds) != 1:
            raise RuntimeError("the grader's fork server died (is lossfns installed for "
                               f"{sys.executable} -I?)")
        return Worker(socket.socket(fileno=fds[0]), int.from_bytes(message, "big"), workdir,
                      self.timeout)

    def close(self):
        self._control.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()


class Worker:
    """One sandboxed worker process; each failure of the channel kills it."""

    def __init__(self, sock, pid, workdir, timeout):
        self._sock, self.pid, self.workdir, self.timeout = sock, pid, workdir, timeout
        self.dead = None  # the note of the failure that killed it

    def _request(self, message, timeout):
        if self.dead:
            raise SandboxFailure(self.dead)
        self._sock.settimeout(timeout)
        try:
            wire.send(self._sock, message)
            return wire.receive(self._sock)
        except TimeoutError:
            self._fail(f"timed out (a call took over {timeout:g} s)")
        except (EOFError, ConnectionError):
            self._fail("crashed (the child process died: segfault, os._exit, a resource limit "
                       "or a signal)")
        except (wire.WireError, OSError) as error:
            self._fail(f"broke the grader's channel ({str(error)[:120]})")

    def _fail(self, note):
        self.kill()
        self.dead = note
        raise SandboxFailure(note)

    def load(self, source, name):
        """Run ``source`` (the extracted cells) in the worker; the function ``name`` is graded."""
        reply = self._request({"op": "load", "source": source, "name": name}, 3 * self.timeout)
        if not reply.get("ok"):
            raise rebuilt_exception(reply)

    def call(self, *arguments):
        """The student's function applied to ``arguments`` in the worker."""
        try:
            message = {"op": "call", "args": [wire.encode_value(a) for a in arguments]}
        except wire.WireError as error:
            raise TypeError(f"the grader cannot send this argument: {error}") from None
        reply = self._request(message, self.timeout)
        if reply.get("ok") is True:
            try:
                return wire.decode_value(reply.get("value"))
            except (wire.WireError, ValueError, TypeError) as error:
                self._fail(f"broke the grader's channel ({str(error)[:120]})")
        if reply.get("ok") is False:
            raise rebuilt_exception(reply)
        self._fail("broke the grader's channel (a reply that is neither a result nor an error)")

    def kill(self):
        for kill in (os.killpg, os.kill):  # the worker leads its own session
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(self.pid, signal.SIGKILL)
        self._sock.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


_NAMED_EXCEPTIONS = {}


def rebuilt_exception(reply):
    """The student's exception as the parent raises it: the same builtin type and message, or
    an ``Exception`` subclass with the student's exception's name."""
    name, message = str(reply.get("type", "Exception")), str(reply.get("message", ""))
    builtin = getattr(builtins, name, None)
    if (reply.get("builtin") is True and isinstance(builtin, type)
            and issubclass(builtin, Exception)):
        try:
            return builtin(message)
        except TypeError:  # a builtin whose constructor wants more (UnicodeDecodeError)
            pass
    if not name.isidentifier():
        name = "StudentException"
    if name not in _NAMED_EXCEPTIONS:
        _NAMED_EXCEPTIONS[name] = type(name, (Exception,), {"__module__": "submission"})
    return _NAMED_EXCEPTIONS[name](message)


def proxy(worker, name):
    """A function named ``name`` that forwards each call to ``worker``."""
    def forwarded(*arguments):
        return worker.call(*arguments)

    forwarded.__name__ = forwarded.__qualname__ = name
    return forwarded

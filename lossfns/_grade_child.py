"""The sandboxed side of the grader: ``python -I -m lossfns._grade_child FD`` (started by
:mod:`lossfns._sandbox`, never by hand).

The process is a fork server: it imports NumPy and lossfns once, then, for each request on the
control socket (file descriptor FD), forks a worker with a fresh socket pair and hands the
parent one end (``SCM_RIGHTS``) and the worker's pid. The worker closes the control socket,
moves into its own empty folder and session, lowers its resource limits, installs an audit
hook that refuses files outside the Python installation, sockets, subprocesses, forks and
ctypes, and only then loads the student's code. It answers ``load`` and ``call`` requests in
the format of :mod:`lossfns._grade_wire`; what the student's code prints goes to /dev/null.
"""

import contextlib
import os
import resource
import signal
import socket
import sys
import sysconfig

import numpy as np

import lossfns  # imported once here, so that each worker starts with it loaded

from . import _grade_wire as wire

_BLOCKED_EVENTS = ("socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn",
                   "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg", "os.symlink",
                   "os.link", "ctypes.", "pty.", "os.chroot", "os.setuid", "os.putenv")
_PATH_EVENTS = ("open", "os.listdir", "os.scandir", "os.remove", "os.rename", "os.rmdir",
                "os.mkdir", "os.chmod", "os.truncate", "shutil.rmtree", "os.utime")


def _readable_roots():
    """Folders a worker may read: the interpreter's libraries, site-packages and lossfns."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix,
             *sysconfig.get_paths().values(), os.path.dirname(lossfns.__file__),
             os.path.dirname(np.__file__)}
    return tuple(os.path.realpath(root) + os.sep for root in roots if root)


def _install_audit_hook(workdir):
    """Refuse, as ``PermissionError``, every file access outside the readable roots (writes:
    outside ``workdir``) and every blocked event; an audit hook cannot be removed."""
    readable, writable = _readable_roots() + (workdir + os.sep, "/dev/null"), workdir + os.sep

    def allowed(path, write):
        if isinstance(path, int):  # an open file descriptor: os.fdopen of fds it already has
            return True
        real = os.path.realpath(os.fsdecode(path))
        prefixes = (writable,) if write else readable
        return real == "/dev/null" or (real + os.sep).startswith(prefixes)

    def hook(event, arguments):
        if event.startswith(_BLOCKED_EVENTS):
            raise PermissionError(f"the grader's sandbox does not allow {event}")
        if event in _PATH_EVENTS and arguments:
            mode = arguments[1] if event == "open" and len(arguments) > 1 else None
            flags = arguments[2] if event == "open" and len(arguments) > 2 else 0
            write = event != "open" and event not in ("os.listdir", "os.scandir") or (
                isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if arguments[0] is not None and not allowed(arguments[0], bool(write)):
                raise PermissionError(f"the grader's sandbox does not allow {event} of "
                                      f"{os.fsdecode(arguments[0])!r}")

    sys.addaudithook(hook)


def _limit_resources(limits):
    """Lower this worker's limits (hard and soft): memory, CPU seconds, file size, files,
    processes."""
    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name}")
        # a platform without this limit (or refusing it): the others still hold
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (value, value))


def _answer(sock, namespace, request):
    """Handle one request; the student's exceptions are answered, never raised here."""
    if request.get("op") == "load":
        exec(compile(request["source"], "<submission>", "exec"), namespace)
        function = namespace.get(request["name"])
        if not callable(function):
            raise NameError(f"{request['name']} is not a function after its cells ran")
        namespace["__graded__"] = function
        return None
    arguments = [wire.decode_value(value) for value in request["args"]]
    return wire.encode_value(namespace["__graded__"](*arguments))


def _work(sock, workdir, limits):
    """A worker's life: lock itself down, then answer requests until the parent hangs up."""
    os.setsid()
    os.chdir(workdir)
    _limit_resources(limits)
    _install_audit_hook(os.path.realpath(workdir))
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    while True:
        try:
            request = wire.receive(sock)
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = {"ok": True, "value": _answer(sock, namespace, request)}
        except BaseException as error:  # noqa: BLE001 - the student's error goes to the parent
            reply = {"ok": False, "type": type(error).__name__,
                     "builtin": type(error).__module__ == "builtins",
                     "message": str(error)[:2000]}
        try:
            wire.send(sock, reply)
        except wire.WireError as error:  # e.g. an unsupported return type
            wire.send(sock, {"ok": False, "type": "TypeError", "builtin": True,
                             "message": f"the grader cannot read your function's result: {error}"})


def serve(control):
    """The fork server's loop: one worker per ``spawn`` request, until the parent hangs up."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    while True:
        try:
            request = wire.receive(control)
        except (EOFError, OSError, wire.WireError):
            return
        parent_end, worker_end = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                parent_end.close()
                _work(worker_end, request["workdir"], request["limits"])
            finally:
                os._exit(70)
        worker_end.close()
        socket.send_fds(control, [wire._HEADER.pack(pid)], [parent_end.fileno()])
        parent_end.close()


def main():
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the student's prints go nowhere, whatever they write to
        os.dup2(devnull, fd)
    serve(socket.socket(fileno=int(sys.argv[1])))


if __name__ == "__main__":
    main()

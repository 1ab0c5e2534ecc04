"""A notebook's kernel forked from the render's own process: a fresh kernel, without the start-up.

A kernel normally starts as a new Python process: about 0.6 s to start ipykernel, then
about 0.6 s more for the notebook's ``import reportlib`` (pandas, matplotlib). At the
scale of every council that is a sixth of a pack's time. The process running the execute
stage has imported all of that already, so on Linux it forks a *template* before
papermill opens a socket or an event loop::

    with forkkernel.template() as manager_class:
        papermill.execute_notebook(..., kernel_manager_class=manager_class)

When papermill starts its kernel, the template becomes it: ``IPKernelApp`` on papermill's
connection file, with the environment and working folder papermill asked for. It is
still one new process per notebook, which ends with the notebook, so nothing of one
notebook's run reaches another; what it shares with the render is only what was
imported before it was forked. Like a kernel started the usual way it has a session and
process group of its own and watches its parent; it is also killed if the execute stage
dies, so a stage stopped at its time limit takes its kernel with it.

A kernel forked this way starts from the state of the process that forks it, so the fork
is used only where that state is reportlib's own: the ``reportlib`` command calls
``enable()`` (a library caller's process, a Dask worker or a test runner never does). And
only when the kernel papermill would start is this interpreter's own ipykernel (the
``reportlib`` kernelspec ``make setup`` installs, or ``python3`` of the same environment),
on Linux, for the first start, with the hash seed the kernel is to have (the command runs
with ``determinism``'s seed for this); anything else (another interpreter, another
language, a restart, another seed) starts the usual way. In the kernel, logging is put
back as a new process has it. ``REPORTLIB_FORK_KERNEL=0`` turns the fork off.
"""
from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import signal
import subprocess
import sys
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

__all__ = ["enable", "enabled", "supported", "template"]

_template: Template | None = None
_enabled = False
#: The ``PYTHONHASHSEED`` this process was started with, once checked (None: unknown or random).
_process_seed: str | None = None


def supported() -> bool:
    """Whether kernels can be forked here: Linux, and not turned off by ``REPORTLIB_FORK_KERNEL=0``."""
    return sys.platform.startswith("linux") and os.environ.get("REPORTLIB_FORK_KERNEL", "1") != "0"


def enabled() -> bool:
    """Whether this process forks its kernels (``enable`` was called, where ``supported``)."""
    return _enabled and supported()


def enable() -> bool:
    """Fork kernels from this process from now on (where ``supported``); whether it will.

    Imports now, once, what each kernel would otherwise import itself: ipykernel (IPython,
    zmq, tornado) and the modules the shipped notebooks import. Call it only in a process
    whose state is reportlib's own (the ``reportlib`` command).
    """
    global _enabled, _process_seed
    if not supported():
        return False
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401

    _import_debugger()
    with contextlib.suppress(ImportError):  # what reading the run snapshot's parquet files imports
        import pyarrow.dataset  # noqa: F401

    import reportlib.analysis.compare  # noqa: F401
    import reportlib.present.charts  # noqa: F401
    import reportlib.present.comparison  # noqa: F401
    import reportlib.present.report  # noqa: F401

    seed = os.environ.get("PYTHONHASHSEED")
    _process_seed = seed if seed is not None and _runs_with_seed(seed) else None
    _enabled = True
    return True


def _import_debugger() -> None:
    """Import ipykernel's debugger (debugpy and pydevd) now: every kernel imports it as it
    starts (about a third of a second), whether or not anyone debugs. Imported here, in a
    process started without ``-Xfrozen_modules=off``, pydevd would print a warning about
    frozen modules on the command's stderr; it is told not to check, for this import only
    (no kernel of a render is ever debugged)."""
    key = "PYDEVD_DISABLE_FILE_VALIDATION"
    before = os.environ.get(key)
    os.environ[key] = "1"
    try:
        import ipykernel.debugger  # noqa: F401
    except Exception:  # noqa: BLE001 - a debugger that cannot load: the kernel copes, as it does itself
        pass
    finally:
        if before is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = before


def _runs_with_seed(seed: str) -> bool:
    """Whether this process hashes strings as a new one started with ``PYTHONHASHSEED=seed`` does."""
    probe = "reportlib: which hash seed?"
    try:
        found = subprocess.run([sys.executable, "-S", "-c", f"print(hash({probe!r}))"], capture_output=True,
                               text=True, timeout=60, env={**os.environ, "PYTHONHASHSEED": seed})
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0 and found.stdout.strip() == str(hash(probe))


@contextlib.contextmanager
def template():
    """Fork a template for the next kernel; yields the kernel manager class papermill should use.

    Unless ``enable()`` was called, yields jupyter_client's own manager and forks nothing.
    The template is ended on the way out if no kernel was made of it.
    """
    global _template
    if not (_enabled and supported()):
        yield AsyncKernelManager
        return
    _template = Template()
    try:
        yield ForkingKernelManager
    finally:
        _template.discard()
        _template = None


class Template:
    """A forked child waiting, on a pipe, for the one kernel it is to become."""

    def __init__(self):
        reader, writer = os.pipe()
        parent = os.getpid()
        for stream in (sys.stdout, sys.stderr):  # what waits in a buffer is written once, by us, not
            with contextlib.suppress(AttributeError, OSError, ValueError):  # again by the kernel's start
                stream.flush()
        gc.freeze()  # the kernel's garbage collector leaves what it inherits alone (no copied pages)
        pid = os.fork()
        if pid:
            gc.unfreeze()
        else:  # the template: never returns into the caller's code
            code = 1
            try:
                os.close(writer)
                code = _become_kernel(reader, parent)
            finally:
                os._exit(code)
        os.close(reader)
        self.pid, self._writer, self.used = pid, writer, False

    def launch(self, arguments: list[str], env: dict, cwd: str) -> int:
        """Turn the template into a kernel started with ``arguments``; its pid."""
        request = json.dumps({"arguments": arguments, "env": env, "cwd": cwd}).encode()
        self.used = True
        with os.fdopen(self._writer, "wb") as pipe:  # closing it ends the request
            pipe.write(request)
        return self.pid

    def discard(self) -> None:
        """End the template if no kernel was made of it (its pipe closes; it exits)."""
        if self.used:
            return
        self.used = True
        os.close(self._writer)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _become_kernel(reader: int, parent: int) -> int:
    """In the template: wait for the request, then run the kernel it describes; the exit code."""
    os.setsid()  # a session and process group of its own, as jupyter_client starts kernels
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)  # the render's own handlers are not the kernel's
    from reportlib.run.publish import die_with_parent

    die_with_parent(signal.SIGKILL, parent)  # a stage that dies takes its kernel with it
    with os.fdopen(reader, "rb") as pipe:
        request = pipe.read()
    if not request:
        return 0  # discarded: no kernel wanted
    request = json.loads(request)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # as jupyter_client starts kernels: never reading the terminal
    os.close(devnull)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    _fresh_logging()
    arguments = list(request["arguments"])
    # what ipykernel and matplotlib read from the environment when imported, as a kernel started
    # the usual way would have read it: the parent to watch, and the inline backend for pyplot
    if os.environ.get("JPY_PARENT_PID", "").isdigit():
        arguments.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
        del sys.modules["rfc3987_syntax"]  # kept from the command (``cli``), importable again here
    if "matplotlib" in sys.modules and "matplotlib.pyplot" not in sys.modules:
        sys.modules["matplotlib"].rcParams["backend"] = os.environ["MPLBACKEND"]
    from ipykernel.kernelapp import IPKernelApp

    sys.argv = [sys.executable, *arguments]
    IPKernelApp.launch_instance(argv=arguments)
    return 0


def _fresh_logging() -> None:
    """Logging as a new process has it: no handlers (warnings reach the notebook's stderr by
    logging's last resort), no levels set, nothing disabled."""
    logging.disable(logging.NOTSET)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    for logger in [logging.root, *loggers]:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate, logger.disabled = True, False
    logging.root.setLevel(logging.WARNING)


def kernel_arguments(command: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` when ``command`` starts this interpreter's
    ipykernel (``-X`` options before it, such as ipykernel's ``-Xfrozen_modules=off`` for the
    debugger, are allowed), else None: that kernel must start the usual way."""
    if "-m" not in command or os.path.abspath(os.path.expanduser(command[0])) != os.path.abspath(sys.executable):
        return None
    module = command.index("-m")
    if command[module + 1:module + 2] != ["ipykernel_launcher"]:
        return None
    if not all(option.startswith("-X") for option in command[1:module]):
        return None
    return list(command[module + 2:])


class _ForkedProcess:
    """What jupyter_client asks of a kernel's ``Popen``, for a kernel this process forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            except ChildProcessError:
                self.returncode = -1
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Starts the kernel from the waiting template when it can, else as ``LocalProvisioner`` does."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        arguments = kernel_arguments(cmd)
        env = dict(kwargs.get("env") or os.environ)
        seed = env.get("PYTHONHASHSEED")
        if arguments is None or _template is None or _template.used or seed not in (None, _process_seed):
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it: the kernel watches us
        pid = _template.launch(arguments, env, cwd)
        # its own process group, as a kernel started the usual way: interrupting or killing the
        # kernel reaches what its cells started, and never this process
        self.process, self.pid, self.pgid, self.cwd = _ForkedProcess(pid), pid, pid, cwd
        return self.connection_info


class ForkingKernelManager(AsyncKernelManager):
    """``AsyncKernelManager`` whose first kernel is the forked template (``ForkProvisioner``)."""

    async def _async_pre_start_kernel(self, **kw):
        self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
        if self.provisioner is None:
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


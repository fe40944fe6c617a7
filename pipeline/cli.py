"""What tasks share: turning user errors into one line and an exit code."""
from __future__ import annotations

import sys
from contextlib import contextmanager

from .errors import PipelineError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@contextmanager
def user_errors():
    """Inside a task: a PipelineError becomes `error: <one line>` on stderr and exit code 2."""
    from invoke import Exit

    try:
        yield
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise Exit(code=getattr(exc, "exit_code", EXIT_USAGE)) from None
    except OSError as exc:  # a read-only folder, a full disk: the user's to fix, not a bug
        from .oserrors import describe

        print(f"error: {describe(exc)}", file=sys.stderr)
        raise Exit(code=EXIT_USAGE) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise Exit(code=130) from None


def run_command(command, *args, **kwargs) -> None:
    """What a task does: call the library's command under user_errors(); its non-zero return is the exit code."""
    from invoke import Exit

    _no_collection_at_exit()
    with user_errors():
        code = command(*args, **kwargs)
    if code:
        raise Exit(code=code)


def _no_collection_at_exit() -> None:
    """The interpreter's last garbage collection at exit walks every object a build made (~0.2 s after one
    edited example at 2,500 examples, between the summary line and the shell's prompt) only to free memory
    the process gives back anyway. Frozen objects are left out of it; exit handlers still run (this one,
    registered first, runs after them), and a build writes its files whole before it returns."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)  # once, however many tasks run in this process
    atexit.register(gc.freeze)

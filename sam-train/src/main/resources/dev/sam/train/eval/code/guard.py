# SAM's harness for one Python code task: limits first, then the answer, then its tests.
# Run as: python3 -I -B guard.py MEMORY_MB CPU_SECONDS NONCE   (in a directory holding solution.py, tests.py)
# Limits: address space and CPU time (resource(2) rlimits), no child processes, small files; an audit
# hook (PEP 578) refuses sockets, subprocesses, exec and ctypes. It guards against accidents of generated
# code (loops, runaway memory, network), not against code written to escape.
import resource
import sys

_mem = int(sys.argv[1]) * 1024 * 1024
_cpu = int(sys.argv[2])
_nonce = sys.argv[3]
sys.argv = ["solution.py"]
with open("solution.py", encoding="utf-8") as f:
    _solution = f.read()
with open("tests.py", encoding="utf-8") as f:
    _tests = f.read()

resource.setrlimit(resource.RLIMIT_AS, (_mem, _mem))
resource.setrlimit(resource.RLIMIT_CPU, (_cpu, _cpu + 1))
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
try:
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
except (ValueError, OSError):
    pass

_BLOCKED = ("socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
            "os.forkpty", "pty.", "ctypes.", "os.kill", "os.killpg")


def _hook(event, args):
    if event.startswith(_BLOCKED):
        raise PermissionError("blocked by SAM's code-task sandbox: " + event)


sys.addaudithook(_hook)
_ns = {"__name__": "solution"}
exec(compile(_solution, "solution.py", "exec"), _ns)
exec(compile(_tests, "tests.py", "exec"), _ns)
print("SAM-TESTS-PASSED " + _nonce)

"""Run one notebook (or just import TensorFlow) and print its wall time and peak memory as JSON.

The kernel is this process's child; once it has exited, ``RUSAGE_CHILDREN`` reports the
largest peak resident set of any child, which is the kernel's.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    start = time.perf_counter()
    if sys.argv[1] == "--import-tensorflow":
        subprocess.run([sys.executable, "-c", "import tensorflow, keras"], check=True)
    else:
        import nbformat
        from nbclient import NotebookClient

        path = Path(sys.argv[1]).resolve()
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=900,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()  # never written back: the repository's notebook is left untouched
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main()

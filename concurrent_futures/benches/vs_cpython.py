"""The CPython half of `cargo bench -p concurrent_futures --features bench-peers`.

The same work as vs_cpython.rs, on CPython's concurrent.futures: prints one
JSON object, each case's cost in microseconds per task. The Rust side runs
this script and puts the two side by side.
"""

import json
import sys
import time
from concurrent import futures


def tiny(x):
    return x * 2


def timed(work, tasks):
    t0 = time.perf_counter()
    work()
    return (time.perf_counter() - t0) * 1e6 / tasks


def main():
    thread_tasks, process_tasks, chunked_tasks = map(int, sys.argv[1:4])
    results = {}
    for workers in (1, 2, 4, 8):
        with futures.ThreadPoolExecutor(workers) as executor:
            executor.submit(tiny, 0).result()

            def submit_then_result():
                fs = [executor.submit(tiny, i) for i in range(thread_tasks)]
                for f in fs:
                    f.result()

            results[f"threads submit {workers}"] = timed(
                submit_then_result, thread_tasks)
            results[f"threads map {workers}"] = timed(
                lambda: list(executor.map(tiny, range(thread_tasks))),
                thread_tasks)
    with futures.ProcessPoolExecutor(2) as executor:
        list(executor.map(tiny, range(4)))
        results["processes map"] = timed(
            lambda: list(executor.map(tiny, range(process_tasks))),
            process_tasks)
        results["processes map chunksize=1000"] = timed(
            lambda: list(executor.map(tiny, range(chunked_tasks),
                                      chunksize=1000)),
            chunked_tasks)
    print(json.dumps(results))


if __name__ == "__main__":
    main()

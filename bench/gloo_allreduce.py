#!/usr/bin/env python3
"""The yardstick for an averaging round: a torch.distributed (gloo) all-reduce of the same number of
float32 values between the same number of local processes, as PyTorch's DistributedDataParallel would
move them. Prints one JSON object: floats, processes, and the all-reduce time in seconds (min, median,
max over the timed repeats, after warm-up ones). Usage: gloo_allreduce.py FLOATS PROCESSES [REPEATS]."""
import json
import os
import socket
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def worker(rank, world, port, floats, repeats, out):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    t = torch.full((floats,), float(rank + 1), dtype=torch.float32)
    times = []
    for i in range(repeats + 2):
        dist.barrier()
        start = time.perf_counter()
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        elapsed = time.perf_counter() - start
        if i >= 2:
            times.append(elapsed)
    expected = float(sum(range(1, world + 1))) * world ** (repeats + 1)
    ok = abs(t[0].item() - expected) <= 1e-3 * expected
    if rank == 0:
        out.put({"times": times, "correct": ok})
    dist.destroy_process_group()


def main():
    floats = int(sys.argv[1])
    world = int(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(r, world, port, floats, repeats, out)) for r in range(world)]
    for p in procs:
        p.start()
    result = out.get(timeout=600)
    for p in procs:
        p.join()
    times = result["times"]
    print(json.dumps({"floats": floats, "processes": world, "bytes": 4 * floats, "correct": result["correct"],
                      "seconds_min": min(times), "seconds_median": statistics.median(times),
                      "seconds_max": max(times), "repeats": repeats, "torch": torch.__version__}))


if __name__ == "__main__":
    main()

"""Collectives benchmark, mpi4py side (buffer path: numpy arrays, uppercase methods).

The same program as bench/c/collectives.c and bench/kernels/collectives.ts: same collectives,
sizes, data, iteration counts, warm-up, checks and output lines ("impl":"mpi4py"), so
bench/collectives.ts treats all three alike. See bench/c/collectives.c for what a size means
and how a call is timed.

  collectives.py [--ops Barrier,Bcast,...] [--sizes a,b,c] [--quick]

Run: mpirun -n 4 /usr/bin/python3 bench/python/collectives.py
"""

import json
import sys

import numpy as np
from mpi4py import MPI

MAX_SIZE = 256 << 20
MAX_SIZES = 64
SMALL = 8192
NAMES = ["Barrier", "Bcast", "Scatter", "Gather", "Reduce", "Allreduce", "Allgather", "Alltoall"]
BLOCKED = {"Scatter", "Gather", "Allgather", "Alltoall"}

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
nranks = comm.Get_size()


def iterations(nbytes, quick):
    """2000 calls up to 8 KiB, then about 400 MB moved per size: 47 at 8 MiB, 5 at 80 MB."""
    n = 2000 if nbytes <= SMALL else 400000000 // nbytes
    n = min(max(n, 5), 2000)
    if quick:
        n = max(n // 10, 2)
    return n


def warmups(iters, nbytes):
    if nbytes <= SMALL:
        return 10000
    return max(iters // 5, 1)


def blocks_of(op):
    return nranks if op in BLOCKED else 1


def element_size(op, nbytes):
    """Doubles when every block holds whole doubles, else bytes."""
    return 8 if nbytes % (8 * blocks_of(op)) == 0 else 1


def pattern_at(elem, r, i):
    """What rank r holds at element i (an int or an int array) of its send buffer."""
    if elem == 1:
        return (r * 37 + i * 7 + 13) & 0xFF
    return (r + 1) * 1e6 + (i % 999983)


def reduced(elem, i):
    total = sum(pattern_at(elem, r, i) for r in range(nranks))
    return int(total) & 0xFF if elem == 1 else total


def checks_for(op, elem, count, block):
    """(index, expected) pairs of this rank's receive buffer, as checks_for in collectives.c."""
    checks = []
    if op == "Bcast":
        if rank != 0:
            checks = [(i, pattern_at(elem, 0, i)) for i in (0, count // 2, count - 1)]
    elif op == "Scatter":
        checks = [
            (0, pattern_at(elem, 0, rank * block)),
            (block - 1, pattern_at(elem, 0, rank * block + block - 1)),
        ]
    elif op == "Allgather" or (op == "Gather" and rank == 0):
        checks = [(s * block, pattern_at(elem, s, 0)) for s in range(nranks)]
        checks.append((count - 1, pattern_at(elem, nranks - 1, block - 1)))
    elif op == "Alltoall":
        checks = [(s * block, pattern_at(elem, s, rank * block)) for s in range(nranks)]
        checks.append((count - 1, pattern_at(elem, nranks - 1, rank * block + block - 1)))
    elif op == "Allreduce" or (op == "Reduce" and rank == 0):
        checks = [(i, reduced(elem, i)) for i in (0, count // 2, count - 1)]
    return checks


def measure(op, nbytes, quick, sraw, rraw):
    elem = 1 if op == "Barrier" else element_size(op, nbytes)
    count = 0 if op == "Barrier" else nbytes // elem
    block = count // blocks_of(op)
    dtype, mpitype = (np.uint8, MPI.UINT8_T) if elem == 1 else (np.float64, MPI.DOUBLE)
    sbuf = sraw[: count * elem].view(dtype)
    rbuf = rraw[: count * elem].view(dtype)
    sbuf[:] = pattern_at(elem, rank, np.arange(count, dtype=np.int64))
    checks = checks_for(op, elem, count, block)
    at = np.array([c[0] for c in checks], dtype=np.int64)
    expected = np.array([c[1] for c in checks], dtype=dtype)
    poisoned = (expected + 1).astype(dtype)

    whole = [sbuf, count, mpitype]
    send_block, recv_block = [sbuf, block, mpitype], [rbuf, block, mpitype]
    root = rank == 0
    calls = {
        "Barrier": lambda: comm.Barrier(),
        "Bcast": lambda: comm.Bcast([sbuf if root else rbuf, count, mpitype], root=0),
        "Scatter": lambda: comm.Scatter(send_block, recv_block, root=0),
        "Gather": lambda: comm.Gather(send_block, recv_block if root else None, root=0),
        "Reduce": lambda: comm.Reduce(
            whole, [rbuf, count, mpitype] if root else None, op=MPI.SUM, root=0
        ),
        "Allreduce": lambda: comm.Allreduce(whole, [rbuf, count, mpitype], op=MPI.SUM),
        "Allgather": lambda: comm.Allgather(send_block, recv_block),
        "Alltoall": lambda: comm.Alltoall(send_block, recv_block),
    }
    call = calls[op]

    iters = iterations(nbytes, quick)
    total = 0.0
    for i in range(-warmups(iters, nbytes), iters):
        rbuf[at] = poisoned
        comm.Barrier()
        start = MPI.Wtime()
        call()
        elapsed = MPI.Wtime() - start
        if i >= 0:
            total += elapsed
        got = rbuf[at]
        if not np.array_equal(got, expected):
            k = int(np.flatnonzero(got != expected)[0])
            sys.stderr.write(
                f"collectives: rank {rank}: {op} of {nbytes} B: element {int(at[k])} is "
                f"{got[k]!r}, expected {expected[k]!r}\n"
            )
            comm.Abort(3)
    mean = total / iters
    slowest = comm.reduce(mean, op=MPI.MAX, root=0)
    fastest = comm.reduce(mean, op=MPI.MIN, root=0)
    total_means = comm.reduce(mean, op=MPI.SUM, root=0)
    if rank == 0:
        record = {
            "impl": "mpi4py",
            "test": op,
            "ranks": nranks,
            "bytes": 0 if op == "Barrier" else nbytes,
            "usec": round(slowest * 1e6, 3),
            "usec_min": round(fastest * 1e6, 3),
            "usec_avg": round(total_means / nranks * 1e6, 3),
            "datatype": "none" if op == "Barrier" else ("byte" if elem == 1 else "double"),
            "count": count,
            "iters": iters,
        }
        print(json.dumps(record, separators=(",", ":")), flush=True)


def usage(message):
    if rank == 0:
        sys.stderr.write(f"collectives: {message}\n")
    sys.exit(2)


def main(argv):
    sizes = [8, 8192, 8 << 20, 80000000]
    quick = False
    wanted = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--quick":
            quick = True
        elif arg == "--sizes" and i + 1 < len(argv):
            i += 1
            try:
                sizes = [int(tok) for tok in argv[i].split(",")]
            except ValueError:
                sizes = []
            if not sizes or len(sizes) > MAX_SIZES or any(b < 1 or b > MAX_SIZE for b in sizes):
                usage(f"bad --sizes (bytes, 1..{MAX_SIZE}): {argv[i]}")
        elif arg == "--ops" and i + 1 < len(argv):
            i += 1
            wanted = set(argv[i].split(","))
            if not wanted <= set(NAMES):
                usage(f"unknown collective in --ops {argv[i]}")
        else:
            usage(f"usage: collectives.py [--ops Barrier,Bcast,...] [--sizes a,b,c] [--quick]; got {arg}")
        i += 1
    if any(b % nranks != 0 for b in sizes):
        usage("every size must split into one block per rank")

    largest = max([8, *sizes])
    # Every page touched before timing, as in collectives.c.
    sraw = np.ones(largest, dtype=np.uint8)
    rraw = np.zeros(largest, dtype=np.uint8)
    for op in NAMES:
        if wanted is not None and op not in wanted:
            continue
        for nbytes in [0] if op == "Barrier" else sizes:
            measure(op, nbytes, quick, sraw, rraw)


main(sys.argv[1:])

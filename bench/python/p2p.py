"""Point-to-point benchmark, mpi4py side (buffer path: numpy arrays, uppercase methods).

The same program as bench/c/p2p.c and bench/kernels/p2p.ts: same tests, sizes, iteration
counts, warm-up, data check and output lines ("impl":"mpi4py"), so bench/p2p.ts treats all
three alike. See bench/c/p2p.c for why each warm-up is there.

  p2p.py latency   [--sizes a,b,c] [--quick]
  p2p.py bandwidth [--sizes a,b,c] [--quick]
  p2p.py bandwidth-nb [--window W] [--sizes a,b,c] [--quick]

Run: mpirun -n 2 /usr/bin/python3 bench/python/p2p.py latency
"""

import json
import sys

import numpy as np
from mpi4py import MPI

MAX_SIZE = 64 << 20
WINDOW = 16
MAX_WINDOW = 1024
MAX_SIZES = 64
TAG = 1
ACK_TAG = 2
STARTUP_ROUND_TRIPS = 50000
STARTUP_WINDOWS = 3000
STARTUP_WINDOW_BYTES = 1024

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
peer = 1 - rank


def latency_iters(nbytes, quick):
    """10000 round trips up to 8 KiB, then about 80 MB of round trips per size, at least 20."""
    n = 10000 if nbytes <= 8192 else 10000 * 8192 // nbytes
    n = max(n, 20)
    if quick:
        n = max(n // 10, 2)
    return n


def bandwidth_iters(nbytes, window, quick):
    """About 1 GiB per size (at most 1000 windows, at least 5)."""
    n = (1 << 30) // (window * max(nbytes, 1))
    n = min(max(n, 5), 1000)
    if quick:
        n = max(n // 10, 2)
    return n


def warmup_iters(iters):
    return iters


def warm_up_startup(sbuf, rbuf, largest):
    window_bytes = min(largest, STARTUP_WINDOW_BYTES)
    ack = np.zeros(1, dtype=np.uint8)
    one_s, one_r = [sbuf[:1], MPI.BYTE], [rbuf[:1], MPI.BYTE]
    for _ in range(STARTUP_ROUND_TRIPS):
        if rank == 0:
            comm.Send(one_s, dest=peer, tag=TAG)
            comm.Recv(one_r, source=peer, tag=TAG)
        else:
            comm.Recv(one_r, source=peer, tag=TAG)
            comm.Send(one_s, dest=peer, tag=TAG)
    win_s, win_r = [sbuf[:window_bytes], MPI.BYTE], [rbuf[:window_bytes], MPI.BYTE]
    for _ in range(STARTUP_WINDOWS):
        if rank == 0:
            for _ in range(WINDOW):
                comm.Send(win_s, dest=peer, tag=TAG)
            comm.Recv([ack, MPI.BYTE], source=peer, tag=ACK_TAG)
        else:
            for _ in range(WINDOW):
                comm.Recv(win_r, source=peer, tag=TAG)
            comm.Send([ack, MPI.BYTE], dest=peer, tag=ACK_TAG)


def warm_up_nonblocking(sbuf, rbuf, largest, window):
    window_bytes = min(largest, STARTUP_WINDOW_BYTES)
    ack = np.zeros(1, dtype=np.uint8)
    win_s, win_r = [sbuf[:window_bytes], MPI.BYTE], [rbuf[:window_bytes], MPI.BYTE]
    for _ in range(STARTUP_WINDOWS):
        if rank == 0:
            reqs = [comm.Isend(win_s, dest=peer, tag=TAG) for _ in range(window)]
            MPI.Request.Waitall(reqs)
            comm.Recv([ack, MPI.BYTE], source=peer, tag=ACK_TAG)
        else:
            reqs = [comm.Irecv(win_r, source=peer, tag=TAG) for _ in range(window)]
            MPI.Request.Waitall(reqs)
            comm.Send([ack, MPI.BYTE], dest=peer, tag=ACK_TAG)


def pattern(n):
    return ((np.arange(n, dtype=np.int64) * 7 + 13) & 0xFF).astype(np.uint8)


def check_received(buf, nbytes):
    """The last byte of a message was never written by a smaller earlier one."""
    expected = (((nbytes - 1) * 7 + 13) & 0xFF) if nbytes > 0 else 0
    if nbytes > 0 and buf[nbytes - 1] != expected:
        sys.stderr.write(
            f"p2p: rank {rank}: wrong data at byte {nbytes - 1} of a {nbytes}-byte message\n"
        )
        comm.Abort(3)


def emit(record):
    print(json.dumps(record, separators=(",", ":")), flush=True)


def latency(sizes, quick, sbuf, rbuf):
    for nbytes in sizes:
        iters = latency_iters(nbytes, quick)
        s, r = [sbuf[:nbytes], MPI.BYTE], [rbuf[:nbytes], MPI.BYTE]
        start = 0.0
        for i in range(-warmup_iters(iters), iters):
            if i == 0:
                comm.Barrier()
                start = MPI.Wtime()
            if rank == 0:
                comm.Send(s, dest=peer, tag=TAG)
                comm.Recv(r, source=peer, tag=TAG)
            else:
                comm.Recv(r, source=peer, tag=TAG)
                comm.Send(s, dest=peer, tag=TAG)
        elapsed = MPI.Wtime() - start
        check_received(rbuf, nbytes)
        if rank == 0:
            usec = round(elapsed * 1e6 / (2.0 * iters), 3)
            emit({"impl": "mpi4py", "test": "latency", "bytes": nbytes, "usec": usec, "iters": iters})


def bandwidth(sizes, quick, sbuf, rbuf):
    ack = np.zeros(1, dtype=np.uint8)
    for nbytes in sizes:
        iters = bandwidth_iters(nbytes, WINDOW, quick)
        s, r = [sbuf[:nbytes], MPI.BYTE], [rbuf[:nbytes], MPI.BYTE]
        start = 0.0
        for i in range(-warmup_iters(iters), iters):
            if i == 0:
                comm.Barrier()
                start = MPI.Wtime()
            if rank == 0:
                for _ in range(WINDOW):
                    comm.Send(s, dest=peer, tag=TAG)
                comm.Recv([ack, MPI.BYTE], source=peer, tag=ACK_TAG)
            else:
                for _ in range(WINDOW):
                    comm.Recv(r, source=peer, tag=TAG)
                comm.Send([ack, MPI.BYTE], dest=peer, tag=ACK_TAG)
        elapsed = MPI.Wtime() - start
        if rank == 1:
            check_received(rbuf, nbytes)
        if rank == 0:
            mbps = round(nbytes * WINDOW * iters / elapsed / 1e6, 1)
            emit({"impl": "mpi4py", "test": "bandwidth", "bytes": nbytes, "MBps": mbps, "iters": iters})


def bandwidth_nb(sizes, quick, window, sbuf, rbuf):
    """osu_bw: every slot of a window on the same buffer, then a blocking 1-byte ack."""
    ack = np.zeros(1, dtype=np.uint8)
    for nbytes in sizes:
        iters = bandwidth_iters(nbytes, window, quick)
        s, r = [sbuf[:nbytes], MPI.BYTE], [rbuf[:nbytes], MPI.BYTE]
        start = 0.0
        for i in range(-warmup_iters(iters), iters):
            if i == 0:
                comm.Barrier()
                start = MPI.Wtime()
            if rank == 0:
                reqs = [comm.Isend(s, dest=peer, tag=TAG) for _ in range(window)]
                MPI.Request.Waitall(reqs)
                comm.Recv([ack, MPI.BYTE], source=peer, tag=ACK_TAG)
            else:
                reqs = [comm.Irecv(r, source=peer, tag=TAG) for _ in range(window)]
                MPI.Request.Waitall(reqs)
                comm.Send([ack, MPI.BYTE], dest=peer, tag=ACK_TAG)
        elapsed = MPI.Wtime() - start
        if rank == 1:
            check_received(rbuf, nbytes)
        if rank == 0:
            mbps = round(nbytes * window * iters / elapsed / 1e6, 1)
            emit(
                {
                    "impl": "mpi4py",
                    "test": f"bandwidth-nb-w{window}",
                    "window": window,
                    "bytes": nbytes,
                    "MBps": mbps,
                    "iters": iters,
                }
            )


def default_sizes(is_latency):
    sizes = [0] if is_latency else []
    b = 1 if is_latency else 1024
    while b <= MAX_SIZE:
        sizes.append(b)
        b *= 2
    return sizes


def parse_sizes(text):
    try:
        sizes = [int(tok) for tok in text.split(",") if tok != ""][:MAX_SIZES]
    except ValueError:
        return None
    return None if any(b < 0 or b > MAX_SIZE for b in sizes) else sizes


def fail(message):
    if rank == 0:
        sys.stderr.write(message + "\n")
    sys.exit(2)


def main(argv):
    mode = None
    size_list = None
    window_arg = None
    quick = False
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--quick":
            quick = True
        elif arg == "--sizes" and i + 1 < len(argv):
            i += 1
            size_list = argv[i]
        elif arg == "--window" and i + 1 < len(argv):
            i += 1
            window_arg = argv[i]
        elif mode is None:
            mode = arg
        i += 1
    if mode not in ("latency", "bandwidth", "bandwidth-nb"):
        fail("usage: p2p.py latency|bandwidth|bandwidth-nb [--window W] [--sizes a,b,c] [--quick]")
    window = WINDOW
    if window_arg is not None:
        if not window_arg.isdigit() or not 1 <= int(window_arg) <= MAX_WINDOW:
            fail(f"p2p: bad --window '{window_arg}' (1..{MAX_WINDOW})")
        window = int(window_arg)
    if comm.Get_size() != 2:
        fail(f"p2p: needs exactly 2 ranks, got {comm.Get_size()}")
    sizes = default_sizes(mode == "latency") if size_list is None else parse_sizes(size_list)
    if sizes is None:
        fail(f"p2p: bad --sizes '{size_list}' (bytes, 0..{MAX_SIZE})")
    largest = max([1, *sizes])

    # Every page touched before timing, as in p2p.c.
    sbuf = pattern(largest)
    rbuf = np.zeros(largest, dtype=np.uint8)
    warm_up_startup(sbuf, rbuf, largest)
    if mode == "bandwidth-nb":
        warm_up_nonblocking(sbuf, rbuf, largest, window)
    rbuf[:] = 0

    if mode == "latency":
        latency(sizes, quick, sbuf, rbuf)
    elif mode == "bandwidth":
        bandwidth(sizes, quick, sbuf, rbuf)
    else:
        bandwidth_nb(sizes, quick, window, sbuf, rbuf)


main(sys.argv[1:])

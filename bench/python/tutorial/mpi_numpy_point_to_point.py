# mpi_numpy_point_to_point.py
from mpi4py import MPI
import numpy as np

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()

# Total number of elements in the big array (must be divisible by size)
N = 10_000_000
local_N = N // size

if rank == 0:
    # Root creates the full big array
    big_array = np.ones(N, dtype="float64")  # all ones for simplicity

    # --- Send chunks to other ranks ---
    for dest in range(1, size):
        start = dest * local_N
        end = (dest + 1) * local_N
        chunk = big_array[start:end]
        comm.Send([chunk, MPI.DOUBLE], dest=dest, tag=0)

    # Root keeps its own chunk (rank 0)
    local_array = big_array[0:local_N]

else:
    # Other ranks allocate a buffer and receive their chunk
    local_array = np.empty(local_N, dtype="float64")
    comm.Recv([local_array, MPI.DOUBLE], source=0, tag=0)

# Each process computes its local sum
local_sum = np.sum(local_array)

if rank == 0:
    # Root starts with its own local sum
    global_sum = local_sum

    # --- Receive partial sums from all other ranks ---
    for source in range(1, size):
        recv_sum = comm.recv(source=source, tag=1)
        global_sum += recv_sum

    print(f"Global sum (point-to-point) = {global_sum}")
    print(f"Expected                    = {float(N)}")

else:
    # Other ranks send their local sum back to root
    comm.send(local_sum, dest=0, tag=1)

#pragma once

#include <string>

namespace facemix {

// `facemix train --nproc-per-node N`: starts N ranks of data-parallel training on this machine, each a
// child process of this executable (/proc/self/exe) with this process's arguments minus `option` and
// its value, and torchrun's variables set (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR=127.0.0.1, MASTER_PORT a free port; OMP_NUM_THREADS=1 unless set, as torchrun does, so N
// ranks do not oversubscribe the cores). Waits for all of them. When one exits non-zero or is killed,
// stops the others and throws std::runtime_error, one sentence naming the rank. Ctrl-C reaches the
// ranks themselves (they share the terminal's process group), which checkpoint and stop.
void run_local_ranks(int ranks, const std::string& option);

// A loopback port nobody listens on now: the kernel's pick for a socket bound to port 0. Rank 0's store
// binds it a moment later; another process taking it in between is unlikely enough on one machine.
int free_local_port();

}  // namespace facemix

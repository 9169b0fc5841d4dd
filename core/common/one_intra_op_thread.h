#pragma once

#include <ATen/Parallel.h>

namespace facemix {

// Runs the scope on one LibTorch intra-op thread, then restores the count. For the small networks facemix
// trains on the CPU (trait classifier, tiny pixel mixers): their ops take microseconds, so a second
// thread only adds synchronisation, and on a loaded machine OpenMP's spinning threads made training
// several times slower (2000 classifier steps: over 15 min with two threads, about 3 with one). One
// thread also keeps training deterministic.
class OneIntraOpThread {
public:
    OneIntraOpThread() : threads_(at::get_num_threads()) {
        if (threads_ != 1) at::set_num_threads(1);
    }
    ~OneIntraOpThread() {
        if (threads_ != 1) at::set_num_threads(threads_);
    }
    OneIntraOpThread(const OneIntraOpThread&) = delete;
    OneIntraOpThread& operator=(const OneIntraOpThread&) = delete;

private:
    int threads_;
};

}  // namespace facemix

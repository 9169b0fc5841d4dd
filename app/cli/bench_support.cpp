#include "cli/bench_support.h"

#include <sys/resource.h>

namespace facemix::cli {

double peak_resident_gib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

}  // namespace facemix::cli

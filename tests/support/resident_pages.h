#pragma once

#include <cstddef>

#include <ATen/core/Tensor.h>

namespace facemix::test {

// How many of the whole pages inside the tensor's bytes this process maps now (/proc/self/pagemap's
// present bit): what counts in its resident memory, unlike the page cache, which mincore reports.
std::size_t mapped_pages(const at::Tensor& tensor);

// How many whole pages lie inside the tensor's bytes: mapped_pages() when all of them are mapped.
std::size_t whole_pages(const at::Tensor& tensor);

// The resident memory of this process, from /proc/self/statm.
double resident_mib();

}  // namespace facemix::test

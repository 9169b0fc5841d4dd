#pragma once

#include <ATen/autocast_mode.h>

#include "mix/compute_target.h"

namespace facemix {

// Mixed precision for a training step: while it lives, the target's device runs matmuls and convolutions
// in the target's low-precision dtype (autocast), with fp32 master weights, optimizer state and loss.
// For an fp32 target it does nothing, so fp32 and bf16 training share one code path.
class AutocastScope {
public:
    explicit AutocastScope(const ComputeTarget& target)
        : device_(target.device.type()), active_(target.dtype != at::kFloat) {
        if (!active_) return;
        was_enabled_ = at::autocast::is_autocast_enabled(device_);
        was_dtype_ = at::autocast::get_autocast_dtype(device_);
        at::autocast::set_autocast_dtype(device_, target.dtype);
        at::autocast::set_autocast_enabled(device_, true);
    }
    ~AutocastScope() {
        if (!active_) return;
        at::autocast::set_autocast_enabled(device_, was_enabled_);
        at::autocast::set_autocast_dtype(device_, was_dtype_);
        at::autocast::clear_cache();  // the casts of this step's weights; the next step's weights differ
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    c10::DeviceType device_;
    bool active_;
    bool was_enabled_ = false;
    at::ScalarType was_dtype_ = at::kFloat;
};

}  // namespace facemix

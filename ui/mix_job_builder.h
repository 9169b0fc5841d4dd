#pragma once

#include <cstdint>

#include "mix/mix_job.h"
#include "source_list.h"
#include "studio_settings.h"

namespace facemix::ui {

// The studio's values as core's sampling settings. Face and background guidance are weights on the CFG
// scale: both 1 is plain classifier-free guidance over the whole condition, anything else guides each
// token group separately with cfg_scale × its weight.
facemix::SamplingSettings sampling_settings_of(const StudioSettings& values);

// A list entry as the source of a job: the photo's name and hash (recipes name it by both), which face
// of it, and the aligned pixels the encoder sees; a person's row with its weight and its other photos,
// whose weighted mean core makes the face token of.
facemix::MixSource mix_source_of(const SourceEntry& entry);

// Whether a cell's recipe was made of exactly this entry's photos (by their content hashes, faces and
// weights): a finished or stored cell of a row whose photos have changed since is not that row's any
// more.
bool made_of(const facemix::BlendRecord& blend, const SourceEntry& entry);

// A seed for the Random policy and for "New seed": within the range the settings panel can show, so a
// seed read off a cell can be typed back in.
std::uint64_t random_seed();

}  // namespace facemix::ui

#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "align/face_aligner.h"

namespace facemix {

// The record of one aligned face kept beside its images: where it came from and the geometry that
// produced it, enough to redo the alignment or map results back onto the photo.
nlohmann::json aligned_face_record(const AlignedFace& face, const std::filesystem::path& source, int aligned_size);

// Writes <stem>_f<k>_aligned.png, _face.png, _background.png and _f<k>.json into `dir`. Each file is
// written atomically, and if any of them fails the ones already written are removed, so a face is
// either complete on disk or absent. Returns the paths written.
std::vector<std::filesystem::path> write_aligned_face_files(const std::filesystem::path& dir, const std::string& stem,
                                                            const AlignedFace& face, const std::filesystem::path& source);

}  // namespace facemix

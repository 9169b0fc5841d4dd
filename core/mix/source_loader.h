#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mix/mix_job.h"

namespace facemix {

class FaceAligner;

// One photo of a source, as a command line names it.
struct PhotoSpec {
    std::filesystem::path path;
    int face_index = 0;   // 0 = the largest face
    double weight = 1.0;  // its share of its person's mean, relative to the others'

    friend bool operator==(const PhotoSpec&, const PhotoSpec&) = default;
};

// "photo.jpg" (its largest face), "photo.jpg#2" (its second largest), or one person given by several
// photos joined by '+', each with an optional weight after '*': "ann1.jpg+ann2.jpg*2+ann3.jpg#2*0.5".
// A folder is one person made of every photo inside it (each with the folder's weight). A name that is
// an existing file is that one photo, whatever characters it holds. InputError for a bad number.
std::vector<PhotoSpec> parse_source_spec(const std::string& text);

// Turns specs into the sources a job embeds: reads each photo and aligns it (or takes it as already
// aligned), and joins a person's photos into one MixSource. The aligner loads at the first photo that
// needs it.
class SourceLoader {
public:
    explicit SourceLoader(bool already_aligned = false);
    ~SourceLoader();
    SourceLoader(const SourceLoader&) = delete;
    SourceLoader& operator=(const SourceLoader&) = delete;

    MixSource load(const std::string& spec);  // InputError naming the file

private:
    MixSource load_photo(const PhotoSpec& photo);

    bool already_aligned_;
    std::unique_ptr<FaceAligner> aligner_;
};

}  // namespace facemix

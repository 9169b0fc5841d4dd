#include "mix/source_loader.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "align/face_aligner.h"
#include "common/error.h"
#include "io/content_hash.h"
#include "io/image_file.h"
#include "io/image_inputs.h"

namespace facemix {
namespace {

bool is_number(const std::string& text, double& value) {
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    return error == std::errc() && stop == end;
}

// "photo.jpg#2*0.5" → the photo, its face and its weight; a '#' or '*' not followed by a number is
// part of the name.
PhotoSpec parse_photo(std::string text, const std::string& whole) {
    PhotoSpec photo;
    if (const auto star = text.rfind('*'); star != std::string::npos) {
        double weight = 0.0;
        if (is_number(text.substr(star + 1), weight)) {
            if (!(weight > 0.0) || !std::isfinite(weight))
                throw InputError(whole + ": a photo's weight must be a positive number, not " + text.substr(star + 1) + ".");
            photo.weight = weight;
            text.erase(star);
        }
    }
    if (const auto hash = text.rfind('#'); hash != std::string::npos && hash + 1 < text.size() &&
                                            text.find_first_not_of("0123456789", hash + 1) == std::string::npos) {
        const int number = std::stoi(text.substr(hash + 1, 6));
        if (number < 1) throw InputError(whole + ": faces are numbered from 1 (largest first).");
        photo.face_index = number - 1;
        text.erase(hash);
    }
    photo.path = text;
    return photo;
}

}  // namespace

std::vector<PhotoSpec> parse_source_spec(const std::string& text) {
    std::error_code error;
    if (std::filesystem::is_regular_file(text, error)) return {PhotoSpec{text}};
    std::vector<PhotoSpec> photos;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t plus = std::min(text.find('+', begin), text.size());
        if (plus > begin) {
            const PhotoSpec part = parse_photo(text.substr(begin, plus - begin), text);
            if (std::filesystem::is_directory(part.path, error)) {
                for (const auto& file : expand_image_inputs({part.path.string()})) photos.push_back({file, part.face_index, part.weight});
            } else {
                photos.push_back(part);
            }
        }
        begin = plus + 1;
    }
    if (photos.empty()) throw InputError("\"" + text + "\" names no photo.");
    return photos;
}

SourceLoader::SourceLoader(bool already_aligned) : already_aligned_(already_aligned) {}

SourceLoader::~SourceLoader() = default;

MixSource SourceLoader::load(const std::string& spec) {
    const std::vector<PhotoSpec> photos = parse_source_spec(spec);
    MixSource source = load_photo(photos.front());
    for (std::size_t i = 1; i < photos.size(); ++i) source.same_person.push_back(load_photo(photos[i]));
    return source;
}

MixSource SourceLoader::load_photo(const PhotoSpec& photo) {
    const cv::Mat image = load_image(photo.path);
    MixSource source{photo.path.filename().string(), file_content_hash(photo.path), photo.face_index, {}};
    source.weight = photo.weight;
    if (already_aligned_) {
        if (image.rows != image.cols) throw InputError(photo.path.string() + " is not square, so it is not an aligned face.");
        source.aligned = image;
        return source;
    }
    if (!aligner_) aligner_ = std::make_unique<FaceAligner>();
    const auto faces = aligner_->align(image);
    if (faces.empty()) throw InputError("No face found in " + photo.path.string() + ".");
    if (static_cast<std::size_t>(photo.face_index) >= faces.size())
        throw InputError(photo.path.string() + " has " + std::to_string(faces.size()) + " face(s), not " +
                         std::to_string(photo.face_index + 1) + ".");
    source.aligned = faces[static_cast<std::size_t>(photo.face_index)].aligned;
    return source;
}

}  // namespace facemix

#include "train/photo_dataset_builder.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <variant>

#include <ATen/ops/from_blob.h>
#include <nlohmann/json.hpp>

#include "align/face_aligner.h"
#include "common/error.h"
#include "identity/face_descriptor.h"
#include "io/atomic_file.h"
#include "io/content_hash.h"
#include "io/image_file.h"
#include "io/json_integer.h"
#include "io/png_file.h"
#include "io/safetensors.h"
#include "io/unique_stems.h"
#include "train/retrieval_pairs.h"
#include "io/output_folder.h"

namespace facemix {
namespace {

constexpr const char* kRecordsFolder = "records";
constexpr const char* kFacesFolder = "faces";

struct PhotoFace {
    std::string file;  // relative to the dataset folder
    FaceDetection detection;
    Landmarks landmarks{};
    double outside_share = 0;
    FaceDescriptorVector descriptor{};          // on the photo, dlib's own recipe
    FaceDescriptorVector aligned_descriptor{};  // on the aligned image, as a face token sees it
    FaceThumbnail thumbnail{};
};

struct PhotoRecord {
    std::string source;
    std::string content_hash;
    int size = 0;
    std::vector<PhotoFace> faces;
};

template <typename Array>
nlohmann::json numbers(const Array& values) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto v : values) list.push_back(v);
    return list;
}

template <typename Array>
void read_numbers(const nlohmann::json& list, Array& values) {
    if (list.size() != values.size()) throw std::runtime_error("wrong length");
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = list[i].get<typename Array::value_type>();
}

nlohmann::json to_json(const PhotoRecord& record) {
    nlohmann::json faces = nlohmann::json::array();
    for (const auto& face : record.faces) {
        nlohmann::json points = nlohmann::json::array();
        for (const auto& p : face.landmarks) points.push_back({p.x, p.y});
        const auto& box = face.detection.box;
        faces.push_back({{"file", face.file},
                         {"box", {box.x, box.y, box.width, box.height}},
                         {"score", face.detection.score},
                         {"landmarks", points},
                         {"outside_share", face.outside_share},
                         {"descriptor", numbers(face.descriptor)},
                         {"aligned_descriptor", numbers(face.aligned_descriptor)},
                         {"thumbnail", numbers(face.thumbnail)}});
    }
    return {{"source", record.source}, {"content_hash", record.content_hash}, {"size", record.size}, {"faces", faces}};
}

PhotoRecord from_json(const nlohmann::json& json) {
    PhotoRecord record;
    record.source = json.at("source").get<std::string>();
    record.content_hash = json.at("content_hash").get<std::string>();
    record.size = json_integer<int>(json.at("size"));
    for (const auto& entry : json.at("faces")) {
        PhotoFace face;
        face.file = entry.at("file").get<std::string>();
        const auto& box = entry.at("box");
        face.detection.box = cv::Rect2d(box.at(0).get<double>(), box.at(1).get<double>(), box.at(2).get<double>(),
                                        box.at(3).get<double>());
        face.detection.score = entry.at("score").get<double>();
        const auto& points = entry.at("landmarks");
        if (points.size() != face.landmarks.size()) throw std::runtime_error("wrong landmark count");
        for (std::size_t i = 0; i < face.landmarks.size(); ++i)
            face.landmarks[i] = cv::Point2d(points[i].at(0).get<double>(), points[i].at(1).get<double>());
        face.outside_share = entry.at("outside_share").get<double>();
        read_numbers(entry.at("descriptor"), face.descriptor);
        read_numbers(entry.at("aligned_descriptor"), face.aligned_descriptor);
        read_numbers(entry.at("thumbnail"), face.thumbnail);
        record.faces.push_back(std::move(face));
    }
    return record;
}

// The record of a photo finished by an earlier run with the same size, if its images are all still there.
std::optional<PhotoRecord> finished_record(const std::filesystem::path& dataset, const std::filesystem::path& record_path,
                                           const std::string& content_hash, int size) {
    std::ifstream file(record_path);
    if (!file) return std::nullopt;
    try {
        PhotoRecord record = from_json(nlohmann::json::parse(file));
        if (record.content_hash != content_hash || record.size != size) return std::nullopt;
        for (const auto& face : record.faces)
            if (!std::filesystem::is_regular_file(dataset / face.file)) return std::nullopt;
        return record;
    } catch (const std::exception&) {
        return std::nullopt;  // unreadable or from another version: the photo is simply done again
    }
}

std::string cluster_label(std::int64_t identity) {
    char name[32];
    std::snprintf(name, sizeof name, "person%04lld", static_cast<long long>(identity));
    return name;
}

// The models one worker thread needs: dlib's detectors and networks keep scratch state per instance.
struct PhotoWorker {
    FaceAligner aligner;
    FaceDescriptor descriptor;

    PhotoRecord prepare(const std::filesystem::path& photo_path, const std::string& stem, const std::string& hash,
                        const std::filesystem::path& out, int size) {
        const cv::Mat photo = load_image(photo_path);
        PhotoRecord record;
        record.source = photo_path.string();
        record.content_hash = hash;
        record.size = size;
        for (const AlignedFace& aligned : aligner.align(photo)) {
            PhotoFace face;
            face.file = std::string(kFacesFolder) + "/" + stem + "_f" + std::to_string(aligned.index) + ".png";
            face.detection = aligned.detection;
            face.landmarks = aligned.landmarks;
            face.outside_share = aligned.outside_share;
            face.descriptor = descriptor.describe(photo, aligned.landmarks);
            face.aligned_descriptor = descriptor.describe_aligned(aligned.aligned);
            face.thumbnail = face_thumbnail(aligned.aligned);
            write_png_atomic(out / face.file, aligned.aligned);
            record.faces.push_back(std::move(face));
        }
        return record;
    }
};

// What one photo came to: its record (and whether an earlier run made it), or why it failed.
struct PhotoOutcome {
    std::variant<std::monostate, PhotoRecord, std::string> result;
    bool done_before = false;
};

at::Tensor descriptor_rows(const std::vector<const FaceDescriptorVector*>& rows) {
    std::vector<float> values;
    values.reserve(rows.size() * 128);
    for (const auto* row : rows) values.insert(values.end(), row->begin(), row->end());
    return at::from_blob(values.data(), {static_cast<std::int64_t>(rows.size()), 128}, at::kFloat).clone();
}

}  // namespace

IdentitySource identity_source_from_name(const std::string& name) {
    if (name == "clusters") return IdentitySource::Clusters;
    if (name == "folders") return IdentitySource::Folders;
    throw InputError("identities come from \"clusters\" or \"folders\", not \"" + name + "\".");
}

const char* identity_source_name(IdentitySource source) {
    return source == IdentitySource::Folders ? "folders" : "clusters";
}

bool is_held_out_identity(const std::string& identity, double share) {
    // The first 32 bits of the name's content hash, as a uniform number in [0, 1).
    const std::string digest = content_hash(identity.data(), identity.size());
    const double u = static_cast<double>(std::stoull(digest.substr(0, 8), nullptr, 16)) / 4294967296.0;
    return u < share;
}

PhotoDatasetSummary build_photo_dataset(const PhotoDatasetOptions& options, const PhotoDatasetCallbacks& callbacks,
                                        std::stop_token stop) {
    if (options.photos.empty()) throw InputError("no image files found in the given paths");
    if (!(options.held_out_share >= 0 && options.held_out_share < 1))
        throw InputError("the held-out share of people must be at least 0 and below 1.");
    FaceAlignerOptions aligner_options;
    aligner_options.size = options.size;
    aligner_options.largest_only = options.identity_from == IdentitySource::Folders;
    aligner_options.landmark_model = options.landmark_model;
    const std::filesystem::path descriptor_model =
        options.descriptor_model.empty() ? default_face_descriptor_model_path() : options.descriptor_model;
    std::vector<std::optional<PhotoWorker>> workers(
        static_cast<std::size_t>(options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency())));
    // The workers already keep every core busy: a detection that started a thread per core in each of
    // them would only add switching.
    if (workers.size() > 1) aligner_options.detector.threads = 1;
    // Loaded before any photo is read, so a missing or broken model fails at once, with its name.
    workers[0].emplace(PhotoWorker{FaceAligner(aligner_options), FaceDescriptor(descriptor_model)});

    std::vector<std::filesystem::path> photos;
    std::map<std::filesystem::path, int> taken;  // photos per folder
    for (const auto& photo : options.photos)
        if (options.identity_from != IdentitySource::Folders || options.max_photos_per_person <= 0 ||
            ++taken[photo.parent_path()] <= options.max_photos_per_person)
            photos.push_back(photo);

    const std::filesystem::path& out = options.output;
    create_output_folder(out / kRecordsFolder);
    create_output_folder(out / kFacesFolder);

    const std::size_t n = photos.size();
    UniqueStems unique;
    std::vector<std::string> stems;
    for (const auto& photo : photos) stems.push_back(unique.take(photo));

    // Workers take photos in order and leave each outcome in its slot; this thread reports the slots in
    // order as they fill, so output and callbacks are the same for any number of threads.
    std::vector<PhotoOutcome> outcomes(n);
    std::vector<char> ready(n, 0);
    std::mutex mutex;
    std::condition_variable filled;
    std::atomic<std::size_t> next{0};
    std::size_t running = workers.size();
    const auto work = [&](std::size_t w) {
        while (!stop.stop_requested()) {
            const std::size_t i = next++;
            if (i >= n) break;
            PhotoOutcome outcome;
            try {
                const std::string hash = file_content_hash(photos[i]);
                const auto record_path = out / kRecordsFolder / (stems[i] + ".json");
                std::optional<PhotoRecord> record = finished_record(out, record_path, hash, options.size);
                outcome.done_before = record.has_value();
                if (!record) {
                    if (!workers[w]) workers[w].emplace(PhotoWorker{FaceAligner(aligner_options), FaceDescriptor(descriptor_model)});
                    // Round-trip through JSON so a fresh run and a resumed one build pairs from the same numbers.
                    const nlohmann::json json = to_json(workers[w]->prepare(photos[i], stems[i], hash, out, options.size));
                    write_file_atomic(record_path, json.dump(1));
                    record = from_json(json);
                }
                if (record->faces.empty()) throw InputError(photos[i].string() + ": no face found");
                outcome.result = std::move(*record);
            } catch (const std::exception& failure) {
                outcome.result = std::string(failure.what());
            }
            {
                std::lock_guard lock(mutex);
                outcomes[i] = std::move(outcome);
                ready[i] = 1;
            }
            filled.notify_all();
        }
        std::lock_guard lock(mutex);  // a stopped worker leaves slots empty: the reporter must not wait for them
        --running;
        filled.notify_all();
    };
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < workers.size(); ++w) threads.emplace_back(work, w);

    PhotoDatasetSummary summary;
    std::vector<PhotoRecord> records;
    for (std::size_t i = 0; i < n; ++i) {
        if (callbacks.on_progress) callbacks.on_progress(i, n, photos[i]);
        {
            std::unique_lock lock(mutex);
            filled.wait(lock, [&] { return ready[i] || running == 0; });
            if (!ready[i]) break;
        }
        PhotoOutcome& outcome = outcomes[i];
        if (auto* message = std::get_if<std::string>(&outcome.result)) {
            summary.failed.push_back(photos[i]);
            if (callbacks.on_failure) callbacks.on_failure(photos[i], *message);
            continue;
        }
        auto& record = std::get<PhotoRecord>(outcome.result);
        (outcome.done_before ? summary.done_before : summary.aligned_now) += 1;
        if (callbacks.on_photo) callbacks.on_photo(photos[i], record.faces.size(), outcome.done_before);
        records.push_back(std::move(record));
    }
    threads.clear();  // joins
    if (stop.stop_requested()) throw Cancelled();
    if (callbacks.on_progress) callbacks.on_progress(n, n, {});

    std::vector<RetrievalFace> faces;
    std::vector<const PhotoFace*> face_of;
    std::vector<std::string> folder_of;
    for (const auto& record : records)
        for (const auto& face : record.faces) {
            faces.push_back({face.descriptor, face.thumbnail});
            face_of.push_back(&face);
            folder_of.push_back(std::filesystem::path(record.source).parent_path().filename().string());
        }
    const RetrievalThresholds thresholds;
    RetrievalPairs pairs;
    std::vector<std::string> names;  // per dense identity
    if (options.identity_from == IdentitySource::Folders) {
        std::map<std::string, std::int64_t> numbers;
        std::vector<std::int64_t> given;
        for (const auto& folder : folder_of) given.push_back(numbers.emplace(folder, static_cast<std::int64_t>(numbers.size())).first->second);
        pairs = retrieval_pairs_for_identities(faces, given, thresholds);
        names.resize(static_cast<std::size_t>(pairs.identities));
        for (std::size_t f = 0; f < faces.size(); ++f) names[static_cast<std::size_t>(pairs.identity[f])] = folder_of[f];
    } else {
        pairs = build_retrieval_pairs(faces, thresholds);
        for (std::int64_t i = 0; i < pairs.identities; ++i) names.push_back(cluster_label(i));
    }

    std::ostringstream labels;
    labels << "file,identity,photo,box_x,box_y,box_width,box_height\n";
    std::vector<const FaceDescriptorVector*> photo_rows, aligned_rows;
    std::size_t face_index = 0;
    for (const auto& record : records)
        for (const auto& face : record.faces) {
            const auto& box = face.detection.box;
            labels << face.file << "," << names[static_cast<std::size_t>(pairs.identity[face_index++])] << ","
                   << std::filesystem::path(record.source).filename().string() << "," << std::lround(box.x) << ","
                   << std::lround(box.y) << "," << std::lround(box.width) << "," << std::lround(box.height) << "\n";
            photo_rows.push_back(&face.descriptor);
            aligned_rows.push_back(&face.aligned_descriptor);
        }
    std::ostringstream pair_rows;
    pair_rows << "image,partner\n";
    for (const auto& [image, partner] : pairs.pairs)
        pair_rows << face_of[static_cast<std::size_t>(image)]->file << "," << face_of[static_cast<std::size_t>(partner)]->file << "\n";
    nlohmann::json held_out = nlohmann::json::array();
    for (const auto& name : std::set<std::string>(names.begin(), names.end()))
        if (is_held_out_identity(name, options.held_out_share)) held_out.push_back(name);

    write_file_atomic(out / "labels.csv", labels.str());
    write_file_atomic(out / "pairs.csv", pair_rows.str());
    write_safetensors(out / "descriptors.safetensors", {{"photo", descriptor_rows(photo_rows)}, {"aligned", descriptor_rows(aligned_rows)}},
                      {{"rows", "labels.csv order"}, {"model", descriptor_model.filename().string()}});
    summary.photos = records.size();
    summary.faces = faces.size();
    summary.identities = static_cast<std::size_t>(pairs.identities);
    summary.held_out_identities = held_out.size();
    summary.training_identities = summary.identities - summary.held_out_identities;
    summary.pairs = pairs.pairs.size();
    summary.near_duplicates = pairs.near_duplicates.size();
    const nlohmann::json manifest = {
        {"kind", "photos"},
        {"facemix_version", FACEMIX_VERSION},
        {"size", options.size},
        {"photos", records.size()},
        {"failed_photos", summary.failed.size()},
        {"faces", faces.size()},
        {"identities", pairs.identities},
        {"identity_from", identity_source_name(options.identity_from)},
        {"pairs", pairs.pairs.size()},
        {"near_duplicate_pairs", pairs.near_duplicates.size()},
        {"pairs_note", "pairs.csv and both counts list each pair both ways (image, partner)"},
        {"split",
         {{"held_out_share", options.held_out_share},
          {"rule", "a person is held out when the first 32 bits of the XXH3-128 hash of their name, over 2^32, are below the share"},
          {"training_identities", summary.training_identities},
          {"held_out_identities", summary.held_out_identities},
          {"held_out", held_out}}},
        {"thresholds",
         {{"same_person_descriptor_distance", thresholds.same_person},
          {"duplicate_descriptor_distance", thresholds.duplicate_descriptor},
          {"duplicate_thumbnail_distance", thresholds.duplicate_thumbnail}}},
        {"descriptor_model", descriptor_model.filename().string()}};
    write_file_atomic(out / "dataset.json", manifest.dump(2) + "\n");
    return summary;
}

}  // namespace facemix

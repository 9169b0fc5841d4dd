#include "cli/command.h"
#include "cli/input_files.h"
#include "cli/interrupt.h"
#include "cli/progress_bar.h"

#include "align/face_aligner.h"
#include "common/error.h"
#include "identity/face_descriptor.h"
#include "io/atomic_file.h"
#include "io/content_hash.h"
#include "io/image_file.h"
#include "io/png_file.h"
#include "train/retrieval_pairs.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

namespace facemix::cli {
namespace {

// `facemix prep` turns a folder of photos into a training set for real faces: every face aligned,
// identities found by dlib's face-recognition descriptor, and retrieval pairs (same person, not a copy of
// the same photo) for the face token, as the TFHQ recipe builds them.
//
// DATASET/records/<stem>.json holds, per photo, what the slow steps found (landmarks, descriptor,
// thumbnail of each face); it is written after the photo's face images, atomically, so a photo with a
// record is finished and a re-run skips it. labels.csv, pairs.csv and dataset.json are rebuilt from the
// records at the end of every run, so they are the same whether a run started fresh or resumed.

constexpr const char* kRecordsFolder = "records";
constexpr const char* kFacesFolder = "faces";

struct PrepArguments {
    std::vector<std::string> inputs;
    std::string output_dir;
    int size = 256;
    std::string landmark_model = default_landmark_model_path().string();
    std::string descriptor_model;  // empty: default_face_descriptor_model_path()
};

struct PhotoFace {
    std::string file;  // relative to the dataset folder
    FaceDetection detection;
    Landmarks landmarks{};
    FaceDescriptorVector descriptor{};
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
                         {"descriptor", numbers(face.descriptor)},
                         {"thumbnail", numbers(face.thumbnail)}});
    }
    return {{"source", record.source}, {"content_hash", record.content_hash}, {"size", record.size}, {"faces", faces}};
}

PhotoRecord from_json(const nlohmann::json& json) {
    PhotoRecord record;
    record.source = json.at("source").get<std::string>();
    record.content_hash = json.at("content_hash").get<std::string>();
    record.size = json.at("size").get<int>();
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
        read_numbers(entry.at("descriptor"), face.descriptor);
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

std::string identity_label(std::int64_t identity) {
    char name[32];
    std::snprintf(name, sizeof name, "person%04lld", static_cast<long long>(identity));
    return name;
}

std::string plural(std::size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

int run_prep(const PrepArguments& args) {
    FaceAlignerOptions options;
    options.size = args.size;
    options.landmark_model = args.landmark_model;
    // The descriptor is loaded before any photo is read, so a missing model fails at once.
    FaceDescriptor descriptor(args.descriptor_model.empty() ? default_face_descriptor_model_path()
                                                            : std::filesystem::path(args.descriptor_model));
    std::optional<FaceAligner> aligner;  // loaded on the first photo that needs it: a resumed run may need none

    const std::filesystem::path out(args.output_dir);
    std::error_code error;
    std::filesystem::create_directories(out / kRecordsFolder, error);
    std::filesystem::create_directories(out / kFacesFolder, error);
    if (error || !std::filesystem::is_directory(out / kFacesFolder))
        throw InputError("cannot create the dataset folder " + out.string());

    const auto files = expand_image_inputs(args.inputs);
    if (files.empty()) throw InputError("no image files found in the given paths");

    UniqueStems stems;
    std::vector<PhotoRecord> records;
    std::vector<std::string> failures;
    std::size_t aligned_now = 0, kept = 0;
    const std::stop_token stop = interrupt_token();
    ProgressBar progress(files.size(), "preparing");
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (stop.stop_requested()) {
            progress.finish();
            std::cerr << "facemix: stopped; the " << plural(i, "photo", "photos")
                      << " finished so far are kept, and the same command resumes\n";
            return kExitInterrupted;
        }
        const auto& photo_path = files[i];
        progress.update(i, photo_path.filename().string());
        const std::string stem = stems.take(photo_path);
        try {
            const std::string hash = file_content_hash(photo_path);
            const auto record_path = out / kRecordsFolder / (stem + ".json");
            std::optional<PhotoRecord> record = finished_record(out, record_path, hash, args.size);
            const bool done_before = record.has_value();
            if (done_before) {
                ++kept;
            } else {
                const cv::Mat photo = load_image(photo_path);
                if (!aligner) aligner.emplace(options);
                record.emplace();
                record->source = photo_path.string();
                record->content_hash = hash;
                record->size = args.size;
                for (const AlignedFace& aligned : aligner->align(photo)) {
                    PhotoFace face;
                    face.file = std::string(kFacesFolder) + "/" + stem + "_f" + std::to_string(aligned.index) + ".png";
                    face.detection = aligned.detection;
                    face.landmarks = aligned.landmarks;
                    face.descriptor = descriptor.describe(photo, aligned.landmarks);
                    face.thumbnail = face_thumbnail(aligned.aligned);
                    write_png_atomic(out / face.file, aligned.aligned);
                    record->faces.push_back(std::move(face));
                }
                // Round-trip through JSON so a fresh run and a resumed one build pairs from the same numbers.
                const nlohmann::json json = to_json(*record);
                write_file_atomic(record_path, json.dump(1));
                record = from_json(json);
                ++aligned_now;
            }
            if (record->faces.empty()) throw InputError(photo_path.string() + ": no face found");
            progress.clear();
            std::cout << photo_path.string() << ": " << plural(record->faces.size(), "face", "faces")
                      << (done_before ? " (done before)" : "") << "\n";
            records.push_back(std::move(*record));
        } catch (const std::exception& failure) {
            progress.clear();
            std::cerr << "facemix: " << failure.what() << "\n";
            failures.push_back(photo_path.string());
        }
    }
    progress.finish();

    std::vector<RetrievalFace> faces;
    std::vector<const PhotoFace*> face_of;
    for (const auto& record : records)
        for (const auto& face : record.faces) {
            faces.push_back({face.descriptor, face.thumbnail});
            face_of.push_back(&face);
        }
    const RetrievalThresholds thresholds;
    const RetrievalPairs pairs = build_retrieval_pairs(faces, thresholds);

    std::ostringstream labels;
    labels << "file,identity,photo,box_x,box_y,box_width,box_height\n";
    std::size_t face_index = 0;
    for (const auto& record : records)
        for (const auto& face : record.faces) {
            const auto& box = face.detection.box;
            labels << face.file << "," << identity_label(pairs.identity[face_index++]) << ","
                   << std::filesystem::path(record.source).filename().string() << "," << std::lround(box.x) << ","
                   << std::lround(box.y) << "," << std::lround(box.width) << "," << std::lround(box.height) << "\n";
        }
    std::ostringstream pair_rows;
    pair_rows << "image,partner\n";
    for (const auto& [image, partner] : pairs.pairs)
        pair_rows << face_of[static_cast<std::size_t>(image)]->file << "," << face_of[static_cast<std::size_t>(partner)]->file << "\n";
    write_file_atomic(out / "labels.csv", labels.str());
    write_file_atomic(out / "pairs.csv", pair_rows.str());
    const nlohmann::json manifest = {
        {"kind", "photos"},
        {"facemix_version", FACEMIX_VERSION},
        {"size", args.size},
        {"photos", records.size()},
        {"failed_photos", failures.size()},
        {"faces", faces.size()},
        {"identities", pairs.identities},
        {"pairs", pairs.pairs.size()},
        {"near_duplicate_pairs", pairs.near_duplicates.size()},
        {"pairs_note", "pairs.csv and both counts list each pair both ways (image, partner)"},
        {"thresholds",
         {{"same_person_descriptor_distance", thresholds.same_person},
          {"duplicate_descriptor_distance", thresholds.duplicate_descriptor},
          {"duplicate_thumbnail_distance", thresholds.duplicate_thumbnail}}},
        {"descriptor_model", descriptor.model_path().filename().string()}};
    write_file_atomic(out / "dataset.json", manifest.dump(2) + "\n");

    std::cout << plural(records.size(), "photo", "photos") << ", " << plural(faces.size(), "face", "faces") << ", "
              << plural(static_cast<std::size_t>(pairs.identities), "identity", "identities") << ", "
              << plural(pairs.pairs.size(), "pair", "pairs") << " (" << pairs.near_duplicates.size()
              << " near-duplicates excluded); " << aligned_now << " aligned now, " << kept << " already done; in "
              << out.string() << "\n";
    if (!failures.empty()) {
        std::cerr << "facemix: " << plural(failures.size(), "photo", "photos") << " skipped:";
        for (const auto& name : failures) std::cerr << " " << name;
        std::cerr << "\n";
        return kExitFailed;
    }
    return kExitOk;
}

}  // namespace

void add_prep_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<PrepArguments>();
    CLI::App* command = app.add_subcommand(
        "prep", "Make a training set from photos: align every face, group the faces into identities with dlib's "
                "face-recognition descriptor and list retrieval pairs (same person, near-duplicates excluded) in "
                "pairs.csv, both ways; labels.csv, dataset.json. Resumable");
    command->add_option("photos", args->inputs, "Photos, or folders of photos (searched recursively)")->required();
    command->add_option("-o,--output", args->output_dir, "Dataset folder (created if missing; a re-run resumes)")->required();
    command->add_option("--size", args->size, "Aligned image size in px")->check(CLI::IsMember({256, 512, 1024}))->capture_default_str();
    command->add_option("--landmark-model", args->landmark_model, "dlib 68-point shape predictor")->capture_default_str();
    command->add_option("--face-model", args->descriptor_model,
                        "dlib_face_recognition_resnet_model_v1.dat (default: the one tools/setup.sh installs)");
    command->callback([args, &exit_code] { exit_code = run_prep(*args); });
}

}  // namespace facemix::cli

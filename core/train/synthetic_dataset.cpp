#include "train/synthetic_dataset.h"

#include "align/face_split.h"
#include "common/error.h"
#include "io/atomic_file.h"
#include "io/image_file.h"
#include "io/output_folder.h"
#include "train/stream_seed.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>

namespace facemix {
namespace {

constexpr const char* kManifestName = "dataset.json";
constexpr const char* kLabelsName = "labels.csv";

template <class Traits>
nlohmann::json trait_schema(const std::vector<TraitSpec<Traits>>& specs) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& spec : specs) {
        nlohmann::json entry = {{"name", spec.name}, {"min", spec.min}, {"max", spec.max}};
        if (!spec.categories.empty()) {
            entry["kind"] = "categorical";
            entry["categories"] = spec.categories;
        } else {
            entry["kind"] = "continuous";
            entry["unit"] = spec.unit;
        }
        list.push_back(std::move(entry));
    }
    return list;
}

nlohmann::json manifest_json(const SyntheticDatasetOptions& options, bool complete) {
    const cv::Rect box = face_box(options.size);
    return {
        {"kind", "synthetic"},
        {"generator", "facemix synth"},
        {"renderer_version", kSyntheticFaceVersion},
        {"facemix_version", FACEMIX_VERSION},
        {"seed", options.seed},
        {"size", options.size},
        {"identities", options.identities},
        {"renders_per_identity", options.renders},
        {"images", options.identities * options.renders},
        {"complete", complete},
        {"file_pattern", "id{identity:04}_r{render}.png"},
        {"labels", kLabelsName},
        {"face_box", {{"x", box.x}, {"y", box.y}, {"width", box.width}, {"height", box.height}}},
        {"traits", {{"identity", trait_schema(identity_trait_specs())}, {"scene", trait_schema(scene_trait_specs())}}},
    };
}

// A folder that already holds a set may be resumed or grown, but only with the same images.
void check_existing_manifest(const std::filesystem::path& path, const SyntheticDatasetOptions& options) {
    std::ifstream file(path);
    if (!file) return;
    nlohmann::json manifest;
    try {
        manifest = nlohmann::json::parse(file);
    } catch (const nlohmann::json::exception&) {
        throw InputError(path.string() + " is not valid JSON; remove it or choose another output folder.");
    }
    if (manifest.value("kind", std::string()) != "synthetic")
        throw InputError(path.parent_path().string() + " already holds a dataset that is not synthetic; choose another output folder.");
    const auto differs = [&](const char* key, const nlohmann::json& expected) {
        return !manifest.contains(key) || manifest.at(key) != expected;
    };
    if (differs("seed", options.seed) || differs("size", options.size) || differs("renderer_version", kSyntheticFaceVersion))
        throw InputError(path.parent_path().string() + " already holds a synthetic set made with seed " +
                         manifest.value("seed", nlohmann::json()).dump() + ", size " + manifest.value("size", nlohmann::json()).dump() +
                         " and renderer version " + manifest.value("renderer_version", nlohmann::json()).dump() +
                         "; use the same settings to resume it, or another output folder.");
}

bool is_valid_image(const std::filesystem::path& path, int size) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return false;
    try {
        const cv::Mat image = load_image(path);
        return image.rows == size && image.cols == size;
    } catch (const std::exception&) {
        return false;  // truncated or corrupt: render it again
    }
}

template <class Traits>
void append_header(std::string& line, const std::vector<TraitSpec<Traits>>& specs) {
    for (const auto& spec : specs) {
        line += ',';
        line += spec.name;
    }
}

template <class Traits>
void append_values(std::string& line, const Traits& traits, const std::vector<TraitSpec<Traits>>& specs) {
    for (const auto& spec : specs) {
        line += ',';
        line += std::to_string(traits.*spec.member);
    }
}

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (!fields.empty() && !fields.back().empty() && fields.back().back() == '\r') fields.back().pop_back();
    return fields;
}

}  // namespace

void check_synthetic_options(const SyntheticDatasetOptions& options) {
    if (options.identities < 1 || options.identities > kMaxSyntheticIdentities)
        throw InputError("The number of identities (-n) must be between 1 and " + std::to_string(kMaxSyntheticIdentities) +
                         ", not " + std::to_string(options.identities) + ".");
    if (options.renders < 1 || options.renders > kMaxSyntheticRenders)
        throw InputError("The number of renders per identity (--renders) must be between 1 and " +
                         std::to_string(kMaxSyntheticRenders) + ", not " + std::to_string(options.renders) + ".");
    if (options.identities * options.renders > kMaxSyntheticImages)
        throw InputError("A synthetic set of " + std::to_string(options.identities) + " identities x " +
                         std::to_string(options.renders) + " renders is more than the " + std::to_string(kMaxSyntheticImages) +
                         " images allowed; lower -n or --renders.");
    if (options.size != 64 && options.size != 128 && options.size != 256 && options.size != 512)
        throw InputError("The image size (--size) must be 64, 128, 256 or 512 px, not " + std::to_string(options.size) + ".");
    if (options.output.empty()) throw InputError("No output folder (-o) given for the synthetic set.");
}

IdentityTraits synthetic_identity(std::uint64_t seed, std::int64_t identity) {
    std::mt19937_64 rng(stream_seed(seed, 1, static_cast<std::uint64_t>(identity)));
    return draw_identity(rng);
}

SceneTraits synthetic_scene(std::uint64_t seed, std::int64_t identity, int render) {
    std::mt19937_64 rng(stream_seed(seed, 2, static_cast<std::uint64_t>(identity), static_cast<std::uint64_t>(render)));
    return draw_scene(rng);
}

std::string synthetic_image_name(std::int64_t identity, int render) {
    char name[64];
    std::snprintf(name, sizeof name, "id%04lld_r%d.png", static_cast<long long>(identity), render);
    return name;
}

SyntheticDatasetSummary write_synthetic_dataset(const SyntheticDatasetOptions& options, const SyntheticProgress& progress,
                                                std::stop_token stop) {
    check_synthetic_options(options);
    const auto start = std::chrono::steady_clock::now();
    create_output_folder(options.output);
    const auto manifest_path = options.output / kManifestName;
    check_existing_manifest(manifest_path, options);
    write_file_atomic(manifest_path, manifest_json(options, false).dump(2) + "\n");

    SyntheticDatasetSummary summary;
    summary.images = options.identities * options.renders;
    std::atomic<std::int64_t> written{0}, kept{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    // Batches keep progress and stop requests responsive; within one, images render on all cores.
    const std::int64_t batch = std::max<std::int64_t>(32, 4 * static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency())));
    for (std::int64_t first = 0; first < summary.images; first += batch) {
        if (stop.stop_requested()) throw Cancelled();
        const std::int64_t count = std::min(batch, summary.images - first);
        cv::parallel_for_(cv::Range(0, static_cast<int>(count)), [&](const cv::Range& range) {
            for (int i = range.start; i < range.end; ++i) {
                const std::int64_t index = first + i;
                const std::int64_t identity = index / options.renders;
                const int render = static_cast<int>(index % options.renders);
                const auto path = options.output / synthetic_image_name(identity, render);
                try {
                    if (is_valid_image(path, options.size)) {
                        ++kept;
                        continue;
                    }
                    const cv::Mat image = render_face(synthetic_identity(options.seed, identity),
                                                      synthetic_scene(options.seed, identity, render), options.size);
                    write_image_atomic(path, image);
                    ++written;
                } catch (...) {
                    const std::lock_guard lock(failure_mutex);
                    if (!failure) failure = std::current_exception();
                }
            }
        });
        if (failure) std::rethrow_exception(failure);
        if (progress) progress(first + count, summary.images);
    }

    write_synthetic_labels(options.output / kLabelsName, options.seed, options.identities, options.renders);
    write_file_atomic(manifest_path, manifest_json(options, true).dump(2) + "\n");
    summary.written = written;
    summary.kept = kept;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

void write_synthetic_labels(const std::filesystem::path& csv, std::uint64_t seed, std::int64_t identities, int renders) {
    // Streamed to a temporary file beside it and renamed into place, so a reader never sees half a table.
    auto temporary = csv;
    temporary += ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + temporary.string());
        std::string line = "file,identity,render";
        append_header(line, identity_trait_specs());
        append_header(line, scene_trait_specs());
        out << line << '\n';
        for (std::int64_t identity = 0; identity < identities; ++identity) {
            const IdentityTraits traits = synthetic_identity(seed, identity);
            for (int render = 0; render < renders; ++render) {
                line = synthetic_image_name(identity, render) + ',' + std::to_string(identity) + ',' + std::to_string(render);
                append_values(line, traits, identity_trait_specs());
                append_values(line, synthetic_scene(seed, identity, render), scene_trait_specs());
                out << line << '\n';
            }
        }
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + temporary.string());
    }
    std::error_code error;
    std::filesystem::rename(temporary, csv, error);
    if (error) throw std::runtime_error("cannot write " + csv.string() + ": " + error.message());
}

std::vector<SyntheticLabel> read_synthetic_labels(const std::filesystem::path& csv) {
    std::ifstream in(csv, std::ios::binary);
    if (!in) throw InputError("Cannot read the labels file " + csv.string() + ".");
    std::string line;
    if (!std::getline(in, line)) throw InputError(csv.string() + " is empty; expected a header of trait names.");
    const auto header = split_csv_line(line);
    const auto column = [&](std::string_view name) {
        const auto found = std::find(header.begin(), header.end(), name);
        if (found == header.end()) throw InputError(csv.string() + " has no column " + std::string(name) + ".");
        return static_cast<std::size_t>(found - header.begin());
    };
    const std::size_t file_column = column("file"), identity_column = column("identity"), render_column = column("render");
    std::vector<std::size_t> identity_columns, scene_columns;
    for (const auto& spec : identity_trait_specs()) identity_columns.push_back(column(spec.name));
    for (const auto& spec : scene_trait_specs()) scene_columns.push_back(column(spec.name));

    std::vector<SyntheticLabel> labels;
    for (std::size_t line_number = 2; std::getline(in, line); ++line_number) {
        if (line.empty() || line == "\r") continue;
        const auto fields = split_csv_line(line);
        const std::string where = csv.string() + " line " + std::to_string(line_number);
        if (fields.size() != header.size())
            throw InputError(where + " has " + std::to_string(fields.size()) + " fields, the header " + std::to_string(header.size()) + ".");
        const auto number = [&](std::size_t index, long long lo, long long hi) {
            const std::string& text = fields[index];
            long long value = 0;
            const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (status != std::errc() || end != text.data() + text.size() || value < lo || value > hi)
                throw InputError(where + ": " + header[index] + " is '" + text + "', expected a whole number from " +
                                 std::to_string(lo) + " to " + std::to_string(hi) + ".");
            return value;
        };
        SyntheticLabel label;
        label.file = fields[file_column];
        label.identity = number(identity_column, 0, kMaxSyntheticIdentities - 1);
        label.render = static_cast<int>(number(render_column, 0, kMaxSyntheticRenders - 1));
        for (std::size_t i = 0; i < identity_columns.size(); ++i) {
            const auto& spec = identity_trait_specs()[i];
            label.identity_traits.*spec.member = static_cast<int>(number(identity_columns[i], spec.min, spec.max));
        }
        for (std::size_t i = 0; i < scene_columns.size(); ++i) {
            const auto& spec = scene_trait_specs()[i];
            label.scene_traits.*spec.member = static_cast<int>(number(scene_columns[i], spec.min, spec.max));
        }
        labels.push_back(std::move(label));
    }
    return labels;
}

}  // namespace facemix

#include "io/safetensors.h"

#include "common/error.h"
#include "support/test_data.h"

#include <fstream>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string length_field(std::uint64_t length) {
    std::string field(8, '\0');
    for (std::size_t i = 0; i < 8; ++i) field[i] = static_cast<char>(length >> (8 * i));
    return field;
}

// A file whose header is `json` followed by `data_bytes` zero bytes of data.
std::string safetensors_bytes(const std::string& json, std::size_t data_bytes) {
    return length_field(json.size()) + json + std::string(data_bytes, '\0');
}

// The header a writer of the reference format would emit for one tensor.
std::string one_tensor_json(const std::string& dtype, const std::string& shape, const std::string& offsets) {
    return R"({"unet.conv_in.weight":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":)" +
           offsets + "}}";
}

void expect_same(const at::Tensor& actual, const at::Tensor& expected) {
    EXPECT_EQ(actual.scalar_type(), expected.scalar_type());
    EXPECT_EQ(actual.sizes(), expected.sizes());
    EXPECT_TRUE(actual.device().is_cpu());
    EXPECT_TRUE(at::equal(actual, expected.contiguous()));
}

TensorMap sample_tensors() {
    return {
        {"f32.matrix", at::randn({3, 5})},
        {"f32.scalar", at::scalar_tensor(-2.5, at::kFloat)},
        {"f32.empty", at::empty({0}, at::kFloat)},
        {"f16.odd", at::randn({7}).to(at::kHalf)},
        {"f16.scalar", at::scalar_tensor(0.125, at::kHalf)},
        {"bf16.conv", at::randn({2, 3, 3, 3}).to(at::kBFloat16)},
        {"bf16.empty", at::empty({4, 0, 2}, at::kBFloat16)},
        {"f32.transposed", at::arange(6, at::kFloat).reshape({2, 3}).t()},
    };
}

TEST(SafetensorsRoundTrip, TensorsComeBackWithTheirDtypeShapeAndValues) {
    test::TempDir dir;
    const auto path = dir.path() / "round_trip.safetensors";
    const TensorMap tensors = sample_tensors();
    write_safetensors(path, tensors);

    const auto file = SafetensorsFile::open(path);
    EXPECT_EQ(file.entries().size(), tensors.size());
    EXPECT_TRUE(file.metadata().empty());
    for (const auto& [name, expected] : tensors) {
        SCOPED_TRACE(name);
        ASSERT_NE(file.find(name), nullptr);
        expect_same(file.tensor(name), expected);
    }
    const TensorMap all = file.read_all();
    ASSERT_EQ(all.size(), tensors.size());
    for (const auto& [name, expected] : tensors) expect_same(all.at(name), expected);
}

TEST(SafetensorsRoundTrip, MetadataComesBack) {
    test::TempDir dir;
    const auto path = dir.path() / "metadata.safetensors";
    const TensorMetadata metadata = {{"facemix", R"({"format": 1, "unicode": "\u00e9"})"}, {"empty", ""}};
    write_safetensors(path, {{"w", at::ones({2})}}, metadata);
    EXPECT_EQ(SafetensorsFile::open(path).metadata(), metadata);
}

TEST(SafetensorsRoundTrip, AnEmptyMapMakesAValidFile) {
    test::TempDir dir;
    const auto path = dir.path() / "empty.safetensors";
    write_safetensors(path, {});
    EXPECT_TRUE(SafetensorsFile::open(path).entries().empty());
}

TEST(SafetensorsWriter, LaysOutTheFileAsTheFormatRecommends) {
    test::TempDir dir;
    const auto path = dir.path() / "layout.safetensors";
    write_safetensors(path, sample_tensors(), {{"k", "v"}});
    const std::string bytes = read_bytes(path);
    ASSERT_GE(bytes.size(), 8u);
    std::uint64_t header_length = 0;
    for (std::size_t i = 0; i < 8; ++i) header_length |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
    EXPECT_EQ((8 + header_length) % 8, 0u) << "the data section starts 8-byte aligned";

    const auto header = nlohmann::ordered_json::parse(bytes.substr(8, header_length));
    std::vector<std::string> keys;
    for (const auto& item : header.items()) keys.push_back(item.key());
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    EXPECT_EQ(header.at("__metadata__"), nlohmann::ordered_json({{"k", "v"}}));

    // The reference loader insists that the ranges tile the data section without gaps.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    const auto file = SafetensorsFile::open(path);
    for (const auto& entry : file.entries()) {
        SCOPED_TRACE(entry.name);
        EXPECT_EQ(entry.begin % dtype_size(entry.dtype), 0u) << "each tensor is aligned to its element size";
        ranges.emplace_back(entry.begin, entry.end);
    }
    std::sort(ranges.begin(), ranges.end());
    std::uint64_t expected_begin = 0;
    for (const auto& [begin, end] : ranges) {
        EXPECT_EQ(begin, expected_begin);
        expected_begin = end;
    }
    EXPECT_EQ(8 + header_length + expected_begin, bytes.size());
}

TEST(SafetensorsWriter, RefusesWhatTheFormatCannotHold) {
    test::TempDir dir;
    const auto path = dir.path() / "refused.safetensors";
    EXPECT_THROW(write_safetensors(path, {{"ids", at::arange(4, at::kLong)}}), InputError);
    EXPECT_THROW(write_safetensors(path, {{"doubles", at::ones({2}, at::kDouble)}}), InputError);
    EXPECT_THROW(write_safetensors(path, {{"__metadata__", at::ones({2})}}), InputError);
    EXPECT_THROW(write_safetensors(path, {{"undefined", at::Tensor()}}), InputError);
    EXPECT_THROW(write_safetensors(path, {{"w", at::ones({1})}}, {{"bad", "\xff\xfe"}}), InputError);
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SafetensorsWriter, ReplacesAnExistingFile) {
    test::TempDir dir;
    const auto path = dir.path() / "replaced.safetensors";
    write_bytes(path, "old contents");
    write_safetensors(path, {{"w", at::ones({3})}});
    expect_same(SafetensorsFile::open(path).tensor("w"), at::ones({3}));
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "no temporary file is left";
}

TEST(SafetensorsReader, AsksForAMissingTensorByName) {
    test::TempDir dir;
    const auto path = dir.path() / "one.safetensors";
    write_safetensors(path, {{"present", at::ones({1})}});
    const auto file = SafetensorsFile::open(path);
    EXPECT_EQ(file.find("absent"), nullptr);
    try {
        file.tensor("absent");
        FAIL() << "no exception";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("'absent'"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("one.safetensors"), std::string::npos) << error.what();
    }
}

TEST(SafetensorsReader, StaysUsableAfterAMove) {
    test::TempDir dir;
    const auto path = dir.path() / "moved.safetensors";
    write_safetensors(path, {{"w", at::full({2, 2}, 7.0)}});
    auto file = SafetensorsFile::open(path);
    SafetensorsFile moved = std::move(file);
    expect_same(moved.tensor("w"), at::full({2, 2}, 7.0));
}

TEST(SafetensorsInterop, ReadsAFileWrittenByPythonSafetensors) {
    // tools/goldens/make_io_fixtures.py wrote the fixture; the values follow its formulas.
    const auto path = std::filesystem::path(FACEMIX_FIXTURES_DIR) / "io" / "python_written.safetensors";
    const auto file = SafetensorsFile::open(path);
    EXPECT_EQ(file.metadata(), (TensorMetadata{{"format", "pt"}, {"written_by", "make_io_fixtures.py"}}));
    EXPECT_EQ(file.entries().size(), 5u);
    expect_same(file.tensor("f32.matrix"), at::arange(12, at::kFloat).reshape({3, 4}) * 0.25 - 1.0);
    expect_same(file.tensor("f16.vector"), at::arange(-4, 4, at::kFloat).to(at::kHalf) / 8);
    expect_same(file.tensor("bf16.cube"), (at::arange(8, at::kFloat) - 3.5).reshape({2, 2, 2}).to(at::kBFloat16));
    expect_same(file.tensor("f32.scalar"), at::scalar_tensor(3.25, at::kFloat));
    expect_same(file.tensor("f16.empty"), at::zeros({0, 3}, at::kHalf));
}

struct HostileFile {
    std::string name;
    std::string bytes;
    std::string expected;  // a phrase the message must contain
};

void PrintTo(const HostileFile& file, std::ostream* out) { *out << file.name; }

class SafetensorsHostile : public testing::TestWithParam<HostileFile> {};

TEST_P(SafetensorsHostile, IsRefusedWithAMessageNamingTheFile) {
    test::TempDir dir;
    const auto path = dir.path() / (GetParam().name + ".safetensors");
    write_bytes(path, GetParam().bytes);
    try {
        SafetensorsFile::open(path);
        FAIL() << "opened without complaint";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(path.filename().string()), std::string::npos) << message;
        EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
    }
}

std::vector<HostileFile> hostile_files() {
    const std::string f32_pair = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                                 R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})";
    return {
        {"zero_bytes", "", "too short"},
        {"seven_bytes", std::string("\x02\0\0\0\0\0\0", 7), "too short"},
        {"header_longer_than_file", length_field(1000) + "{}", "1000-byte header"},
        {"header_length_absurd", length_field(std::uint64_t{1} << 63) + "{}", "header"},
        {"header_length_max", length_field(~std::uint64_t{0}) + "{}", "header"},
        {"invalid_json", safetensors_bytes(R"({"a": {"dtype": )", 0), "not valid JSON"},
        {"empty_header", safetensors_bytes("", 0), "not valid JSON"},
        {"invalid_utf8", safetensors_bytes("{\"\xff\": 1}", 0), "not valid JSON"},
        {"not_an_object", safetensors_bytes("[1, 2]", 0), "not a JSON object"},
        {"entry_not_an_object", safetensors_bytes(R"({"unet.conv_in.weight": 3})", 0), "'unet.conv_in.weight'"},
        {"deep_nesting", safetensors_bytes(std::string(5000, '[') + std::string(5000, ']'), 0), "JSON"},
        {"deep_nesting_in_entry", safetensors_bytes(one_tensor_json("F32", "[[[1]]]", "[0,4]"), 4), "nests"},
        {"duplicate_name",
         safetensors_bytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                           R"("w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                           8),
         "'w' twice"},
        {"unknown_dtype", safetensors_bytes(one_tensor_json("Q7", "[1]", "[0,4]"), 4), "unknown dtype 'Q7'"},
        {"unsupported_dtype", safetensors_bytes(one_tensor_json("I64", "[1]", "[0,8]"), 8),
         "I64 tensors are not supported"},
        {"missing_offsets", safetensors_bytes(R"({"unet.conv_in.weight":{"dtype":"F32","shape":[1]}})", 4),
         "has no data_offsets"},
        {"negative_shape", safetensors_bytes(one_tensor_json("F32", "[-1,4]", "[0,16]"), 16), "negative"},
        {"fractional_shape", safetensors_bytes(one_tensor_json("F32", "[2.5]", "[0,10]"), 10), "whole number"},
        {"shape_beyond_int64", safetensors_bytes(one_tensor_json("F32", "[18446744073709551615]", "[0,4]"), 4),
         "whole number"},
        {"absurd_shape", safetensors_bytes(one_tensor_json("F32", "[1099511627776,1099511627776]", "[0,16]"), 16),
         "impossibly large"},
        // 2^62 * 4 elements of 4 bytes wrap around to 0 bytes in 64-bit arithmetic.
        {"shape_that_wraps_to_zero", safetensors_bytes(one_tensor_json("F32", "[4611686018427387904,4]", "[0,0]"), 0),
         "impossibly large"},
        {"offsets_outside_file", safetensors_bytes(one_tensor_json("F32", "[100]", "[0,400]"), 16),
         "lies outside the file (bytes 0..400 of 16)"},
        {"offsets_not_matching_shape", safetensors_bytes(one_tensor_json("F32", "[2,2]", "[0,12]"), 16), "needs 16"},
        {"offsets_reversed", safetensors_bytes(one_tensor_json("F32", "[1]", "[8,4]"), 16), "end before"},
        {"offsets_not_numbers", safetensors_bytes(one_tensor_json("F32", "[1]", R"(["0","4"])"), 4), "data_offsets"},
        {"number_beyond_double", safetensors_bytes(one_tensor_json("F32", "[1]", "[0,4e999]"), 4), "too large"},
        {"offsets_huge", safetensors_bytes(one_tensor_json("F32", "[1]", "[1e30,1e30]"), 4), "data_offsets"},
        {"overlapping_ranges", safetensors_bytes(f32_pair, 24), "overlap"},
        {"truncated_data", safetensors_bytes(one_tensor_json("F32", "[16]", "[0,64]"), 32), "lies outside the file"},
        {"metadata_not_strings", safetensors_bytes(R"({"__metadata__":{"k":1}})", 0), "'k' is not a string"},
        {"metadata_not_a_map", safetensors_bytes(R"({"__metadata__":["k","v"]})", 0), "__metadata__"},
    };
}

INSTANTIATE_TEST_SUITE_P(SafetensorsFiles, SafetensorsHostile, testing::ValuesIn(hostile_files()),
                         [](const testing::TestParamInfo<HostileFile>& param_info) { return param_info.param.name; });

TEST(SafetensorsHostilePaths, MissingFileAndDirectoryAreInputErrors) {
    test::TempDir dir;
    EXPECT_THROW(SafetensorsFile::open(dir.path() / "absent.safetensors"), InputError);
    EXPECT_THROW(SafetensorsFile::open(dir.path()), InputError);
}

}  // namespace
}  // namespace facemix

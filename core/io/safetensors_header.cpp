#include "io/safetensors_header.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace facemix {
namespace {

// ordered_json keeps the header's own key order, which entries() promises.
using Json = nlohmann::ordered_json;

constexpr std::string_view metadata_key = "__metadata__";

// Names and strings from a hostile header can be megabytes long; a message shows only their start.
std::string quoted_start(std::string_view text) {
    constexpr std::size_t limit = 80;
    std::string quoted = "'";
    quoted.append(text.substr(0, limit));
    quoted.append(text.size() > limit ? "...'" : "'");
    return quoted;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::ostringstream text;
    text << "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text << (i ? ", " : "") << shape[i];
    text << "]";
    return text.str();
}

class HeaderParser {
public:
    HeaderParser(std::string_view file_name, std::uint64_t data_size) : file_name_(file_name), data_size_(data_size) {}

    SafetensorsHeader parse(std::string_view json_text) {
        const Json root = parse_json(json_text);
        if (!root.is_object()) fail("the header is not a JSON object");
        SafetensorsHeader header;
        for (const auto& [key, value] : root.items()) {
            if (key == metadata_key)
                header.metadata = parse_metadata(value);
            else
                header.entries.push_back(parse_entry(key, value));
        }
        check_no_overlap(header.entries);
        return header;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw InputError(file_name_ + ": " + what + "."); }

    [[noreturn]] void fail(const std::string& tensor, const std::string& what) const {
        fail("tensor " + quoted_start(tensor) + " " + what);
    }

    // The callback refuses nesting no header has (which would only cost memory) and repeated
    // tensor names (which the JSON library would silently collapse to the last one).
    Json parse_json(std::string_view json_text) const {
        std::set<std::string> top_level_keys;
        const auto guard = [&](int depth, Json::parse_event_t event, Json& parsed) {
            constexpr int deepest_container = 2;  // root object > tensor entry > shape array
            const bool opens = event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
            if (opens && depth > deepest_container) fail("the header nests JSON deeper than a safetensors header does");
            if (event == Json::parse_event_t::key && depth == 1) {
                const auto& key = parsed.get_ref<const std::string&>();
                if (!top_level_keys.insert(key).second) fail("the header names " + quoted_start(key) + " twice");
            }
            return true;
        };
        try {
            return Json::parse(json_text.begin(), json_text.end(), guard);
        } catch (const nlohmann::json::parse_error& error) {
            fail("the header is not valid JSON (error at byte " + std::to_string(error.byte) + ")");
        } catch (const nlohmann::json::out_of_range&) {
            fail("the header is not valid JSON (a number in it is too large)");
        }
    }

    TensorMetadata parse_metadata(const Json& value) const {
        TensorMetadata metadata;
        if (value.is_null()) return metadata;  // what writers that always emit the key store for "none"
        if (!value.is_object()) fail("the __metadata__ entry is not a map of strings");
        for (const auto& [key, text] : value.items()) {
            if (!text.is_string()) fail("the __metadata__ entry " + quoted_start(key) + " is not a string");
            metadata.emplace(key, text.get<std::string>());
        }
        return metadata;
    }

    TensorEntry parse_entry(const std::string& name, const Json& value) const {
        if (!value.is_object()) fail(name, "is not described by a JSON object");
        TensorEntry entry;
        entry.name = name;
        entry.dtype = parse_dtype(name, field(name, value, "dtype"));
        entry.shape = parse_shape(name, field(name, value, "shape"));
        parse_offsets(entry, field(name, value, "data_offsets"));
        check_size(entry);
        return entry;
    }

    const Json& field(const std::string& name, const Json& entry, const char* key) const {
        const auto found = entry.find(key);
        if (found == entry.end()) fail(name, std::string("has no ") + key);
        return *found;
    }

    StorageDType parse_dtype(const std::string& name, const Json& value) const {
        if (!value.is_string()) fail(name, "has a dtype that is not a string");
        const auto& text = value.get_ref<const std::string&>();
        for (const auto dtype : {StorageDType::F32, StorageDType::F16, StorageDType::BF16})
            if (text == dtype_name(dtype)) return dtype;
        // The format's other dtypes get a message that says what to do, not just what failed.
        static constexpr std::array<std::string_view, 14> other_dtypes = {
            "BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64", "F64", "F8_E5M2", "F8_E4M3", "F4", "E8M0"};
        if (std::find(other_dtypes.begin(), other_dtypes.end(), text) != other_dtypes.end())
            fail(name, "holds " + text + " values, and " + text +
                           " tensors are not supported (convert the file to F32, F16 or BF16)");
        fail(name, "has the unknown dtype " + quoted_start(text));
    }

    std::vector<std::int64_t> parse_shape(const std::string& name, const Json& value) const {
        if (!value.is_array()) fail(name, "has a shape that is not a list");
        std::vector<std::int64_t> shape;
        shape.reserve(value.size());
        for (const auto& dim : value) {
            if (dim.is_number_unsigned() &&
                dim.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                shape.push_back(static_cast<std::int64_t>(dim.get<std::uint64_t>()));
            else if (dim.is_number_integer() && !dim.is_number_unsigned())
                fail(name, "has a negative dimension in its shape");
            else
                fail(name, "has a shape entry that is not a whole number of a sane size");
        }
        return shape;
    }

    void parse_offsets(TensorEntry& entry, const Json& value) const {
        const auto is_offset = [](const Json& offset) { return offset.is_number_unsigned(); };
        if (!value.is_array() || value.size() != 2 || !std::all_of(value.begin(), value.end(), is_offset))
            fail(entry.name, "has data_offsets that are not two non-negative whole numbers");
        entry.begin = value[0].get<std::uint64_t>();
        entry.end = value[1].get<std::uint64_t>();
        if (entry.begin > entry.end)
            fail(entry.name, "has data_offsets that end before they begin (" + range_text(entry) + ")");
        if (entry.end > data_size_)
            fail(entry.name,
                 "lies outside the file (bytes " + range_text(entry) + " of " + std::to_string(data_size_) + ")");
    }

    // Overflow-checked, so a shape like [2^40, 2^40] is refused instead of wrapping around to a
    // small byte count that happens to match.
    void check_size(const TensorEntry& entry) const {
        std::uint64_t bytes = dtype_size(entry.dtype);
        for (const auto dim : entry.shape)
            if (__builtin_mul_overflow(bytes, static_cast<std::uint64_t>(dim), &bytes))
                fail(entry.name, "has the impossibly large shape " + shape_text(entry.shape));
        if (bytes != entry.end - entry.begin)
            fail(entry.name, "has " + std::to_string(entry.end - entry.begin) + " bytes of data (" + range_text(entry) +
                                 ") but its shape " + shape_text(entry.shape) + " of " +
                                 std::string(dtype_name(entry.dtype)) + " needs " + std::to_string(bytes));
    }

    void check_no_overlap(const std::vector<TensorEntry>& entries) const {
        std::vector<const TensorEntry*> by_begin;
        for (const auto& entry : entries)
            if (entry.end > entry.begin) by_begin.push_back(&entry);  // empty tensors occupy no bytes
        std::sort(by_begin.begin(), by_begin.end(),
                  [](const TensorEntry* a, const TensorEntry* b) { return a->begin < b->begin; });
        const TensorEntry* furthest = nullptr;  // the entry reaching furthest so far
        for (const auto* entry : by_begin) {
            if (furthest && entry->begin < furthest->end)
                fail("tensors " + quoted_start(furthest->name) + " (bytes " + range_text(*furthest) + ") and " +
                     quoted_start(entry->name) + " (bytes " + range_text(*entry) + ") overlap");
            if (!furthest || entry->end > furthest->end) furthest = entry;
        }
    }

    static std::string range_text(const TensorEntry& entry) {
        return std::to_string(entry.begin) + ".." + std::to_string(entry.end);
    }

    std::string file_name_;
    std::uint64_t data_size_;
};

}  // namespace

std::size_t dtype_size(StorageDType dtype) {
    switch (dtype) {
        case StorageDType::F32: return 4;
        case StorageDType::F16: return 2;
        case StorageDType::BF16: return 2;
    }
    return 0;
}

std::string_view dtype_name(StorageDType dtype) {
    switch (dtype) {
        case StorageDType::F32: return "F32";
        case StorageDType::F16: return "F16";
        case StorageDType::BF16: return "BF16";
    }
    return "?";
}

std::uint64_t read_safetensors_header_length(std::span<const std::uint8_t> first_bytes, std::uint64_t file_size,
                                             std::string_view file_name) {
    const std::string name(file_name);
    if (file_size < safetensors_length_field_bytes || first_bytes.size() < safetensors_length_field_bytes)
        throw InputError(name + ": the file is too short to be a safetensors file (" + std::to_string(file_size) +
                         " bytes).");
    std::uint64_t length = 0;
    for (std::size_t i = 0; i < safetensors_length_field_bytes; ++i)
        length |= std::uint64_t{first_bytes[i]} << (8 * i);
    if (length > max_safetensors_header_bytes)
        throw InputError(name + ": the file declares a " + std::to_string(length) +
                         "-byte header, more than a safetensors header may have (is it a safetensors file?).");
    if (length > file_size - safetensors_length_field_bytes)
        throw InputError(name + ": the file declares a " + std::to_string(length) + "-byte header but has only " +
                         std::to_string(file_size - safetensors_length_field_bytes) + " bytes after the length field.");
    return length;
}

SafetensorsHeader parse_safetensors_header(std::string_view json, std::uint64_t file_size, std::string_view file_name) {
    if (file_size < safetensors_length_field_bytes + json.size())
        throw InputError(std::string(file_name) + ": the file is shorter than its own header.");
    const std::uint64_t data_start = safetensors_length_field_bytes + json.size();
    SafetensorsHeader header = HeaderParser(file_name, file_size - data_start).parse(json);
    header.data_start = data_start;
    return header;
}

SafetensorsHeader parse_safetensors_file_start(std::span<const std::uint8_t> file_start, std::uint64_t file_size,
                                               std::string_view file_name) {
    const std::uint64_t length = read_safetensors_header_length(file_start, file_size, file_name);
    if (file_start.size() - safetensors_length_field_bytes < length)
        throw InputError(std::string(file_name) + ": the file is shorter than its own header.");
    const auto* json_start = reinterpret_cast<const char*>(file_start.data() + safetensors_length_field_bytes);
    return parse_safetensors_header(std::string_view(json_start, length), file_size, file_name);
}

}  // namespace facemix

#include "io/csv_rows.h"

#include <algorithm>
#include <sstream>

#include "common/error.h"

namespace facemix {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    return fields;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

void for_each_csv_row(std::istream& file, const std::filesystem::path& csv, std::initializer_list<const char*> names,
                      const std::function<void(const std::vector<std::string>& values, std::int64_t line)>& row) {
    std::string line;
    if (!std::getline(file, line)) throw InputError(csv.string() + " is empty.");
    const auto header = split_csv_line(trimmed(line));
    std::vector<std::size_t> columns;
    for (const char* name : names) {
        const auto found = std::find(header.begin(), header.end(), name);
        if (found == header.end()) throw InputError(csv.string() + " has no \"" + name + "\" column.");
        columns.push_back(static_cast<std::size_t>(found - header.begin()));
    }
    const std::size_t needed = *std::max_element(columns.begin(), columns.end()) + 1;
    std::int64_t number = 1;
    while (std::getline(file, line)) {
        ++number;
        line = trimmed(line);
        if (line.empty()) continue;
        const auto fields = split_csv_line(line);
        if (fields.size() < needed) throw InputError(csv.string() + " line " + std::to_string(number) + " is too short.");
        std::vector<std::string> values;
        for (const std::size_t column : columns) values.push_back(fields[column]);
        row(values, number);
    }
}

}  // namespace facemix

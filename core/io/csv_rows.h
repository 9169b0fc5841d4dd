#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <istream>
#include <string>
#include <vector>

namespace facemix {

// The plain CSV the dataset files use (labels.csv, pairs.csv): comma-separated, no quoting, a header
// line naming the columns. Shared so every reader of a dataset refuses a bad file with the same sentence.

// Hands `row` the fields of the named columns, in that order, for every non-blank line after the header
// of `file` (the CSV `csv`, named in messages); a missing column or a short line is an InputError naming
// the file and line.
void for_each_csv_row(std::istream& file, const std::filesystem::path& csv, std::initializer_list<const char*> names,
                      const std::function<void(const std::vector<std::string>& values, std::int64_t line)>& row);

}  // namespace facemix

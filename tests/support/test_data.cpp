#include "support/test_data.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace facemix::test {

std::filesystem::path testdata_dir() {
    if (const char* dir = std::getenv("FACEMIX_TESTDATA")) return dir;
    return FACEMIX_TESTDATA_DIR;
}

std::filesystem::path lfw_dir() {
    if (const char* dir = std::getenv("FACEMIX_LFW")) return dir;
    return testdata_dir() / ".." / ".." / "data" / "lfw";
}

std::vector<PhotoLabel> photo_labels() {
    std::ifstream csv(testdata_dir() / "identities.csv");
    if (!csv) throw std::runtime_error("cannot read " + (testdata_dir() / "identities.csv").string());
    std::vector<PhotoLabel> labels;
    std::string line;
    std::getline(csv, line);  // header
    while (std::getline(csv, line)) {
        std::stringstream row(line);
        PhotoLabel label;
        std::string faces;
        std::getline(row, label.file, ',');
        std::getline(row, label.identity, ',');
        std::getline(row, faces, ',');
        if (label.file.empty()) continue;
        label.faces = std::stoi(faces);
        labels.push_back(label);
    }
    return labels;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "facemix-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace facemix::test

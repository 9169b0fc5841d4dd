#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace facemix::test {

std::filesystem::path testdata_dir();
// ../shared/data/lfw beside the checkout ($FACEMIX_LFW overrides): real photos, a folder per person.
std::filesystem::path lfw_dir();

struct PhotoLabel {
    std::string file;
    std::string identity;
    int faces = 0;
};

// The rows of testdata/faces/identities.csv.
std::vector<PhotoLabel> photo_labels();

// A fresh, empty folder under the system temp dir, removed when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace facemix::test

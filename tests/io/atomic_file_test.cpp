#include "io/atomic_file.h"

#include "common/error.h"
#include "io/output_folder.h"
#include "support/full_disk.h"
#include "support/test_data.h"
#include "support/input_error.h"

#include <fstream>
#include <functional>
#include <iterator>

#include <gtest/gtest.h>

namespace facemix {
namespace {

using test::input_error;

std::string contents(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(AtomicFile, ReplacesTheFileAndLeavesNoTemporary) {
    const test::TempDir folder;
    write_file_atomic(folder.path() / "a.txt", "old");
    write_file_atomic(folder.path() / "a.txt", "new");
    EXPECT_EQ(contents(folder.path() / "a.txt"), "new");
    EXPECT_EQ(test::files_below(folder.path()), std::set<std::string>{"a.txt"});
}

// A full disk: one sentence with the path and the reason, the old file untouched, no temporary left.
TEST(AtomicFile, AFullDiskIsOneSentenceAndLeavesTheOldFileAndNoTemporary) {
    const test::TempDir folder;
    const auto path = folder.path() / "a.txt";
    write_file_atomic(path, "old");
    {
        const test::FullDisk full;
        EXPECT_EQ(input_error([&] { write_file_atomic(path, std::string(100'000, 'x')); }),
                  "could not write " + path.string() + ": no space left on device.");
        EXPECT_EQ(input_error([&] { write_file_atomic(folder.path() / "b.txt", "new"); }),
                  "could not write " + (folder.path() / "b.txt").string() + ": no space left on device.");
    }
    EXPECT_EQ(contents(path), "old");
    EXPECT_EQ(test::files_below(folder.path()), std::set<std::string>{"a.txt"});
}

TEST(AtomicFile, AParentThatIsAFileOrMissingIsOneSentence) {
    const test::TempDir folder;
    write_file_atomic(folder.path() / "file", "x");
    EXPECT_EQ(input_error([&] { write_file_atomic(folder.path() / "file" / "a.png", "x"); }),
              "could not write " + (folder.path() / "file" / "a.png").string() + ": not a directory.");
    EXPECT_EQ(input_error([&] { write_file_atomic(folder.path() / "missing" / "a.png", "x"); }),
              "could not write " + (folder.path() / "missing" / "a.png").string() + ": no such file or directory.");
    EXPECT_EQ(test::files_below(folder.path()), std::set<std::string>{"file"});
}

TEST(OutputFolder, IsCreatedWithItsParentsOrRefusedInOneSentence) {
    const test::TempDir folder;
    create_output_folder(folder.path() / "a" / "b");
    EXPECT_TRUE(std::filesystem::is_directory(folder.path() / "a" / "b"));
    write_file_atomic(folder.path() / "file", "x");
    EXPECT_EQ(input_error([&] { create_output_folder(folder.path() / "file" / "run"); }),
              "could not create the folder " + (folder.path() / "file" / "run").string() + ": not a directory.");
    EXPECT_EQ(input_error([&] { create_output_folder(folder.path() / "file"); }),
              "could not create the folder " + (folder.path() / "file").string() + ": a file of that name is in the way.");
}

}  // namespace
}  // namespace facemix

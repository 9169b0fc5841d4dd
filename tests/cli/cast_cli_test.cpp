// `facemix cast`: one face against a folder of backgrounds (and the reverse) with the bundled default
// model, whose cells dlib finds faces in, so the ranking has scores to sort.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "mix/contact_sheet.h"
#include "mix/job_files.h"
#include "support/run_command.h"
#include "support/test_data.h"

namespace facemix {
namespace {

struct CsvRow {
    std::string cell;
    std::string source;
    std::string cosine;
};

std::vector<CsvRow> read_cast_csv(const std::filesystem::path& path) {
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    EXPECT_EQ(line, "rank,cell,source,identity_cosine");
    std::vector<CsvRow> rows;
    while (std::getline(file, line)) {
        std::stringstream fields(line);
        std::string rank;
        CsvRow row;
        std::getline(fields, rank, ',');
        std::getline(fields, row.cell, ',');
        std::getline(fields, row.source, ',');
        std::getline(fields, row.cosine, ',');
        EXPECT_EQ(rank, std::to_string(rows.size() + 1));
        rows.push_back(row);
    }
    return rows;
}

// Which of the cells a sheet tile shows: the one it is nearest to, fitted to the tile as the sheet fits it.
std::string tile_shows(const cv::Mat& tile, const std::filesystem::path& folder, const std::vector<CsvRow>& rows) {
    std::string best;
    double nearest = 1e300;
    for (const CsvRow& row : rows) {
        cv::Mat cell = cv::imread((folder / row.cell).string()), fitted;
        cv::resize(cell, fitted, tile.size(), 0, 0, cv::INTER_AREA);
        const double distance = cv::norm(fitted, tile, cv::NORM_L1);
        if (distance < nearest) {
            nearest = distance;
            best = row.cell;
        }
    }
    return best;
}

void expect_ranked_sheet_and_csv(const std::filesystem::path& out, std::size_t cells) {
    const auto rows = read_cast_csv(out / "cast.csv");
    ASSERT_EQ(rows.size(), cells);
    // dlib finds a face in most of the default model's cells; those without one (no score) come last.
    ASSERT_FALSE(rows.front().cosine.empty()) << "no cell was scored";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_TRUE(std::filesystem::exists(out / rows[i].cell)) << rows[i].cell;
        if (i == 0 || rows[i].cosine.empty()) continue;
        ASSERT_FALSE(rows[i - 1].cosine.empty()) << "a scored cell after an unscored one at rank " << i + 1;
        EXPECT_GE(std::stod(rows[i - 1].cosine), std::stod(rows[i].cosine)) << "not best first at rank " << i + 1;
    }
    // The sheet: the fixed source, then the cells in the CSV's order.
    const cv::Mat sheet = cv::imread((out / "cast_sheet.png").string());
    ASSERT_FALSE(sheet.empty());
    const int step = kSheetTilePx + kSheetGapPx;
    EXPECT_EQ(sheet.cols, int(cells + 1) * step - kSheetGapPx);
    EXPECT_EQ(sheet.rows, kSheetTilePx + caption_height(kSheetTilePx));
    for (std::size_t i = 0; i < rows.size(); ++i)
        EXPECT_EQ(tile_shows(sheet(cv::Rect(int(i + 1) * step, 0, kSheetTilePx, kSheetTilePx)), out, rows), rows[i].cell) << "tile " << i + 1;
}

std::filesystem::path photos_folder(const test::TempDir& dir, const std::string& name, const std::vector<std::string>& files) {
    const auto folder = dir.path() / name;
    std::filesystem::create_directories(folder);
    for (const auto& file : files) std::filesystem::create_symlink(test::testdata_dir() / file, folder / file);
    return folder;
}

// Casts `fixed` (--face or --background) against a folder of `photos` (--backgrounds or --faces) and checks
// the ranked files; returns the output folder's path inside `dir`.
std::filesystem::path cast_and_check(const test::TempDir& dir, const std::string& fixed_flag, const std::string& fixed,
                                     const std::string& folder_flag, const std::vector<std::string>& photos) {
    const auto folder = photos_folder(dir, "photos", photos);
    const auto out = dir.path() / "out";
    const auto result = test::run_facemix({"cast", fixed_flag, (test::testdata_dir() / fixed).string(), folder_flag, folder.string(), "-o",
                                           out.string(), "--steps", "3", "--device", "cpu"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    expect_ranked_sheet_and_csv(out, photos.size());
    return out;
}

TEST(CastCli, OneFaceOnAFolderOfBackgroundsRankedByIdentityKept) {
    test::TempDir dir;
    const auto out = cast_and_check(dir, "--face", "deepface_img12.jpg", "--backgrounds", {"deepface_img1.jpg", "facerec_obama.jpg", "facerec_biden.jpg"});
    EXPECT_TRUE(std::filesystem::exists(out / grid_cell_file_name(0, 2, "deepface_img12.jpg", "facerec_obama.jpg")));
}

TEST(CastCli, OneBackgroundWithAFolderOfFacesRankedByEachFacesIdentity) {
    test::TempDir dir;
    const auto out = cast_and_check(dir, "--background", "facerec_biden.jpg", "--faces", {"deepface_img1.jpg", "facerec_obama.jpg", "deepface_img3.jpg"});
    EXPECT_TRUE(std::filesystem::exists(out / grid_cell_file_name(2, 0, "facerec_obama.jpg", "facerec_biden.jpg")));
}

// Ctrl-C after the first cell: exit 130, and the sheet and table hold the cells the cast reached, not
// the ones it never got to (once labelled "failed" with no file behind them).
TEST(CastCli, CtrlCRanksAndWritesOnlyTheCellsItReached) {
    test::TempDir dir;
    const std::vector<std::string> photos = {"deepface_img1.jpg", "facerec_obama.jpg", "facerec_biden.jpg", "deepface_img3.jpg",
                                             "deepface_img2.jpg", "facerec_obama2.jpg", "deepface_img5.jpg", "deepface_img8.jpg"};
    const auto folder = photos_folder(dir, "photos", photos);
    const auto out = dir.path() / "out";
    test::RunOptions options;
    options.interrupt_once_png_in = out;
    options.timeout_s = 600;
    // Many steps a cell, so the interrupt lands long before the last one.
    const auto result = test::run_facemix({"cast", "--face", (test::testdata_dir() / "deepface_img12.jpg").string(), "--backgrounds",
                                           folder.string(), "-o", out.string(), "--steps", "100", "--device", "cpu"},
                                          options);
    ASSERT_EQ(result.exit_code, 130) << result.err;
    EXPECT_NE(result.err.find("facemix: stopped; "), std::string::npos) << result.err;
    std::size_t cells_made = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out))
        cells_made += entry.path().extension() == ".png" && entry.path().filename() != "cast_sheet.png";
    ASSERT_LT(cells_made, photos.size()) << "the cast finished before the interrupt: nothing was tested";
    EXPECT_EQ(read_cast_csv(out / "cast.csv").size(), cells_made);
    expect_ranked_sheet_and_csv(out, cells_made);
}

// One sentence and exit 1, before anything is generated.
TEST(CastCli, AFolderWithoutPhotosOrAFaceWithoutAFaceIsOneSentence) {
    test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "empty");
    std::ofstream(dir.path() / "empty" / "notes.txt") << "x";
    const auto empty = test::run_facemix({"cast", "--face", (test::testdata_dir() / "deepface_img12.jpg").string(), "--backgrounds",
                                          (dir.path() / "empty").string(), "-o", (dir.path() / "out").string()});
    EXPECT_EQ(empty.exit_code, 1);
    EXPECT_EQ(empty.err, "facemix: The folder " + (dir.path() / "empty").string() + " holds no photos.\n");

    const auto river = (test::testdata_dir() / "ipadapter_river.png").string();
    const auto no_face = test::run_facemix({"cast", "--face", river, "--backgrounds", (test::testdata_dir() / "facerec_biden.jpg").string(),
                                            "-o", (dir.path() / "out").string(), "--steps", "2"});
    EXPECT_EQ(no_face.exit_code, 1);
    EXPECT_NE(no_face.err.find("facemix: No face found in " + river + ".\n"), std::string::npos) << no_face.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "cast.csv"));

    const auto both = test::run_facemix({"cast", "--face", river, "--background", river, "-o", (dir.path() / "out").string()});
    EXPECT_EQ(both.exit_code, 1);
    EXPECT_NE(both.err.find("give one of the two"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace facemix

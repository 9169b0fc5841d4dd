#include "support/run_command.h"
#include "support/test_data.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace facemix {
namespace {

// Faces of photos that are copies of one photo, which prep must not pair. From identities.csv's notes:
// facerec_obama_small.jpg and facerec_obama_partial_face.jpg are "cut from the same photo as
// facerec_obama.jpg"; facerec_biden.jpg is "the same photo" as "the right half of facerec_two_people.jpg".
// A face is "<photo>" for single-face photos, "<photo>#left" / "#right" for the two couples.
const std::vector<std::set<std::string>> kNearDuplicateGroups = {
    {"facerec_obama.jpg", "facerec_obama_small.jpg", "facerec_obama_partial_face.jpg"},
    {"facerec_biden.jpg", "facerec_two_people.jpg#right"}};

// Who is in the two group photos we use, left to right (identities.csv's notes).
const std::map<std::string, std::vector<std::string>> kCouples = {
    {"deepface_couple.jpg", {"angelina_jolie", "brad_pitt"}},
    {"facerec_two_people.jpg", {"barack_obama", "joe_biden"}}};

std::string read_text(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
}

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
    std::vector<std::vector<std::string>> rows;
    std::stringstream text(read_text(path));
    std::string line;
    while (std::getline(text, line)) {
        std::vector<std::string> fields;
        std::stringstream row(line);
        std::string field;
        while (std::getline(row, field, ',')) fields.push_back(field);
        rows.push_back(fields);
    }
    return rows;
}

// The photos of the test: every single-face photo of identities.csv plus the two couples.
std::vector<std::string> prep_photos() {
    std::vector<std::string> photos;
    for (const auto& label : test::photo_labels())
        if (label.faces == 1 || kCouples.count(label.file)) photos.push_back((test::testdata_dir() / label.file).string());
    return photos;
}

struct PreparedSet {
    test::TempDir folder;
    test::CommandResult first;
};

// One prep run shared by the tests below (about 30 s for 33 photos on two cores).
const PreparedSet& prepared() {
    static PreparedSet set;
    static const bool ran = [] {
        std::vector<std::string> arguments = {"prep", "-o", set.folder.path().string()};
        for (const auto& photo : prep_photos()) arguments.push_back(photo);
        set.first = test::run_facemix(arguments);
        return true;
    }();
    (void)ran;
    return set;
}

TEST(PrepCli, PairsExactlyThePhotosOfTheSamePersonExceptNearDuplicates) {
    const auto& set = prepared();
    ASSERT_EQ(set.first.exit_code, 0) << set.first.err;
    const auto& dir = set.folder.path();

    // Who each face is, from identities.csv: labels.csv gives the photo and the box of each face.
    std::map<std::string, std::string> photo_identity;
    for (const auto& label : test::photo_labels()) photo_identity[label.file] = label.identity;
    const auto labels = read_csv(dir / "labels.csv");
    ASSERT_FALSE(labels.empty());
    ASSERT_GE(labels[0].size(), 4u);
    EXPECT_EQ(labels[0][0], "file");
    EXPECT_EQ(labels[0][1], "identity");
    EXPECT_EQ(labels[0][2], "photo");
    EXPECT_EQ(labels[0][3], "box_x");
    std::map<std::string, std::string> face_name, person, cluster;  // by face file
    std::map<std::string, std::vector<std::pair<int, std::string>>> couple_faces;  // photo -> (box x, file)
    for (std::size_t r = 1; r < labels.size(); ++r) {
        const std::string& file = labels[r][0];
        const std::string& photo = labels[r][2];
        EXPECT_TRUE(std::filesystem::is_regular_file(dir / file)) << file;
        cluster[file] = labels[r][1];
        if (kCouples.count(photo)) couple_faces[photo].push_back({std::stoi(labels[r][3]), file});
        else face_name[file] = photo, person[file] = photo_identity.at(photo);
    }
    for (auto& [photo, faces] : couple_faces) {
        ASSERT_EQ(faces.size(), 2u) << photo;
        std::sort(faces.begin(), faces.end());
        for (std::size_t i = 0; i < 2; ++i) {
            face_name[faces[i].second] = photo + (i == 0 ? "#left" : "#right");
            person[faces[i].second] = kCouples.at(photo)[i];
        }
    }
    const std::size_t photos = prep_photos().size();
    EXPECT_EQ(person.size(), photos + 2);  // one face per photo, two per couple

    const auto near_duplicates = [&](const std::string& a, const std::string& b) {
        for (const auto& group : kNearDuplicateGroups)
            if (group.count(face_name[a]) && group.count(face_name[b])) return true;
        return false;
    };
    std::set<std::pair<std::string, std::string>> expected;
    std::size_t excluded = 0;
    for (const auto& [a, who_a] : person)
        for (const auto& [b, who_b] : person) {
            if (a == b || who_a != who_b) continue;
            if (near_duplicates(a, b)) ++excluded;
            else expected.insert({a, b});
        }
    std::set<std::pair<std::string, std::string>> written;
    const auto pairs = read_csv(dir / "pairs.csv");
    ASSERT_FALSE(pairs.empty());
    EXPECT_EQ(pairs[0], (std::vector<std::string>{"image", "partner"}));
    for (std::size_t r = 1; r < pairs.size(); ++r) written.insert({pairs[r].at(0), pairs[r].at(1)});
    for (const auto& pair : expected)
        EXPECT_TRUE(written.count(pair)) << "missing " << face_name[pair.first] << " -> " << face_name[pair.second];
    for (const auto& pair : written)
        EXPECT_TRUE(expected.count(pair)) << "wrong " << face_name[pair.first] << " -> " << face_name[pair.second];
    EXPECT_EQ(pairs.size() - 1, written.size());  // no row twice

    // Identities: the clusters are the people.
    std::map<std::string, std::set<std::string>> people_of_cluster, clusters_of_person;
    for (const auto& [file, who] : person) people_of_cluster[cluster[file]].insert(who), clusters_of_person[who].insert(cluster[file]);
    for (const auto& [id, people] : people_of_cluster) EXPECT_EQ(people.size(), 1u) << id << " mixes people";
    for (const auto& [who, ids] : clusters_of_person) EXPECT_EQ(ids.size(), 1u) << who << " is split";

    const auto manifest = nlohmann::json::parse(read_text(dir / "dataset.json"));
    EXPECT_EQ(manifest.at("kind"), "photos");
    EXPECT_EQ(manifest.at("faces"), person.size());
    EXPECT_EQ(manifest.at("identities"), clusters_of_person.size());
    EXPECT_EQ(manifest.at("pairs"), expected.size());
    EXPECT_EQ(manifest.at("near_duplicate_pairs"), excluded);
    const std::string summary = std::to_string(photos) + " photos, " + std::to_string(person.size()) + " faces, " +
                                std::to_string(clusters_of_person.size()) + " identities, " +
                                std::to_string(expected.size()) + " pairs (" + std::to_string(excluded) +
                                " near-duplicates excluded)";
    EXPECT_NE(set.first.out.find(summary), std::string::npos) << set.first.out;
}

TEST(PrepCli, ARerunResumesWithoutAligningAndWritesTheSameFiles) {
    const auto& set = prepared();
    ASSERT_EQ(set.first.exit_code, 0) << set.first.err;
    const auto& dir = set.folder.path();
    std::map<std::string, std::string> before;
    std::map<std::string, std::filesystem::file_time_type> times;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) {
            before[entry.path().string()] = read_text(entry.path());
            times[entry.path().string()] = entry.last_write_time();
        }
    std::vector<std::string> arguments = {"prep", "-o", dir.string()};
    for (const auto& photo : prep_photos()) arguments.push_back(photo);
    const auto again = test::run_facemix(arguments);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 aligned now, " + std::to_string(prep_photos().size()) + " already done"), std::string::npos)
        << again.out;
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) {
            const std::string path = entry.path().string();
            ++files;
            ASSERT_TRUE(before.count(path)) << "new file " << path;
            EXPECT_EQ(read_text(entry.path()), before[path]) << path;
            // Face images and records are not rewritten at all.
            if (path.find("/faces/") != std::string::npos || path.find("/records/") != std::string::npos) {
                EXPECT_EQ(entry.last_write_time(), times[path]) << path;
            }
        }
    EXPECT_EQ(files, before.size());
}

TEST(PrepCli, UnreadableAndFacelessPhotosAreReportedAndSkipped) {
    test::TempDir in, out;
    const auto broken = in.path() / "broken.jpg";
    std::ofstream(broken) << "not a jpeg";
    const auto river = (test::testdata_dir() / "ipadapter_river.png").string();
    const auto a = (test::testdata_dir() / "deepface_img1.jpg").string();
    const auto b = (test::testdata_dir() / "deepface_img2.jpg").string();
    const auto result = test::run_facemix({"prep", broken.string(), river, a, b, "-o", out.path().string()});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_NE(result.err.find(broken.string() + ":"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(river + ": no face found"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("2 photos skipped"), std::string::npos) << result.err;
    EXPECT_NE(result.out.find("2 photos, 2 faces, 1 identity, 2 pairs (0 near-duplicates excluded)"), std::string::npos)
        << result.out;
    EXPECT_EQ(read_text(out.path() / "pairs.csv"),
              "image,partner\nfaces/deepface_img1_f0.png,faces/deepface_img2_f0.png\n"
              "faces/deepface_img2_f0.png,faces/deepface_img1_f0.png\n");
}

// Four LFW people with three to four photos each (read from ../shared/data/lfw, never copied).
const std::vector<std::string> kLfwPeople = {"Abdoulaye_Wade", "Abdullah_al-Attiyah", "Abel_Pacheco", "Adam_Sandler"};

std::vector<std::string> lfw_prep_arguments(const std::filesystem::path& out, const std::string& threads) {
    std::vector<std::string> arguments = {"prep", "--identity-from", "folders", "--held-out", "0.5", "-j", threads,
                                          "-o", out.string()};
    for (const auto& person : kLfwPeople) arguments.push_back((test::lfw_dir() / "images" / person).string());
    return arguments;
}

// LFW is laid out a folder per person: with --identity-from folders the folder names are the people,
// pairs stay within a folder, people (never photos) are split by a hash of the name, and the result is
// the same on one thread as on two.
TEST(PrepCli, IdentitiesFromFoldersSplitPeopleAndDoNotDependOnThreads) {
    ASSERT_TRUE(std::filesystem::is_directory(test::lfw_dir() / "images")) << test::lfw_dir();
    test::TempDir one, two;
    // An LFW photo whose face dlib misses is reported and skipped (exit 1); the rest is the dataset.
    const auto a = test::run_facemix(lfw_prep_arguments(one.path(), "1"));
    ASSERT_TRUE(a.exit_code == 0 || a.err.find("no face found") != std::string::npos) << a.err;
    const auto b = test::run_facemix(lfw_prep_arguments(two.path(), "2"));
    ASSERT_EQ(b.exit_code, a.exit_code) << b.err;
    for (const char* file : {"labels.csv", "pairs.csv", "dataset.json", "descriptors.safetensors"})
        EXPECT_EQ(read_text(one.path() / file), read_text(two.path() / file)) << file;

    const auto labels = read_csv(one.path() / "labels.csv");
    std::map<std::string, std::string> person_of;  // face file -> identity
    std::map<std::string, int> photos_of;
    for (std::size_t r = 1; r < labels.size(); ++r) {
        // Each photo's file name starts with its person's name, as LFW names them.
        EXPECT_EQ(labels[r][2].rfind(labels[r][1] + "_", 0), 0u) << labels[r][2];
        person_of[labels[r][0]] = labels[r][1];
        ++photos_of[labels[r][1]];
    }
    EXPECT_EQ(photos_of.size(), kLfwPeople.size());
    for (const auto& person : kLfwPeople) EXPECT_GE(photos_of[person], 3) << person;
    const auto pairs = read_csv(one.path() / "pairs.csv");
    ASSERT_GT(pairs.size(), 1u);
    for (std::size_t r = 1; r < pairs.size(); ++r) EXPECT_EQ(person_of.at(pairs[r][0]), person_of.at(pairs[r][1]));

    const auto manifest = nlohmann::json::parse(read_text(one.path() / "dataset.json"));
    EXPECT_EQ(manifest.at("identity_from"), "folders");
    EXPECT_EQ(manifest.at("identities"), kLfwPeople.size());
    const auto& split = manifest.at("split");
    const auto held_out = split.at("held_out").get<std::set<std::string>>();
    for (const auto& name : held_out) EXPECT_TRUE(photos_of.count(name)) << name;
    EXPECT_EQ(split.at("held_out_identities").get<std::size_t>(), held_out.size());
    EXPECT_EQ(split.at("training_identities").get<std::size_t>(), kLfwPeople.size() - held_out.size());
    EXPECT_NE(a.out.find(std::to_string(held_out.size()) + " of the people held out"), std::string::npos) << a.out;
    // Every aligned face records how much of its square lies outside the photo. LFW's 250 px photos
    // hold the whole FFHQ square of their centred face (SharpAlignment checks the value on tight crops).
    for (const auto& entry : std::filesystem::directory_iterator(one.path() / "records")) {
        const auto record = nlohmann::json::parse(read_text(entry.path()));
        for (const auto& face : record.at("faces")) {
            const double outside = face.at("outside_share").get<double>();
            EXPECT_GE(outside, 0.0) << entry.path();
            EXPECT_LT(outside, 0.5) << entry.path();
        }
    }
}

TEST(PrepCli, AMissingFaceModelFailsBeforeAnyPhoto) {
    test::TempDir out;
    const auto result = test::run_facemix({"prep", (test::testdata_dir() / "deepface_img1.jpg").string(), "-o",
                                           out.path().string(), "--face-model", "/nonexistent/face.dat"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("/nonexistent/face.dat"), std::string::npos) << result.err;
    EXPECT_FALSE(std::filesystem::exists(out.path() / "labels.csv"));
}

}  // namespace
}  // namespace facemix

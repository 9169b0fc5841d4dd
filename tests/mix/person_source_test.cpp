// A person given by several photos: the spec that names it, the token that is the weighted mean of
// the photos' tokens, and the recipe that records every photo.

#include <fstream>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "common/error.h"
#include "io/image_file.h"
#include "mix/mix_engine.h"
#include "mix/recipe.h"
#include "mix/source_loader.h"
#include "support/test_data.h"
#include "support/tiny_model.h"

namespace facemix {
namespace {

TEST(PersonSpec, PlusJoinsPhotosWithTheirFacesAndWeights) {
    EXPECT_EQ(parse_source_spec("a.jpg"), (std::vector<PhotoSpec>{{"a.jpg", 0, 1.0}}));
    EXPECT_EQ(parse_source_spec("a.jpg#2"), (std::vector<PhotoSpec>{{"a.jpg", 1, 1.0}}));
    EXPECT_EQ(parse_source_spec("a.jpg#2*0.5+b.png+c.jpg*3"),
              (std::vector<PhotoSpec>{{"a.jpg", 1, 0.5}, {"b.png", 0, 1.0}, {"c.jpg", 0, 3.0}}));
    // '#' and '*' without a number are part of the name.
    EXPECT_EQ(parse_source_spec("take#two*.jpg"), (std::vector<PhotoSpec>{{"take#two*.jpg", 0, 1.0}}));
    EXPECT_THROW(parse_source_spec("a.jpg*0+b.jpg"), InputError);
    EXPECT_THROW(parse_source_spec("a.jpg*-1"), InputError);
    EXPECT_THROW(parse_source_spec("a.jpg#0"), InputError);
    EXPECT_THROW(parse_source_spec("+"), InputError);
}

TEST(PersonSpec, AFolderIsOnePersonAndAnExistingFileIsOnePhoto) {
    test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "ann");
    for (const char* name : {"b.png", "a.jpg", "notes.txt"}) std::ofstream(dir.path() / "ann" / name) << "x";
    const auto photos = parse_source_spec((dir.path() / "ann").string() + "*2");
    ASSERT_EQ(photos.size(), 2u);  // the images, sorted; not the text file
    EXPECT_EQ(photos[0].path.filename(), "a.jpg");
    EXPECT_EQ(photos[1].path.filename(), "b.png");
    EXPECT_EQ(photos[1].weight, 2.0);
    const auto plus = dir.path() / "me+you.jpg";
    std::ofstream(plus) << "x";
    EXPECT_EQ(parse_source_spec(plus.string()), (std::vector<PhotoSpec>{{plus, 0, 1.0}}));
}

TEST(PersonSource, ItsTokenIsTheWeightedMeanOfItsPhotosTokensAndTheRecipeNamesEveryPhoto) {
    MixEngine engine(test::tiny_bundle(), "tiny", ComputeTarget{});
    MixSource person = test::synthetic_source("ann1", 101);
    MixSource second = test::synthetic_source("ann2", 102);
    second.weight = 3.0;
    person.same_person.push_back(second);
    MixJob job;
    job.faces = {person, test::synthetic_source("ann1", 101)};  // the person, and its first photo alone
    job.backgrounds = {test::synthetic_source("bg", 200)};
    job.settings.steps = 3;
    job.cells = grid_cells(2, 1, 5, SeedPolicy::Fixed);
    std::vector<CellResult> cells;
    engine.run(job, {[&](const CellResult& cell) { cells.push_back(cell); }, {}}, std::stop_token());
    ASSERT_EQ(cells.size(), 2u);
    ASSERT_TRUE(cells[0].ok()) << cells[0].error;

    const Recipe& recipe = cells[0].recipe;
    ASSERT_EQ(recipe.face.sources.size(), 1u);
    const SourceRecord& record = recipe.face.sources[0];
    EXPECT_EQ(record.file, "ann1");
    EXPECT_EQ(record.weight, 1.0);
    ASSERT_EQ(record.same_person.size(), 1u);
    EXPECT_EQ(record.same_person[0].file, "ann2");
    EXPECT_EQ(record.same_person[0].weight, 3.0);
    EXPECT_EQ(record.same_person[0].aligned_hash, second.record().aligned_hash);

    // The face token (token 0) is 1/4 of the first photo's plus 3/4 of the second's.
    const std::int64_t width = engine.embedder().width();
    const at::Tensor condition = at::tensor(recipe.condition).view({-1, width});
    const at::Tensor expected = 0.25 * engine.embedder().embed(person.aligned, ImagePart::FaceCrop) +
                                0.75 * engine.embedder().embed(second.aligned, ImagePart::FaceCrop);
    EXPECT_LT((condition[0] - expected).abs().max().item<double>(), 1e-5);
    const at::Tensor alone = at::tensor(cells[1].recipe.condition).view({-1, width});
    EXPECT_GT((condition[0] - alone[0]).abs().max().item<double>(), 1e-3);
    EXPECT_LT((condition[1] - alone[1]).abs().max().item<double>(), 1e-7);  // the same background

    // The recipe keeps every photo through JSON, and older recipes (one photo, no weights) still read.
    EXPECT_EQ(recipe_from_json(recipe_to_json(recipe), "cell"), recipe);
    nlohmann::json old = recipe_to_json(cells[1].recipe);
    EXPECT_FALSE(old["face"]["sources"][0].contains("same_person"));
    EXPECT_EQ(recipe_from_json(old, "old").face.sources[0].weight, 1.0);
    // Replay regenerates the person's cell from the recipe alone.
    cv::Mat difference;
    cv::absdiff(engine.replay(recipe, {}, std::stop_token()), cells[0].image, difference);
    EXPECT_EQ(cv::countNonZero(difference.reshape(1)), 0);
}

TEST(PersonSource, AWeightThatIsNotPositiveIsAnInputError) {
    MixSource person = test::synthetic_source("ann1", 101);
    person.same_person.push_back(test::synthetic_source("ann2", 102));
    person.same_person[0].weight = 0.0;
    EXPECT_THROW(person.photos(), InputError);
}

}  // namespace
}  // namespace facemix

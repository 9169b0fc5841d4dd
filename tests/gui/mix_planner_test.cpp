#include "mix_job_builder.h"
#include "mix_planner.h"

#include <QtTest>

#include "gui_test_registry.h"

#include <opencv2/core.hpp>

using namespace facemix::ui;

namespace {

QList<SourceEntry> entries(quint64 first_key, const QStringList& paths) {
    QList<SourceEntry> list;
    for (const QString& path : paths) {
        SourceEntry entry;
        entry.key = first_key++;
        entry.name = path.isEmpty() ? QStringLiteral("pasted image") : QFileInfo(path).fileName();
        entry.path = path;
        list << entry;
    }
    return list;
}

StudioSettings settings_with(SeedPolicy policy, qint64 seed) {
    StudioSettings values;
    values.seed_policy = policy;
    values.seed = seed;
    return values;
}

std::vector<std::uint64_t> seeds_of(const MixPlan& plan) {
    std::vector<std::uint64_t> seeds;
    for (const facemix::CellRequest& cell : plan.job.cells) seeds.push_back(cell.seed);
    return seeds;
}

// A cell as a finished generation leaves it in the results.
void finish(MixResults& results, const CellKey& key, std::uint64_t seed, const StudioSettings& values, const std::string& model) {
    facemix::Recipe recipe;
    recipe.seed = seed;
    recipe.settings = sampling_settings_of(values);
    recipe.model_name = model;
    recipe.face.sources = {facemix::SourceRecord{}};  // the photos of entries(): no hash, face 0, weight 1
    recipe.background.sources = {facemix::SourceRecord{}};
    results.setFinished(key, cv::Mat(2, 2, CV_8UC3, cv::Scalar::all(0)), QImage(2, 2, QImage::Format_RGB888), recipe);
}

}  // namespace

class MixPlannerTest : public QObject {
    Q_OBJECT
private slots:
    void perCellSeedsCountUpInReadingOrder() {
        MixPlanner planner;
        const auto faces = entries(1, {"/a.jpg", "/b.jpg"});
        const auto backgrounds = entries(10, {"/x.jpg", "/y.jpg", "/z.jpg"});
        const MixPlan plan = planner.plan(faces, backgrounds, settings_with(SeedPolicy::PerCell, 40), 3, MixResults(), "m");
        QCOMPARE(plan.job.cells.size(), std::size_t(6));
        QCOMPARE(seeds_of(plan), (std::vector<std::uint64_t>{40, 41, 42, 43, 44, 45}));
        QCOMPARE(plan.job.batch_cells, std::size_t(3));
        QCOMPARE(plan.job.faces.size(), std::size_t(2));
        QCOMPARE(plan.job.backgrounds.size(), std::size_t(3));
        const facemix::CellRequest& last = plan.job.cells.back();
        QCOMPARE(last.row, std::size_t(1));
        QCOMPARE(last.column, std::size_t(2));
        QCOMPARE(last.face.from, std::size_t(1));
        QCOMPARE(last.background.from, std::size_t(2));
        QCOMPARE(plan.key(last.row, last.column), CellKey(2, 12));
        QVERIFY(plan.locked.isEmpty());
    }

    void fixedGivesEveryCellTheSeed() {
        MixPlanner planner;
        const MixPlan plan = planner.plan(entries(1, {"/a.jpg", "/b.jpg"}), entries(10, {"/x.jpg", "/y.jpg"}),
                                          settings_with(SeedPolicy::Fixed, 7), 2, MixResults(), "m");
        QCOMPARE(seeds_of(plan), (std::vector<std::uint64_t>{7, 7, 7, 7}));
    }

    void randomSeedsAreOnesThePanelCanShow() {
        MixPlanner planner;
        const MixPlan plan = planner.plan(entries(1, {"/a.jpg", "/b.jpg", "/c.jpg"}), entries(10, {"/x.jpg", "/y.jpg"}),
                                          settings_with(SeedPolicy::Random, 7), 2, MixResults(), "m");
        QCOMPARE(plan.job.cells.size(), std::size_t(6));
        for (const std::uint64_t seed : seeds_of(plan)) QVERIFY(seed < std::uint64_t(kMaxSeed));
    }

    void leavesLockedAndAlreadyMixedCellsAlone() {
        MixPlanner planner;
        const auto faces = entries(1, {"/a.jpg"});
        const auto backgrounds = entries(10, {"/x.jpg", "/y.jpg", "/z.jpg"});
        const StudioSettings values = settings_with(SeedPolicy::PerCell, 5);
        MixResults results;
        finish(results, {1, 10}, 5, values, "m");  // what this Mix would draw again
        finish(results, {1, 11}, 99, values, "m");
        results.setLocked({1, 11}, true);          // locked with another seed: kept
        finish(results, {1, 12}, 7, values, "other model");
        QCOMPARE(seeds_of(planner.plan(faces, backgrounds, values, 2, results, "m")), (std::vector<std::uint64_t>{7}));
        // Another setting makes the finished cell one to draw again.
        StudioSettings more_steps = values;
        more_steps.steps += 1;
        QCOMPARE(seeds_of(planner.plan(faces, backgrounds, more_steps, 2, results, "m")), (std::vector<std::uint64_t>{5, 7}));
        // Random carries on with the cells not finished with these settings (a cancelled Mix goes on)…
        const StudioSettings random = settings_with(SeedPolicy::Random, 5);
        const MixPlan carried_on = planner.plan(faces, backgrounds, random, 2, results, "m");
        QCOMPARE(carried_on.job.cells.size(), std::size_t(1));
        QCOMPARE(carried_on.job.cells[0].column, std::size_t(2));
        // …and once every cell is finished, Mix draws every unlocked cell again.
        finish(results, {1, 12}, 8, values, "m");
        const MixPlan redrawn = planner.plan(faces, backgrounds, random, 2, results, "m");
        QCOMPARE(redrawn.job.cells.size(), std::size_t(2));
        QCOMPARE(redrawn.job.cells[0].column, std::size_t(0));
        QCOMPARE(redrawn.job.cells[1].column, std::size_t(2));
    }

    void aRowWhosePhotosOrWeightsChangedIsMixedAgain() {
        MixPlanner planner;
        auto faces = entries(1, {"/a.jpg"});
        const auto backgrounds = entries(10, {"/x.jpg"});
        const StudioSettings values = settings_with(SeedPolicy::PerCell, 5);
        MixResults results;
        finish(results, {1, 10}, 5, values, "m");
        QCOMPARE(planner.plan(faces, backgrounds, values, 2, results, "m").job.cells.size(), std::size_t(0));
        SourceEntry second;
        second.photo_hash = QStringLiteral("another photo");
        faces[0].same_person.push_back(second);  // a photo more of the person
        const MixPlan more = planner.plan(faces, backgrounds, values, 2, results, "m");
        QCOMPARE(more.job.cells.size(), std::size_t(1));
        QCOMPARE(more.job.faces.at(0).same_person.size(), std::size_t(1));
        faces[0].same_person.clear();
        faces[0].weight = 2.0;  // the same photo, another weight (alone it changes nothing, but the recipe says 1)
        QCOMPARE(planner.plan(faces, backgrounds, values, 2, results, "m").job.cells.size(), std::size_t(1));
    }

    void aReopenedSessionsSeedsAndLocksHoldForOneMix() {
        MixPlanner planner;
        const auto faces = entries(1, {"/a.jpg", ""});  // a pasted image, which no pin names
        const auto backgrounds = entries(10, {"/x.jpg"});
        planner.pin(source_identity("/a.jpg", 0), source_identity("/x.jpg", 0), 1234, true);
        const StudioSettings values = settings_with(SeedPolicy::PerCell, 5);
        const MixPlan first = planner.plan(faces, backgrounds, values, 2, MixResults(), "m");
        QCOMPARE(seeds_of(first), (std::vector<std::uint64_t>{1234, 6}));
        QCOMPARE(first.locked, (QList<CellKey>{{1, 10}}));
        const MixPlan second = planner.plan(faces, backgrounds, values, 2, MixResults(), "m");
        QCOMPARE(seeds_of(second), (std::vector<std::uint64_t>{5, 6}));
        QVERIFY(second.locked.isEmpty());
    }

    void clearedPinsAreForgotten() {
        MixPlanner planner;
        planner.pin(source_identity("/a.jpg", 0), source_identity("/x.jpg", 0), 1234, false);
        planner.clearPins();
        const MixPlan plan =
            planner.plan(entries(1, {"/a.jpg"}), entries(10, {"/x.jpg"}), settings_with(SeedPolicy::Fixed, 3), 2, MixResults(), "m");
        QCOMPARE(seeds_of(plan), (std::vector<std::uint64_t>{3}));
    }

    // A pasted image has no path: the hash of its pixels names it, in the list and in the session that
    // keeps it beside itself, so a restored cell of it finds its row again.
    void aPastedImageIsKnownByItsPixelsHash() {
        SourceEntry pasted;
        pasted.photo_hash = QStringLiteral("0123abcd");
        pasted.face_index = 1;
        const SessionSource kept{QStringLiteral("/s/mix.cells/pasted_0123abcd.png"), 1, 1.0, {}, QStringLiteral("0123abcd")};
        QCOMPARE(source_identity(pasted), QStringLiteral("pasted:0123abcd#1"));
        QCOMPARE(source_identity(kept), source_identity(pasted));
        const SessionSource file{QStringLiteral("/s/mix.cells/pasted_0123abcd.png"), 1};
        QCOMPARE(source_identity(file), QStringLiteral("/s/mix.cells/pasted_0123abcd.png#1"));
    }

    void sourceIdentityNamesThePhotoAndItsFace() {
        QCOMPARE(source_identity("/no/such/photo.jpg", 2), QStringLiteral("/no/such/photo.jpg#2"));
        const QString here = QDir::current().absolutePath();
        QCOMPARE(source_identity(here + QStringLiteral("/."), 0), QFileInfo(here).canonicalFilePath() + QStringLiteral("#0"));
    }

    void aNewSeedIsOneCellOfItsOwn() {
        const auto faces = entries(3, {"/a.jpg"});
        const auto backgrounds = entries(20, {"/x.jpg"});
        const MixPlan plan = MixPlanner::planNewSeed(faces[0], backgrounds[0], settings_with(SeedPolicy::Fixed, 3));
        QCOMPARE(plan.job.cells.size(), std::size_t(1));
        QCOMPARE(plan.key(0, 0), CellKey(3, 20));
        QVERIFY(plan.job.cells[0].seed < std::uint64_t(kMaxSeed));
        QCOMPARE(plan.job.faces.size(), std::size_t(1));
        QCOMPARE(plan.job.backgrounds.size(), std::size_t(1));
    }
};

FACEMIX_GUI_TEST(MixPlannerTest)
#include "mix_planner_test.moc"

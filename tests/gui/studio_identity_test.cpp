// The studio's identity meter, measured on the generation worker: dlib descriptor distances where a
// face can be described, the encoder cosine (marked, and said so in the plot) where not.

#include "main_window.h"

#include "plot_panel.h"
#include "similarity_heatmap.h"
#include "gui_test_registry.h"
#include "studio_fixture.h"

#include "align/face_aligner.h"
#include "identity/face_descriptor.h"
#include "io/image_file.h"
#include "mix/mix_job.h"

#include <QSignalSpy>

using namespace facemix::test;
using namespace facemix::ui;

namespace {

facemix::MixSource aligned_source(const QString& name) {
    facemix::FaceAligner aligner;
    const auto faces = aligner.align(facemix::load_image(testdata(name).toStdString()));
    if (faces.empty()) qFatal("no face in %s", qPrintable(name));
    return {name.toStdString(), "", 0, faces.front().aligned};
}

// Every cell a worker delivers, in order.
class CellLog {
public:
    explicit CellLog(GenerationWorker* worker) {
        QObject::connect(worker, &GenerationWorker::cellReady, worker, [this](const GeneratedCell& cell) { cells.push_back(cell); });
    }
    std::vector<GeneratedCell> cells;
};

}  // namespace

class StudioIdentityTest : public QObject {
    Q_OBJECT
private:
    StudioFixture studio_;

private slots:
    // SDEdit at strength 0 returns its start photo as the cell, so the cells are real faces: the face
    // whose photo it is reads as the same person, the other face as someone else. Both are distances.
    void cellsWithAFaceReadAsDescriptorDistances() {
        facemix::default_face_descriptor_model_path();  // throws (failing the test) when the venv lacks it
        GenerationWorker worker;
        worker.setModel(std::make_shared<const facemix::ModelBundle>(facemix::random_bundle(facemix::face_mixer_manifest("tiny"), 7)),
                        QStringLiteral("tiny"));
        worker.setCompute({QStringLiteral("cpu"), QStringLiteral("fp32")});
        facemix::MixJob job;
        job.faces = {aligned_source(kFaces[0]), aligned_source(kFaces[1])};
        job.backgrounds = {aligned_source(kBackgrounds[0])};
        job.init = job.faces[0];
        job.settings.steps = 4;
        job.settings.strength = 0.0;
        job.settings.resolution = 128;  // a face dlib can find once enlarged, unlike the native 32 px
        job.cells = facemix::grid_cells(2, 1, 1, facemix::SeedPolicy::PerCell);
        CellLog log(&worker);
        QSignalSpy finished(&worker, &GenerationWorker::jobFinished);
        worker.submit(std::move(job));
        QVERIFY(finished.wait(kGenerateTimeoutMs));
        QCOMPARE(log.cells.size(), std::size_t(2));
        double distances[2] = {};
        for (const GeneratedCell& cell : log.cells) {
            QVERIFY2(cell.ok(), qPrintable(cell.error));
            QVERIFY(cell.identity.has_value());
            QVERIFY2(cell.identity->measure == facemix::IdentityMeasure::DescriptorDistance,
                     facemix::fallback_reason(cell.identity->fallback).c_str());
            QVERIFY(cell.identity->value >= 0.0 && cell.identity->value <= 2.0);
            distances[cell.row] = cell.identity->value;
        }
        qInfo("descriptor distance of the photo to its own face %.3f, to the other face %.3f", distances[0], distances[1]);
        QVERIFY2(distances[0] < facemix::kSamePersonDistance, qPrintable(QString::number(distances[0])));
        QVERIFY2(distances[1] > distances[0], qPrintable(QString::number(distances[1])));

        // The heatmap prints them as plain distances on the distance scale, with no cosine note.
        SimilarityHeatmap map;
        map.setSourceNames(kFaces, {kBackgrounds[0]});
        for (const GeneratedCell& cell : log.cells) {
            map.setCellReading(int(cell.row), int(cell.column), *cell.identity);
        }
        QCOMPARE(map.scaleLabel(), QStringLiteral("dlib distance to face source, < 0.6 = same person"));
        QCOMPARE(map.cellLabel(0, 0), QString::number(distances[0], 'f', 2));
        QVERIFY(map.note().isEmpty());
    }

    // Without the face-recognition model every cell falls back to the encoder cosine, and the plot says so.
    void missingDescriptorModelFallsBackToTheEncoderCosine() {
        QTemporaryDir empty;
        const ScopedEnvironment missing("FACEMIX_FACE_DESCRIPTOR_MODEL", QDir(empty.path()).filePath(QStringLiteral("absent.dat")).toLocal8Bit());
        MainWindow window;
        QVERIFY(studio_.prepare(window, 2));
        CellLog log(window.generator());
        window.mix();
        QVERIFY(StudioFixture::waitForMix(window));
        QCOMPARE(log.cells.size(), std::size_t(4));
        for (const GeneratedCell& cell : log.cells) {
            QVERIFY(cell.identity.has_value());
            QVERIFY(cell.identity->measure == facemix::IdentityMeasure::EncoderCosine);
            QVERIFY(cell.identity->fallback == facemix::IdentityFallback::NoDescriptorModel);
            QVERIFY(cell.identity->value >= -1.0 && cell.identity->value <= 1.0);
        }
        const auto* heatmap = window.findChild<SimilarityHeatmap*>();
        QVERIFY(heatmap);
        QCOMPARE(heatmap->filledCellCount(), 4);
        QCOMPARE(heatmap->scaleLabel(), QStringLiteral("encoder face-crop cosine (no dlib descriptor)"));
        QVERIFY2(heatmap->note().contains(QStringLiteral("no face-recognition model")), qPrintable(heatmap->note()));
        for (int row = 0; row < 2; ++row)
            for (int column = 0; column < 2; ++column)
                QVERIFY2(heatmap->cellLabel(row, column).startsWith(QStringLiteral("cos ")), qPrintable(heatmap->cellLabel(row, column)));
    }
};

FACEMIX_GUI_TEST(StudioIdentityTest)
#include "studio_identity_test.moc"

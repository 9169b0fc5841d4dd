// The studio's interpolation panel on the tiny random model.

#include "main_window.h"

#include "cell_viewer.h"
#include "interpolation_curve.h"
#include "interpolation_panel.h"
#include "log_panel.h"
#include "message_banner.h"
#include "mix_session.h"
#include "progress_status.h"
#include "gui_test_registry.h"
#include "studio_fixture.h"
#include "studio_style.h"

#include "io/content_hash.h"
#include "mix/cell_export.h"
#include "mix/compute_target.h"
#include "mix/job_files.h"
#include "settings_panel.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

using namespace facemix::test;
using namespace facemix::ui;

class StudioInterpolationTest : public QObject {
    Q_OBJECT
private:
    StudioFixture studio_;

private slots:
    // Moving the slider renders a preview; a burst of moves is answered by the latest; exporting
    // frames writes PNGs with recipes along the path, a strip and an animation.
    void interpolationSliderPreviewsAndExportsFrames() {
        MainWindow window;
        QVERIFY(studio_.prepare(window, 3));
        InterpolationPanel* panel = window.interpolation();
        panel->setAxis(InterpolationPanel::Axis::Faces);
        // Faces added one after the other: To starts on the second, so the slider and the export
        // are ready without touching the choosers.
        auto* from = panel->findChild<QComboBox*>(QStringLiteral("interpolationFrom"));
        auto* to = panel->findChild<QComboBox*>(QStringLiteral("interpolationTo"));
        QVERIFY(from && to);
        QCOMPARE(from->currentIndex(), 0);
        QCOMPARE(to->currentIndex(), 1);
        QVERIFY(panel->slider()->isEnabled());
        auto* export_button = panel->findChild<QPushButton*>(QStringLiteral("exportFrames"));
        QVERIFY(export_button && export_button->isEnabled());
        // Choosing the same face twice disables both; choosing another enables them again.
        panel->choose(0, 0, 0);
        QVERIFY(!panel->slider()->isEnabled() && !export_button->isEnabled());
        to->setCurrentIndex(1);
        QVERIFY(panel->slider()->isEnabled() && export_button->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(window.generator()->activeCount(), 0, kGenerateTimeoutMs);
        panel->choose(0, 1, 0);
        QTRY_VERIFY_WITH_TIMEOUT(panel->previewsShown() >= 1, kGenerateTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window.generator()->activeCount(), 0, kGenerateTimeoutMs);

        panel->slider()->setValue(0);
        QTRY_COMPARE_WITH_TIMEOUT(window.generator()->activeCount(), 0, kGenerateTimeoutMs);
        const QImage at_a = panel->preview();
        const int shown = panel->previewsShown();
        for (int value : {10, 30, 50, 70, 100}) panel->slider()->setValue(value);
        QTRY_COMPARE_WITH_TIMEOUT(window.generator()->activeCount(), 0, kGenerateTimeoutMs);
        QVERIFY(panel->previewsShown() > shown);
        QVERIFY2(panel->previewsShown() - shown <= 2, "superseded previews should be cancelled, not shown");
        const QImage at_b = panel->preview();
        QCOMPARE(at_b.size(), QSize(kTinySide, kTinySide));
        QVERIFY(at_a != at_b);

        // The curve has a point per shown preview: at the slider's positions, each a cosine to both ends,
        // and at 0 the frame is the first face's (its blend is the face itself).
        const auto* curve = window.findChild<InterpolationCurve*>();
        QVERIFY(curve);
        QVERIFY(curve->pointCount() >= 2 && curve->pointCount() <= panel->previewsShown());
        QVERIFY(curve->curveA()->data()->findBegin(1.0, false)->key == 1.0);  // the latest position is there
        QCOMPARE(curve->cursorPosition(), 1.0);
        QVERIFY(curve->curveA()->name().contains(kFaces[0]));
        QVERIFY(curve->curveB()->name().contains(kFaces[1]));
        double to_a_at_0 = -2, to_b_at_0 = -2;
        for (auto it = curve->curveA()->data()->constBegin(); it != curve->curveA()->data()->constEnd(); ++it) {
            QVERIFY(it->key >= 0.0 && it->key <= 1.0);
            QVERIFY(it->value >= -1.0 && it->value <= 1.0 + 1e-9);
            if (it->key == 0.0) to_a_at_0 = it->value;
        }
        for (auto it = curve->curveB()->data()->constBegin(); it != curve->curveB()->data()->constEnd(); ++it)
            if (it->key == 0.0) to_b_at_0 = it->value;
        QVERIFY2(to_a_at_0 > -2 && to_b_at_0 > -2, "the preview at 0 should be on the curve");
        QVERIFY(std::isfinite(to_a_at_0) && std::isfinite(to_b_at_0));
        panel->slider()->setValue(20);
        QCOMPARE(curve->cursorPosition(), 0.2);
        QTRY_COMPARE_WITH_TIMEOUT(window.generator()->activeCount(), 0, kGenerateTimeoutMs);

        const QString folder = studio_.path(QStringLiteral("frames"));
        QSignalSpy exported(panel, &InterpolationPanel::framesExported);
        QVERIFY(panel->exportFrames(folder, 3));
        QVERIFY(exported.wait(kGenerateTimeoutMs));
        const QStringList files = exported.at(0).at(1).toStringList();
        QCOMPARE(files.size(), 5);
        for (const QString& file : files) QVERIFY2(QFileInfo::exists(file), qPrintable(file));
        QVERIFY(QFileInfo::exists(QDir(folder).filePath(QStringLiteral("interpolation_animation.png"))));
        const facemix::Recipe second = facemix::read_recipe_png(QDir(folder).filePath(QStringLiteral("frame_002.png")).toStdString());
        QCOMPARE(second.seed, std::uint64_t(1234));
        QCOMPARE(second.face.sources.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(second.face.sources[0].file), kFaces[0]);
        QCOMPARE(QString::fromStdString(second.face.sources[1].file), kFaces[1]);
        QVERIFY(std::abs(second.face.t - 0.5) < 1e-9);
        const cv::Mat strip = cv::imread(files.at(3).toStdString(), cv::IMREAD_COLOR);
        QCOMPARE(strip.cols, 3 * kTinySide + 2 * 4);
    }

    // The preview that stays at a position is the frame the export writes there: a quick low-step render
    // first, then the export's recipe (its steps, seed, one cell per batch). Each frame is on disk while
    // the others are still being rendered.
    void previewIsTheExportedFrameAndFramesArriveOneByOne() {
        MainWindow window;
        QVERIFY(studio_.prepare(window, 3));
        constexpr int kSteps = InterpolationPanel::kPreviewSteps + 2;
        window.settingsPanel()->setSettings(StudioFixture::fastSettings(kSteps));
        InterpolationPanel* panel = window.interpolation();
        panel->setAxis(InterpolationPanel::Axis::Faces);
        panel->choose(0, 1, 0);
        QSignalSpy shown(panel, &InterpolationPanel::previewShown);
        panel->slider()->setValue(InterpolationPanel::kSliderMaximum / 2);
        QTRY_VERIFY_WITH_TIMEOUT(panel->previewSteps() == kSteps, kGenerateTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(window.generator()->activeCount(), 0, kGenerateTimeoutMs);
        QVERIFY2(shown.size() >= 2, "a quick preview should come before the export's");
        const QImage midway = panel->preview().convertToFormat(QImage::Format_RGB888);
        auto* status = panel->findChild<QLabel*>(QStringLiteral("interpolationStatus"));
        QVERIFY(status && status->text().contains(QStringLiteral("the frame an export makes here")));

        const QString folder = studio_.path(QStringLiteral("same_frames"));
        QSignalSpy exported(panel, &InterpolationPanel::framesExported);
        int written_while_rendering = 0;
        connect(panel, &InterpolationPanel::frameWritten, this, [&](const QString& path) {
            QVERIFY(QFileInfo::exists(path));
            if (panel->isExporting()) ++written_while_rendering;
        });
        constexpr int kFrames = 5;
        QVERIFY(panel->exportFrames(folder, kFrames));
        QVERIFY(exported.wait(kGenerateTimeoutMs));
        QVERIFY2(written_while_rendering >= 1, "frames should reach disk while later ones are rendered");
        const QString middle = QDir(folder).filePath(QString::fromStdString(facemix::frame_file_name(kFrames / 2)));
        const facemix::Recipe recipe = facemix::read_recipe_png(middle.toStdString());
        QCOMPARE(recipe.settings.steps, std::int64_t(kSteps));
        QCOMPARE(recipe.batch_cells, std::size_t(1));
        QVERIFY(std::abs(recipe.face.t - 0.5) < 1e-9);
        QCOMPARE(QImage(middle).convertToFormat(QImage::Format_RGB888), midway);
    }
};

FACEMIX_GUI_TEST(StudioInterpolationTest)
#include "studio_interpolation_test.moc"

// The studio's per-cell actions, exports and sessions on the tiny random model.

#include "main_window.h"

#include "cell_viewer.h"
#include "interpolation_panel.h"
#include "log_panel.h"
#include "message_banner.h"
#include "mix_session.h"
#include "progress_status.h"
#include "session_cell_images.h"
#include "gui_test_registry.h"
#include "studio_fixture.h"
#include "studio_style.h"

#include "io/content_hash.h"
#include "mix/cell_export.h"
#include "mix/compute_target.h"

#include <QAction>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSlider>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

using namespace facemix::test;
using namespace facemix::ui;

class StudioCellsTest : public QObject {
    Q_OBJECT
private:
    StudioFixture studio_;

private slots:
    // A new seed regenerates one cell; a locked cell is left alone by the next Mix; copy and save work
    // from the viewer's buttons and the window's API.
    void perCellNewSeedLockCopyAndSave() {
        MainWindow window;
        QVERIFY(studio_.prepare(window, 2));
        StudioSettings values = window.settingsPanel()->settings();
        values.seed_policy = SeedPolicy::Random;
        window.settingsPanel()->setSettings(values);
        window.mix();
        QVERIFY(StudioFixture::waitForMix(window));
        QCOMPARE(window.grid()->filledCellCount(), 4);
        const auto cells = all_cells(*window.grid());
        const auto [face, background] = cells[0];
        const std::uint64_t first_seed = window.results().cell(cells[0])->recipe.seed;
        const QImage first_image = window.grid()->cell(face, background);

        // The viewer's New seed button regenerates just that cell.
        QTest::mouseClick(window.grid()->canvas(), Qt::LeftButton, {}, window.grid()->cellRect(0, 0).center());
        QVERIFY(window.cellViewer()->isVisible());
        // Beside the cell, its two sources: the aligned face and the background photo's aligned square.
        QCOMPARE(window.cellViewer()->faceSource().size(), QSize(window.faces()->entries().at(0).face.aligned.cols,
                                                                 window.faces()->entries().at(0).face.aligned.rows));
        QVERIFY(!window.cellViewer()->backgroundSource().isNull());
        QVERIFY(window.cellViewer()->faceSource() != window.cellViewer()->backgroundSource());
        const QImage other_before = window.grid()->cell(cells[1].first, cells[1].second);
        window.cellViewer()->newSeedButton()->click();
        QVERIFY(window.grid()->isCellBusy(face, background));
        QCOMPARE(window.grid()->busyCellCount(), 1);
        QVERIFY(StudioFixture::waitForMix(window));
        const std::uint64_t new_seed = window.results().cell(cells[0])->recipe.seed;
        QVERIFY(new_seed != first_seed);
        QVERIFY(window.grid()->cell(face, background) != first_image);
        QCOMPARE(window.grid()->cell(cells[1].first, cells[1].second), other_before);
        QCOMPARE(window.cellViewer()->image(), window.grid()->cell(face, background));  // the viewer follows
        // One of a thing is said so: "Generated 1 cell", the counts "2 × 2 = 4 cells".
        QVERIFY2(window.log()->toPlainText().contains(QStringLiteral("Generated 1 cell in")), qPrintable(window.log()->toPlainText()));
        QVERIFY(!window.log()->toPlainText().contains(QRegularExpression(QStringLiteral("\\b1 (cells|files|frames|steps|faces|photos)\\b"))));
        QCOMPARE(window.findChild<QLabel*>(QStringLiteral("counts"))->text(), QStringLiteral("2 × 2 = 4 cells"));

        // Lock from the viewer; the next Mix (random seeds) keeps the locked cell and redraws the others.
        window.cellViewer()->lockButton()->click();
        QVERIFY(window.results().isLocked(cells[0]));
        QVERIFY(window.grid()->isCellLocked(face, background));
        const QImage locked_image = window.grid()->cell(face, background);
        std::vector<std::uint64_t> seeds_before;
        for (const auto& key : cells) seeds_before.push_back(window.results().cell(key)->recipe.seed);
        window.mix();
        QCOMPARE(window.grid()->busyCellCount(), 3);
        QVERIFY(StudioFixture::waitForMix(window));
        QCOMPARE(window.grid()->cell(face, background), locked_image);
        QCOMPARE(window.results().cell(cells[0])->recipe.seed, seeds_before[0]);
        int changed = 0;
        for (std::size_t i = 1; i < cells.size(); ++i) changed += window.results().cell(cells[i])->recipe.seed != seeds_before[i];
        QCOMPARE(changed, 3);

        // Copy puts the cell's pixels on the clipboard; Save writes a PNG that carries its recipe.
        window.cellViewer()->copyButton()->click();
        QCOMPARE(QApplication::clipboard()->image().convertToFormat(QImage::Format_RGB888),
                 window.grid()->cell(face, background).convertToFormat(QImage::Format_RGB888));
        const QString saved = studio_.path(QStringLiteral("one_cell.png"));
        QVERIFY(window.saveCell(face, background, saved));
        const facemix::Recipe recipe = facemix::read_recipe_png(saved.toStdString());
        QCOMPARE(recipe.seed, new_seed);
        const cv::Mat pixels = cv::imread(saved.toStdString(), cv::IMREAD_COLOR);
        QCOMPARE(cv::norm(pixels, window.results().cell(cells[0])->image, cv::NORM_INF), 0.0);
    }

    // Selected cells and the contact sheet go to files whose recipes name the right seeds and photos;
    // a saved session reopened in a new window reproduces the grid pixel for pixel, locks included.
    void exportsAndSessionsReproduceTheGrid() {
        const QString session_path = studio_.path(QStringLiteral("mix.json"));
        std::map<std::pair<int, int>, QImage> original;
        {
            MainWindow window;
            QVERIFY(studio_.prepare(window, 2));
            StudioSettings values = window.settingsPanel()->settings();
            values.seed_policy = SeedPolicy::Random;
            window.settingsPanel()->setSettings(values);
            window.mix();
            QVERIFY(StudioFixture::waitForMix(window));
            QCOMPARE(window.grid()->filledCellCount(), 4);
            const auto cells = all_cells(*window.grid());
            window.setCellLocked(cells[2].first, cells[2].second, true);
            for (int row = 0; row < 2; ++row)
                for (int column = 0; column < 2; ++column)
                    original[{row, column}] = window.grid()->cell(window.grid()->faceKey(row), window.grid()->backgroundKey(column));

            // Ctrl+A then export: four PNGs with their recipes.
            window.grid()->selectAll();
            QCOMPARE(window.grid()->selectedCells().size(), 4);
            const QString folder = studio_.path(QStringLiteral("cells"));
            QSignalSpy exported(&window, &MainWindow::exported);
            window.exportCells(folder, window.grid()->selectedCells());
            QVERIFY(exported.wait(30000));
            const QStringList files = exported.at(0).at(0).toStringList();
            QCOMPARE(files.size(), 4);
            QCOMPARE(QFileInfo(files.at(1)).fileName(), QStringLiteral("r01c02_deepface_img12_x_facerec_obama_small.png"));
            const facemix::Recipe recipe = facemix::read_recipe_png(files.at(1).toStdString());
            QCOMPARE(recipe.seed, window.results().cell(cells[1])->recipe.seed);
            QCOMPARE(QString::fromStdString(recipe.face.sources.at(0).file), kFaces[0]);
            QCOMPARE(QString::fromStdString(recipe.background.sources.at(0).file), kBackgrounds[1]);
            QCOMPARE(QString::fromStdString(recipe.background.sources.at(0).image_hash),
                     QString::fromStdString(facemix::file_content_hash(testdata(kBackgrounds[1]).toStdString())));

            const QString sheet = studio_.path(QStringLiteral("sheet.png"));
            window.exportContactSheet(sheet);
            QVERIFY(exported.wait(30000));
            const cv::Mat sheet_image = cv::imread(sheet.toStdString(), cv::IMREAD_COLOR);
            QCOMPARE(sheet_image.cols, 3 * 256 + 2 * 4);
            QCOMPARE(sheet_image.rows, 3 * 256 + 2 * 4);

            QSignalSpy saved(&window, &MainWindow::sessionSaved);
            window.saveSession(session_path);
            QVERIFY(saved.wait(30000));
            QString error;
            const auto session = read_session_file(session_path, error);
            QVERIFY2(session, qPrintable(error));
            QCOMPARE(session->faces.size(), 2);
            QCOMPARE(session->model_path, studio_.modelPath());
            QCOMPARE(session->settings.seed_policy, SeedPolicy::Random);
            QCOMPARE(session->cells.size(), 4);
        }

        // Reopened, the grid is there before any Mix: the finished cells were kept beside the session.
        QVERIFY(QFileInfo(session_cells_folder(session_path)).isDir());
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(again.openSession(session_path));
        QTRY_VERIFY_WITH_TIMEOUT(again.faces()->entryCount() == 2 && again.backgrounds()->entryCount() == 2 &&
                                     !again.generator()->engineDescription().isEmpty(),
                                 kAlignTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(again.grid()->filledCellCount(), 4, kAlignTimeoutMs);
        QVERIFY(!again.isMixing());
        QVERIFY2(again.log()->toPlainText().contains(QStringLiteral("4 of 4 cells shown as saved")), qPrintable(again.log()->toPlainText()));
        QCOMPARE(again.settingsPanel()->settings().steps, 2);
        QCOMPARE(again.faces()->entries().at(0).name, kFaces[0]);
        const auto same_grid = [&](MainWindow& window) {
            for (int row = 0; row < 2; ++row)
                for (int column = 0; column < 2; ++column) {
                    const quint64 face = window.grid()->faceKey(row), background = window.grid()->backgroundKey(column);
                    QCOMPARE(window.grid()->cell(face, background), (original[{row, column}]));
                    QCOMPARE(window.grid()->isCellLocked(face, background), row == 1 && column == 0);
                }
        };
        same_grid(again);
        QCOMPARE(again.results().finishedCount(), 4);

        // Without the pictures, the seeds alone reproduce the grid at the next Mix.
        QVERIFY(QDir(session_cells_folder(session_path)).removeRecursively());
        QVERIFY(again.openSession(session_path));
        QTRY_VERIFY_WITH_TIMEOUT(again.faces()->entryCount() == 2 && again.backgrounds()->entryCount() == 2, kAlignTimeoutMs);
        QCOMPARE(again.grid()->filledCellCount(), 0);
        QVERIFY2(again.banner()->lastMessage().contains(QStringLiteral("4 saved cells could not be read back")), qPrintable(again.banner()->lastMessage()));
        QVERIFY(again.mixAction()->isEnabled());
        again.mixAction()->trigger();
        QVERIFY(StudioFixture::waitForMix(again));
        same_grid(again);
    }
};

FACEMIX_GUI_TEST(StudioCellsTest)
#include "studio_cells_test.moc"

#include "main_window.h"

#include "alignment_worker.h"
#include "cell_viewer.h"
#include "gui_test_support.h"
#include "log_panel.h"
#include "message_banner.h"
#include "model_panel.h"
#include "mix_grid_view.h"
#include "progress_status.h"
#include "settings_panel.h"
#include "source_list.h"
#include "studio_style.h"

#include "bundle/model_bundle.h"
#include "bundle/random_bundle.h"

#include <QAction>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QPainter>
#include <QTimer>
#include <QtTest>

#include "gui_test_registry.h"

using facemix::test::file_urls;
using facemix::test::kAlignTimeoutMs;
using facemix::test::simulate_drop;
using facemix::test::testdata;
using namespace facemix::ui;

// Runs on the offscreen platform (tools/test.sh sets QT_QPA_PLATFORM=offscreen), so CI needs no display.
class MainWindowTest : public QObject {
    Q_OBJECT
private:
    facemix::test::TemporarySettings settings_;

private slots:
    void opensWithItsPanels() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("facemix studio"));
        QVERIFY(!window.windowIcon().isNull());
        QCOMPARE(window.windowIcon().pixmap(QSize(64, 64)).size(), QSize(64, 64));
        QStringList docks;
        for (auto* dock : window.findChildren<QDockWidget*>()) docks << dock->windowTitle();
        docks.sort();
        QCOMPARE(docks, (QStringList{"Backgrounds", "Faces", "Interpolation", "Log", "Model", "Plots", "Settings"}));
        QCOMPARE(window.faces()->flow(), QListView::TopToBottom);
        QCOMPARE(window.backgrounds()->flow(), QListView::LeftToRight);
        QVERIFY(!window.banner()->isVisible());
        QVERIFY(!window.progress()->isVisible());
        QVERIFY(!window.mixAction()->isEnabled());  // no model, no faces, no backgrounds yet
        QVERIFY(window.minimumSizeHint().height() <= 600);  // fits a small laptop screen
    }

    // The README's shortcuts for Mix are the action's, wherever it names them.
    void mixShortcutsAreTheReadmes() {
        MainWindow window;
        const QList<QKeySequence> shortcuts = window.mixAction()->shortcuts();
        QVERIFY(shortcuts.contains(QKeySequence(Qt::CTRL | Qt::Key_Return)));
        QVERIFY(shortcuts.contains(QKeySequence(Qt::CTRL | Qt::Key_M)));
        QFile readme(QDir(QStringLiteral(FACEMIX_FIXTURES_DIR)).filePath(QStringLiteral("../../README.md")));
        QVERIFY(readme.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString text = QString::fromUtf8(readme.readAll());
        const QRegularExpression mention(QStringLiteral(R"(\*\*Mix\*\* \(([^)]*)\))"));
        int mentions = 0;
        for (auto match = mention.globalMatch(text); match.hasNext(); ++mentions)
            for (const QString& keys : match.next().captured(1).split(QStringLiteral(" or ")))
                QVERIFY2(shortcuts.contains(QKeySequence(keys, QKeySequence::PortableText)), qPrintable(keys));
        QVERIFY(mentions >= 1);
        QVERIFY2(!text.contains(QStringLiteral("Ctrl+Enter")), "the README should name the keys the studio binds");
    }

    // With no recent model the studio opens the bundled default (here redirected to a tiny bundle by
    // FACEMIX_DEFAULT_MODEL, the lookup's first place); once a model was opened it comes back instead,
    // and a recent model that is gone falls through to the default again.
    void startupOpensTheRecentModelElseTheDefault() {
        QTemporaryDir dir;
        const QString fallback = dir.filePath(QStringLiteral("default.safetensors"));
        const QString recent = dir.filePath(QStringLiteral("recent.safetensors"));
        facemix::write_bundle(fallback.toStdString(), facemix::random_bundle(facemix::face_mixer_manifest("tiny"), 7));
        facemix::write_bundle(recent.toStdString(), facemix::random_bundle(facemix::face_mixer_manifest("tiny"), 8));
        qputenv("FACEMIX_DEFAULT_MODEL", fallback.toUtf8());
        QSettings().remove(QStringLiteral("models/recent"));
        const auto opened_at_start = [](const QString& expected) {
            MainWindow window;
            QSignalSpy loaded(window.modelPanel(), &ModelPanel::modelLoaded);
            window.openStartupModel();
            QVERIFY(loaded.wait(kAlignTimeoutMs));
            QCOMPARE(loaded.at(0).at(0).toString(), expected);
        };
        opened_at_start(fallback);
        {
            MainWindow window;
            QSignalSpy loaded(window.modelPanel(), &ModelPanel::modelLoaded);
            window.modelPanel()->openModel(recent);
            QVERIFY(loaded.wait(kAlignTimeoutMs));
        }
        opened_at_start(recent);
        QVERIFY(QFile::remove(recent));
        opened_at_start(fallback);
        qunsetenv("FACEMIX_DEFAULT_MODEL");
    }

    // Drops faces and backgrounds while a 5 ms timer measures the longest gap between its ticks:
    // the event loop's worst stall while photos are aligned.
    void dropsFillTheGridAxesWithoutFreezingTheWindow() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QElapsedTimer clock;
        qint64 last = 0;
        qint64 worst = 0;
        QTimer ticker;
        ticker.setInterval(5);
        connect(&ticker, &QTimer::timeout, [&] {
            const qint64 now = clock.nsecsElapsed();
            worst = std::max(worst, now - last);
            last = now;
        });
        clock.start();
        ticker.start();

        QVERIFY(simulate_drop(window.faces(), *file_urls({testdata("deepface_img1.jpg"), testdata("facerec_obama.jpg"),
                                                           testdata("deepface_img13.jpg")})));
        QVERIFY(simulate_drop(window.backgrounds(),
                              *file_urls({testdata("photomaker_scarlett_1.jpg"), testdata("ipadapter_woman.png")})));
        QVERIFY(window.progress()->isVisible());
        QCOMPARE(window.progress()->total(), 5);
        QTRY_COMPARE_WITH_TIMEOUT(window.faces()->entryCount() + window.backgrounds()->entryCount(), 5, kAlignTimeoutMs);
        QTest::qWait(50);
        ticker.stop();

        const double worst_ms = double(worst) / 1e6;
        qInfo("longest event-loop stall while aligning 5 photos: %.1f ms", worst_ms);
        QVERIFY2(worst_ms < 250.0, qPrintable(QStringLiteral("the window froze for %1 ms").arg(worst_ms)));

        QCOMPARE(window.grid()->rowCount(), 3);
        QCOMPARE(window.grid()->columnCount(), 2);
        QCOMPARE(window.grid()->filledCellCount(), 0);
        QVERIFY(!window.progress()->isVisible());
        QVERIFY(!window.banner()->isVisible());

        if (const QByteArray shot = qgetenv("FACEMIX_SCREENSHOT"); !shot.isEmpty()) {
            // For a look at the layout: the studio's own style, and the grid filled with the aligned
            // crops blended (a stand-in for generated cells, which arrive with the generation worker).
            apply_studio_style(*qApp);
            const auto faces = window.faces()->entries();
            const auto backgrounds = window.backgrounds()->entries();
            for (const auto& face : faces)
                for (const auto& background : backgrounds) {
                    QImage cell = face.thumbnail.convertToFormat(QImage::Format_RGB32);
                    QPainter painter(&cell);
                    painter.setOpacity(0.5);
                    painter.drawImage(cell.rect(), background.thumbnail);
                    window.grid()->setCell(face.key, background.key, cell);
                }
            window.grid()->setCellBusy(faces.last().key, backgrounds.last().key, true);
            window.reportProblem(QStringLiteral("No face found in ipadapter_river.png."));
            QTest::qWait(100);
            QVERIFY(window.grab().save(QString::fromLocal8Bit(shot)));
        }
    }

    void photoWithoutAFaceShowsANonModalBannerAndLogLine() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(simulate_drop(window.faces(), *file_urls({testdata("insightface_mask_blue.jpg")})));
        QTRY_VERIFY_WITH_TIMEOUT(window.banner()->isVisible(), kAlignTimeoutMs);
        QCOMPARE(window.banner()->text(), QStringLiteral("No face found in insightface_mask_blue.jpg."));
        QVERIFY(window.log()->toPlainText().contains(QStringLiteral("error: No face found in insightface_mask_blue.jpg.")));
        QCOMPARE(window.faces()->count(), 0);
        QVERIFY(QApplication::activeModalWidget() == nullptr);

        // A second failure keeps one banner and counts it.
        QVERIFY(simulate_drop(window.faces(), *file_urls({testdata("ipadapter_river.png")})));
        QTRY_COMPARE_WITH_TIMEOUT(window.banner()->lastMessage(), QStringLiteral("No face found in ipadapter_river.png."),
                                  kAlignTimeoutMs);
        QVERIFY(window.banner()->text().contains(QStringLiteral("1 more")));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
    }

    void clickingAFilledCellEnlargesIt() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.faces()->addPaths({testdata("deepface_img3.jpg")});
        window.backgrounds()->addPaths({testdata("deepface_img12.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(window.grid()->rowCount() * window.grid()->columnCount(), 1, kAlignTimeoutMs);
        auto* viewer = window.findChild<CellViewer*>();
        QVERIFY(viewer);

        QTest::mouseClick(window.grid()->canvas(), Qt::LeftButton, {}, window.grid()->cellRect(0, 0).center());
        QVERIFY(!viewer->isVisible());  // empty cell: nothing to enlarge

        QImage image(64, 48, QImage::Format_RGB32);
        image.fill(QColor(10, 200, 30));
        window.grid()->setCell(window.grid()->faceKey(0), window.grid()->backgroundKey(0), image);
        QTest::mouseClick(window.grid()->canvas(), Qt::LeftButton, {}, window.grid()->cellRect(0, 0).center());
        QVERIFY(viewer->isVisible());
        QCOMPARE(viewer->image(), image);
        QCOMPARE(viewer->windowTitle(), QStringLiteral("deepface_img3.jpg × deepface_img12.jpg"));
    }

    void layoutAndSettingsPersistAcrossSessions() {
        StudioSettings chosen;
        chosen.sampler = QStringLiteral("euler_a");
        chosen.steps = 17;
        chosen.face_guidance = 2.5;
        chosen.seed_policy = SeedPolicy::Fixed;
        chosen.compute.device = QStringLiteral("cpu");
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.settingsPanel()->setSettings(chosen);
            window.findChild<QDockWidget*>(QStringLiteral("logDock"))->hide();
            window.resize(1000, 700);
            window.close();
        }
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.settingsPanel()->settings(), chosen);
        QVERIFY(again.findChild<QDockWidget*>(QStringLiteral("logDock"))->isHidden());
        QCOMPARE(again.size(), QSize(1000, 700));
    }
};

FACEMIX_GUI_TEST(MainWindowTest)
#include "main_window_test.moc"

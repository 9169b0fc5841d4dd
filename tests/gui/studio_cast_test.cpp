// The studio's Cast: the selected face on every photo of a folder, through the shared generation
// worker, written as `facemix cast` writes it (cells with recipes, cast_sheet.png, cast.csv).

#include "main_window.h"

#include "cast_runner.h"
#include "log_panel.h"
#include "message_banner.h"
#include "model_panel.h"
#include "gui_test_registry.h"
#include "progress_status.h"
#include "studio_fixture.h"

#include "mix/cell_export.h"
#include "mix/job_files.h"

#include <opencv2/imgcodecs.hpp>

#include <QAction>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>

using namespace facemix::test;
using namespace facemix::ui;

class StudioCastTest : public QObject {
    Q_OBJECT
private:
    StudioFixture studio_;

private slots:
    void castsTheSelectedFaceOnAFolderAndWritesTheRankedSheetAndCsv() {
        MainWindow window;
        QVERIFY(studio_.prepare(window, 2));
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("backgrounds"));
        QVERIFY(QDir().mkpath(folder));
        for (const QString& name : {QStringLiteral("facerec_biden.jpg"), QStringLiteral("deepface_img3.jpg")})
            QVERIFY(QFile::link(testdata(name), QDir(folder).filePath(name)));
        window.faces()->item(1)->setSelected(true);  // the second face: the cast is of the selection
        const QString output = dir.filePath(QStringLiteral("cast"));
        QSignalSpy finished(window.caster(), &CastRunner::finished);
        QSignalSpy failed(window.caster(), &CastRunner::failed);
        QVERIFY(window.castFace(folder, output));
        QVERIFY(window.caster()->busy());
        QVERIFY(!window.castFace(folder, output));  // one cast at a time
        QVERIFY(finished.wait(kGenerateTimeoutMs));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QVERIFY(!window.caster()->busy());
        QVERIFY(QFile::exists(QDir(output).filePath(QStringLiteral("cast_sheet.png"))));
        QFile csv(QDir(output).filePath(QStringLiteral("cast.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("rank,cell,source,identity_cosine"));
        // Every cell written with its recipe, of the selected face (photomaker_newton_3.jpg).
        for (int i = 1; i < lines.size(); ++i) {
            const QString cell = QDir(output).filePath(lines[i].section(QLatin1Char(','), 1, 1));
            QVERIFY2(cell.contains(QStringLiteral("photomaker_newton_3_x_")), qPrintable(cell));
            const facemix::Recipe recipe = facemix::read_recipe_png(cell.toStdString());
            QCOMPARE(recipe.face.sources.at(0).file, std::string("photomaker_newton_3.jpg"));
            QCOMPARE(recipe.settings.steps, 2);
        }
        QVERIFY(finished.front().at(2).toString().startsWith(QStringLiteral("Cast written")));
    }

    // Esc (the Mix ▸ Cancel action) stops a cast midway: the cells it finished are ranked and written,
    // the ones it never reached are in neither the table nor the sheet, and the window is idle again.
    void escCancelsACastAndKeepsWhatItFinished() {
        MainWindow window;
        QVERIFY(studio_.prepare(window, 30));  // slow cells: the cancel lands long before the second is done
        window.setBatchCells(1);
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("backgrounds"));
        QVERIFY(QDir().mkpath(folder));
        const QStringList names{QStringLiteral("facerec_biden.jpg"), QStringLiteral("deepface_img3.jpg"), QStringLiteral("deepface_img13.jpg")};
        for (const QString& name : names) QVERIFY(QFile::link(testdata(name), QDir(folder).filePath(name)));
        const QString output = dir.filePath(QStringLiteral("cast"));
        QSignalSpy finished(window.caster(), &CastRunner::finished);
        QSignalSpy cells(window.generator(), &GenerationWorker::cellReady);
        QVERIFY(window.castFace(folder, output));
        QVERIFY(cells.wait(kGenerateTimeoutMs));
        QVERIFY(window.progress()->isVisible());
        QVERIFY(window.progress()->task().startsWith(QStringLiteral("Casting")));
        auto* cancel = window.findChild<QAction*>(QStringLiteral("cancelAction"));
        QVERIFY(cancel);
        QCOMPARE(cancel->shortcut(), QKeySequence(Qt::Key_Escape));
        cancel->trigger();
        QVERIFY(finished.wait(kGenerateTimeoutMs));
        const QString summary = finished.front().at(2).toString();
        QVERIFY2(summary.startsWith(QStringLiteral("Cast cancelled: ")) && summary.contains(QStringLiteral(" of 3 cells ranked")), qPrintable(summary));
        QVERIFY(!window.caster()->busy());
        QVERIFY(!window.progress()->isVisible());
        QVERIFY(!window.isMixing());

        QFile csv(finished.front().at(1).toString());
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).trimmed().split(QLatin1Char('\n'));
        QVERIFY2(lines.size() >= 2 && lines.size() < 4, qPrintable(lines.join(QLatin1Char('|'))));  // one or two of three
        QVERIFY2(summary.startsWith(QStringLiteral("Cast cancelled: %1 of 3").arg(lines.size() - 1)), qPrintable(summary));
        for (int i = 1; i < lines.size(); ++i)
            QVERIFY(QFile::exists(QDir(output).filePath(lines[i].section(QLatin1Char(','), 1, 1))));
        // The sheet: the face, then only the finished cells (tiles of kSheetTilePx and a caption, in one row).
        const cv::Mat sheet = cv::imread(finished.front().at(0).toString().toStdString(), cv::IMREAD_COLOR);
        QCOMPARE(sheet.cols, int(lines.size()) * facemix::kSheetTilePx + (int(lines.size()) - 1) * facemix::kSheetGapPx);
    }

    // Refused at once, in the banner, before a folder is read: there is no model, or nothing to cast.
    void castingNeedsAModelAndAFaceOrABackgroundToCast() {
        MainWindow window;
        QTemporaryDir dir;
        QVERIFY(!window.castFace(dir.path(), dir.filePath(QStringLiteral("out"))));
        QCOMPARE(window.banner()->lastMessage(), QStringLiteral("Open a model before casting."));
        QSignalSpy loaded(window.modelPanel(), &ModelPanel::modelLoaded);
        window.modelPanel()->openModel(studio_.modelPath());
        QVERIFY(loaded.wait(20000));
        QVERIFY(!window.castFace(dir.path(), dir.filePath(QStringLiteral("out"))));
        QCOMPARE(window.banner()->lastMessage(), QStringLiteral("Add a face to cast first."));
        QVERIFY(!window.castBackground(dir.path(), dir.filePath(QStringLiteral("out"))));
        QCOMPARE(window.banner()->lastMessage(), QStringLiteral("Add a background to cast faces on first."));
        QVERIFY(!window.caster()->busy());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("out"))));
    }

    void aFolderWithoutPhotosIsOneSentence() {
        MainWindow window;
        QVERIFY(studio_.prepare(window, 2));
        QTemporaryDir dir;
        QSignalSpy failed(window.caster(), &CastRunner::failed);
        QVERIFY(window.castBackground(dir.path(), dir.filePath(QStringLiteral("out"))));
        QVERIFY(failed.wait(20000));
        QCOMPARE(failed.front().front().toString(), QStringLiteral("The cast failed: The folder %1 holds no photos.").arg(dir.path()));
        QVERIFY(!window.caster()->busy());
    }
};

FACEMIX_GUI_TEST(StudioCastTest)
#include "studio_cast_test.moc"

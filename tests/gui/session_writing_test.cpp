// Save session writes the session and its finished cells off the GUI thread: the window answers before
// the files are there, closing it waits for them, and a full disk is one sentence with no file left.

#include "log_panel.h"
#include "message_banner.h"
#include "session_cell_images.h"
#include "gui_test_registry.h"
#include "studio_fixture.h"

#include "mix/cell_export.h"

#include <memory>

#include <QSignalSpy>

using namespace facemix::test;
using namespace facemix::ui;

class SessionWritingTest : public QObject {
    Q_OBJECT
private:
    StudioFixture studio_;

    bool mixed(MainWindow& window) {
        if (!studio_.prepare(window, 2)) return false;
        window.mix();
        return StudioFixture::waitForMix(window) && window.grid()->filledCellCount() == 4;
    }

private slots:
    void aSessionIsWrittenOffTheGuiThreadAndClosingWaitsForIt() {
        const QString path = studio_.path(QStringLiteral("closing.json"));
        std::map<std::uint64_t, QImage> cells;
        {
            auto window = std::make_unique<MainWindow>();
            QVERIFY(mixed(*window));
            for (const auto& [key, cell] : window->results().cells()) cells[cell.recipe.seed] = cell.preview;
            QSignalSpy saved(window.get(), &MainWindow::sessionSaved);
            window->saveSession(path);
            // The writer's answer comes through the event loop, which has not run since: the window did
            // not wait for the files.
            QCOMPARE(saved.count(), 0);
            QVERIFY(!window->log()->toPlainText().contains(QStringLiteral("Saved the session")));
            window->close();  // at once: closing waits for the write
            QVERIFY(QFileInfo::exists(path));
        }
        QString error;
        const auto session = read_session_file(path, error);
        QVERIFY2(session, qPrintable(error));
        QCOMPARE(session->cells.size(), 4);
        for (const SessionCell& cell : session->cells) {
            QVERIFY(cell.image.startsWith(QStringLiteral("closing.cells/")));
            const QString file = QFileInfo(path).dir().filePath(cell.image);
            QCOMPARE(facemix::read_recipe_png(file.toStdString()).seed, cell.seed);
            QVERIFY(cells.count(cell.seed));
        }
    }

    void aFullDiskIsOneVisibleSentenceAndLeavesNoFile() {
        MainWindow window;
        QVERIFY(mixed(window));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("full.json"));
        QSignalSpy saved(&window, &MainWindow::sessionSaved);
        const QString failure = QStringLiteral("Saving the session %1 failed: could not write ").arg(path);
        {
            ScopedEnvironment full("FACEMIX_TEST_WRITE_DEVICE", "/dev/full");
            window.saveSession(path);
            QTRY_VERIFY_WITH_TIMEOUT(window.log()->toPlainText().contains(failure), 30000);
        }
        const QStringList lines = window.log()->toPlainText().split(QLatin1Char('\n')).filter(failure);
        QCOMPARE(lines.size(), 1);
        const QString sentence = lines.front().mid(lines.front().indexOf(failure));
        QVERIFY2(sentence.endsWith(QStringLiteral(": no space left on device.")) && sentence.count(QStringLiteral(". ")) == 0,
                 qPrintable(sentence));
        QVERIFY(window.banner()->isVisible());
        QVERIFY2(window.banner()->lastMessage().contains(QStringLiteral("no space left on device")), qPrintable(window.banner()->lastMessage()));
        QCOMPARE(saved.count(), 0);
        // Not the session, not a cell, not a temporary, not the empty folder made for the cells.
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());

        window.saveSession(path);  // with room on the disk again
        QVERIFY(saved.wait(30000));
        QCOMPARE(QDir(session_cells_folder(path)).entryList(QDir::Files).size(), 4);
    }
};

FACEMIX_GUI_TEST(SessionWritingTest)
#include "session_writing_test.moc"

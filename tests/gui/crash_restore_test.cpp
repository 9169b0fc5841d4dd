// A studio killed (SIGKILL) in the middle of a grid, and the next one restoring it: the grid comes back
// with the cells that were finished, shown without generating them, and Mix makes only the rest. The
// killed studio is this test's own executable started again as a child, which mixes until it is killed.

#include "counted_noun.h"
#include "log_panel.h"
#include "session_autosave.h"
#include "gui_test_registry.h"
#include "studio_fixture.h"

#include <algorithm>
#include <map>

#include <QAction>
#include <QProcess>

using namespace facemix::test;
using namespace facemix::ui;

namespace {

// Set in the child's environment to the model it mixes with.
constexpr const char* kChildModel = "FACEMIX_TEST_MIX_UNTIL_KILLED";
// Slow enough cells that the kill lands long before the grid is full.
constexpr int kChildSteps = 40;

QString autosave_session() { return QDir(SessionAutosave::defaultFolder()).filePath(QStringLiteral("session.json")); }

// The cells the autosave holds a picture of; 0 while there is no autosave yet.
int finished_in_autosave() {
    QString error;
    const auto session = read_session_file(autosave_session(), error);
    if (!session) return 0;
    return int(std::count_if(session->cells.begin(), session->cells.end(), [](const SessionCell& cell) { return !cell.image.isEmpty(); }));
}

// The child: a studio mixing a 2 × 2 grid one cell at a time, with the parent's settings and data folders.
int mix_until_killed(const QString& model) {
    QApplication::setOrganizationName(QStringLiteral("facemix-test"));
    QApplication::setApplicationName(QStringLiteral("facemix-studio-test"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    MainWindow window;
    if (!StudioFixture::prepare(window, model, kChildSteps)) return 3;
    window.setBatchCells(1);
    window.mix();
    return QApplication::exec();
}

}  // namespace

class CrashRestoreTest : public QObject {
    Q_OBJECT
private:
    StudioFixture studio_;  // the settings and data folders the child shares

private slots:
    void aKilledStudiosGridComesBackWithItsFinishedCells() {
        QProcess child;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QString::fromLatin1(kChildModel), studio_.modelPath());
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("CrashRestoreTest")});
        QVERIFY(child.waitForStarted());
        // The child's studio holds the autosave's lock from its first moment.
        const QString lock = SessionAutosave::defaultFolder() + QStringLiteral(".lock");
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo::exists(lock) || child.state() == QProcess::NotRunning; }, kAlignTimeoutMs));
        QVERIFY2(child.state() == QProcess::Running, child.readAll().constData());
        {  // A second studio beside the live one keeps its own autosave and offers nothing to restore.
            MainWindow second;
            QVERIFY(second.autosave()->folder() != SessionAutosave::defaultFolder());
            second.offerUnsavedSession();
            QVERIFY(!second.findChild<QAction*>(QStringLiteral("restoreUnsavedSession"))->isEnabled());
        }
        QVERIFY(QFileInfo::exists(lock));  // ...and left the live one's alone

        QVERIFY(QTest::qWaitFor([&] { return finished_in_autosave() >= 1 || child.state() == QProcess::NotRunning; }, kGenerateTimeoutMs));
        QVERIFY2(child.state() == QProcess::Running, child.readAll().constData());
        child.kill();  // SIGKILL: no destructor runs, the autosave stays as the last write left it
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        const int kept = finished_in_autosave();
        QVERIFY2(kept >= 1 && kept < 4, qPrintable(QString::number(kept)));

        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* restore = window.findChild<QAction*>(QStringLiteral("restoreUnsavedSession"));
            window.offerUnsavedSession();
            QVERIFY(restore->isEnabled());
            QVERIFY(window.restoreUnsavedSession());
            QVERIFY(!QFileInfo::exists(window.autosave()->leftoverFolder()));  // read into the window: served
            QTRY_VERIFY_WITH_TIMEOUT(window.faces()->entryCount() == 2 && window.backgrounds()->entryCount() == 2 &&
                                         !window.generator()->engineDescription().isEmpty(),
                                     kAlignTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(window.grid()->filledCellCount(), kept, kAlignTimeoutMs);
            QVERIFY(!window.isMixing());
            QCOMPARE(window.settingsPanel()->settings().steps, kChildSteps);
            std::map<CellKey, QImage> restored;
            for (const CellKey& key : all_cells(*window.grid()))
                if (!window.grid()->cell(key.first, key.second).isNull()) restored[key] = window.grid()->cell(key.first, key.second);
            QCOMPARE(int(restored.size()), kept);

            window.mix();  // only the cells the killed studio did not finish
            const QString mixing = QStringLiteral("Mixing %1:").arg(counted(4 - kept, QStringLiteral("cell"), QStringLiteral("cells")));
            QVERIFY2(window.log()->toPlainText().contains(mixing), qPrintable(window.log()->toPlainText()));
            QVERIFY(StudioFixture::waitForMix(window));
            QCOMPARE(window.grid()->filledCellCount(), 4);
            for (const auto& [key, image] : restored) QCOMPARE(window.grid()->cell(key.first, key.second), image);
        }
        // A clean exit cleans up.
        QVERIFY(!QFileInfo::exists(SessionAutosave::defaultFolder()));
        QVERIFY(!QFileInfo::exists(SessionAutosave::defaultFolder() + QStringLiteral("-unsaved")));
    }
};

namespace {

// The same program is the child: with kChildModel set it mixes until it is killed instead of testing.
int crash_restore_main(int argc, char** argv) {
    if (qEnvironmentVariableIsSet(kChildModel)) return mix_until_killed(qEnvironmentVariable(kChildModel));
    CrashRestoreTest test;
    return QTest::qExec(&test, argc, argv);
}

}  // namespace

FACEMIX_GUI_TEST_WITH_MAIN(CrashRestoreTest, crash_restore_main)

#include "crash_restore_test.moc"

#include "gui_test_support.h"
#include "session_autosave.h"

#include <memory>

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "gui_test_registry.h"
#include "mix/cell_export.h"

using namespace facemix::ui;

namespace {

MixSession session_with_steps(int steps) {
    MixSession session;
    session.model_path = QStringLiteral("/models/m.safetensors");
    session.faces = {{QStringLiteral("/photos/ann.jpg"), 0}};
    session.backgrounds = {{QStringLiteral("/photos/beach.png"), 0}};
    session.settings.steps = steps;
    session.cells = {{0, 0, 42, true, {}}};
    return session;
}

// The snapshot of a window holding that session, without finished cells.
std::function<SessionSnapshot(const QString&)> capturing(const int& steps) {
    return [&steps](const QString&) { return SessionSnapshot{session_with_steps(steps), {}, {}}; };
}

MixSession read_back(const QString& path) {
    QString error;
    const auto session = read_session_file(path, error);
    if (!session) qWarning("%s", qPrintable(error));
    return session.value_or(MixSession{});
}

// What a crash leaves: the autosave folder, and a lock whose owner is gone. Ending the autosave cleanly
// removes the folder, so the test puts its session back as the crash would have left it.
void end_as_a_crash_would(std::unique_ptr<SessionAutosave>& autosave) {
    const QString path = autosave->path();
    const QString kept = autosave->folder() + QStringLiteral(".kept");
    QVERIFY(QFile::copy(path, kept));
    autosave.reset();
    QVERIFY(!QFileInfo::exists(QFileInfo(path).absolutePath()));
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QVERIFY(QFile::rename(kept, path));
}

// Writes land on the autosave's thread; the count moves when the answer reaches this one.
bool written(SessionAutosave& autosave, int writes) {
    return QTest::qWaitFor([&] { return autosave.writes() >= writes; }, 20000) && autosave.writes() == writes;
}

}  // namespace

class SessionAutosaveTest : public QObject {
    Q_OBJECT
private slots:
    void writesOncePausedAndAtOnceOnFlush() {
        QTemporaryDir dir;
        int steps = 11;
        SessionAutosave autosave(dir.filePath(QStringLiteral("autosave")), capturing(steps));
        QCOMPARE(autosave.path(), dir.filePath(QStringLiteral("autosave/session.json")));
        autosave.touch();
        autosave.touch();  // a burst of edits is one write
        QVERIFY(!QFile::exists(autosave.path()));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(autosave.path()), 4 * SessionAutosave::kDelayMs);
        QVERIFY(written(autosave, 1));
        QCOMPARE(read_back(autosave.path()), session_with_steps(11));

        steps = 12;
        autosave.flush();  // nothing changed since the write: nothing to do
        QTest::qWait(50);
        QCOMPARE(autosave.writes(), 1);
        autosave.touch();
        autosave.flush();
        QVERIFY(written(autosave, 2));
        QCOMPARE(read_back(autosave.path()), session_with_steps(12));
    }

    // Beside the session, the finished cells as Save session keeps them: each written once, not at every
    // autosave, and again when the cell is made anew.
    void keepsTheFinishedCellsWritingEachOnce() {
        QTemporaryDir dir;
        cv::Mat pixels(8, 8, CV_8UC3, cv::Scalar(10, 20, 30));
        facemix::Recipe recipe;
        recipe.seed = 42;
        int steps = 3;
        SessionAutosave autosave(dir.filePath(QStringLiteral("autosave")), [&](const QString& path) {
            SessionSnapshot snapshot{session_with_steps(steps), {}, {}};
            snapshot.cells.append({QFileInfo(path).dir().filePath(QStringLiteral("session.cells/r01c01.png")), pixels, recipe});
            snapshot.session.cells[0].image = QStringLiteral("session.cells/r01c01.png");
            return snapshot;
        });
        autosave.touch();
        autosave.flush();
        QVERIFY(written(autosave, 1));
        const QString cell = dir.filePath(QStringLiteral("autosave/session.cells/r01c01.png"));
        QCOMPARE(cv::imread(cell.toStdString()).at<cv::Vec3b>(0, 0), cv::Vec3b(10, 20, 30));
        QCOMPARE(read_back(autosave.path()).cells.at(0).image, QStringLiteral("session.cells/r01c01.png"));

        QFile marked(cell);  // were the cell written again, this would be a PNG again
        QVERIFY(marked.open(QIODevice::WriteOnly));
        marked.write("not written again");
        marked.close();
        steps = 4;
        autosave.touch();
        autosave.flush();
        QVERIFY(written(autosave, 2));
        QCOMPARE(read_back(autosave.path()).settings.steps, 4);
        QVERIFY(marked.open(QIODevice::ReadOnly));
        QCOMPARE(marked.readAll(), QByteArray("not written again"));
        marked.close();

        recipe.seed = 43;  // the cell made anew
        pixels = cv::Scalar(40, 50, 60);
        autosave.touch();
        autosave.flush();
        QVERIFY(written(autosave, 3));
        QCOMPARE(cv::imread(cell.toStdString()).at<cv::Vec3b>(0, 0), cv::Vec3b(40, 50, 60));
    }

    void aCleanEndRemovesItAndACrashLeavesItForTheNextRun() {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("autosave"));
        int steps = 21;
        auto first = std::make_unique<SessionAutosave>(folder, capturing(steps));
        first->touch();
        first->flush();
        QVERIFY(written(*first, 1));
        end_as_a_crash_would(first);

        steps = 5;
        SessionAutosave next(folder, capturing(steps));
        const QString leftover = next.takeLeftover();
        QCOMPARE(leftover, next.leftoverPath());
        QCOMPARE(read_back(leftover), session_with_steps(21));
        QVERIFY(!QFileInfo::exists(folder));  // set aside: this run's writes cannot overwrite it
        next.touch();
        next.flush();
        QVERIFY(written(next, 1));
        QCOMPARE(read_back(leftover), session_with_steps(21));
        QCOMPARE(read_back(next.path()), session_with_steps(5));
        next.discardLeftover();
        QVERIFY(!QFileInfo::exists(next.leftoverFolder()));
        {
            SessionAutosave clean(dir.filePath(QStringLiteral("other")), capturing(steps));
            clean.touch();
            clean.flush();
            QVERIFY(written(clean, 1));
            QVERIFY(QFile::exists(clean.path()));
        }
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("other"))));  // a clean end leaves nothing
    }

    void aSecondStudioKeepsItsOwnFolder() {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("autosave"));
        const int three = 3, four = 4;
        SessionAutosave first(folder, capturing(three));
        first.touch();
        first.flush();
        QVERIFY(written(first, 1));
        SessionAutosave second(folder, capturing(four));
        QVERIFY(second.folder() != folder);
        QVERIFY(second.takeLeftover().isEmpty());  // the first is alive: its folder is no crash's
        second.touch();
        second.flush();
        QVERIFY(written(second, 1));
        QCOMPARE(read_back(first.path()), session_with_steps(3));
        QCOMPARE(read_back(second.path()), session_with_steps(4));
    }

    void aFailedWriteIsOneSentenceOnceAndLeavesNoFile() {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("not-a-folder")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const int steps = 7;
        SessionAutosave autosave(dir.filePath(QStringLiteral("not-a-folder/autosave")), capturing(steps));
        QSignalSpy failed(&autosave, &SessionAutosave::failed);
        autosave.touch();
        autosave.flush();
        QVERIFY(failed.wait(20000));
        autosave.touch();
        autosave.flush();
        QVERIFY(!failed.wait(500));  // the same failure is said once
        QCOMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.startsWith(QStringLiteral("The autosave failed: could not write ")) && message.contains(QStringLiteral("not-a-folder")) &&
                     message.endsWith(QLatin1Char('.')),
                 qPrintable(message));
        QCOMPARE(autosave.writes(), 0);
        QVERIFY(!QFileInfo::exists(autosave.path()));
    }

    // A full disk (core's atomic writer sending its bytes to /dev/full): one sentence, and no file at all,
    // not even a partial or temporary one.
    void aFullDiskLeavesNoPartialFile() {
        QTemporaryDir dir;
        const int steps = 7;
        SessionAutosave autosave(dir.filePath(QStringLiteral("autosave")), capturing(steps));
        QSignalSpy failed(&autosave, &SessionAutosave::failed);
        {
            facemix::test::ScopedEnvironment full("FACEMIX_TEST_WRITE_DEVICE", "/dev/full");
            autosave.touch();
            autosave.flush();
            QVERIFY(failed.wait(20000));
        }
        QVERIFY2(failed.front().front().toString().endsWith(QStringLiteral(": no space left on device.")), qPrintable(failed.front().front().toString()));
        QCOMPARE(QDir(autosave.folder()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
        autosave.touch();  // the disk has room again: the next change is written
        autosave.flush();
        QVERIFY(written(autosave, 1));
    }
};

FACEMIX_GUI_TEST(SessionAutosaveTest)
#include "session_autosave_test.moc"

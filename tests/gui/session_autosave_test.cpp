#include "gui_test_support.h"
#include "main_window.h"
#include "message_banner.h"
#include "session_autosave.h"
#include "settings_panel.h"

#include <memory>

#include <QAction>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include "gui_test_registry.h"

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

MixSession read_back(const QString& path) {
    QString error;
    const auto session = read_session_file(path, error);
    if (!session) qWarning("%s", qPrintable(error));
    return session.value_or(MixSession{});
}

// What a crash leaves: the autosave file, and a lock whose owner is gone. Ending the autosave cleanly
// removes the file, so the test puts it back as the crash would have left it.
void end_as_a_crash_would(std::unique_ptr<SessionAutosave>& autosave) {
    const QString path = autosave->path();
    QVERIFY(QFile::copy(path, path + QStringLiteral(".crash")));
    autosave.reset();
    QVERIFY(!QFile::exists(path));
    QVERIFY(QFile::rename(path + QStringLiteral(".crash"), path));
}

}  // namespace

class SessionAutosaveTest : public QObject {
    Q_OBJECT
private slots:
    void writesOncePausedAndAtOnceOnFlush() {
        QTemporaryDir dir;
        int steps = 11;
        SessionAutosave autosave(dir.filePath(QStringLiteral("autosave.json")), [&] { return session_with_steps(steps); });
        autosave.touch();
        autosave.touch();  // a burst of edits is one write
        QVERIFY(!QFile::exists(autosave.path()));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(autosave.path()), 4 * SessionAutosave::kDelayMs);
        QCOMPARE(autosave.writes(), 1);
        QCOMPARE(read_back(autosave.path()), session_with_steps(11));

        steps = 12;
        autosave.flush();  // nothing changed since the write: nothing to do
        QCOMPARE(autosave.writes(), 1);
        autosave.touch();
        autosave.flush();
        QCOMPARE(autosave.writes(), 2);
        QCOMPARE(read_back(autosave.path()), session_with_steps(12));
    }

    void aCleanEndRemovesItAndACrashLeavesItForTheNextRun() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("autosave.json"));
        auto first = std::make_unique<SessionAutosave>(path, [] { return session_with_steps(21); });
        first->touch();
        first->flush();
        end_as_a_crash_would(first);

        SessionAutosave next(path, [] { return session_with_steps(5); });
        const QString leftover = next.takeLeftover();
        QCOMPARE(leftover, next.leftoverPath());
        QCOMPARE(read_back(leftover), session_with_steps(21));
        QVERIFY(!QFile::exists(path));  // set aside: this run's writes cannot overwrite it
        next.touch();
        next.flush();
        QCOMPARE(read_back(leftover), session_with_steps(21));
        QCOMPARE(next.takeLeftover(), next.leftoverPath());  // a second call finds this run's own file...
        {
            SessionAutosave clean(dir.filePath(QStringLiteral("other.json")), [] { return session_with_steps(1); });
            clean.touch();
            clean.flush();
            QVERIFY(QFile::exists(clean.path()));
        }
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("other.json"))));  // ...but a clean end leaves nothing
    }

    void aSecondStudioKeepsItsOwnFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("autosave.json"));
        SessionAutosave first(path, [] { return session_with_steps(3); });
        first.touch();
        first.flush();
        SessionAutosave second(path, [] { return session_with_steps(4); });
        QVERIFY(second.path() != path);
        QVERIFY(second.takeLeftover().isEmpty());  // the first is alive: its file is no crash's
        second.touch();
        second.flush();
        QCOMPARE(read_back(path), session_with_steps(3));
        QCOMPARE(read_back(second.path()), session_with_steps(4));
    }

    void aFailedWriteIsOneSentenceOnceAndLeavesNoFile() {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("not-a-folder")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QString path = dir.filePath(QStringLiteral("not-a-folder/autosave.json"));
        SessionAutosave autosave(path, [] { return session_with_steps(7); });
        QSignalSpy failed(&autosave, &SessionAutosave::failed);
        autosave.touch();
        autosave.flush();
        autosave.touch();
        autosave.flush();
        QCOMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("not-a-folder")) && message.endsWith(QLatin1Char('.')), qPrintable(message));
        QCOMPARE(autosave.writes(), 0);
        QVERIFY(!QFileInfo::exists(path));
    }

    // The window keeps its session in the autosave; after a crash the next window offers it back.
    void theWindowRestoresWhatACrashLeft() {
        facemix::test::TemporarySettings settings;
        StudioSettings values;
        values.steps = 13;
        values.cfg_scale = 4.5;
        values.seed = 777;
        QString path;
        {
            auto window = std::make_unique<MainWindow>();
            window->settingsPanel()->setSettings(values);
            window->autosave()->flush();
            path = window->autosave()->path();
            QCOMPARE(read_back(path).settings, window->settingsPanel()->settings());
            QVERIFY(QFile::copy(path, path + QStringLiteral(".crash")));
        }
        QVERIFY(!QFile::exists(path));  // the window closed cleanly...
        QVERIFY(QFile::rename(path + QStringLiteral(".crash"), path));  // ...a crash would have left this

        MainWindow window;
        auto* restore = window.findChild<QAction*>(QStringLiteral("restoreUnsavedSession"));
        QVERIFY(restore);
        QVERIFY(!restore->isEnabled());
        window.offerUnsavedSession();
        QVERIFY(restore->isEnabled());
        QVERIFY2(window.banner()->lastMessage().contains(QStringLiteral("did not close cleanly")), qPrintable(window.banner()->lastMessage()));
        StudioSettings defaults;
        window.settingsPanel()->setSettings(defaults);
        QVERIFY(window.restoreUnsavedSession());
        QCOMPARE(window.settingsPanel()->settings().steps, 13);
        QCOMPARE(window.settingsPanel()->settings().cfg_scale, 4.5);
        QCOMPARE(window.settingsPanel()->settings().seed, qint64(777));
        QVERIFY(!restore->isEnabled());
        QVERIFY(!window.restoreUnsavedSession());  // restored once; its file is gone
    }
};

FACEMIX_GUI_TEST(SessionAutosaveTest)
#include "session_autosave_test.moc"

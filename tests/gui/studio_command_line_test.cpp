#include "gui_test_support.h"
#include "main_window.h"
#include "mix_session.h"
#include "session_cell_images.h"
#include "settings_panel.h"
#include "studio_command_line.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QProcess>
#include <QtTest>

#include "gui_test_registry.h"

using namespace facemix::ui;

namespace {

void touch_file(const QString& path) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
}

struct StudioRun {
    int exit_code = -1;
    QString out;
    QString err;
};

StudioRun run_studio(const QStringList& arguments, const QProcessEnvironment& environment) {
    QProcess studio;
    studio.setProcessEnvironment(environment);
    studio.start(QStringLiteral(FACEMIX_STUDIO_PATH), arguments);
    if (!studio.waitForFinished(60000)) studio.kill();
    return {studio.exitStatus() == QProcess::NormalExit ? studio.exitCode() : -1, QString::fromLocal8Bit(studio.readAllStandardOutput()),
            QString::fromLocal8Bit(studio.readAllStandardError())};
}

// A session file that sets the settings to these values.
QString write_session(const QString& path, int steps, double cfg) {
    MixSession session;
    session.settings.steps = steps;
    session.settings.cfg_scale = cfg;
    QString error;
    if (!write_session_file(path, session, error)) qWarning("%s", qPrintable(error));
    return path;
}

}  // namespace

class StudioCommandLineTest : public QObject {
    Q_OBJECT
private slots:
    void filesAreJudgedByNameAndFoldersByWhatTheyHold() {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("diffusers/unet")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("holiday")));
        touch_file(dir.filePath(QStringLiteral("diffusers/model_index.json")));
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("a.JPG"))), StudioFileKind::Photos);
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("holiday"))), StudioFileKind::Photos);
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("grid.json"))), StudioFileKind::Session);
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("grid.fmxsession"))), StudioFileKind::Session);
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("mixer.safetensors"))), StudioFileKind::Model);
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("image-mixer.ckpt"))), StudioFileKind::Model);
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("diffusers"))), StudioFileKind::Model);
        QCOMPARE(studio_file_kind(dir.filePath(QStringLiteral("notes.txt"))), StudioFileKind::Photos);  // the loader says why not
    }

    void filesHandedOverTogetherAreSortedByKindInTheirOrder() {
        const StudioFiles files = sort_studio_files({"b.jpg", "m.ckpt", "s.fmxsession", "a.png", "n.safetensors", "t.json"});
        QCOMPARE(files.sessions, (QStringList{"s.fmxsession", "t.json"}));
        QCOMPARE(files.models, (QStringList{"m.ckpt", "n.safetensors"}));
        QCOMPARE(files.photos, (QStringList{"b.jpg", "a.png"}));
    }

    void filesGoToFacesUntilBackgroundsAndUnknownOptionsAreOneSentence() {
        const StudioCommandLine line = parse_studio_command_line(
            {"a.jpg", "--backgrounds", "b.jpg", "c.png", "--faces", "d.jpg", "m.safetensors", "--", "--odd.jpg"});
        QVERIFY2(line.error.isEmpty(), qPrintable(line.error));
        QCOMPARE(line.faces, (QStringList{"a.jpg", "d.jpg", "m.safetensors", "--odd.jpg"}));
        QCOMPARE(line.backgrounds, (QStringList{"b.jpg", "c.png"}));
        QVERIFY(line.namesAModel());
        QVERIFY(!parse_studio_command_line({"a.jpg", "s.json"}).namesAModel());

        const StudioCommandLine bad = parse_studio_command_line({"a.jpg", "--bogus"});
        QCOMPARE(bad.error, QStringLiteral("facemix-studio has no option --bogus; facemix-studio --help lists them."));
    }

    // --help and --version answer without a display (none is set here, and the xcb platform would
    // need one), like any command-line program.
    void helpAndVersionAnswerWithoutADisplay() {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("DISPLAY"));
        environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        const StudioRun version = run_studio({"--version"}, environment);
        QCOMPARE(version.exit_code, 0);
        QCOMPARE(version.out, QStringLiteral("facemix-studio %1\n").arg(QStringLiteral(FACEMIX_VERSION)));
        const StudioRun help = run_studio({"a.jpg", "--help"}, environment);
        QCOMPARE(help.exit_code, 0);
        QVERIFY2(help.out.startsWith(QStringLiteral("Usage: facemix-studio")), qPrintable(help.out));
        QVERIFY(help.out.contains(QStringLiteral("--backgrounds")));

        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const StudioRun bogus = run_studio({"--bogus"}, environment);
        QCOMPARE(bogus.exit_code, 2);
        QVERIFY2(bogus.err.contains(QStringLiteral("facemix-studio has no option --bogus")), qPrintable(bogus.err));
    }

    void aSessionGivenOrDroppedOpens() {
        facemix::test::TemporarySettings settings;
        QTemporaryDir dir;
        MainWindow window;
        window.openPaths({write_session(dir.filePath(QStringLiteral("given.json")), 17, 5.5)});
        QCOMPARE(window.settingsPanel()->settings().steps, 17);
        QCOMPARE(window.settingsPanel()->settings().cfg_scale, 5.5);

        const auto mime = facemix::test::file_urls({write_session(dir.filePath(QStringLiteral("dropped.fmxsession")), 23, 2.5)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(drop.isAccepted());
        QCOMPARE(window.settingsPanel()->settings().steps, 23);
        QCOMPARE(window.settingsPanel()->settings().cfg_scale, 2.5);
    }
};

FACEMIX_GUI_TEST(StudioCommandLineTest)
#include "studio_command_line_test.moc"

#pragma once

// Shared by the GUI tests (each *_test.cpp here is its own executable, run on the offscreen platform).

#include <memory>

#include <QAbstractScrollArea>
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QSettings>
#include <QTemporaryDir>
#include <QUrl>

namespace facemix::test {

// How long a test waits for photos to be aligned: the first photo also loads the landmark model, and
// a busy 2-core machine is slow.
inline constexpr int kAlignTimeoutMs = 90000;

inline QString testdata(const QString& name) { return QDir(QStringLiteral(FACEMIX_TESTDATA_DIR)).filePath(name); }
inline QString fixture(const QString& name) { return QDir(QStringLiteral(FACEMIX_FIXTURES_DIR)).filePath(name); }

// Sets an environment variable for the life of the object, then puts back what was there.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const QByteArray& value) : name_(name), had_(qEnvironmentVariableIsSet(name)), old_(qgetenv(name)) {
        qputenv(name, value);
    }
    ~ScopedEnvironment() {
        if (had_) qputenv(name_, old_);
        else qunsetenv(name_);
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    const char* name_;
    bool had_;
    QByteArray old_;
};

// Points QSettings at a fresh folder for the life of the object, so tests neither read nor change
// the user's real studio settings and each run starts from defaults; the recent-models list the studio
// shares with the CLI (under the XDG config folder) and the session autosave (XDG data) go there too.
class TemporarySettings {
public:
    TemporarySettings() : config_("XDG_CONFIG_HOME", dir_.path().toLocal8Bit()), data_("XDG_DATA_HOME", dir_.path().toLocal8Bit()) {
        QApplication::setOrganizationName(QStringLiteral("facemix-test"));
        QApplication::setApplicationName(QStringLiteral("facemix-studio-test"));
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir_.path());
    }
    QString path() const { return dir_.path(); }

private:
    QTemporaryDir dir_;
    ScopedEnvironment config_;
    ScopedEnvironment data_;  // the studio's autosave
};

inline std::unique_ptr<QMimeData> file_urls(const QStringList& paths) {
    auto mime = std::make_unique<QMimeData>();
    QList<QUrl> urls;
    for (const QString& path : paths) urls << QUrl::fromLocalFile(path);
    mime->setUrls(urls);  // text/uri-list, as a file manager sends it
    return mime;
}

// What a drag from a file manager delivers to a view: DragEnter, DragMove, then Drop, sent where
// Qt sends a real one (QWidgetWindow's search from the widget under the cursor up to the first
// that accepts drops). Returns whether the drop was accepted.
inline bool simulate_drop(QAbstractScrollArea* view, const QMimeData& mime) {
    QWidget* target = view->viewport();
    QPoint at = target->rect().center();
    while (target && !target->acceptDrops() && !target->isWindow()) {
        at = target->mapToParent(at);
        target = target->parentWidget();
    }
    if (!target || !target->acceptDrops()) {
        qWarning("simulate_drop: nothing under the cursor accepts drops");
        return false;
    }
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted()) {
        qWarning("simulate_drop: DragEnter was refused");
        return false;
    }
    QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &move);
    if (!move.isAccepted()) {
        qWarning("simulate_drop: DragMove was refused");
        return false;
    }
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    if (!drop.isAccepted()) qWarning("simulate_drop: Drop was refused");
    return drop.isAccepted();
}

}  // namespace facemix::test

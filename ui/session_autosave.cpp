#include "session_autosave.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace facemix::ui {

SessionAutosave::SessionAutosave(QString path, std::function<MixSession()> capture, QObject* parent)
    : QObject(parent), path_(std::move(path)), capture_(std::move(capture)) {
    const QFileInfo info(path_);
    QDir().mkpath(info.absolutePath());
    lock_ = std::make_unique<QLockFile>(path_ + QStringLiteral(".lock"));
    owns_path_ = lock_->tryLock(0);  // a lock whose process is gone is stale and taken over
    if (!owns_path_)
        path_ = info.dir().filePath(QStringLiteral("%1-%2.json").arg(info.completeBaseName()).arg(QCoreApplication::applicationPid()));
    timer_.setSingleShot(true);
    timer_.setInterval(kDelayMs);
    connect(&timer_, &QTimer::timeout, this, &SessionAutosave::write);
}

SessionAutosave::~SessionAutosave() { QFile::remove(path_); }

QString SessionAutosave::defaultPath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(QStringLiteral("autosave.json"));
}

QString SessionAutosave::leftoverPath() const {
    const QFileInfo info(path_);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral("-unsaved.json"));
}

QString SessionAutosave::takeLeftover() {
    if (!owns_path_ || !QFileInfo::exists(path_)) return {};
    const QString leftover = leftoverPath();
    QFile::remove(leftover);  // an older leftover the user did not restore: the newer one replaces it
    return QFile::rename(path_, leftover) ? leftover : QString();
}

void SessionAutosave::touch() {
    dirty_ = true;
    timer_.start();
}

void SessionAutosave::flush() {
    if (dirty_) write();
}

void SessionAutosave::write() {
    timer_.stop();
    dirty_ = false;
    QDir().mkpath(QFileInfo(path_).absolutePath());
    QString error;
    if (!write_session_file(path_, capture_(), error)) {
        dirty_ = true;  // try again with the next change
        if (error != last_error_) emit failed(tr("Autosave: %1").arg(error));
        last_error_ = error;
        return;
    }
    last_error_.clear();
    ++writes_;
}

}  // namespace facemix::ui

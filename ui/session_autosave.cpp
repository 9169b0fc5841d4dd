#include "session_autosave.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "export_writer.h"

namespace facemix::ui {

SessionAutosave::SessionAutosave(QString folder, std::function<SessionSnapshot(const QString&)> capture, QObject* parent)
    : QObject(parent),
      folder_(QDir::cleanPath(std::move(folder))),
      capture_(std::move(capture)),
      writer_(new ExportWriter(this)),
      written_files_(std::make_shared<WrittenFiles>()) {
    QDir().mkpath(QFileInfo(folder_).absolutePath());
    // Beside the folder, not in it: takeLeftover() moves the folder away.
    lock_ = std::make_unique<QLockFile>(folder_ + QStringLiteral(".lock"));
    owns_folder_ = lock_->tryLock(0);  // a lock whose process is gone is stale and taken over
    if (!owns_folder_) folder_ = QStringLiteral("%1-%2").arg(folder_).arg(QCoreApplication::applicationPid());
    timer_.setSingleShot(true);
    timer_.setInterval(kDelayMs);
    connect(&timer_, &QTimer::timeout, this, &SessionAutosave::write);
    connect(writer_, &ExportWriter::written, this, &SessionAutosave::onWritten);
    connect(writer_, &ExportWriter::failed, this, [this](quint64, const QString& message) { onFailed(message); });
}

SessionAutosave::~SessionAutosave() {
    writer_->flush();  // a write landing after the removal would leave a folder behind
    QDir(folder_).removeRecursively();
}

QString SessionAutosave::defaultFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(QStringLiteral("autosave"));
}

QString SessionAutosave::path() const { return QDir(folder_).filePath(QStringLiteral("session.json")); }

QString SessionAutosave::leftoverFolder() const { return folder_ + QStringLiteral("-unsaved"); }

QString SessionAutosave::leftoverPath() const { return QDir(leftoverFolder()).filePath(QStringLiteral("session.json")); }

QString SessionAutosave::takeLeftover() {
    if (!owns_folder_) return {};
    writer_->flush();
    if (!QFileInfo::exists(path())) {
        QDir(folder_).removeRecursively();  // a run that ended before its first write left nothing to restore
        return {};
    }
    discardLeftover();  // an older leftover the user did not restore: the newer one replaces it
    return QDir().rename(folder_, leftoverFolder()) ? leftoverPath() : QString();
}

void SessionAutosave::discardLeftover() { QDir(leftoverFolder()).removeRecursively(); }

void SessionAutosave::touch() {
    dirty_ = true;
    timer_.start();
}

void SessionAutosave::flush() {
    if (dirty_) write();
}

void SessionAutosave::write() {
    timer_.stop();
    if (in_flight_) return;  // dirty_ stays set: onWritten() writes again
    dirty_ = false;
    in_flight_ = true;
    QDir().mkpath(folder_);
    const QString session = path();
    writer_->submit(tr("The autosave"), [session, snapshot = capture_(session), written = written_files_] {
        write_session_snapshot(session, snapshot, *written);
        return QStringList{session};
    });
}

void SessionAutosave::onWritten() {
    in_flight_ = false;
    last_error_.clear();
    ++writes_;
    emit written();
    if (dirty_) write();
}

void SessionAutosave::onFailed(const QString& message) {
    in_flight_ = false;
    dirty_ = true;  // tried again with the next change
    if (message != last_error_) emit failed(message);
    last_error_ = message;
}

}  // namespace facemix::ui

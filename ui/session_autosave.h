#pragma once

#include <functional>
#include <memory>

#include <QLockFile>
#include <QObject>
#include <QString>
#include <QTimer>

#include "session_cell_images.h"

namespace facemix::ui {

class ExportWriter;

// Keeps the window's session on disk while the studio runs, so a crash or a kill loses at most the
// last moments: a change is written once edits pause for kDelayMs (a burst of edits is one write), a
// finished cell at once (flush). It is written as Save session writes one, into a folder of its own: the
// session file and beside it the finished cells' PNGs (each written once) and the pasted images, every
// file atomically and the session file last, off the GUI thread. Destroying the autosave is a clean end
// and removes the folder; a folder found at start therefore means the last run did not end cleanly, and
// takeLeftover() sets it aside so this run's writes do not overwrite what the user may restore. A
// second studio running beside the first (which holds the folder's lock) keeps its own folder instead
// and never takes the first's autosave for a crash's.
class SessionAutosave : public QObject {
    Q_OBJECT
public:
    static constexpr int kDelayMs = 2000;

    // `capture` takes the window's session as it would be written to the session file it is given.
    SessionAutosave(QString folder, std::function<SessionSnapshot(const QString& session_path)> capture, QObject* parent = nullptr);
    ~SessionAutosave() override;  // waits for a write under way, then removes the folder

    // "autosave" in the studio's data folder ($XDG_DATA_HOME/facemix/facemix-studio/ on Linux).
    static QString defaultFolder();

    QString folder() const { return folder_; }
    QString path() const;  // the session file in it
    // The session file of a previous run, its folder moved aside to leftoverFolder(); empty when that
    // run ended cleanly (or when another studio is running and owns the autosave).
    QString takeLeftover();
    QString leftoverFolder() const;
    QString leftoverPath() const;
    // Removes the set-aside folder once it has been restored (everything in it is in the window then).
    void discardLeftover();

    void touch();  // something changed: write soon
    void flush();  // write now, if anything changed since the last write
    int writes() const { return writes_; }  // writes on disk

signals:
    void written();  // a write is on disk
    // A write failed (a full disk, a read-only folder): one sentence, said once until writes succeed again.
    void failed(const QString& message);

private:
    void write();
    void onWritten();
    void onFailed(const QString& message);

    std::unique_ptr<QLockFile> lock_;
    bool owns_folder_ = false;  // this studio holds the lock of the folder it was given
    QString folder_;
    std::function<SessionSnapshot(const QString&)> capture_;
    ExportWriter* writer_;
    std::shared_ptr<WrittenFiles> written_files_;  // touched on the writer's thread only
    QTimer timer_;
    bool dirty_ = false;
    bool in_flight_ = false;  // a write is queued or under way; changes meanwhile are written after it
    int writes_ = 0;
    QString last_error_;
};

}  // namespace facemix::ui

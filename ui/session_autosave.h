#pragma once

#include <functional>
#include <memory>

#include <QLockFile>
#include <QObject>
#include <QString>
#include <QTimer>

#include "mix_session.h"

namespace facemix::ui {

// Keeps the window's session on disk while the studio runs, so a crash or a kill loses at most the
// last moments: a change is written once edits pause for kDelayMs (a burst of edits is one write), a
// finished cell at once (flush), always atomically. Destroying the autosave is a clean end and
// removes the file; a file found at start therefore means the last run did not end cleanly, and
// takeLeftover() sets it aside so this run's writes do not overwrite what the user may restore. A
// second studio running beside the first (which holds the file's lock) keeps its own file instead
// and never takes the first's autosave for a crash's.
class SessionAutosave : public QObject {
    Q_OBJECT
public:
    static constexpr int kDelayMs = 2000;

    SessionAutosave(QString path, std::function<MixSession()> capture, QObject* parent = nullptr);
    ~SessionAutosave() override;

    // autosave.json in the studio's data folder ($XDG_DATA_HOME/facemix/facemix-studio/ on Linux).
    static QString defaultPath();

    QString path() const { return path_; }
    // The session a previous run left, moved to leftoverPath(); empty when it ended cleanly (or when
    // another studio is running and owns the autosave).
    QString takeLeftover();
    QString leftoverPath() const;

    void touch();  // something changed: write soon
    void flush();  // write now, if anything changed since the last write
    int writes() const { return writes_; }

signals:
    // A write failed (a full disk, a read-only folder): one sentence, said once until writes succeed again.
    void failed(const QString& message);

private:
    void write();

    std::unique_ptr<QLockFile> lock_;
    bool owns_path_ = false;  // this studio holds the lock of the path it was given
    QString path_;
    std::function<MixSession()> capture_;
    QTimer timer_;
    bool dirty_ = false;
    int writes_ = 0;
    QString last_error_;
};

}  // namespace facemix::ui

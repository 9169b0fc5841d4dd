#pragma once

#include <memory>
#include <utility>

#include <QHash>
#include <QObject>
#include <QString>

#include "mix_results.h"
#include "session_cell_images.h"
#include "session_translator.h"

class QAction;
class QWidget;

namespace facemix::ui {

class ExportWriter;
class SessionAutosave;

// File ▸ Save session, Open session and Restore unsaved session: session files in and out of the
// window's panels through a SessionTranslator, with what each did said in the log. Sessions and the
// files beside them are written off the GUI thread (an ExportWriter), in the order saved.
class SessionFiles : public QObject {
    Q_OBJECT
public:
    // `restore` is the Restore unsaved session action, enabled while there is one; dialogs open over
    // `window`.
    SessionFiles(SessionTranslator translator, const MixResults* results, SessionAutosave* autosave, QAction* restore,
                 QWidget* window);

    CapturedSession capture() const { return translator_.capture(*results_); }
    // The session and its files as they would be written to `path` (what the autosave writes too).
    SessionSnapshot snapshot(const QString& path) const { return snapshot_session(path, capture(), *results_); }
    // Takes the session as it is now and has it written; saved() or a problem says how that went.
    void save(const QString& path);
    // Waits for the sessions being written (a window closing, a session about to be read).
    void flush();
    bool open(const QString& path);
    void promptSave();
    void promptOpen();
    // A crashed run's autosave, set aside until restored (SessionAutosave::takeLeftover()).
    void offerUnsaved();
    bool restoreUnsaved();

signals:
    void saved(const QString& path);
    // Before a session replaces the panels: the window stops its work and clears the grid.
    void opening();
    // The finished cells the session kept, to show once their photos are aligned again.
    void cellImagesRead(const QList<facemix::ui::StoredCellImage>& images);
    void information(const QString& message);
    void problem(const QString& message);

private:
    SessionTranslator translator_;
    ExportWriter* writer_;
    std::shared_ptr<WrittenFiles> written_;  // touched on the writer's thread only
    QHash<quint64, std::pair<QString, QString>> saving_;  // a write's id: the session's path and what to say when it is there
    const MixResults* results_;
    SessionAutosave* autosave_;
    QAction* restore_;
    QWidget* window_;
    QString leftover_;
};

}  // namespace facemix::ui

#pragma once

#include <QObject>
#include <QString>

#include "mix_results.h"
#include "session_cell_images.h"
#include "session_translator.h"

class QAction;
class QWidget;

namespace facemix::ui {

class SessionAutosave;

// File ▸ Save session, Open session and Restore unsaved session: session files in and out of the
// window's panels through a SessionTranslator, with what each did said in the log.
class SessionFiles : public QObject {
    Q_OBJECT
public:
    // `restore` is the Restore unsaved session action, enabled while there is one; dialogs open over
    // `window`.
    SessionFiles(SessionTranslator translator, const MixResults* results, SessionAutosave* autosave, QAction* restore,
                 QWidget* window);

    CapturedSession capture() const { return translator_.capture(*results_); }
    bool save(const QString& path);
    bool open(const QString& path);
    void promptSave();
    void promptOpen();
    // A crashed run's autosave, set aside until restored (SessionAutosave::takeLeftover()).
    void offerUnsaved();
    bool restoreUnsaved();

signals:
    // Before a session replaces the panels: the window stops its work and clears the grid.
    void opening();
    // The finished cells the session kept, to show once their photos are aligned again.
    void cellImagesRead(const QList<facemix::ui::StoredCellImage>& images);
    void information(const QString& message);
    void problem(const QString& message);

private:
    SessionTranslator translator_;
    const MixResults* results_;
    SessionAutosave* autosave_;
    QAction* restore_;
    QWidget* window_;
    QString leftover_;
};

}  // namespace facemix::ui

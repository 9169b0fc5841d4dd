#include "session_files.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <QAction>
#include <QFile>
#include <QFileDialog>

#include "counted_noun.h"
#include "mix_session.h"
#include "session_autosave.h"
#include "session_cell_images.h"

namespace facemix::ui {
namespace {

QString session_filter() { return QObject::tr("facemix sessions (*.json);;All files (*)"); }

}  // namespace

SessionFiles::SessionFiles(SessionTranslator translator, const MixResults* results, SessionAutosave* autosave, QAction* restore,
                           QWidget* window)
    : QObject(window), translator_(std::move(translator)), results_(results), autosave_(autosave), restore_(restore), window_(window) {}

bool SessionFiles::save(const QString& path) {
    CapturedSession captured = capture();
    MixSession& session = captured.session;
    QString error;
    // The cells first: a session file never names a picture that is not there yet.
    if (!write_session_cell_images(path, session, captured.cell_keys, *results_, error) || !write_session_file(path, session, error)) {
        emit problem(error);
        return false;
    }
    const auto pictures = std::count_if(session.cells.begin(), session.cells.end(), [](const SessionCell& cell) { return !cell.image.isEmpty(); });
    emit information(tr("Saved the session to %1 (%2, %3, %4; %5 in %6).")
                         .arg(path, counted(session.faces.size(), tr("face"), tr("faces")),
                              counted(session.backgrounds.size(), tr("background"), tr("backgrounds")),
                              counted(session.cells.size(), tr("cell seed"), tr("cell seeds")),
                              counted(pictures, tr("finished cell"), tr("finished cells")), session_cells_folder(path)));
    if (captured.unnamed_sources)
        emit problem(tr("%1 not in the session: pasted images have no file to reopen.")
                         .arg(counted(captured.unnamed_sources, tr("pasted image is"), tr("pasted images are"))));
    return true;
}

bool SessionFiles::open(const QString& path) {
    QString error;
    const std::optional<MixSession> session = read_session_file(path, error);
    if (!session) {
        emit problem(error);
        return false;
    }
    emit opening();
    int unreadable = 0;
    QList<StoredCellImage> images = read_session_cell_images(path, *session, unreadable);
    const qsizetype shown = images.size();
    emit cellImagesRead(images);
    translator_.apply(*session, [this](const QString& message) { emit problem(message); });
    const qsizetype cells = session->faces.size() * session->backgrounds.size();
    emit information(tr("Opened the session %1: %2, %3; %4 of %5 shown as saved, Mix makes the rest.")
                         .arg(path, counted(session->faces.size(), tr("face"), tr("faces")),
                              counted(session->backgrounds.size(), tr("background"), tr("backgrounds")))
                         .arg(shown)
                         .arg(counted(cells, tr("cell"), tr("cells"))));
    if (unreadable)
        emit problem(tr("%1 could not be read back from beside the session; Mix makes them again.")
                         .arg(counted(unreadable, tr("saved cell"), tr("saved cells"))));
    return true;
}

void SessionFiles::promptSave() {
    const QString path = QFileDialog::getSaveFileName(window_, tr("Save session"), QStringLiteral("mix.json"), session_filter());
    if (!path.isEmpty()) save(path);
}

void SessionFiles::promptOpen() {
    const QString path = QFileDialog::getOpenFileName(window_, tr("Open session"), {}, session_filter());
    if (!path.isEmpty()) open(path);
}

void SessionFiles::offerUnsaved() {
    leftover_ = autosave_->takeLeftover();
    restore_->setEnabled(!leftover_.isEmpty());
    if (leftover_.isEmpty()) return;
    emit problem(tr("The studio did not close cleanly last time; File ▸ Restore unsaved session brings back its grid."));
}

bool SessionFiles::restoreUnsaved() {
    if (leftover_.isEmpty()) return false;
    const bool restored = open(leftover_);
    if (restored) {
        QFile::remove(leftover_);
        leftover_.clear();
        restore_->setEnabled(false);
    }
    return restored;
}

}  // namespace facemix::ui

#include "session_files.h"

#include <optional>
#include <utility>

#include <QAction>
#include <QFile>
#include <QFileDialog>

#include "counted_noun.h"
#include "mix_session.h"
#include "session_autosave.h"

namespace facemix::ui {
namespace {

QString session_filter() { return QObject::tr("facemix sessions (*.json);;All files (*)"); }

}  // namespace

SessionFiles::SessionFiles(SessionTranslator translator, const MixResults* results, SessionAutosave* autosave, QAction* restore,
                           QWidget* window)
    : QObject(window), translator_(std::move(translator)), results_(results), autosave_(autosave), restore_(restore), window_(window) {}

bool SessionFiles::save(const QString& path) {
    const CapturedSession captured = capture();
    const MixSession& session = captured.session;
    QString error;
    if (!write_session_file(path, session, error)) {
        emit problem(error);
        return false;
    }
    emit information(tr("Saved the session to %1 (%2, %3, %4).")
                         .arg(path, counted(session.faces.size(), tr("face"), tr("faces")),
                              counted(session.backgrounds.size(), tr("background"), tr("backgrounds")),
                              counted(session.cells.size(), tr("cell seed"), tr("cell seeds"))));
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
    translator_.apply(*session, [this](const QString& message) { emit problem(message); });
    emit information(tr("Opened the session %1: %2, %3; Mix regenerates its %4.")
                         .arg(path, counted(session->faces.size(), tr("face"), tr("faces")),
                              counted(session->backgrounds.size(), tr("background"), tr("backgrounds")),
                              counted(session->cells.size(), tr("cell"), tr("cells"))));
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

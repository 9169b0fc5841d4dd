#include "session_files.h"

#include <optional>
#include <utility>

#include <QAction>
#include <QFileDialog>

#include "counted_noun.h"
#include "export_writer.h"
#include "mix_session.h"
#include "session_autosave.h"
#include "session_cell_images.h"

namespace facemix::ui {
namespace {

QString session_filter() { return QObject::tr("facemix sessions (*.json);;All files (*)"); }

}  // namespace

SessionFiles::SessionFiles(SessionTranslator translator, const MixResults* results, SessionAutosave* autosave, QAction* restore,
                           QWidget* window)
    : QObject(window),
      translator_(std::move(translator)),
      writer_(new ExportWriter(this)),
      written_(std::make_shared<WrittenFiles>()),
      results_(results),
      autosave_(autosave),
      restore_(restore),
      window_(window) {
    connect(writer_, &ExportWriter::written, this, [this](quint64 id) {
        const auto [path, summary] = saving_.take(id);
        emit information(summary);
        emit saved(path);
    });
    connect(writer_, &ExportWriter::failed, this, [this](quint64 id, const QString& message) {
        saving_.remove(id);
        emit problem(message);
    });
}

void SessionFiles::save(const QString& path) {
    SessionSnapshot snapshot = this->snapshot(path);
    const MixSession& session = snapshot.session;
    const QString summary = tr("Saved the session to %1 (%2, %3, %4; %5 in %6).")
                                .arg(path, counted(session.faces.size(), tr("face"), tr("faces")),
                                     counted(session.backgrounds.size(), tr("background"), tr("backgrounds")),
                                     counted(session.cells.size(), tr("cell seed"), tr("cell seeds")),
                                     counted(snapshot.cells.size(), tr("finished cell"), tr("finished cells")), session_cells_folder(path));
    const quint64 id = writer_->submit(tr("Saving the session %1").arg(path), [path, snapshot = std::move(snapshot), written = written_] {
        write_session_snapshot(path, snapshot, *written);
        return QStringList{path};
    });
    saving_.insert(id, {path, summary});
}

void SessionFiles::flush() { writer_->flush(); }

bool SessionFiles::open(const QString& path) {
    flush();  // a session still being written is read whole
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
        autosave_->discardLeftover();  // opening read its cells and pasted images into the window
        leftover_.clear();
        restore_->setEnabled(false);
    }
    return restored;
}

}  // namespace facemix::ui

#include "studio_actions.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStyle>
#include <QToolBar>

namespace facemix::ui {
namespace {

QAction* action_of(QMainWindow* window, const QString& text, const QKeySequence& keys = {}) {
    auto* action = new QAction(text, window);
    if (!keys.isEmpty()) action->setShortcut(keys);
    return action;
}

// A menu's or tool bar's actions in order, a null one for each separator.
template <typename Bar>
void add_to(Bar* bar, const QList<QAction*>& actions) {
    for (QAction* action : actions)
        if (action)
            bar->addAction(action);
        else
            bar->addSeparator();
}

}  // namespace

StudioActions add_studio_actions(QMainWindow* window, const QList<QDockWidget*>& docks) {
    const auto tr = [](const char* text) { return QMainWindow::tr(text); };
    QStyle* style = window->style();
    StudioActions a;
    a.open_model_file = action_of(window, tr("&Open model file…"), QKeySequence::Open);
    a.open_model_file->setIcon(style->standardIcon(QStyle::SP_DialogOpenButton));
    a.open_model_folder = action_of(window, tr("Open model &folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    a.open_model_folder->setIcon(style->standardIcon(QStyle::SP_DirOpenIcon));
    a.open_default_model = action_of(window, tr("Open the &default model"));
    a.add_faces = action_of(window, tr("Add &face photos…"), QKeySequence(Qt::CTRL | Qt::Key_F));
    a.add_faces->setIcon(style->standardIcon(QStyle::SP_FileDialogNewFolder));
    a.add_backgrounds = action_of(window, tr("Add &background photos…"), QKeySequence(Qt::CTRL | Qt::Key_B));
    a.add_backgrounds->setIcon(style->standardIcon(QStyle::SP_FileDialogContentsView));
    QAction* quit = action_of(window, tr("&Quit"), QKeySequence::Quit);
    QObject::connect(quit, &QAction::triggered, window, &QMainWindow::close);

    a.mix = new QAction(style->standardIcon(QStyle::SP_MediaPlay), tr("&Mix"), window);
    a.mix->setObjectName(QStringLiteral("mixAction"));
    // Ctrl+Return as in other generators' UIs, Ctrl+M for Mix (older notes said so); Enter is the keypad's.
    a.mix->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter), QKeySequence(Qt::CTRL | Qt::Key_M)});
    a.mix->setEnabled(false);
    a.mix->setToolTip(tr("Generate every face × background cell that is not finished or locked (Ctrl+Return or Ctrl+M)"));
    a.export_cells = action_of(window, tr("&Export selected cells…"), QKeySequence(Qt::CTRL | Qt::Key_E));
    a.export_sheet = action_of(window, tr("Export &contact sheet…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    a.save_session = action_of(window, tr("&Save session…"), QKeySequence::Save);
    a.open_session = action_of(window, tr("Open &session…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    a.restore_session = action_of(window, tr("&Restore unsaved session"));
    a.restore_session->setObjectName(QStringLiteral("restoreUnsavedSession"));
    a.restore_session->setEnabled(false);
    a.cancel = action_of(window, tr("&Cancel"), QKeySequence(Qt::Key_Escape));
    a.cancel->setObjectName(QStringLiteral("cancelAction"));
    a.cancel->setIcon(style->standardIcon(QStyle::SP_MediaStop));
    a.clear_grid = action_of(window, tr("C&lear grid"));
    a.cast_face = action_of(window, tr("Cast the &face on a folder of backgrounds…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    a.cast_face->setObjectName(QStringLiteral("castFaceAction"));
    a.cast_face->setStatusTip(tr("Tries the selected face on every photo of a folder and ranks the cells by how much of the face's identity they kept"));
    a.cast_background = action_of(window, tr("Cast the &background with a folder of faces…"));
    a.cast_background->setObjectName(QStringLiteral("castBackgroundAction"));
    a.cast_background->setStatusTip(tr("Tries every face of a folder on the selected background and ranks the cells by how much of each face's identity they kept"));

    a.paste = action_of(window, tr("&Paste photo"), QKeySequence::Paste);
    a.paste->setStatusTip(tr("Adds the clipboard's image or photo files to the focused list (Faces unless Backgrounds has focus)"));
    a.paste_person = action_of(window, tr("Paste as a photo of the selected &person"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    a.paste_person->setObjectName(QStringLiteral("pastePersonAction"));
    a.paste_person->setStatusTip(tr("Adds the clipboard's image as another photo of the person in the selected Faces row"));
    a.zoom_in = action_of(window, tr("Zoom &in"), QKeySequence::ZoomIn);
    a.zoom_out = action_of(window, tr("Zoom &out"), QKeySequence::ZoomOut);
    a.zoom_fit = action_of(window, tr("Zoom to &fit"), QKeySequence(Qt::CTRL | Qt::Key_0));
    a.reset_layout = action_of(window, tr("&Reset layout"));

    QMenu* file = window->menuBar()->addMenu(tr("&File"));
    add_to(file, {a.open_model_file, a.open_model_folder, a.open_default_model});
    a.recent_models = file->addMenu(tr("Recent &models"));
    add_to(file, {nullptr, a.open_session, a.save_session, a.restore_session, nullptr, a.add_faces, a.add_backgrounds, nullptr,
                  a.export_cells, a.export_sheet, nullptr, quit});
    add_to(window->menuBar()->addMenu(tr("&Edit")), {a.paste, a.paste_person});
    add_to(window->menuBar()->addMenu(tr("&Mix")), {a.mix, a.cancel, nullptr, a.cast_face, a.cast_background, nullptr, a.clear_grid});
    QMenu* view = window->menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : docks) view->addAction(dock->toggleViewAction());
    add_to(view, {nullptr, a.zoom_in, a.zoom_out, a.zoom_fit, nullptr, a.reset_layout});
    QMenu* help = window->menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About facemix studio"), window, [window, tr] {
        QMessageBox::about(window, tr("About facemix studio"),
                           tr("<b>facemix studio %1</b><p>Face mixing with diffusion models: the identity from one photo, "
                              "everything else from another.</p>")
                               .arg(QStringLiteral(FACEMIX_VERSION)));
    });

    auto* tools = window->addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setMovable(false);
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    add_to(tools, {a.open_model_file, nullptr, a.add_faces, a.add_backgrounds, nullptr, a.mix, a.cancel});
    return a;
}

}  // namespace facemix::ui

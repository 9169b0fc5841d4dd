#pragma once

#include <QList>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace facemix::ui {

// The studio's commands as actions (texts, shortcuts, icons) and the menu bar and tool bar that offer
// them. What a command does is the window's to connect; only Quit and About, which need nothing of it
// but itself, come connected.
struct StudioActions {
    QAction* open_model_file = nullptr;
    QAction* open_model_folder = nullptr;
    QAction* open_default_model = nullptr;
    QMenu* recent_models = nullptr;  // filled by the window from the model panel's list
    QAction* open_session = nullptr;
    QAction* save_session = nullptr;
    QAction* restore_session = nullptr;  // disabled until there is an unsaved session to restore
    QAction* add_faces = nullptr;
    QAction* add_backgrounds = nullptr;
    QAction* export_cells = nullptr;
    QAction* export_sheet = nullptr;
    QAction* paste = nullptr;
    QAction* paste_person = nullptr;  // the clipboard's image as another photo of the selected Faces row's person
    QAction* mix = nullptr;  // disabled until the window has a model and sources
    QAction* cancel = nullptr;
    QAction* clear_grid = nullptr;
    // Cast: the selected (or first) face on every photo of a folder, or the selected background with
    // every face of a folder, ranked by identity kept.
    QAction* cast_face = nullptr;
    QAction* cast_background = nullptr;
    QAction* zoom_in = nullptr;
    QAction* zoom_out = nullptr;
    QAction* zoom_fit = nullptr;
    QAction* reset_layout = nullptr;
};

// Adds the menus and the main tool bar to `window`; View shows and hides each of `docks`.
StudioActions add_studio_actions(QMainWindow* window, const QList<QDockWidget*>& docks);

}  // namespace facemix::ui

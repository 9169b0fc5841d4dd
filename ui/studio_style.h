#pragma once

class QApplication;
class QIcon;

namespace facemix::ui {

// The studio's look: Qt's Fusion style with a dark neutral palette, so photos and generated images
// are judged against grey, as in other image tools, and the window looks the same on every desktop.
void apply_studio_style(QApplication& app);

// The facemix icon at every size the .deb installs, for the window and the task bar.
QIcon studio_icon();

}  // namespace facemix::ui

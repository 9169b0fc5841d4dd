#include "main_window.h"
#include "studio_style.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("facemix-studio");
    QApplication::setOrganizationName("facemix");
    QApplication::setApplicationVersion(FACEMIX_VERSION);
    QApplication::setDesktopFileName(QStringLiteral("facemix"));  // the task bar pairs the window with facemix.desktop
    QApplication::setWindowIcon(facemix::ui::studio_icon());
    facemix::ui::apply_studio_style(app);
    facemix::ui::MainWindow window;
    window.show();
    window.openStartupModel();
    window.offerUnsavedSession();
    return QApplication::exec();
}

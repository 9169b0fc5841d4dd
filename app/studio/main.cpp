#include "main_window.h"
#include "studio_command_line.h"
#include "studio_style.h"

#include <cstdio>
#include <cstring>

#include <QApplication>

namespace {

// --help and --version answer before Qt looks for a display, so they work over ssh and in scripts.
bool asks_for(int argc, char** argv, std::initializer_list<const char*> names) {
    for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i)
        for (const char* name : names)
            if (std::strcmp(argv[i], name) == 0) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (asks_for(argc, argv, {"--help", "-h"})) {
        std::fputs(facemix::ui::studio_usage().toLocal8Bit().constData(), stdout);
        return 0;
    }
    if (asks_for(argc, argv, {"--version"})) {
        std::printf("facemix-studio %s\n", FACEMIX_VERSION);
        return 0;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName("facemix-studio");
    QApplication::setOrganizationName("facemix");
    QApplication::setApplicationVersion(FACEMIX_VERSION);
    QApplication::setDesktopFileName(QStringLiteral("facemix"));  // the task bar pairs the window with facemix.desktop
    const facemix::ui::StudioCommandLine line = facemix::ui::parse_studio_command_line(QApplication::arguments().mid(1));
    if (!line.error.isEmpty()) {
        std::fprintf(stderr, "%s\n", line.error.toLocal8Bit().constData());
        return 2;
    }
    QApplication::setWindowIcon(facemix::ui::studio_icon());
    facemix::ui::apply_studio_style(app);
    facemix::ui::MainWindow window;
    window.show();
    if (!line.namesAModel()) window.openStartupModel();
    window.offerUnsavedSession();
    window.openPaths(line.faces);
    window.openPaths(line.backgrounds, true);
    return QApplication::exec();
}

#include <cstdio>

#include <QApplication>

#include "gui_test_registry.h"

namespace facemix::test {

std::map<std::string, GuiTestRunner>& gui_tests() {
    static std::map<std::string, GuiTestRunner> tests;
    return tests;
}

}  // namespace facemix::test

// facemix_gui_tests CLASS [QTest arguments…]: what QTEST_MAIN's main does for that one class.
int main(int argc, char** argv) {
    const auto& tests = facemix::test::gui_tests();
    const auto test = argc > 1 ? tests.find(argv[1]) : tests.end();
    if (test == tests.end()) {
        std::fprintf(stderr, "usage: facemix_gui_tests CLASS [QTest arguments]; the classes are:\n");
        for (const auto& [name, run] : tests) std::fprintf(stderr, "  %s\n", name.c_str());
        return 2;
    }
    QApplication application(argc, argv);
    QApplication::setAttribute(Qt::AA_Use96Dpi, true);
    // QTest reads its own options after the program name: drop the class name in between.
    argv[1] = argv[0];
    return test->second(argc - 1, argv + 1);
}

#pragma once

// Every GUI test class lives in one executable, facemix_gui_tests, which runs the class named by its
// first argument in a fresh QApplication: ctest still runs each class as its own process (a crash or
// a leaked setting stays with its class), while the build links, and runs moc for, one program
// instead of one per file. A test file ends with FACEMIX_GUI_TEST(Class) where QTEST_MAIN would be
// (tests/CMakeLists.txt reads the class name from that line).

#include <functional>
#include <map>
#include <string>

#include <QtTest>

namespace facemix::test {

using GuiTestRunner = std::function<int(int argc, char** argv)>;

// Class name → how to run it; filled before main by the FACEMIX_GUI_TEST lines.
std::map<std::string, GuiTestRunner>& gui_tests();

inline bool register_gui_test(const char* name, GuiTestRunner run) {
    gui_tests().emplace(name, std::move(run));
    return true;
}

}  // namespace facemix::test

#define FACEMIX_GUI_TEST(TestClass)                                               \
    FACEMIX_GUI_TEST_WITH_MAIN(TestClass, [](int argc, char** argv) {            \
        TestClass test;                                                           \
        return QTest::qExec(&test, argc, argv);                                   \
    })

// For a class whose program does more than run it (a test that starts itself again as a child):
// `run(argc, argv)` gets the QTest arguments, with the QApplication already made.
#define FACEMIX_GUI_TEST_WITH_MAIN(TestClass, run) \
    [[maybe_unused]] static const bool facemix_gui_test_##TestClass = facemix::test::register_gui_test(#TestClass, run);

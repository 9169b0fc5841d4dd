#include "main_window.h"

#include <QDockWidget>
#include <QtTest>

// Runs on the offscreen platform (tools/test.sh sets QT_QPA_PLATFORM=offscreen), so CI needs no display.
class MainWindowTest : public QObject {
    Q_OBJECT
private slots:
    void opensWithFacesAndBackgroundsPanels() {
        facemix::ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("facemix studio"));
        QStringList docks;
        for (auto* dock : window.findChildren<QDockWidget*>()) docks << dock->windowTitle();
        docks.sort();
        QCOMPARE(docks, (QStringList{"Backgrounds", "Faces"}));
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"

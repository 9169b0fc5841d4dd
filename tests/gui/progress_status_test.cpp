#include "progress_status.h"

#include <QtTest>

using namespace facemix::ui;

class ProgressStatusTest : public QObject {
    Q_OBJECT
private slots:
    void timeLeftFollowsThePaceSoFar() {
        QCOMPARE(time_left(5000, 0, 10), QString());               // nothing done: no pace yet
        QCOMPARE(time_left(5000, 10, 10), QString());              // done
        QCOMPARE(time_left(10000, 5, 10), QStringLiteral("about 10 s left"));
        QCOMPARE(time_left(100, 9, 10), QStringLiteral("under a second left"));
        QCOMPARE(time_left(60000, 1, 10), QStringLiteral("about 9 min left"));
        QCOMPARE(time_left(3600000, 1, 4), QStringLiteral("about 3.0 h left"));
    }

    void showsTheTaskAndHidesWhenFinished() {
        ProgressStatus status;
        status.show();
        status.setProgress(QStringLiteral("Generating 2 of 9 cells, about 40 s left"), 7, 36);
        QCOMPARE(status.task(), QStringLiteral("Generating 2 of 9 cells, about 40 s left"));
        QCOMPARE(status.done(), 7);
        QCOMPARE(status.total(), 36);
        QVERIFY(status.isVisible());
        status.finish();
        QVERIFY(!status.isVisible());
    }
};

QTEST_MAIN(ProgressStatusTest)
#include "progress_status_test.moc"

#include "progress_status.h"
#include "step_pace.h"

#include <QtTest>

#include "gui_test_registry.h"

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

    // The time left is the steps left at the pace of the recent measured steps: a slow first step (the
    // engine built, the sources embedded) fades out, and a batch step counts for each of its cells.
    void stepPaceFollowsTheRecentSteps() {
        StepPace pace;
        QVERIFY(!pace.msPerStep());
        QCOMPARE(pace.timeLeft(0, 10), QString());
        pace.add(2, {100.0, 100.0});
        QCOMPARE(*pace.msPerStep(), 100.0);
        QCOMPARE(pace.timeLeft(2, 12), QStringLiteral("about 1 s left"));
        QCOMPARE(pace.timeLeft(12, 12), QString());

        StepPace slow_start;
        slow_start.add(1, {5000.0});
        for (int done = 2; done <= 31; ++done) slow_start.add(done, {100.0});
        QCOMPARE(*slow_start.msPerStep(), 100.0);
        QCOMPARE(slow_start.timeLeft(31, 631), QStringLiteral("about 60 s left"));
        // A report without a measured step (a cell that failed) moves the count but not the pace.
        slow_start.add(40, {});
        QCOMPARE(*slow_start.msPerStep(), 100.0);

        StepPace batches;  // two cells per UNet call: each call advances two counted steps
        batches.add(4, {100.0, 100.0});
        QCOMPARE(*batches.msPerStep(), 50.0);
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

FACEMIX_GUI_TEST(ProgressStatusTest)
#include "progress_status_test.moc"

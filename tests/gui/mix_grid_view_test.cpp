#include "mix_grid_view.h"

#include <QSignalSpy>
#include <QtTest>

#include "gui_test_registry.h"

using namespace facemix::ui;

namespace {

QImage solid(QColor color, int side = 64) {
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(color);
    return image;
}

GridAxisItem axis(quint64 key, const QString& name) { return {key, name, solid(Qt::gray, 32)}; }

}  // namespace

class MixGridViewTest : public QObject {
    Q_OBJECT
private slots:
    void cellsFillAsResultsArriveAndEmptyOnesShowAPlaceholder() {
        MixGridView grid;
        grid.resize(900, 700);
        grid.setFaces({axis(1, "ann"), axis(2, "bob")});
        grid.setBackgrounds({axis(10, "beach"), axis(11, "city"), axis(12, "snow")});
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QCOMPARE(grid.rowCount(), 2);
        QCOMPARE(grid.columnCount(), 3);
        QCOMPARE(grid.filledCellCount(), 0);

        const QRect cell = grid.cellRect(1, 2);  // bob × snow
        const QImage before = grid.canvas()->grab().toImage();
        grid.setCell(2, 12, solid(QColor(250, 10, 10), 256));
        QCOMPARE(grid.filledCellCount(), 1);
        QCOMPARE(grid.cell(2, 12).pixelColor(0, 0), QColor(250, 10, 10));
        const QImage after = grid.canvas()->grab().toImage();
        // The filled cell shows the image; its neighbour still shows the placeholder it had.
        QCOMPARE(after.pixelColor(cell.center()), QColor(250, 10, 10));
        QVERIFY(before.pixelColor(cell.center()) != QColor(250, 10, 10));
        const QRect neighbour = grid.cellRect(1, 1);
        QCOMPARE(after.pixelColor(neighbour.center()), before.pixelColor(neighbour.center()));
    }

    void cellsFollowTheirFaceAndBackgroundWhenOthersAreRemoved() {
        MixGridView grid;
        grid.setFaces({axis(1, "ann"), axis(2, "bob")});
        grid.setBackgrounds({axis(10, "beach")});
        grid.setCell(2, 10, solid(Qt::blue));
        grid.setFaces({axis(2, "bob")});  // ann removed: bob moves to row 0 with his cell
        QCOMPARE(grid.rowCount(), 1);
        QCOMPARE(grid.faceKey(0), quint64(2));
        QCOMPARE(grid.filledCellCount(), 1);
        QCOMPARE(grid.cell(grid.faceKey(0), grid.backgroundKey(0)).pixelColor(5, 5), QColor(Qt::blue));
        grid.clearCells();
        QCOMPARE(grid.filledCellCount(), 0);
    }

    void clickNamesTheCellAndSelectsIt() {
        MixGridView grid;
        grid.resize(900, 700);
        grid.setFaces({axis(1, "ann"), axis(2, "bob")});
        grid.setBackgrounds({axis(10, "beach"), axis(11, "city")});
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QSignalSpy clicked(&grid, &MixGridView::cellClicked);
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, {}, grid.cellRect(1, 0).center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked[0][0].toULongLong(), quint64(2));
        QCOMPARE(clicked[0][1].toULongLong(), quint64(10));
        QCOMPARE(grid.selectedCell(), std::make_pair(1, 0));
        // Between cells and on the headers nothing is clicked.
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, {}, grid.cellRect(0, 0).topLeft() - QPoint(3, 3));
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, {}, QPoint(5, 5));
        QCOMPARE(clicked.count(), 1);
    }

    void busyCellsAreMarked() {
        MixGridView grid;
        grid.setFaces({axis(1, "ann")});
        grid.setBackgrounds({axis(10, "beach")});
        grid.setCellBusy(1, 10, true);
        QVERIFY(grid.isCellBusy(1, 10));
        grid.setCell(1, 10, solid(Qt::green));
        QVERIFY(!grid.isCellBusy(1, 10));  // a result ends the busy state
    }

    void zoomStaysWithinLimits() {
        MixGridView grid;
        grid.setCellSide(10);
        QCOMPARE(grid.cellSide(), MixGridView::kMinCellSide);
        grid.setCellSide(5000);
        QCOMPARE(grid.cellSide(), MixGridView::kMaxCellSide);
    }

    // The grid starts fitted to the view and follows it; a zoom of the user's own stays until Zoom to fit.
    void fitsTheWholeGridInTheViewUntilTheUserZooms() {
        MixGridView grid;
        grid.setFaces({axis(1, "ann"), axis(2, "bob"), axis(3, "cy")});
        grid.setBackgrounds({axis(10, "beach"), axis(11, "city"), axis(12, "snow")});
        grid.resize(1000, 700);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QVERIFY(grid.fitsToView());
        const QRect last = grid.cellRect(2, 2);
        QVERIFY2(last.bottom() < grid.viewport()->height() && last.right() < grid.viewport()->width(),
                 qPrintable(QStringLiteral("last cell %1,%2 in a %3x%4 view").arg(last.right()).arg(last.bottom())
                                .arg(grid.viewport()->width()).arg(grid.viewport()->height())));
        QVERIFY(grid.cellSide() > (700 - 3 * 200) / 3);  // as large as fits, not merely small
        const int fitted = grid.cellSide();
        grid.resize(1400, 1000);
        QTRY_VERIFY(grid.cellSide() > fitted);

        grid.setCellSide(120);
        QVERIFY(!grid.fitsToView());
        grid.resize(900, 600);
        QTest::qWait(20);
        QCOMPARE(grid.cellSide(), 120);
        grid.zoomToFit();
        QVERIFY(grid.fitsToView());
        QVERIFY(grid.cellRect(2, 2).bottom() < grid.viewport()->height());
        // A view too small for kMinCellSide cells still shows the whole grid when fitted.
        grid.resize(520, 420);
        QTRY_VERIFY(grid.cellSide() < MixGridView::kMinCellSide);
        QVERIFY(grid.cellRect(2, 2).bottom() < grid.viewport()->height());
        QVERIFY(grid.cellRect(2, 2).right() < grid.viewport()->width());
    }

    void aLongSeedShrinksToFitItsCaptionInsteadOfBeingCut() {
        const QFont base = QApplication::font();
        const QString seed = QStringLiteral("seed 18446744073709551557");
        const int narrow = QFontMetrics(base).horizontalAdvance(seed) * 7 / 10;
        const QFont small = MixGridView::captionFont(base, seed, narrow);
        QVERIFY(small.pointSizeF() < base.pointSizeF());
        QVERIFY(QFontMetrics(small).horizontalAdvance(seed) <= narrow);
        QCOMPARE(MixGridView::captionFont(base, QStringLiteral("seed 7"), 200).pointSizeF(), base.pointSizeF());
        // Where even the smallest font is too wide, the caption drops its word, then itself: never digits.
        QCOMPARE(MixGridView::captionShown(base, seed, narrow), seed);
        const QString number = QStringLiteral("18446744073709551557");
        const int for_the_number = QFontMetrics(MixGridView::captionFont(base, number, 1)).horizontalAdvance(number) + 1;
        QCOMPARE(MixGridView::captionShown(base, seed, for_the_number), number);
        QCOMPARE(MixGridView::captionShown(base, seed, 10), QString());
    }
};

FACEMIX_GUI_TEST(MixGridViewTest)
#include "mix_grid_view_test.moc"

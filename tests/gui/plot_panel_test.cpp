#include "interpolation_curve.h"
#include "plot_panel.h"
#include "similarity_heatmap.h"
#include "step_time_plot.h"
#include "studio_style.h"

#include <cmath>
#include <limits>

#include <QSignalSpy>
#include <QtTest>

#include "gui_test_registry.h"

using namespace facemix::ui;

namespace {

// Where a rendered plot goes for a look with an image viewer.
void save_for_eyes(QWidget& widget, const QString& name) {
    const QString path = QStringLiteral("/tmp/facemix_plot_%1.png").arg(name);
    QVERIFY2(widget.grab().save(path), qPrintable(path));
    qInfo("rendered %s", qPrintable(path));
}

QList<double> keys(const QCPGraph* graph) {
    QList<double> out;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) out << it->key;
    return out;
}

QList<double> values(const QCPGraph* graph) {
    QList<double> out;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) out << it->value;
    return out;
}

const double not_a_number = std::numeric_limits<double>::quiet_NaN();

// kSamePersonDistance is a float, so the scale's numbers are 0.6 and 1.2 to float precision.
bool near(double a, double b) { return std::abs(a - b) < 1e-6; }

facemix::IdentityReading distance(double value) { return {facemix::IdentityMeasure::DescriptorDistance, value, facemix::IdentityFallback::None}; }
facemix::IdentityReading cosine(double value, facemix::IdentityFallback why = facemix::IdentityFallback::NoFaceInCell) {
    return {facemix::IdentityMeasure::EncoderCosine, value, why};
}

}  // namespace

class PlotPanelTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { apply_studio_style(*qobject_cast<QApplication*>(QCoreApplication::instance())); }

    void heatmapHoldsEachCellsReadingAndLeavesTheRestBlank() {
        SimilarityHeatmap map;
        map.resize(640, 420);
        map.setSourceNames({"ann", "bob"}, {"beach", "city", "snow"});
        QCOMPARE(map.rowCount(), 2);
        QCOMPARE(map.columnCount(), 3);
        QCPColorMapData* data = map.colorMap()->data();
        QCOMPARE(data->keySize(), 3);    // columns: backgrounds along x
        QCOMPARE(data->valueSize(), 2);  // rows: faces along y

        // Nothing yet: the scale reads in descriptor distance, with no note.
        QCOMPARE(map.scaleLabel(), QStringLiteral("dlib distance to face source, < 0.6 = same person"));
        QVERIFY(map.note().isEmpty());

        map.setCellReading(1, 2, distance(0.3));   // bob × snow: the same person
        map.setCellReading(0, 0, distance(0.95));  // ann × beach: someone else
        map.setCellReading(0, 1, distance(-1e-9));  // rounding below 0 is clamped
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("outside the 2 x 3 grid"));
        map.setCellReading(2, 0, distance(0.5));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("not a number"));
        map.setCellReading(1, 0, distance(not_a_number));

        QCOMPARE(map.filledCellCount(), 3);
        QCOMPARE(data->cell(2, 1), 0.3);  // the map's colours are in distance units
        QCOMPARE(data->cell(0, 0), 0.95);
        QCOMPARE(data->cell(1, 0), 0.0);
        QCOMPARE(data->alpha(2, 1), static_cast<unsigned char>(255));
        QCOMPARE(data->alpha(0, 1), static_cast<unsigned char>(0));  // bob × beach: blank
        QCOMPARE(data->alpha(1, 1), static_cast<unsigned char>(0));  // bob × city: blank
        QCOMPARE(map.cellReading(1, 2)->value, 0.3);
        QVERIFY(map.cellReading(1, 2)->measure == facemix::IdentityMeasure::DescriptorDistance);
        QVERIFY(!map.cellReading(1, 0).has_value());
        QCOMPARE(map.cellLabel(1, 2), QStringLiteral("0.30"));
        QCOMPARE(map.cellLabel(0, 0), QStringLiteral("0.95"));
        QCOMPARE(map.cellLabel(1, 1), QString());
        QVERIFY(map.colorScale()->dataRange().lower == 0.0 && near(map.colorScale()->dataRange().upper, 1.2));  // 0.6 in the middle
        QVERIFY(map.colorScale()->axis()->rangeReversed());           // 0 (kept) on top
        QVERIFY(map.note().isEmpty());

        // A cell without a descriptor shows the encoder cosine, marked, and the note says why; the
        // scale stays in distance while any distance is shown.
        map.setCellReading(1, 1, cosine(0.8));
        QCOMPARE(map.cellLabel(1, 1), QStringLiteral("cos 0.80"));
        QVERIFY(near(data->cell(1, 1), 0.6 * (1 - 0.8)));  // a cosine's colour is the one it had on the cosine scale
        QCOMPARE(map.scaleLabel(), QStringLiteral("dlib distance to face source, < 0.6 = same person"));
        QVERIFY2(map.note().startsWith(QStringLiteral("cos: ")) && map.note().contains(QStringLiteral("no face found in the cell")),
                 qPrintable(map.note()));
        map.clearCell(1, 1);
        QVERIFY(map.note().isEmpty());

        // The axes name the sources at the cell centres; the scale is the fixed cosine range.
        const auto x_ticks = map.xAxis->ticker().dynamicCast<QCPAxisTickerText>()->ticks();
        const auto y_ticks = map.yAxis->ticker().dynamicCast<QCPAxisTickerText>()->ticks();
        QCOMPARE(x_ticks.value(0.0), QStringLiteral("beach"));
        QCOMPARE(x_ticks.value(2.0), QStringLiteral("snow"));
        QCOMPARE(y_ticks.value(1.0), QStringLiteral("bob"));
        QCOMPARE(x_ticks.size(), 3);
        QCOMPARE(y_ticks.size(), 2);
        QVERIFY(map.yAxis->rangeReversed());  // first face on top, as in the grid

        // On screen: a filled cell has its gradient colour, a blank one the grey between.
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        map.replot();
        const QImage image = map.grab().toImage();
        const double cell_width = map.xAxis->coordToPixel(1) - map.xAxis->coordToPixel(0);
        auto pixel = [&](int row, int column) {
            // A quarter cell left of the centre, clear of the printed number.
            const QPointF at = map.cellCentre(row, column) - QPointF(cell_width / 4, 0);
            return image.pixelColor(at.toPoint());
        };
        QCPColorGradient gradient = map.colorMap()->gradient();
        QCOMPARE(pixel(1, 2), QColor(gradient.color(0.3, map.colorMap()->dataRange())));
        QCOMPARE(pixel(0, 0), QColor(gradient.color(0.95, map.colorMap()->dataRange())));
        QVERIFY(pixel(1, 2) != pixel(0, 0));
        const QColor blank = pixel(1, 1);
        QCOMPARE(pixel(1, 0), blank);
        QCOMPARE(blank, map.axisRect()->backgroundBrush().color());
        save_for_eyes(map, QStringLiteral("heatmap"));

        QSignalSpy clicked(&map, &SimilarityHeatmap::cellClicked);
        QTest::mouseClick(&map, Qt::LeftButton, {}, map.cellCentre(1, 2).toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked[0][0].toInt(), 1);
        QCOMPARE(clicked[0][1].toInt(), 2);

        map.clear();
        QCOMPARE(map.filledCellCount(), 0);
        QCOMPARE(map.rowCount(), 2);
        QCOMPARE(data->alpha(2, 1), static_cast<unsigned char>(0));
        QCOMPARE(map.cellLabel(1, 2), QString());

        map.setSourceNames({"ann"}, {"beach", "city", "snow", "room"});  // new shape: all blank, relabelled
        map.setCellReading(0, 3, cosine(0.5, facemix::IdentityFallback::NoDescriptorModel));
        QCOMPARE(map.colorMap()->data()->keySize(), 4);
        QCOMPARE(map.colorMap()->data()->valueSize(), 1);
        QCOMPARE(map.filledCellCount(), 1);
        QVERIFY(near(map.colorMap()->data()->cell(3, 0), 0.6 * (1 - 0.5)));
        // Nothing but cosines: the scale reads in cosine, and the note names the missing model.
        QCOMPARE(map.scaleLabel(), QStringLiteral("encoder face-crop cosine (no dlib descriptor)"));
        QCOMPARE(map.colorScale()->dataRange(), QCPRange(-1.0, 1.0));
        QVERIFY(!map.colorScale()->axis()->rangeReversed());
        QVERIFY2(map.note().contains(QStringLiteral("no face-recognition model")), qPrintable(map.note()));
        QCOMPARE(map.xAxis->ticker().dynamicCast<QCPAxisTickerText>()->ticks().value(3.0), QStringLiteral("room"));
        map.replot();
        QVERIFY(map.labelsShown());

        // Forty backgrounds in a small dock: the numbers would overlap, so only the colours show.
        QStringList many;
        for (int i = 0; i < 40; ++i) many << QStringLiteral("bg%1").arg(i);
        map.setSourceNames({"ann", "bob"}, many);
        map.setCellReading(1, 39, distance(0.3));
        map.resize(320, 240);
        map.replot();
        QVERIFY(!map.labelsShown());
        QCOMPARE(map.cellLabel(1, 39), QStringLiteral("0.30"));
        map.resize(4000, 400);
        map.replot();
        QVERIFY(map.labelsShown());
    }

    void interpolationCurveKeepsPointsSortedAndReplacesRepeats() {
        InterpolationCurve curve;
        curve.resize(640, 360);
        curve.setEndpointNames("ann", "bob");
        QCOMPARE(curve.curveA()->name(), QStringLiteral("closeness to ann"));
        QCOMPARE(curve.curveB()->name(), QStringLiteral("closeness to bob"));

        // Previews arrive in the order the user moves the slider.
        curve.addPoint(0.75, 0.40, 0.85);
        curve.addPoint(0.0, 1.00, 0.30);
        curve.addPoint(1.0, 0.28, 1.00);
        curve.addPoint(0.25, 0.88, 0.42);
        curve.addPoint(0.5, 0.10, 0.10);
        curve.addPoint(0.5, 0.64, 0.61);  // previewed again: replaces
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("outside \\[0, 1\\]"));
        curve.addPoint(1.5, 0.2, 0.2);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("outside \\[0, 1\\]"));
        curve.addPoint(not_a_number, 0.2, 0.2);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("not a number"));
        curve.addPoint(0.6, not_a_number, 0.2);

        QCOMPARE(curve.pointCount(), 5);
        QCOMPARE(curve.curveB()->dataCount(), 5);
        QCOMPARE(keys(curve.curveA()), (QList<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
        QCOMPARE(keys(curve.curveB()), (QList<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
        QCOMPARE(values(curve.curveA()), (QList<double>{1.00, 0.88, 0.64, 0.40, 0.28}));
        QCOMPARE(values(curve.curveB()), (QList<double>{0.30, 0.42, 0.61, 0.85, 1.00}));
        QVERIFY(curve.yAxis->range().contains(0.28));
        QVERIFY(curve.yAxis->range().contains(1.0));

        curve.setCursorPosition(0.3);
        QCOMPARE(curve.cursorPosition(), 0.3);
        QCOMPARE(curve.cursorLine()->point1->coords().x(), 0.3);
        QCOMPARE(curve.cursorLine()->point2->coords().x(), 0.3);  // vertical
        QVERIFY(curve.cursorLine()->point1->coords().y() != curve.cursorLine()->point2->coords().y());

        curve.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curve));
        curve.replot();
        // The cursor is drawn at 0.3 on the x axis: its colour appears in that pixel column, and not
        // halfway to the next point.
        const QImage image = curve.grab().toImage();
        const int x = static_cast<int>(std::lround(curve.xAxis->coordToPixel(0.3)));
        const int away = static_cast<int>(std::lround(curve.xAxis->coordToPixel(0.4)));
        auto column_has_cursor = [&](int column) {
            const QRect rect = curve.axisRect()->rect();
            for (int y = rect.top(); y <= rect.bottom(); ++y) {
                const QColor c = image.pixelColor(column, y);
                if (std::abs(c.red() - 204) < 24 && std::abs(c.green() - 121) < 24 && std::abs(c.blue() - 167) < 24) return true;
            }
            return false;
        };
        QVERIFY(column_has_cursor(x) || column_has_cursor(x - 1) || column_has_cursor(x + 1));
        QVERIFY(!column_has_cursor(away));
        save_for_eyes(curve, QStringLiteral("interpolation"));

        curve.setCursorPosition(1.7);
        QCOMPARE(curve.cursorPosition(), 1.0);
        curve.clear();
        QCOMPARE(curve.pointCount(), 0);
        QCOMPARE(curve.curveB()->dataCount(), 0);
        QCOMPARE(curve.cursorPosition(), 1.0);  // clearing the points leaves the slider where it is
    }

    void stepTimesAccumulateWithTheirMeanInTheTitle() {
        StepTimePlot plot;
        plot.resize(640, 360);
        QCOMPARE(plot.title()->text(), QStringLiteral("Time per step"));
        QVERIFY(!plot.meanLine()->visible());

        const QList<double> ms{180.0, 42.5, 40.0, 41.5, 39.0, 43.0};  // a first step that compiles kernels
        for (double m : ms) plot.addStep(m);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("is not a duration"));
        plot.addStep(-3.0);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("is not a duration"));
        plot.addStep(std::numeric_limits<double>::infinity());

        QCOMPARE(plot.stepCount(), 6);
        QCOMPARE(keys(plot.steps()), (QList<double>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(values(plot.steps()), ms);
        const double mean = (180.0 + 42.5 + 40.0 + 41.5 + 39.0 + 43.0) / 6.0;  // 64.333...
        QCOMPARE(plot.meanMs(), mean);
        QCOMPARE(plot.title()->text(), QStringLiteral("Time per step: mean 64.3 ms over 6 steps"));
        QVERIFY(plot.meanLine()->visible());
        QCOMPARE(plot.meanLine()->point1->coords().y(), mean);
        QCOMPARE(plot.meanLine()->point2->coords().y(), mean);  // horizontal
        QVERIFY(plot.yAxis->range().contains(180.0));
        QCOMPARE(plot.yAxis->range().lower, 0.0);

        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.replot();
        save_for_eyes(plot, QStringLiteral("step_time"));

        plot.clear();
        QCOMPARE(plot.stepCount(), 0);
        QCOMPARE(plot.meanMs(), 0.0);
        QCOMPARE(plot.title()->text(), QStringLiteral("Time per step"));
        plot.addStep(2.5);
        QCOMPARE(plot.title()->text(), QStringLiteral("Time per step: mean 2.50 ms over 1 step"));
        QCOMPARE(keys(plot.steps()), QList<double>{1.0});  // numbering restarts
    }

    void panelHoldsTheThreePlotsInTabsOnTheDarkPalette() {
        PlotPanel panel;
        panel.resize(700, 440);
        QCOMPARE(panel.count(), 3);
        QCOMPARE(panel.widget(0), static_cast<QWidget*>(panel.similarity()));
        QCOMPARE(panel.widget(1), static_cast<QWidget*>(panel.interpolation()));
        QCOMPARE(panel.widget(2), static_cast<QWidget*>(panel.stepTimes()));
        // Dark theme: the plot background is the studio's window colour, the tick labels its text.
        const QPalette palette = QApplication::palette();
        QCOMPARE(panel.stepTimes()->xAxis->tickLabelColor(), palette.color(QPalette::WindowText));
        QCOMPARE(panel.similarity()->colorScale()->axis()->tickLabelColor(), palette.color(QPalette::WindowText));
        QVERIFY(palette.color(QPalette::Window).lightness() < 100);

        panel.similarity()->setSourceNames({"ann", "bob", "cy"}, {"beach", "city", "snow", "room"});
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 4; ++c)
                if ((r + c) % 5 != 4)
                    panel.similarity()->setCellReading(r, c, r == 2 && c == 0 ? cosine(0.4) : distance(0.2 + 0.15 * r + 0.12 * c));
        for (int i = 0; i <= 10; ++i) {
            const double t = i / 10.0;
            panel.interpolation()->addPoint(t, std::cos(t * 1.4), std::cos((1 - t) * 1.4));
        }
        panel.interpolation()->setCursorPosition(0.4);
        for (int i = 0; i < 30; ++i) panel.stepTimes()->addStep(40.0 + 3.0 * std::sin(i) + (i == 0 ? 120.0 : 0.0));

        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const char* names[] = {"panel_similarity", "panel_interpolation", "panel_step_time"};
        for (int i = 0; i < panel.count(); ++i) {
            panel.setCurrentIndex(i);
            auto* plot = qobject_cast<QCustomPlot*>(panel.currentWidget());
            QVERIFY(plot);
            plot->replot();
            QCOMPARE(plot->toPixmap().toImage().pixelColor(2, 2), palette.color(QPalette::Window));
            save_for_eyes(panel, QString::fromLatin1(names[i]));
        }
    }
};

FACEMIX_GUI_TEST(PlotPanelTest)
#include "plot_panel_test.moc"

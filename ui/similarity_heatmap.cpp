#include "similarity_heatmap.h"

#include <algorithm>
#include <cmath>

#include "identity/face_descriptor.h"
#include "plot_theme.h"

namespace facemix::ui {

namespace {

// Diverging around 0 with a dark middle, so on the dark studio background only real agreement or
// disagreement stands out: -1 brick red, 0 slate, +1 green-teal.
QCPColorGradient similarity_gradient() {
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, QColor(196, 64, 56));
    gradient.setColorStopAt(0.5, QColor(62, 66, 78));
    gradient.setColorStopAt(0.8, QColor(40, 140, 150));
    gradient.setColorStopAt(1.0, QColor(120, 220, 140));
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    return gradient;
}

QColor blank_colour() { return QColor(88, 89, 94); }

// The map's colours are in distance units, 0 (kept) to twice the same-person line (lost), so that line
// falls on the gradient's neutral middle. A cosine c takes the colour of kSamePersonDistance * (1 - c),
// which is the colour it had on the old [-1, 1] cosine scale: 1 green, 0 neutral, -1 red.
constexpr double kDistanceShown = 2.0 * facemix::kSamePersonDistance;

double colour_coordinate(const facemix::IdentityReading& reading) {
    if (reading.measure == facemix::IdentityMeasure::DescriptorDistance) return reading.value;
    return facemix::kSamePersonDistance * (1.0 - reading.value);
}

bool is_cosine(const std::optional<facemix::IdentityReading>& reading) {
    return reading && reading->measure == facemix::IdentityMeasure::EncoderCosine;
}

}  // namespace

SimilarityHeatmap::SimilarityHeatmap(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(240, 130);  // low, so the Plots dock leaves the grid its room in a small window
    title_ = new QCPTextElement(this, tr("Identity kept: each cell against its face source"), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);
    note_ = new QCPTextElement(this, QString(), QFont(font().family(), font().pointSize() - 1));
    plotLayout()->addElement(2, 0, note_);

    map_ = new QCPColorMap(xAxis, yAxis);
    map_->setInterpolate(false);  // a cell is one measurement: no blending into its neighbours
    map_->setTightBoundary(false);
    map_->setGradient(similarity_gradient().inverted());
    map_->setDataRange(QCPRange(0.0, kDistanceShown));  // fixed: a run of all-0.3 cells must not look like a spread

    // Not linked to the map: it is relabelled between distance and cosine (updateMeasure) while the
    // map's colours stay in distance units.
    scale_ = new QCPColorScale(this);
    plotLayout()->addElement(1, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    auto* margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    xAxis->setLabel(tr("background"));
    yAxis->setLabel(tr("face"));
    yAxis->setRangeReversed(true);  // first face at the top, as in the mix grid
    xAxis->grid()->setVisible(false);
    yAxis->grid()->setVisible(false);
    xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    yAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    xAxis->setSubTicks(false);
    yAxis->setSubTicks(false);

    connect(this, &QCustomPlot::mousePress, this, &SimilarityHeatmap::onMousePress);
    connect(this, &QCustomPlot::beforeReplot, this, &SimilarityHeatmap::fitLabels);
    applyTheme();
    resizeGrid(0, 0);
}

std::optional<facemix::IdentityReading> SimilarityHeatmap::cellReading(int row, int column) const {
    if (row < 0 || column < 0 || row >= rows_ || column >= columns_) return std::nullopt;
    return values_[static_cast<std::size_t>(row * columns_ + column)];
}

int SimilarityHeatmap::filledCellCount() const {
    return static_cast<int>(std::count_if(values_.begin(), values_.end(), [](const auto& v) { return v.has_value(); }));
}

QString SimilarityHeatmap::scaleLabel() const { return scale_->axis()->label(); }

QString SimilarityHeatmap::note() const { return note_->text(); }

QString SimilarityHeatmap::cellLabel(int row, int column) const {
    if (row < 0 || column < 0 || row >= rows_ || column >= columns_) return {};
    return labels_[static_cast<std::size_t>(row * columns_ + column)]->text();
}

QPointF SimilarityHeatmap::cellCentre(int row, int column) const {
    return {xAxis->coordToPixel(column), yAxis->coordToPixel(row)};
}

void SimilarityHeatmap::resizeGrid(int rows, int columns) {
    rows = std::max(rows, 0);
    columns = std::max(columns, 0);
    for (QCPItemText* label : labels_) removeItem(label);
    labels_.clear();
    rows_ = rows;
    columns_ = columns;
    values_.assign(static_cast<std::size_t>(rows * columns), std::nullopt);
    // QCPColorMapData needs at least one cell; an empty grid keeps one fully transparent cell.
    map_->data()->setSize(std::max(columns, 1), std::max(rows, 1));
    map_->data()->setRange(QCPRange(0, std::max(columns - 1, 0)), QCPRange(0, std::max(rows - 1, 0)));
    map_->data()->fill(0.0);
    map_->data()->fillAlpha(0);
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < columns; ++c) {
            auto* label = new QCPItemText(this);
            label->setClipToAxisRect(true);
            label->position->setType(QCPItemPosition::ptPlotCoords);
            label->position->setCoords(c, r);
            label->setPositionAlignment(Qt::AlignCenter);
            label->setColor(QColor(240, 240, 240));
            label->setText(QString());  // QCPItemText starts as "text"
            labels_.push_back(label);
        }
    }
    updateAxes();
    updateMeasure();
    replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityHeatmap::setSourceNames(const QStringList& faces, const QStringList& backgrounds) {
    face_names_ = faces;
    background_names_ = backgrounds;
    if (faces.size() != rows_ || backgrounds.size() != columns_)
        resizeGrid(static_cast<int>(faces.size()), static_cast<int>(backgrounds.size()));
    else
        updateAxes();
    replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityHeatmap::setCellReading(int row, int column, const facemix::IdentityReading& reading) {
    if (row < 0 || column < 0 || row >= rows_ || column >= columns_) {
        qWarning("SimilarityHeatmap: cell (%d, %d) is outside the %d x %d grid", row, column, rows_, columns_);
        return;
    }
    if (!std::isfinite(reading.value)) {
        qWarning("SimilarityHeatmap: the reading for cell (%d, %d) is not a number", row, column);
        return;
    }
    facemix::IdentityReading clamped = reading;
    clamped.value = clamped.measure == facemix::IdentityMeasure::DescriptorDistance ? std::clamp(reading.value, 0.0, 2.0)
                                                                                   : std::clamp(reading.value, -1.0, 1.0);
    values_[static_cast<std::size_t>(row * columns_ + column)] = clamped;
    map_->data()->setCell(column, row, colour_coordinate(clamped));
    map_->data()->setAlpha(column, row, 255);
    updateLabel(row, column);
    updateMeasure();
    replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityHeatmap::clearCell(int row, int column) {
    if (row < 0 || column < 0 || row >= rows_ || column >= columns_) return;
    values_[static_cast<std::size_t>(row * columns_ + column)].reset();
    map_->data()->setCell(column, row, 0.0);
    map_->data()->setAlpha(column, row, 0);
    updateLabel(row, column);
    updateMeasure();
    replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityHeatmap::clear() {
    std::fill(values_.begin(), values_.end(), std::nullopt);
    map_->data()->fill(0.0);
    map_->data()->fillAlpha(0);
    for (QCPItemText* label : labels_) label->setText(QString());
    updateMeasure();
    replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityHeatmap::changeEvent(QEvent* event) {
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyTheme();
        replot(QCustomPlot::rpQueuedReplot);
    }
}

void SimilarityHeatmap::applyTheme() {
    apply_plot_theme(*this);
    axisRect()->setBackground(blank_colour());  // what a blank (transparent) cell shows
    const QColor text = palette().color(QPalette::WindowText);
    QCPAxis* axis = scale_->axis();
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
}

void SimilarityHeatmap::updateAxes() {
    // A tick per source, named; unnamed ones (names not given yet) get their 1-based number.
    auto label_ticks = [](QCPAxis* axis, const QStringList& names, int count) {
        auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
        ticker->clear();
        for (int i = 0; i < count; ++i)
            ticker->addTick(i, i < names.size() && !names[i].isEmpty() ? names[i] : QString::number(i + 1));
        axis->setRange(-0.5, std::max(count, 1) - 0.5);
    };
    label_ticks(xAxis, background_names_, columns_);
    label_ticks(yAxis, face_names_, rows_);
}

void SimilarityHeatmap::updateLabel(int row, int column) {
    const auto value = values_[static_cast<std::size_t>(row * columns_ + column)];
    QString text;
    if (value) text = (is_cosine(value) ? tr("cos %1") : QStringLiteral("%1")).arg(value->value, 0, 'f', 2);
    labels_[static_cast<std::size_t>(row * columns_ + column)]->setText(text);
}

void SimilarityHeatmap::updateMeasure() {
    const bool any_distance = std::any_of(values_.begin(), values_.end(), [](const auto& v) {
        return v && v->measure == facemix::IdentityMeasure::DescriptorDistance;
    });
    QStringList reasons;
    for (const auto& value : values_)
        if (is_cosine(value)) {
            const QString reason = QString::fromStdString(facemix::fallback_reason(value->fallback));
            if (!reason.isEmpty() && !reasons.contains(reason)) reasons << reason;
        }
    const bool any_cosine = std::any_of(values_.begin(), values_.end(), is_cosine);
    // The scale reads in distance unless there is nothing but cosines; both orders put "kept" on top.
    if (any_distance || !any_cosine) {
        scale_->setGradient(similarity_gradient().inverted());
        scale_->setDataRange(QCPRange(0.0, kDistanceShown));
        scale_->axis()->setRangeReversed(true);
        scale_->axis()->setLabel(tr("dlib distance to face source, < %1 = same person").arg(facemix::kSamePersonDistance, 0, 'g', 2));
    } else {
        scale_->setGradient(similarity_gradient());
        scale_->setDataRange(QCPRange(-1.0, 1.0));
        scale_->axis()->setRangeReversed(false);
        scale_->axis()->setLabel(tr("encoder face-crop cosine (no dlib descriptor)"));
    }
    QString note;
    if (any_cosine) {
        note = tr("cos: cosine of the model encoder's face crops, not an identity measure");
        if (!reasons.isEmpty()) note += tr(" (%1)").arg(reasons.join(QStringLiteral("; ")));
    }
    note_->setText(note);
}

void SimilarityHeatmap::onMousePress(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !axisRect()->rect().contains(event->position().toPoint())) return;
    const int column = static_cast<int>(std::lround(xAxis->pixelToCoord(event->position().x())));
    const int row = static_cast<int>(std::lround(yAxis->pixelToCoord(event->position().y())));
    if (row >= 0 && row < rows_ && column >= 0 && column < columns_) emit cellClicked(row, column);
}

void SimilarityHeatmap::fitLabels() {
    // "-0.25" needs about five digit widths and a line; below that the numbers would overlap.
    const QFontMetrics metrics(labels_.empty() ? font() : labels_.front()->font());
    const double cell_width = std::abs(xAxis->coordToPixel(1) - xAxis->coordToPixel(0));
    const double cell_height = std::abs(yAxis->coordToPixel(1) - yAxis->coordToPixel(0));
    const QString widest = std::any_of(values_.begin(), values_.end(), is_cosine) ? tr("cos %1").arg(QStringLiteral("-0.00")) : QStringLiteral("0.00");
    labels_shown_ = cell_width >= metrics.horizontalAdvance(widest) + 4 && cell_height >= metrics.height() + 2;
    for (QCPItemText* label : labels_) label->setVisible(labels_shown_);
}

}  // namespace facemix::ui

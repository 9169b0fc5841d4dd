#include "mix_grid_view.h"

#include <algorithm>

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

namespace facemix::ui {
namespace {

constexpr int kGap = 8;
constexpr int kHeaderThumb = 72;
constexpr int kRowHeaderWidth = kHeaderThumb + 2 * kGap + 56;  // thumbnail, then the name beside it
constexpr int kColumnHeaderHeight = kHeaderThumb + 2 * kGap + 20;  // thumbnail, then the name below it

QPixmap fitted(const QImage& image, int side) {
    return QPixmap::fromImage(image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

}  // namespace

// The painted surface inside the scroll area; MixGridView owns the data.
class MixGridCanvas : public QWidget {
public:
    explicit MixGridCanvas(MixGridView* view) : QWidget(view), view_(view) {
        setObjectName(QStringLiteral("mixGridCanvas"));
        setMouseTracking(true);
        setAttribute(Qt::WA_OpaquePaintEvent);
    }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override { event->accept(); }  // the press did the work
    void leaveEvent(QEvent*) override {
        view_->hovered_ = {-1, -1};
        update();
    }

private:
    void paintHeaders(QPainter& painter, const QRect& dirty);
    void paintCell(QPainter& painter, int row, int column);

    MixGridView* view_;
};

MixGridView::MixGridView(QWidget* parent) : QScrollArea(parent) {
    setObjectName(QStringLiteral("mixGrid"));
    canvas_ = new MixGridCanvas(this);
    setWidget(canvas_);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    relayout();
}

QWidget* MixGridView::canvas() const { return canvas_; }

void MixGridView::setFaces(const QList<GridAxisItem>& faces) {
    faces_ = faces;
    face_headers_.clear();
    for (const auto& item : faces_) face_headers_ << fitted(item.thumbnail, kHeaderThumb);
    selected_ = hovered_ = {-1, -1};
    relayout();
}

void MixGridView::setBackgrounds(const QList<GridAxisItem>& backgrounds) {
    backgrounds_ = backgrounds;
    background_headers_.clear();
    for (const auto& item : backgrounds_) background_headers_ << fitted(item.thumbnail, kHeaderThumb);
    selected_ = hovered_ = {-1, -1};
    relayout();
}

void MixGridView::setCell(quint64 face, quint64 background, const QImage& image) {
    Cell& cell = cells_[{face, background}];
    cell.image = image;
    cell.scaled = QPixmap();
    cell.busy = false;
    canvas_->update();
}

void MixGridView::setCellBusy(quint64 face, quint64 background, bool busy) {
    cells_[{face, background}].busy = busy;
    canvas_->update();
}

void MixGridView::clearCells() {
    cells_.clear();
    canvas_->update();
}

QString MixGridView::faceName(quint64 face) const {
    for (const auto& item : faces_)
        if (item.key == face) return item.name;
    return {};
}

QString MixGridView::backgroundName(quint64 background) const {
    for (const auto& item : backgrounds_)
        if (item.key == background) return item.name;
    return {};
}

QImage MixGridView::cell(quint64 face, quint64 background) const {
    auto found = cells_.find({face, background});
    return found == cells_.end() ? QImage() : found->second.image;
}

bool MixGridView::isCellBusy(quint64 face, quint64 background) const {
    auto found = cells_.find({face, background});
    return found != cells_.end() && found->second.busy;
}

int MixGridView::filledCellCount() const {
    int filled = 0;
    for (const auto& face : faces_)
        for (const auto& background : backgrounds_)
            if (!cell(face.key, background.key).isNull()) ++filled;
    return filled;
}

void MixGridView::setCellSide(int side) {
    side = std::clamp(side, kMinCellSide, kMaxCellSide);
    if (side == cell_side_) return;
    cell_side_ = side;
    for (auto& [key, cell] : cells_) cell.scaled = QPixmap();
    relayout();
}

QRect MixGridView::cellRect(int row, int column) const {
    return QRect(kRowHeaderWidth + kGap + column * (cell_side_ + kGap), kColumnHeaderHeight + kGap + row * (cell_side_ + kGap),
                 cell_side_, cell_side_);
}

QSize MixGridView::contentSize() const {
    if (faces_.isEmpty() || backgrounds_.isEmpty()) return {0, 0};
    const QRect last = cellRect(rowCount() - 1, columnCount() - 1);
    return {last.right() + kGap + 1, last.bottom() + kGap + 1};
}

void MixGridView::relayout() {
    canvas_->setMinimumSize(contentSize());
    canvas_->updateGeometry();
    canvas_->update();
}

std::pair<int, int> MixGridView::cellAt(const QPoint& point) const {
    const int x = point.x() - kRowHeaderWidth - kGap;
    const int y = point.y() - kColumnHeaderHeight - kGap;
    if (x < 0 || y < 0) return {-1, -1};
    const int column = x / (cell_side_ + kGap);
    const int row = y / (cell_side_ + kGap);
    if (row >= rowCount() || column >= columnCount() || !cellRect(row, column).contains(point)) return {-1, -1};
    return {row, column};
}

void MixGridView::wheelEvent(QWheelEvent* event) {
    if (event->modifiers() & Qt::ControlModifier) {
        setCellSide(cell_side_ + (event->angleDelta().y() > 0 ? 16 : -16));
        event->accept();
        return;
    }
    QScrollArea::wheelEvent(event);
}

void MixGridCanvas::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    painter.setRenderHint(QPainter::Antialiasing);
    if (view_->faces_.isEmpty() || view_->backgrounds_.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        QFont font = painter.font();
        font.setPointSizeF(font.pointSizeF() * 1.2);
        painter.setFont(font);
        painter.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Drop face photos on the Faces column and other photos on the Backgrounds row.\n"
                            "Every face meets every background here: one row per face, one column per background."));
        return;
    }
    paintHeaders(painter, event->rect());
    for (int row = 0; row < view_->rowCount(); ++row)
        for (int column = 0; column < view_->columnCount(); ++column)
            if (event->rect().intersects(view_->cellRect(row, column))) paintCell(painter, row, column);
}

void MixGridCanvas::paintHeaders(QPainter& painter, const QRect& dirty) {
    const QColor text = palette().color(QPalette::Text);
    const QColor faint = palette().color(QPalette::PlaceholderText);
    const QFontMetrics metrics(painter.font());
    painter.setPen(faint);
    painter.drawText(QRect(kGap, kGap, kRowHeaderWidth, kColumnHeaderHeight - kGap), Qt::AlignLeft | Qt::AlignBottom,
                     tr("face ↓  background →"));
    for (int column = 0; column < view_->columnCount(); ++column) {
        const QRect cell = view_->cellRect(0, column);
        const QRect header(cell.left(), kGap, cell.width(), kColumnHeaderHeight - kGap);
        if (!dirty.intersects(header)) continue;
        const GridAxisItem& item = view_->backgrounds_[column];
        const QPixmap& thumb = view_->background_headers_[column];
        painter.drawPixmap(header.center().x() - thumb.width() / 2, header.top(), thumb);
        painter.setPen(text);
        painter.drawText(QRect(header.left(), header.top() + kHeaderThumb + 2, header.width(), 18), Qt::AlignCenter,
                         metrics.elidedText(item.name, Qt::ElideMiddle, header.width()));
    }
    for (int row = 0; row < view_->rowCount(); ++row) {
        const QRect cell = view_->cellRect(row, 0);
        const QRect header(kGap, cell.top(), kRowHeaderWidth - kGap, cell.height());
        if (!dirty.intersects(header)) continue;
        const GridAxisItem& item = view_->faces_[row];
        const QPixmap& thumb = view_->face_headers_[row];
        const int top = header.center().y() - (thumb.height() + 20) / 2;
        painter.drawPixmap(header.left() + (header.width() - thumb.width()) / 2, top, thumb);
        painter.setPen(text);
        painter.drawText(QRect(header.left(), top + thumb.height() + 2, header.width(), 18), Qt::AlignCenter,
                         metrics.elidedText(item.name, Qt::ElideMiddle, header.width()));
    }
}

void MixGridCanvas::paintCell(QPainter& painter, int row, int column) {
    const QRect rect = view_->cellRect(row, column);
    const MixGridView::Key key{view_->faces_[row].key, view_->backgrounds_[column].key};
    auto found = view_->cells_.find(key);
    MixGridView::Cell* cell = found == view_->cells_.end() ? nullptr : &found->second;
    const bool selected = view_->selected_ == std::make_pair(row, column);
    const bool hovered = view_->hovered_ == std::make_pair(row, column);

    QPainterPath frame;
    frame.addRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    if (cell && !cell->image.isNull()) {
        if (cell->scaled.isNull()) cell->scaled = fitted(cell->image, view_->cell_side_);
        painter.save();
        painter.setClipPath(frame);
        painter.fillRect(rect, Qt::black);
        painter.drawPixmap(rect.center().x() - cell->scaled.width() / 2, rect.center().y() - cell->scaled.height() / 2,
                           cell->scaled);
        painter.restore();
    } else {
        painter.fillPath(frame, palette().color(QPalette::AlternateBase));
        painter.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
        painter.drawPath(frame);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect, Qt::AlignCenter, cell && cell->busy ? tr("generating…") : tr("empty"));
    }
    if (cell && cell->busy && !cell->image.isNull()) {
        painter.fillPath(frame, QColor(0, 0, 0, 110));
        painter.setPen(Qt::white);
        painter.drawText(rect, Qt::AlignCenter, tr("generating…"));
    }
    if (selected || hovered) {
        painter.setPen(QPen(selected ? palette().color(QPalette::Highlight) : palette().color(QPalette::Midlight), selected ? 3 : 1.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(frame);
    }
}

void MixGridCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    event->accept();
    const auto at = view_->cellAt(event->position().toPoint());
    if (at.first < 0) {  // a click beside the cells clears the selection
        view_->selected_ = {-1, -1};
        update();
        return;
    }
    view_->selected_ = at;
    update();
    emit view_->cellClicked(view_->faces_[at.first].key, view_->backgrounds_[at.second].key);
}

void MixGridCanvas::mouseMoveEvent(QMouseEvent* event) {
    const auto at = view_->cellAt(event->position().toPoint());
    if (at != view_->hovered_) {
        view_->hovered_ = at;
        update();
    }
    if (at.first >= 0)
        setToolTip(tr("%1 × %2").arg(view_->faces_[at.first].name, view_->backgrounds_[at.second].name));
    else
        setToolTip({});
}

}  // namespace facemix::ui

#include "mix_grid_view.h"

#include <algorithm>

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
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
    void contextMenuEvent(QContextMenuEvent* event) override;
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
    cell.error.clear();
    canvas_->update();
}

void MixGridView::setCellBusy(quint64 face, quint64 background, bool busy) {
    cells_[{face, background}].busy = busy;
    canvas_->update();
}

void MixGridView::setCellError(quint64 face, quint64 background, const QString& error) {
    Cell& cell = cells_[{face, background}];
    cell.image = QImage();
    cell.scaled = QPixmap();
    cell.busy = false;
    cell.error = error;
    canvas_->update();
}

void MixGridView::setCellCaption(quint64 face, quint64 background, const QString& caption) {
    cells_[{face, background}].caption = caption;
    canvas_->update();
}

void MixGridView::setCellLocked(quint64 face, quint64 background, bool locked) {
    cells_[{face, background}].locked = locked;
    canvas_->update();
}

void MixGridView::clearCells() {
    cells_.clear();
    canvas_->update();
}

void MixGridView::clearBusy() {
    for (auto& [key, cell] : cells_) cell.busy = false;
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

QString MixGridView::cellError(quint64 face, quint64 background) const {
    auto found = cells_.find({face, background});
    return found == cells_.end() ? QString() : found->second.error;
}

QString MixGridView::cellCaption(quint64 face, quint64 background) const {
    auto found = cells_.find({face, background});
    return found == cells_.end() ? QString() : found->second.caption;
}

bool MixGridView::isCellLocked(quint64 face, quint64 background) const {
    auto found = cells_.find({face, background});
    return found != cells_.end() && found->second.locked;
}

int MixGridView::busyCellCount() const {
    int busy = 0;
    for (const auto& face : faces_)
        for (const auto& background : backgrounds_)
            if (isCellBusy(face.key, background.key)) ++busy;
    return busy;
}

QList<std::pair<quint64, quint64>> MixGridView::selectedCells() const {
    QList<std::pair<quint64, quint64>> selected;
    for (int row = 0; row < rowCount(); ++row)
        for (int column = 0; column < columnCount(); ++column) {
            const Key key{faces_[row].key, backgrounds_[column].key};
            if (selected_ == std::make_pair(row, column) || also_selected_.count(key)) selected << key;
        }
    return selected;
}

void MixGridView::selectAll() {
    also_selected_.clear();
    for (const auto& face : faces_)
        for (const auto& background : backgrounds_) also_selected_.insert({face.key, background.key});
    canvas_->update();
}

void MixGridView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::SelectAll)) {
        selectAll();
        event->accept();
        return;
    }
    QScrollArea::keyPressEvent(event);
}

int MixGridView::filledCellCount() const {
    int filled = 0;
    for (const auto& face : faces_)
        for (const auto& background : backgrounds_)
            if (!cell(face.key, background.key).isNull()) ++filled;
    return filled;
}

void MixGridView::setCellSide(int side) {
    fit_to_view_ = false;
    applyCellSide(side);
}

void MixGridView::zoomToFit() {
    fit_to_view_ = true;
    relayout();
}

void MixGridView::applyCellSide(int side) {
    side = std::clamp(side, kMinCellSide, kMaxCellSide);
    if (side == cell_side_) return;
    cell_side_ = side;
    for (auto& [key, cell] : cells_) cell.scaled = QPixmap();
    relayout();
}

void MixGridView::resizeEvent(QResizeEvent* event) {
    QScrollArea::resizeEvent(event);
    if (fit_to_view_) relayout();
}

QFont MixGridView::captionFont(const QFont& base, const QString& text, int width) {
    QFont font = base;
    const int natural = QFontMetrics(font).horizontalAdvance(text);
    if (natural <= width || natural <= 0) return font;
    font.setPointSizeF(std::max(5.0, font.pointSizeF() * width / natural));
    while (QFontMetrics(font).horizontalAdvance(text) > width && font.pointSizeF() > 5.0)
        font.setPointSizeF(std::max(5.0, font.pointSizeF() - 0.5));
    return font;
}

QString MixGridView::captionShown(const QFont& base, const QString& caption, int width) {
    const auto fits = [&](const QString& text) { return QFontMetrics(captionFont(base, text, width)).horizontalAdvance(text) <= width; };
    if (fits(caption)) return caption;
    const QString number = caption.section(QLatin1Char(' '), -1);
    return number != caption && fits(number) ? number : QString();
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
    if (fit_to_view_ && !faces_.isEmpty() && !backgrounds_.isEmpty()) {
        // The viewport without scroll bars: a grid that fits needs none.
        const QSize room = maximumViewportSize();
        const int by_width = (room.width() - kRowHeaderWidth - kGap * (columnCount() + 1)) / columnCount();
        const int by_height = (room.height() - kColumnHeaderHeight - kGap * (rowCount() + 1)) / rowCount();
        const int side = std::clamp(std::min(by_width, by_height), kMinFitSide, kMaxCellSide);
        if (side != cell_side_) {
            cell_side_ = side;
            for (auto& [key, cell] : cells_) cell.scaled = QPixmap();
        }
    }
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
        // Fitted cells may be narrower than the thumbnail; it shrinks with them rather than overlap.
        const QSize shown = thumb.size().scaled(QSize(std::min(kHeaderThumb, cell.width()), kHeaderThumb), Qt::KeepAspectRatio);
        painter.drawPixmap(QRect(QPoint(header.center().x() - shown.width() / 2, header.top()), shown), thumb);
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
        // The name below the thumbnail needs 20 px of the row; in a low row the thumbnail gives them up.
        const QSize shown = thumb.size().scaled(QSize(kHeaderThumb, std::clamp(cell.height() - 20, 16, kHeaderThumb)), Qt::KeepAspectRatio);
        const int top = header.center().y() - (shown.height() + 20) / 2;
        painter.drawPixmap(QRect(QPoint(header.left() + (header.width() - shown.width()) / 2, top), shown), thumb);
        painter.setPen(text);
        painter.drawText(QRect(header.left(), top + shown.height() + 2, header.width(), 18), Qt::AlignCenter,
                         metrics.elidedText(item.name, Qt::ElideMiddle, header.width()));
    }
}

void MixGridCanvas::paintCell(QPainter& painter, int row, int column) {
    const QRect rect = view_->cellRect(row, column);
    const MixGridView::Key key{view_->faces_[row].key, view_->backgrounds_[column].key};
    auto found = view_->cells_.find(key);
    MixGridView::Cell* cell = found == view_->cells_.end() ? nullptr : &found->second;
    const bool selected = view_->selected_ == std::make_pair(row, column) || view_->also_selected_.count(key) > 0;
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
        if (cell && !cell->busy && !cell->error.isEmpty()) {
            painter.setPen(QColor(200, 60, 50));
            painter.drawText(rect.adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, tr("failed: %1").arg(cell->error));
        } else {
            painter.setPen(palette().color(QPalette::PlaceholderText));
            painter.drawText(rect, Qt::AlignCenter, cell && cell->busy ? tr("generating…") : tr("empty"));
        }
    }
    if (cell && !cell->caption.isEmpty() && !cell->image.isNull()) {
        const QFontMetrics metrics(painter.font());
        const QRect band(rect.left(), rect.bottom() - metrics.height() - 4, rect.width(), metrics.height() + 4);
        painter.save();
        painter.setClipPath(frame);
        painter.fillRect(band, QColor(0, 0, 0, 120));
        painter.setPen(Qt::white);
        const QString shown = MixGridView::captionShown(painter.font(), cell->caption, band.width() - 6);
        painter.setFont(MixGridView::captionFont(painter.font(), shown, band.width() - 6));
        painter.drawText(band, Qt::AlignCenter, shown);
        painter.restore();
    }
    if (cell && cell->locked) {  // a padlock in the top-right corner
        const QRectF body(rect.right() - 22, rect.top() + 13, 14, 10);
        painter.save();
        painter.setPen(QPen(Qt::white, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawArc(QRectF(body.left() + 3, body.top() - 7, 8, 12), 0, 180 * 16);
        painter.setPen(QPen(Qt::black, 1));
        painter.setBrush(QColor(240, 190, 40));
        painter.drawRoundedRect(body, 2, 2);
        painter.restore();
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
        view_->also_selected_.clear();
        update();
        return;
    }
    const MixGridView::Key key{view_->faces_[at.first].key, view_->backgrounds_[at.second].key};
    if (event->modifiers() & Qt::ControlModifier) {  // toggles one cell in the selection
        if (view_->selected_ == at) {
            view_->selected_ = {-1, -1};
        } else if (!view_->also_selected_.erase(key)) {
            if (view_->selected_.first >= 0)
                view_->also_selected_.insert(
                    {view_->faces_[view_->selected_.first].key, view_->backgrounds_[view_->selected_.second].key});
            view_->selected_ = at;
        }
        update();
        return;
    }
    view_->also_selected_.clear();
    view_->selected_ = at;
    update();
    emit view_->cellClicked(view_->faces_[at.first].key, view_->backgrounds_[at.second].key);
}

void MixGridCanvas::contextMenuEvent(QContextMenuEvent* event) {
    auto at = view_->cellAt(event->pos());
    if (at.first < 0 && event->reason() == QContextMenuEvent::Keyboard) at = view_->selected_;
    if (at.first < 0) return;
    const MixGridView::Key key{view_->faces_[at.first].key, view_->backgrounds_[at.second].key};
    if (view_->selected_ != at && !view_->also_selected_.count(key)) {
        view_->also_selected_.clear();
        view_->selected_ = at;
        update();
    }
    event->accept();
    emit view_->cellMenuRequested(key.first, key.second, event->globalPos());
}

void MixGridCanvas::mouseMoveEvent(QMouseEvent* event) {
    const auto at = view_->cellAt(event->position().toPoint());
    if (at != view_->hovered_) {
        view_->hovered_ = at;
        update();
    }
    if (at.first >= 0) {
        QString tip = tr("%1 × %2").arg(view_->faces_[at.first].name, view_->backgrounds_[at.second].name);
        auto found = view_->cells_.find({view_->faces_[at.first].key, view_->backgrounds_[at.second].key});
        if (found != view_->cells_.end() && !found->second.caption.isEmpty()) tip += QStringLiteral("\n") + found->second.caption;
        if (found != view_->cells_.end() && !found->second.error.isEmpty()) tip += QStringLiteral("\n") + found->second.error;
        setToolTip(tip);
    } else {
        setToolTip({});
    }
}

}  // namespace facemix::ui

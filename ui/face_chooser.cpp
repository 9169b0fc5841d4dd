#include "face_chooser.h"

#include <QCloseEvent>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include "counted_noun.h"

namespace facemix::ui {
namespace {

// The photo preview with each face's detection box and its number, as in the list beside it.
QPixmap annotated_preview(const AlignmentResult& result) {
    QPixmap pixmap = QPixmap::fromImage(result.photo_preview);
    if (pixmap.isNull() || result.photo_size.isEmpty()) return pixmap;
    const double scale = double(pixmap.width()) / result.photo_size.width();
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    for (std::size_t i = 0; i < result.faces.size(); ++i) {
        const cv::Rect2d& box = result.faces[i].face.detection.box;
        const QRectF rect(box.x * scale, box.y * scale, box.width * scale, box.height * scale);
        painter.setPen(QPen(QColor(255, 200, 40), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rect);
        const QString label = QString::number(i + 1);
        const QRectF tag(rect.left(), rect.top() - 18, 18 + 7 * label.size(), 18);
        painter.fillRect(tag, QColor(255, 200, 40));
        painter.setPen(Qt::black);
        painter.drawText(tag, Qt::AlignCenter, label);
    }
    return pixmap;
}

}  // namespace

FaceChooser::FaceChooser(const AlignmentResult& result, const QString& target, QWidget* parent)
    : QDialog(parent), result_(result) {
    setObjectName(QStringLiteral("faceChooser"));
    setModal(false);
    setAttribute(Qt::WA_DeleteOnClose);
    const QString faces = counted(qsizetype(result.faces.size()), tr("face"), tr("faces"));
    setWindowTitle(tr("%1 in %2").arg(faces, result.input.name));

    auto* question = new QLabel(tr("<b>%1</b> shows %2. Which should be added to %3?").arg(result.input.name.toHtmlEscaped(), faces, target),
                                this);
    question->setWordWrap(true);

    auto* preview = new QLabel(this);
    preview->setPixmap(annotated_preview(result));
    preview->setAlignment(Qt::AlignCenter);

    faces_ = new QListWidget(this);
    faces_->setObjectName(QStringLiteral("chooserFaces"));
    faces_->setViewMode(QListView::IconMode);
    faces_->setIconSize(QSize(96, 96));
    faces_->setMovement(QListView::Static);
    faces_->setResizeMode(QListView::Adjust);
    faces_->setSelectionMode(QAbstractItemView::MultiSelection);
    faces_->setMinimumWidth(3 * 112);
    for (std::size_t i = 0; i < result.faces.size(); ++i) {
        auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(result.faces[i].thumbnail)), QString::number(i + 1), faces_);
        const cv::Rect2d& box = result.faces[i].face.detection.box;
        item->setToolTip(tr("Face %1: %2 px wide").arg(i + 1).arg(qRound(box.width)));
    }

    auto* buttons = new QDialogButtonBox(this);
    auto* largest = buttons->addButton(tr("Add largest"), QDialogButtonBox::AcceptRole);
    largest->setObjectName(QStringLiteral("addLargest"));
    auto* all = buttons->addButton(tr("Add all %1").arg(result.faces.size()), QDialogButtonBox::AcceptRole);
    all->setObjectName(QStringLiteral("addAll"));
    add_selected_ = buttons->addButton(tr("Add selected"), QDialogButtonBox::AcceptRole);
    add_selected_->setObjectName(QStringLiteral("addSelected"));
    add_selected_->setEnabled(false);
    auto* skip_button = buttons->addButton(tr("Skip photo"), QDialogButtonBox::RejectRole);
    skip_button->setObjectName(QStringLiteral("skipPhoto"));
    largest->setDefault(true);

    connect(largest, &QPushButton::clicked, this, &FaceChooser::chooseLargest);
    connect(all, &QPushButton::clicked, this, &FaceChooser::chooseAll);
    connect(add_selected_, &QPushButton::clicked, this, &FaceChooser::chooseSelected);
    connect(skip_button, &QPushButton::clicked, this, &FaceChooser::skip);
    connect(faces_, &QListWidget::itemSelectionChanged, this,
            [this] { add_selected_->setEnabled(!faces_->selectedItems().isEmpty()); });
    connect(faces_, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) { answer({faces_->row(item)}); });

    auto* body = new QHBoxLayout;
    body->addWidget(preview, 3);
    body->addWidget(faces_, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(question);
    layout->addLayout(body);
    layout->addWidget(buttons);
}

void FaceChooser::chooseLargest() { answer({0}); }

void FaceChooser::chooseAll() {
    QList<int> all;
    for (std::size_t i = 0; i < result_.faces.size(); ++i) all << int(i);
    answer(all);
}

void FaceChooser::chooseSelected() {
    QList<int> picked;
    for (int row = 0; row < faces_->count(); ++row)
        if (faces_->item(row)->isSelected()) picked << row;
    answer(picked);
}

void FaceChooser::skip() { answer({}); }

void FaceChooser::reject() { answer({}); }

void FaceChooser::closeEvent(QCloseEvent* event) {
    if (!answered_) {
        answered_ = true;
        emit chosen({});
    }
    event->accept();
}

void FaceChooser::answer(const QList<int>& faces) {
    if (answered_) return;
    answered_ = true;
    emit chosen(faces);
    close();
}

}  // namespace facemix::ui

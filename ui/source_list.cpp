#include "source_list.h"

#include <cmath>

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>

#include "counted_noun.h"
#include "dropped_inputs.h"
#include "face_chooser.h"
#include "person_editor.h"

namespace facemix::ui {
namespace {

constexpr int kKeyRole = Qt::UserRole + 1;      // SourceEntry::key of an aligned item
constexpr int kRequestRole = Qt::UserRole + 2;  // AlignmentResult::request of a placeholder
constexpr int kIconSide = 96;

QIcon make_placeholder_icon(const QPalette& palette) {
    QPixmap pixmap(kIconSide, kIconSide);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath frame;
    frame.addRoundedRect(QRectF(4.5, 4.5, kIconSide - 9, kIconSide - 9), 8, 8);
    painter.fillPath(frame, palette.color(QPalette::Base).darker(115));
    painter.setPen(QPen(palette.color(QPalette::Mid), 1.5, Qt::DashLine));
    painter.drawPath(frame);
    painter.setPen(palette.color(QPalette::PlaceholderText));
    painter.drawText(pixmap.rect(), Qt::AlignCenter, QObject::tr("aligning…"));
    return QIcon(pixmap);
}

PhotoInput file_input(const QString& path) { return {QFileInfo(path).fileName(), path, {}, {}}; }

// Face `index` of an aligned photo as a list entry (no key yet).
SourceEntry entry_of(const AlignmentResult& result, int index) {
    const int found = int(result.faces.size());
    SourceEntry entry;
    entry.name = found > 1 ? QObject::tr("%1 · %2").arg(result.input.name).arg(index + 1) : result.input.name;
    entry.path = result.input.path;
    entry.photo_hash = result.photo_hash;
    entry.pasted_png = result.pasted_png;
    entry.face_index = index;
    entry.faces_in_photo = found;
    entry.face = result.faces[std::size_t(index)].face;
    entry.thumbnail = result.faces[std::size_t(index)].thumbnail;
    return entry;
}

QString describe(const SourceEntry& entry) {
    const cv::Rect2d& box = entry.face.detection.box;
    QString text = entry.path.isEmpty() ? entry.name : entry.path;
    if (entry.faces_in_photo > 1) text += QObject::tr("\nface %1 of %2").arg(entry.face_index + 1).arg(entry.faces_in_photo);
    text += QObject::tr("\nface %1×%2 px at (%3, %4), detector score %5")
                .arg(qRound(box.width))
                .arg(qRound(box.height))
                .arg(qRound(box.x))
                .arg(qRound(box.y))
                .arg(entry.face.detection.score, 0, 'f', 2);
    if (!entry.same_person.empty()) {
        text += QObject::tr("\none person from %1 (weight: photo):").arg(counted(entry.photoCount(), QObject::tr("photo"), QObject::tr("photos")));
        text += QStringLiteral("\n  %1 × %2").arg(entry.weight, 0, 'g', 3).arg(entry.name);
        for (const SourceEntry& photo : entry.same_person)
            text += QStringLiteral("\n  %1 × %2").arg(photo.weight, 0, 'g', 3).arg(photo.name);
    }
    if (entry.photos_pending > 0) text += QObject::tr("\naligning %1 more…").arg(counted(entry.photos_pending, QObject::tr("photo"), QObject::tr("photos")));
    return text;
}

}  // namespace

SourceList::SourceList(SourceRole role, AlignmentWorker* aligner, QWidget* parent)
    : QListWidget(parent), role_(role), aligner_(aligner) {
    const bool faces = role == SourceRole::Faces;
    setObjectName(faces ? QStringLiteral("faceList") : QStringLiteral("backgroundList"));
    setViewMode(QListView::IconMode);
    setFlow(faces ? QListView::TopToBottom : QListView::LeftToRight);
    setWrapping(false);
    setMovement(QListView::Static);
    setResizeMode(QListView::Adjust);
    setIconSize(QSize(kIconSide, kIconSide));
    setGridSize(QSize(kIconSide + 24, kIconSide + 28));
    setUniformItemSizes(true);
    setTextElideMode(Qt::ElideMiddle);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setDragEnabled(false);
    setDragDropMode(QAbstractItemView::DropOnly);
    setDropIndicatorShown(false);
    // Drags arrive at the widget under the cursor, the viewport, whose events reach the
    // drag*Event handlers below through viewportEvent(); it must accept drops itself.
    setAcceptDrops(true);
    viewport()->setAcceptDrops(true);
    setVerticalScrollBarPolicy(faces ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    setHorizontalScrollBarPolicy(faces ? Qt::ScrollBarAlwaysOff : Qt::ScrollBarAsNeeded);
    placeholder_icon_ = make_placeholder_icon(palette());

    connect(aligner_, &AlignmentWorker::aligned, this, &SourceList::onAligned);
    connect(aligner_, &AlignmentWorker::failed, this, &SourceList::onFailed);
    connect(aligner_, &AlignmentWorker::cancelled, this, &SourceList::onCancelled);
}

QString SourceList::roleName() const { return role_ == SourceRole::Faces ? tr("Faces") : tr("Backgrounds"); }

void SourceList::addPaths(const QStringList& paths) {
    const ExpandedPaths expanded = expand_photo_paths(paths);
    for (const QString& folder : expanded.empty_folders)
        emit problem(tr("No photos found in the folder %1.").arg(QFileInfo(folder).fileName()));
    if (expanded.truncated)
        emit problem(tr("Only the first %1 of the drop were added to %2.").arg(counted(expanded.files.size(), tr("photo"), tr("photos")), roleName()));
    for (const QString& path : expanded.files) {
        if (holdsPath(path)) {
            emit information(tr("%1 is already in %2.").arg(QFileInfo(path).fileName(), roleName()));
            continue;
        }
        submit(file_input(path));
    }
}

void SourceList::addPhotoFaces(const QString& path, const QList<int>& faces, const QMap<int, PersonSpec>& people, bool pasted) {
    if (faces.isEmpty()) return;
    if (!pasted && holdsPath(path)) {
        emit information(tr("%1 is already in %2.").arg(QFileInfo(path).fileName(), roleName()));
        return;
    }
    std::optional<PhotoInput> input = inputOf(path, pasted);
    if (!input) return;
    const quint64 request = submit(std::move(*input));
    chosen_faces_[request] = faces;
    if (!people.isEmpty()) chosen_people_[request] = people;
}

void SourceList::addPersonPhotos(quint64 key, const QStringList& paths) {
    const auto found = entries_.find(key);
    if (role_ != SourceRole::Faces || found == entries_.end()) return;
    const ExpandedPaths expanded = expand_photo_paths(paths);
    for (const QString& folder : expanded.empty_folders)
        emit problem(tr("No photos found in the folder %1.").arg(QFileInfo(folder).fileName()));
    for (const QString& path : expanded.files) submitPersonPhoto(key, file_input(path), 0, 1.0);
    showPerson(found->second);
}

void SourceList::addPersonImage(quint64 key, const QImage& image) {
    const auto found = entries_.find(key);
    if (role_ != SourceRole::Faces || found == entries_.end() || image.isNull()) return;
    submitPersonPhoto(key, pastedInput(image), 0, 1.0);
    showPerson(found->second);
}

void SourceList::pasteIntoPerson(quint64 key) {
    if (key == 0 && !selectedKeys().isEmpty()) key = selectedKeys().front();
    if (role_ != SourceRole::Faces || !entries_.count(key)) {
        emit problem(tr("Select a Faces row to paste another photo of that person into."));
        return;
    }
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    const DroppedInputs inputs = mime ? dropped_inputs(*mime) : DroppedInputs{};
    if (inputs.empty()) {
        emit problem(tr("The clipboard holds no image or photo file."));
        return;
    }
    if (!inputs.paths.isEmpty()) addPersonPhotos(key, inputs.paths);
    for (const QImage& image : inputs.images) addPersonImage(key, image);
}

void SourceList::submitPersonPhoto(quint64 key, PhotoInput input, int face_index, double weight) {
    const auto found = entries_.find(key);
    if (found == entries_.end()) return;
    ++found->second.photos_pending;
    const quint64 request = aligner_->submit(std::move(input));
    person_requests_[request] = {key, face_index, weight};
}

std::optional<PhotoInput> SourceList::inputOf(const QString& path, bool pasted) {
    if (!pasted) return file_input(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        emit problem(tr("Cannot read the pasted image %1 the session kept: %2.").arg(path, file.errorString()));
        return std::nullopt;
    }
    PhotoInput input = pastedInput({});
    input.pasted_png = file.readAll();
    return input;
}

PhotoInput SourceList::pastedInput(const QImage& image) { return {tr("pasted image %1").arg(++pasted_count_), {}, image, {}}; }

void SourceList::onPersonPhoto(const AlignmentResult& result) {
    const auto request = person_requests_.find(result.request);
    const PersonRequest wanted = request->second;
    person_requests_.erase(request);
    const auto found = entries_.find(wanted.key);
    if (found == entries_.end()) return;  // the row was removed meanwhile
    SourceEntry& person = found->second;
    person.photos_pending = std::max(0, person.photos_pending - 1);
    const int faces = int(result.faces.size());
    if (wanted.face_index >= faces) {
        emit problem(tr("%1 has no face %2 any more (it has %3).").arg(result.input.name).arg(wanted.face_index + 1).arg(faces));
    } else {
        SourceEntry photo = entry_of(result, wanted.face_index);
        photo.weight = wanted.weight;
        person.same_person.push_back(std::move(photo));
        emit information(tr("Added %1 to the person of %2 (%3).")
                             .arg(result.input.name, person.name, counted(person.photoCount(), tr("photo"), tr("photos"))));
    }
    showPerson(person);
    emit personChanged(wanted.key);
    emit entriesChanged();
}

bool SourceList::setPhotoWeight(quint64 key, int photo, double weight) {
    const auto found = entries_.find(key);
    if (found == entries_.end() || photo < 0 || photo >= found->second.photoCount() || !(weight > 0.0) || !std::isfinite(weight))
        return false;
    SourceEntry& person = found->second;
    double& current = photo == 0 ? person.weight : person.same_person[std::size_t(photo - 1)].weight;
    if (current == weight) return true;
    current = weight;
    showPerson(person);
    emit personChanged(key);
    emit entriesChanged();
    return true;
}

bool SourceList::removePersonPhoto(quint64 key, int photo) {
    const auto found = entries_.find(key);
    if (found == entries_.end() || photo < 0 || photo >= found->second.photoCount() || found->second.photoCount() < 2) return false;
    SourceEntry& person = found->second;
    if (photo == 0) {
        // The next photo becomes the row's first; the row keeps its key, so its cells stay in place.
        SourceEntry next = std::move(person.same_person.front());
        person.same_person.erase(person.same_person.begin());
        next.key = person.key;
        next.same_person = std::move(person.same_person);
        next.photos_pending = person.photos_pending;
        person = std::move(next);
    } else {
        person.same_person.erase(person.same_person.begin() + (photo - 1));
    }
    showPerson(person);
    emit personChanged(key);
    emit entriesChanged();
    return true;
}

QListWidgetItem* SourceList::itemOf(quint64 key) const {
    for (int i = 0; i < count(); ++i)
        if (const QVariant held = item(i)->data(kKeyRole); held.isValid() && held.toULongLong() == key) return item(i);
    return nullptr;
}

void SourceList::showPerson(const SourceEntry& entry) {
    QListWidgetItem* row_item = itemOf(entry.key);
    if (!row_item) return;
    row_item->setText(entry.label());
    row_item->setIcon(QIcon(QPixmap::fromImage(entry.thumbnail)));
    row_item->setToolTip(describe(entry));
}

void SourceList::addImage(const QImage& image) {
    if (image.isNull()) return;
    submit(pastedInput(image));
}

void SourceList::addMimeData(const QMimeData& mime) {
    const DroppedInputs inputs = dropped_inputs(mime);
    if (!inputs.ignored.isEmpty())
        emit problem(tr("Only files on this computer can be added; skipped %1.").arg(inputs.ignored.join(QStringLiteral(", "))));
    if (!inputs.paths.isEmpty()) addPaths(inputs.paths);
    for (const QImage& image : inputs.images) addImage(image);
    if (inputs.empty() && inputs.ignored.isEmpty()) emit problem(tr("The clipboard holds no image or photo file."));
}

void SourceList::paste() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (!mime) {
        emit problem(tr("The clipboard holds no image or photo file."));
        return;
    }
    addMimeData(*mime);
}

quint64 SourceList::submit(PhotoInput input) {
    auto* item = new QListWidgetItem(placeholder_icon_, input.name, this);
    item->setFlags(Qt::ItemIsEnabled);  // not selectable: Delete acts on aligned faces only
    item->setToolTip(tr("Aligning %1…").arg(input.path.isEmpty() ? input.name : input.path));
    const QString path = input.path;
    const quint64 request = aligner_->submit(std::move(input));
    item->setData(kRequestRole, request);
    placeholders_[request] = item;
    if (!path.isEmpty()) pending_paths_[request] = path;
    viewport()->update();
    return request;
}

void SourceList::onAligned(const AlignmentResult& result) {
    if (person_requests_.count(result.request)) {
        onPersonPhoto(result);
        return;
    }
    if (!placeholders_.count(result.request)) return;  // the other list's photo
    const std::size_t found = result.faces.size();
    if (auto chosen = chosen_faces_.find(result.request); chosen != chosen_faces_.end()) {
        QList<int> faces;
        for (int index : chosen->second) {
            if (index >= 0 && std::size_t(index) < found)
                faces << index;
            else
                emit problem(tr("%1 has no face %2 any more (it has %3).").arg(result.input.name).arg(index + 1).arg(found));
        }
        chosen_faces_.erase(chosen);
        if (faces.isEmpty())
            removePlaceholder(result.request);
        else
            addFaces(result, faces);
        return;
    }
    if (found == 1 || several_faces_ == SeveralFacesPolicy::All) {
        QList<int> all;
        for (std::size_t i = 0; i < found; ++i) all << int(i);
        addFaces(result, all);
    } else if (several_faces_ == SeveralFacesPolicy::Largest) {
        addFaces(result, {0});
    } else {
        placeholders_[result.request]->setText(tr("%1 (choose)").arg(result.input.name));
        choices_.push_back(result);
        showNextChooser();
    }
}

void SourceList::showNextChooser() {
    if (chooser_ || choices_.empty()) return;
    const AlignmentResult result = std::move(choices_.front());
    choices_.pop_front();
    chooser_ = new FaceChooser(result, roleName(), this);
    chooser_->setWindowFlag(Qt::Window);
    connect(chooser_, &FaceChooser::chosen, this, [this, result](const QList<int>& faces) {
        if (faces.isEmpty()) {
            emit information(tr("Skipped %1.").arg(result.input.name));
            removePlaceholder(result.request);
        } else {
            addFaces(result, faces);
        }
        chooser_ = nullptr;
        showNextChooser();
    });
    chooser_->show();
}

void SourceList::addFaces(const AlignmentResult& result, const QList<int>& faces) {
    auto placeholder = placeholders_.find(result.request);
    if (placeholder == placeholders_.end()) return;  // removed (Delete, Clear) while the question was open
    int insert_at = row(placeholder->second);
    const int found = static_cast<int>(result.faces.size());
    for (int index : faces) {
        SourceEntry entry = entry_of(result, index);
        entry.key = next_key_++;

        auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(entry.thumbnail)), entry.name);
        item->setData(kKeyRole, entry.key);
        item->setToolTip(describe(entry));
        insertItem(++insert_at, item);
        const quint64 key = entry.key;
        entries_.emplace(key, std::move(entry));
        if (const auto people = chosen_people_.find(result.request); people != chosen_people_.end() && people->second.contains(index)) {
            const PersonSpec& person = people->second[index];
            entries_[key].weight = person.weight;
            for (const PersonPhotoSpec& photo : person.more)
                if (std::optional<PhotoInput> input = inputOf(photo.path, photo.pasted))
                    submitPersonPhoto(key, std::move(*input), photo.face_index, photo.weight);
            showPerson(entries_[key]);
        }
    }
    chosen_people_.erase(result.request);
    emit information(tr("Aligned %1: %2 in %3 ms; added %4 to %5.")
                         .arg(result.input.name)
                         .arg(counted(found, tr("face"), tr("faces")))
                         .arg(qRound(result.milliseconds))
                         .arg(counted(qsizetype(faces.size()), tr("face"), tr("faces")))
                         .arg(roleName()));
    removePlaceholder(result.request);
    emit entriesChanged();
}

void SourceList::onFailed(quint64 request, const QString& name, const QString& message) {
    if (const auto person = person_requests_.find(request); person != person_requests_.end()) {
        const quint64 key = person->second.key;
        person_requests_.erase(person);
        if (const auto found = entries_.find(key); found != entries_.end()) {
            found->second.photos_pending = std::max(0, found->second.photos_pending - 1);
            showPerson(found->second);
            emit problem(message);
            emit personChanged(key);
            emit entriesChanged();
        }
        return;
    }
    if (!placeholders_.count(request)) return;
    Q_UNUSED(name);
    removePlaceholder(request);
    emit problem(message);
}

void SourceList::onCancelled(const QList<quint64>& requests) {
    int dropped = 0;
    for (quint64 request : requests) {
        if (const auto person = person_requests_.find(request); person != person_requests_.end()) {
            if (const auto found = entries_.find(person->second.key); found != entries_.end())
                found->second.photos_pending = std::max(0, found->second.photos_pending - 1);
            person_requests_.erase(person);
            ++dropped;
            continue;
        }
        if (!placeholders_.count(request)) continue;
        removePlaceholder(request);
        ++dropped;
    }
    if (dropped) emit information(tr("Cancelled aligning %1 for %2.").arg(counted(dropped, tr("photo"), tr("photos")), roleName()));
}

void SourceList::removePlaceholder(quint64 request) {
    auto found = placeholders_.find(request);
    if (found == placeholders_.end()) return;
    delete takeItem(row(found->second));
    placeholders_.erase(found);
    pending_paths_.erase(request);
    chosen_faces_.erase(request);
    chosen_people_.erase(request);
    viewport()->update();
}

bool SourceList::holdsPath(const QString& path) const {
    const QString canonical = QFileInfo(path).canonicalFilePath();
    if (canonical.isEmpty()) return false;  // missing: let the loader say so
    auto same = [&](const QString& other) { return !other.isEmpty() && QFileInfo(other).canonicalFilePath() == canonical; };
    for (const auto& [key, entry] : entries_)
        if (same(entry.path)) return true;
    for (const auto& [request, pending] : pending_paths_)
        if (same(pending)) return true;
    return false;
}

QList<SourceEntry> SourceList::entries() const {
    QList<SourceEntry> ordered;
    for (int i = 0; i < count(); ++i) {
        const QVariant key = item(i)->data(kKeyRole);
        if (!key.isValid()) continue;
        if (auto found = entries_.find(key.toULongLong()); found != entries_.end()) ordered << found->second;
    }
    return ordered;
}

const SourceEntry* SourceList::entry(quint64 key) const {
    auto found = entries_.find(key);
    return found == entries_.end() ? nullptr : &found->second;
}

QList<quint64> SourceList::selectedKeys() const {
    QList<quint64> keys;
    for (int i = 0; i < count(); ++i)
        if (const QVariant key = item(i)->data(kKeyRole); key.isValid() && item(i)->isSelected()) keys << key.toULongLong();
    return keys;
}

const SourceEntry* SourceList::currentEntry() const {
    // One pass over the rows in display order, copying nothing: the first selected entry wins.
    const SourceEntry* first = nullptr;
    for (int i = 0; i < count(); ++i) {
        const QVariant key = item(i)->data(kKeyRole);
        if (!key.isValid()) continue;
        const SourceEntry* found = entry(key.toULongLong());
        if (item(i)->isSelected()) return found;
        if (!first) first = found;
    }
    return first;
}

void SourceList::removeSelected() {
    const QList<QListWidgetItem*> selected = selectedItems();
    if (selected.isEmpty()) return;
    for (QListWidgetItem* item : selected) {
        const QVariant key = item->data(kKeyRole);
        if (!key.isValid()) continue;
        entries_.erase(key.toULongLong());
        delete takeItem(row(item));
    }
    emit entriesChanged();
}

void SourceList::clearEntries() {
    const bool had_entries = !entries_.empty();
    for (int i = count() - 1; i >= 0; --i)
        if (item(i)->data(kKeyRole).isValid()) delete takeItem(i);
    entries_.clear();
    if (had_entries) emit entriesChanged();
}

void SourceList::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData() && offers_inputs(*event->mimeData()))
        event->acceptProposedAction();
    else
        event->ignore();
}

void SourceList::dragMoveEvent(QDragMoveEvent* event) {
    // QListView would consult the model's drop flags per item; any point of the list takes photos.
    if (event->mimeData() && offers_inputs(*event->mimeData()))
        event->acceptProposedAction();
    else
        event->ignore();
}

void SourceList::dropEvent(QDropEvent* event) {
    if (!event->mimeData() || !offers_inputs(*event->mimeData())) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    // Photos dropped onto a face row are more photos of that person; anywhere else they are new rows.
    if (role_ == SourceRole::Faces) {
        const QListWidgetItem* target = itemAt(event->position().toPoint());
        const DroppedInputs inputs = dropped_inputs(*event->mimeData());
        if (target && target->data(kKeyRole).isValid() && !inputs.paths.isEmpty() && inputs.images.isEmpty()) {
            addPersonPhotos(target->data(kKeyRole).toULongLong(), inputs.paths);
            return;
        }
    }
    addMimeData(*event->mimeData());
}

void SourceList::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::Paste)) {
        paste();
        return;
    }
    if (event->matches(QKeySequence::Delete) || event->key() == Qt::Key_Backspace) {
        removeSelected();
        return;
    }
    QListWidget::keyPressEvent(event);
}

void SourceList::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    QAction* paste_action = menu.addAction(tr("Paste"), this, &SourceList::paste);
    paste_action->setShortcut(QKeySequence::Paste);
    QAction* remove_action = menu.addAction(tr("Remove"), this, &SourceList::removeSelected);
    remove_action->setShortcut(QKeySequence::Delete);
    remove_action->setEnabled(!selectedItems().isEmpty());
    const QListWidgetItem* under = itemAt(viewport()->mapFromGlobal(event->globalPos()));
    if (role_ == SourceRole::Faces && under && under->data(kKeyRole).isValid()) {
        const quint64 key = under->data(kKeyRole).toULongLong();
        menu.addSeparator();
        menu.addAction(tr("Add Photos of This Person…"), this, [this, key] {
            const QStringList paths = QFileDialog::getOpenFileNames(this, tr("More photos of this person"), {},
                                                                    photo_file_filter());
            if (!paths.isEmpty()) addPersonPhotos(key, paths);
        });
        const QMimeData* clipboard = QApplication::clipboard()->mimeData();
        menu.addAction(tr("Paste as a Photo of This Person"), this, [this, key] { pasteIntoPerson(key); })
            ->setEnabled(clipboard && offers_inputs(*clipboard));
        menu.addAction(tr("Photos and Weights of This Person…"), this, [this, key] {
            auto* editor = new PersonEditor(this, key);
            editor->setAttribute(Qt::WA_DeleteOnClose);
            editor->show();
        });
    }
    menu.addSeparator();
    QAction* clear_action = menu.addAction(tr("Clear %1").arg(roleName()), this, &SourceList::clearEntries);
    clear_action->setEnabled(!entries_.empty());
    menu.exec(event->globalPos());
}

void SourceList::paintEvent(QPaintEvent* event) {
    QListWidget::paintEvent(event);
    if (count() > 0) return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::PlaceholderText));
    const QString hint = role_ == SourceRole::Faces ? tr("Drop face photos\nor folders here,\nor paste with Ctrl+V")
                                                    : tr("Drop background photos or folders here, or paste with Ctrl+V");
    painter.drawText(viewport()->rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, hint);
}

}  // namespace facemix::ui

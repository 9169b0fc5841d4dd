#pragma once

#include <deque>
#include <map>

#include <QImage>
#include <QListWidget>
#include <QPointer>

#include "alignment_worker.h"
#include "face_chooser.h"

class QMimeData;

namespace facemix::ui {

enum class SourceRole { Faces, Backgrounds };

// What to do with a photo that shows several faces.
enum class SeveralFacesPolicy { Ask, Largest, All };

// One aligned face in a list: a face for the Faces column, or the photo a background comes from.
struct SourceEntry {
    quint64 key = 0;      // stable for the session; the mix grid keys its rows and columns on it
    QString name;         // "couple.jpg", or "couple.jpg · 2" for the second face of a photo
    QString path;         // empty for pasted images
    QString photo_hash;   // content hash of the photo (AlignmentResult::photo_hash)
    int face_index = 0;   // 0 = the largest face in the photo
    int faces_in_photo = 1;
    facemix::AlignedFace face;
    QImage thumbnail;
};

// The Faces column or the Backgrounds row: takes photos from drops (files, folders, image data),
// Ctrl+V and file dialogs, has them aligned by the shared AlignmentWorker, and shows each aligned
// crop as a thumbnail. While a photo is being aligned it holds a placeholder item in its place, so
// the order is that of the drop whatever order the worker finishes in. Delete removes the selection.
class SourceList : public QListWidget {
    Q_OBJECT
public:
    SourceList(SourceRole role, AlignmentWorker* aligner, QWidget* parent = nullptr);

    SourceRole role() const { return role_; }
    QString roleName() const;  // "Faces" or "Backgrounds"

    void addPaths(const QStringList& paths);  // files and folders
    // One photo with its faces already chosen (a reopened session): no question, even with several.
    // A face index the photo does not have is reported as a problem.
    void addPhotoFaces(const QString& path, const QList<int>& faces);
    void addImage(const QImage& image);       // pasted image data
    void addMimeData(const QMimeData& mime);  // a drop or the clipboard
    void paste();
    void removeSelected();
    void clearEntries();

    // The aligned entries in display order (placeholders excluded).
    QList<SourceEntry> entries() const;
    const SourceEntry* entry(quint64 key) const;
    int entryCount() const { return static_cast<int>(entries_.size()); }
    // Photos still being aligned or waiting for the several-faces question.
    int pendingCount() const { return static_cast<int>(placeholders_.size()); }

    void setSeveralFacesPolicy(SeveralFacesPolicy policy) { several_faces_ = policy; }
    SeveralFacesPolicy severalFacesPolicy() const { return several_faces_; }
    FaceChooser* openChooser() const { return chooser_; }

signals:
    void entriesChanged();
    void information(const QString& message);
    void problem(const QString& message);  // one sentence naming the file

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    quint64 submit(PhotoInput input);  // returns the aligner's request id
    void onAligned(const AlignmentResult& result);
    void onFailed(quint64 request, const QString& name, const QString& message);
    void onCancelled(const QList<quint64>& requests);
    void addFaces(const AlignmentResult& result, const QList<int>& faces);
    void showNextChooser();
    void removePlaceholder(quint64 request);
    bool holdsPath(const QString& path) const;

    SourceRole role_;
    AlignmentWorker* aligner_;
    SeveralFacesPolicy several_faces_ = SeveralFacesPolicy::Ask;
    std::map<quint64, QListWidgetItem*> placeholders_;  // request -> its item while the photo is aligned
    std::map<quint64, QString> pending_paths_;          // request -> file, to refuse a second drop of it
    std::map<quint64, QList<int>> chosen_faces_;        // request -> the faces addPhotoFaces() asked for
    std::map<quint64, SourceEntry> entries_;
    std::deque<AlignmentResult> choices_;  // photos with several faces waiting for the chooser
    QPointer<FaceChooser> chooser_;
    QIcon placeholder_icon_;
    quint64 next_key_ = 1;
    int pasted_count_ = 0;
};

}  // namespace facemix::ui

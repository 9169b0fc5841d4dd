#pragma once

#include <deque>
#include <map>
#include <optional>
#include <vector>

#include <QImage>
#include <QMap>
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
    QByteArray pasted_png;  // a pasted image's PNG, which a session keeps beside itself (AlignmentResult::pasted_png)
    int face_index = 0;   // 0 = the largest face in the photo
    int faces_in_photo = 1;
    facemix::AlignedFace face;
    QImage thumbnail;
    // A Faces row can be one person from several photos: this photo's share of the person's mean
    // (relative to the others'), the other photos (each a SourceEntry of its own, without a key or
    // further photos), and how many of them are still being aligned. The row's face token is the
    // weighted mean of all its photos' (core's MixSource::same_person).
    double weight = 1.0;
    std::vector<SourceEntry> same_person{};
    int photos_pending = 0;

    int photoCount() const { return 1 + int(same_person.size()); }
    // "ann.jpg +2" for a row of three photos of one person, else the name.
    QString label() const { return same_person.empty() ? name : QStringLiteral("%1 +%2").arg(name).arg(same_person.size()); }
};

// A photo to join a person's row as a session names it, before it is aligned. A pasted image the session
// kept is its PNG file `path`, read as pasted image data (addPhotoFaces()).
struct PersonPhotoSpec {
    QString path;
    int face_index = 0;
    double weight = 1.0;
    bool pasted = false;
};

// A person's row as a session names it: the weight of its first photo and its other photos.
struct PersonSpec {
    double weight = 1.0;
    QList<PersonPhotoSpec> more;
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
    // A face index the photo does not have is reported as a problem. `people` gives the faces that are
    // rows of several photos their weights and other photos, which are aligned after the row appears.
    // `pasted`: the file is a pasted image a session kept; it is read now and comes back as pasted image
    // data (named "pasted image N", kept by the next session as it was by this one).
    void addPhotoFaces(const QString& path, const QList<int>& faces, const QMap<int, PersonSpec>& people = {}, bool pasted = false);
    // More photos of the person in row `key` (files and folders; each photo's largest face, weight 1):
    // aligned on the worker and joined to the row as they arrive. Faces only.
    void addPersonPhotos(quint64 key, const QStringList& paths);
    // A pasted image as one more photo of that person (its largest face, weight 1, as a dropped photo).
    void addPersonImage(quint64 key, const QImage& image);
    // The clipboard's image (or photo files) as more photos of the person in row `key`, or of the
    // selected row when `key` is 0; a problem when there is no such row or nothing to paste.
    void pasteIntoPerson(quint64 key = 0);
    // Photo `photo` of the row (0 = its first) weighs `weight` (> 0) in the person's mean. False when
    // there is no such row, photo, or the weight is not a positive number.
    bool setPhotoWeight(quint64 key, int photo, double weight);
    // Takes photo `photo` out of the row; removing the first makes the next one first. A row keeps at
    // least one photo (remove the row for that). False when there is no such row or photo.
    bool removePersonPhoto(quint64 key, int photo);
    void addImage(const QImage& image);       // pasted image data
    void addMimeData(const QMimeData& mime);  // a drop or the clipboard
    void paste();
    void removeSelected();
    void clearEntries();

    // The aligned entries in display order (placeholders excluded).
    QList<SourceEntry> entries() const;
    const SourceEntry* entry(quint64 key) const;
    QList<quint64> selectedKeys() const;  // the selected entries, in display order
    const SourceEntry* currentEntry() const;  // the first selected entry, else the first one; null when empty
    int entryCount() const { return static_cast<int>(entries_.size()); }
    // Photos still being aligned or waiting for the several-faces question.
    int pendingCount() const { return static_cast<int>(placeholders_.size()); }

    void setSeveralFacesPolicy(SeveralFacesPolicy policy) { several_faces_ = policy; }
    SeveralFacesPolicy severalFacesPolicy() const { return several_faces_; }
    FaceChooser* openChooser() const { return chooser_; }

signals:
    void entriesChanged();
    void personChanged(quint64 key);  // a row's photos or weights changed (entriesChanged follows)
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
    void onPersonPhoto(const AlignmentResult& result);
    void submitPersonPhoto(quint64 key, PhotoInput input, int face_index, double weight);
    // A file to align, or for a pasted image a session kept, its bytes as pasted image data; none (and
    // a problem said) when those bytes cannot be read.
    std::optional<PhotoInput> inputOf(const QString& path, bool pasted);
    PhotoInput pastedInput(const QImage& image);
    void showPerson(const SourceEntry& entry);  // the row's text, icon and tooltip
    QListWidgetItem* itemOf(quint64 key) const;
    bool holdsPath(const QString& path) const;

    SourceRole role_;
    AlignmentWorker* aligner_;
    SeveralFacesPolicy several_faces_ = SeveralFacesPolicy::Ask;
    std::map<quint64, QListWidgetItem*> placeholders_;  // request -> its item while the photo is aligned
    std::map<quint64, QString> pending_paths_;          // request -> file, to refuse a second drop of it
    std::map<quint64, QList<int>> chosen_faces_;        // request -> the faces addPhotoFaces() asked for
    std::map<quint64, QMap<int, PersonSpec>> chosen_people_;  // request -> those faces' other photos
    struct PersonRequest {
        quint64 key = 0;  // the row the photo joins
        int face_index = 0;
        double weight = 1.0;
    };
    std::map<quint64, PersonRequest> person_requests_;  // request -> the row it joins
    std::map<quint64, SourceEntry> entries_;
    std::deque<AlignmentResult> choices_;  // photos with several faces waiting for the chooser
    QPointer<FaceChooser> chooser_;
    QIcon placeholder_icon_;
    quint64 next_key_ = 1;
    int pasted_count_ = 0;
};

}  // namespace facemix::ui

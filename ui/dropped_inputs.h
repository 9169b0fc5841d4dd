#pragma once

#include <QImage>
#include <QList>
#include <QStringList>

class QMimeData;

namespace facemix::ui {

// What a drop or a paste hands the studio: local files and folders (text/uri-list from a file
// manager) and images carried as data (a browser's or an image editor's clipboard).
struct DroppedInputs {
    QStringList paths;     // local files and folders, in the order given
    QList<QImage> images;  // image data, used only when no local file came with it
    QStringList ignored;   // URLs that are not local files (http: and the like), to tell the user

    bool empty() const { return paths.isEmpty() && images.isEmpty(); }
};

// Reads what a QMimeData offers. Local files win over image data: a file manager that adds a
// preview image to its drag means the file, whose name and full resolution we then keep.
DroppedInputs dropped_inputs(const QMimeData& mime);

// Whether a drag carries anything dropped_inputs would use, so the list can accept or refuse it
// while the user is still dragging.
bool offers_inputs(const QMimeData& mime);

// The photos a set of dropped paths stands for: files stay as given (so a non-image is reported by
// the loader instead of silently skipped), folders contribute their image files, recursively and
// sorted. At most `limit` files are returned; `truncated` says whether more were found. A folder
// without images is named in `empty_folders`.
struct ExpandedPaths {
    QStringList files;
    QStringList empty_folders;
    bool truncated = false;
};
ExpandedPaths expand_photo_paths(const QStringList& paths, int limit = 1000);

bool has_photo_suffix(const QString& path);

// The file dialogs' filter for photos, then all files.
QString photo_file_filter();

}  // namespace facemix::ui

#include "dropped_inputs.h"

#include <algorithm>

#include <QDirIterator>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

#include "io/image_inputs.h"

namespace facemix::ui {

bool has_photo_suffix(const QString& path) { return facemix::has_image_extension(path.toStdString()); }

DroppedInputs dropped_inputs(const QMimeData& mime) {
    DroppedInputs inputs;
    if (mime.hasUrls()) {
        for (const QUrl& url : mime.urls()) {
            if (url.isLocalFile())
                inputs.paths << url.toLocalFile();
            else if (!url.isEmpty())
                inputs.ignored << url.toString();
        }
    }
    if (inputs.paths.isEmpty() && mime.hasImage()) {
        const QImage image = qvariant_cast<QImage>(mime.imageData());
        if (!image.isNull()) inputs.images << image;
    }
    return inputs;
}

bool offers_inputs(const QMimeData& mime) {
    if (mime.hasImage()) return true;
    if (!mime.hasUrls()) return false;
    const QList<QUrl> urls = mime.urls();
    return std::any_of(urls.begin(), urls.end(), [](const QUrl& url) { return url.isLocalFile(); });
}

ExpandedPaths expand_photo_paths(const QStringList& paths, int limit) {
    ExpandedPaths expanded;
    for (const QString& path : paths) {
        if (!QFileInfo(path).isDir()) {
            if (expanded.files.size() >= limit) {
                expanded.truncated = true;
                break;
            }
            expanded.files << path;
            continue;
        }
        QStringList inside;
        QDirIterator it(path, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            if (has_photo_suffix(file)) inside << file;
        }
        if (inside.isEmpty()) {
            expanded.empty_folders << path;
            continue;
        }
        inside.sort();
        for (const QString& file : inside) {
            if (expanded.files.size() >= limit) {
                expanded.truncated = true;
                break;
            }
            expanded.files << file;
        }
        if (expanded.truncated) break;
    }
    return expanded;
}

QString photo_file_filter() {
    return QObject::tr("Photos (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.ppm *.pgm *.pnm);;All files (*)");
}

}  // namespace facemix::ui

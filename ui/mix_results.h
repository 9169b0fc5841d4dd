#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include <QImage>
#include <QList>
#include <QString>

#include <opencv2/core/mat.hpp>

#include "mix/recipe.h"

namespace facemix::ui {

// A grid cell's place: the SourceEntry keys of its face and its background.
using CellKey = std::pair<quint64, quint64>;

// What the studio knows of one cell of the grid: the finished image with the recipe that made it (what
// Save, Copy and the exports write), or the error of its last attempt; its seed; whether it is locked.
struct MixCell {
    cv::Mat image;    // 8-bit BGR; empty until a generation succeeded
    QImage preview;   // the same pixels for the screen and the clipboard
    facemix::Recipe recipe;
    QString error;    // the last attempt's failure, empty when it succeeded
    std::optional<std::uint64_t> seed;  // the seed of the last attempt
    bool locked = false;                // a locked cell with an image is kept by the next Mix

    bool finished() const { return !image.empty(); }
};

// The results of the mix by cell. Plain data (images and recipes, no tensors), owned by the window and
// read by the exports and the session file.
class MixResults {
public:
    void setFinished(const CellKey& key, cv::Mat image, QImage preview, facemix::Recipe recipe);
    void setFailed(const CellKey& key, std::uint64_t seed, const QString& error);
    void setLocked(const CellKey& key, bool locked);
    // Forgets every cell but the locked ones (Clear grid).
    void clearUnlocked();
    // Forgets cells whose face or background is no longer in the lists.
    void keepOnly(const QList<quint64>& faces, const QList<quint64>& backgrounds);

    const MixCell* cell(const CellKey& key) const;
    bool isLocked(const CellKey& key) const;
    // Locked cells that hold an image: the next Mix leaves them alone.
    bool isKept(const CellKey& key) const;
    int finishedCount() const;
    const std::map<CellKey, MixCell>& cells() const { return cells_; }

private:
    std::map<CellKey, MixCell> cells_;
};

}  // namespace facemix::ui

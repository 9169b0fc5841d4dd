#pragma once

#include <utility>

#include <QList>

#include "session_cell_images.h"
#include "source_list.h"

namespace facemix::ui {

// A reopened session's finished cells, waiting for their photos: the lists align photos on a worker, so
// a cell's face and background become entries some time after the session was opened. Each cell goes
// to the grid once both are there, and only when they are still the photos it was made of.
class RestoredCells {
public:
    void expect(QList<StoredCellImage> images) { waiting_ = std::move(images); }
    void clear() { waiting_.clear(); }
    int waitingCount() const { return int(waiting_.size()); }

    // The waiting cells whose face and background are in the lists now (a person's row with all its
    // photos aligned), taken out of the wait; a cell any of whose photos has changed since (another
    // content hash, face or weight than its recipe names, or a photo more or less) is dropped.
    QList<std::pair<CellKey, StoredCellImage>> take(const QList<SourceEntry>& faces, const QList<SourceEntry>& backgrounds);

private:
    QList<StoredCellImage> waiting_;
};

}  // namespace facemix::ui

#include "mix_results.h"

namespace facemix::ui {

void MixResults::setFinished(const CellKey& key, cv::Mat image, QImage preview, facemix::Recipe recipe) {
    MixCell& cell = cells_[key];
    cell.seed = recipe.seed;
    cell.image = std::move(image);
    cell.preview = std::move(preview);
    cell.recipe = std::move(recipe);
    cell.error.clear();
}

void MixResults::setFailed(const CellKey& key, std::uint64_t seed, const QString& error) {
    MixCell& cell = cells_[key];
    cell.seed = seed;
    cell.error = error;
    cell.image = cv::Mat();
    cell.preview = QImage();
    cell.recipe = {};
}

void MixResults::setLocked(const CellKey& key, bool locked) {
    if (locked)
        cells_[key].locked = true;
    else if (auto found = cells_.find(key); found != cells_.end())
        found->second.locked = false;
}

void MixResults::clearUnlocked() {
    std::erase_if(cells_, [](const auto& item) { return !item.second.locked; });
}

void MixResults::keepOnly(const QList<quint64>& faces, const QList<quint64>& backgrounds) {
    std::erase_if(cells_, [&](const auto& item) {
        return !faces.contains(item.first.first) || !backgrounds.contains(item.first.second);
    });
}

const MixCell* MixResults::cell(const CellKey& key) const {
    auto found = cells_.find(key);
    return found == cells_.end() ? nullptr : &found->second;
}

bool MixResults::isLocked(const CellKey& key) const {
    const MixCell* found = cell(key);
    return found && found->locked;
}

bool MixResults::isKept(const CellKey& key) const {
    const MixCell* found = cell(key);
    return found && found->locked && found->finished();
}

int MixResults::finishedCount() const {
    int count = 0;
    for (const auto& [key, cell] : cells_) count += cell.finished() ? 1 : 0;
    return count;
}

}  // namespace facemix::ui

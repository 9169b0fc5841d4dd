#include "mix_job_builder.h"

#include <QFileInfo>
#include <QRandomGenerator>

namespace facemix::ui {

facemix::SamplingSettings sampling_settings_of(const StudioSettings& values) {
    facemix::SamplingSettings settings;
    settings.sampler = values.sampler.toStdString();
    settings.steps = values.steps;
    settings.cfg_scale = values.cfg_scale;
    if (values.face_guidance != 1.0 || values.background_guidance != 1.0) {
        settings.face_scale = values.cfg_scale * values.face_guidance;
        settings.background_scale = values.cfg_scale * values.background_guidance;
    }
    settings.resolution = values.resolution;
    return settings;
}

facemix::MixSource mix_source_of(const SourceEntry& entry) {
    facemix::MixSource source;
    source.file = (entry.path.isEmpty() ? entry.name : QFileInfo(entry.path).fileName()).toStdString();
    source.image_hash = entry.photo_hash.toStdString();
    source.face_index = entry.face_index;
    source.aligned = entry.face.aligned;
    source.weight = entry.weight;
    for (const SourceEntry& photo : entry.same_person) source.same_person.push_back(mix_source_of(photo));
    return source;
}

namespace {

bool same_photo(const facemix::SourceRecord& record, const SourceEntry& entry) {
    return QString::fromStdString(record.image_hash) == entry.photo_hash && record.face_index == entry.face_index &&
           qFuzzyCompare(record.weight, entry.weight);
}

}  // namespace

bool made_of(const facemix::BlendRecord& blend, const SourceEntry& entry) {
    if (blend.sources.size() != 1) return false;
    const facemix::SourceRecord& record = blend.sources.front();
    if (!same_photo(record, entry) || record.same_person.size() != entry.same_person.size()) return false;
    for (std::size_t i = 0; i < record.same_person.size(); ++i)
        if (!same_photo(record.same_person[i], entry.same_person[i])) return false;
    return true;
}

std::uint64_t random_seed() { return QRandomGenerator::global()->bounded(quint32(kMaxSeed)); }

}  // namespace facemix::ui

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
    return source;
}

std::uint64_t random_seed() { return QRandomGenerator::global()->bounded(quint32(kMaxSeed)); }

}  // namespace facemix::ui

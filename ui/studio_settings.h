#pragma once

#include <optional>

#include <QString>
#include <QStringList>
#include <QVariantMap>

#include "mix/seed_policy.h"

class QSettings;

namespace facemix::ui {

// How a Mix chooses each cell's seed: one of core's grid policies, so that the studio's seeds are those
// of facemix mix, or the studio's own choice of none of them, a fresh random seed per cell on every Mix.
struct SeedPolicy {
    std::optional<facemix::SeedPolicy> grid;  // none: random

    static const SeedPolicy Fixed;    // every cell uses the seed, so cells differ only by their face and background
    static const SeedPolicy PerCell;  // seed + the cell's index (row * columns + column): varied, yet reproducible
    static const SeedPolicy Random;

    bool operator==(const SeedPolicy&) const = default;
};
inline constexpr SeedPolicy SeedPolicy::Fixed{facemix::SeedPolicy::Fixed};
inline constexpr SeedPolicy SeedPolicy::PerCell{facemix::SeedPolicy::PerCell};
inline constexpr SeedPolicy SeedPolicy::Random{};

// Where and how the engine runs, in core's names ("auto"/"cpu"/"cuda", "auto"/"fp32"/"fp16"/"bf16",
// "auto"/"resident"/"streamed"), which the generation worker passes through. A change rebuilds the engine.
struct ComputeChoice {
    QString device = QStringLiteral("auto");
    QString precision = QStringLiteral("auto");
    QString weight_memory = QStringLiteral("auto");  // what CPU jobs do with the model file's weights

    bool operator==(const ComputeChoice&) const = default;
};

// Everything the settings panel edits, as plain values: what a generation job is given and what
// QSettings keeps between sessions. Names match core's (sampler names), so the generation worker
// passes them through.
struct StudioSettings {
    QString sampler = QStringLiteral("ddim");
    int steps = 30;
    double cfg_scale = 3.0;            // classifier-free guidance over the whole condition
    // Weights on cfg_scale for the face and the background token. Both 1 is plain classifier-free
    // guidance over the whole condition; otherwise each token group is guided separately with
    // cfg_scale × its weight (core's face_scale and background_scale).
    double face_guidance = 1.0;
    double background_guidance = 1.0;
    qint64 seed = 42;
    SeedPolicy seed_policy = SeedPolicy::PerCell;
    int resolution = 0;  // output side in px; 0 = the model's native resolution
    ComputeChoice compute;

    bool operator==(const StudioSettings&) const = default;
};

// The samplers offered in the panel: core's sampler registry, in its order.
QStringList studio_sampler_names();
QStringList studio_devices();     // "auto", "cpu", "cuda"
QStringList studio_precisions();  // "auto", "fp32", "fp16", "bf16"
QStringList studio_weight_memories();  // "auto", "resident", "streamed"
QList<int> studio_resolutions();  // 0 (the model's native size) first

QString seed_policy_name(SeedPolicy policy);  // "fixed", "per-cell", "random"
SeedPolicy seed_policy_from_name(const QString& name, SeedPolicy fallback);

// Limits shared by the panel's widgets and the loader, which clamps stored values into them so a
// hand-edited or old settings file never puts the panel in a state it cannot show.
inline constexpr int kMinSteps = 1;
inline constexpr int kMaxSteps = 1000;
inline constexpr double kMaxGuidance = 30.0;
inline constexpr qint64 kMaxSeed = 2147483647;

// The settings as named values (QSettings keys, session JSON) and back; missing or invalid values fall
// back to the defaults above, numbers are clamped into the limits.
QVariantMap studio_settings_values(const StudioSettings& values);
StudioSettings studio_settings_from_values(const QVariantMap& stored);

// Reads and writes the "generation/" group of `settings`. Missing or invalid values fall back to
// the defaults above.
StudioSettings load_studio_settings(QSettings& settings);
void save_studio_settings(QSettings& settings, const StudioSettings& values);

}  // namespace facemix::ui

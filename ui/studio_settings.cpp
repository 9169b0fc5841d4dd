#include "studio_settings.h"

#include <algorithm>
#include <cmath>

#include <QSettings>

#include "diffusion/sampler_names.h"

namespace facemix::ui {

QStringList studio_sampler_names() {
    QStringList names;
    for (const std::string& name : facemix::sampler_names()) names << QString::fromStdString(name);
    return names;
}

QStringList studio_devices() { return {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}; }

QStringList studio_precisions() {
    return {QStringLiteral("auto"), QStringLiteral("fp32"), QStringLiteral("fp16"), QStringLiteral("bf16")};
}

QStringList studio_weight_memories() {
    return {QStringLiteral("auto"), QStringLiteral("resident"), QStringLiteral("streamed")};
}

QList<int> studio_resolutions() { return {0, 256, 384, 512, 640, 768}; }

QString seed_policy_name(SeedPolicy policy) {
    if (!policy.grid) return QStringLiteral("random");
    return *policy.grid == facemix::SeedPolicy::Fixed ? QStringLiteral("fixed") : QStringLiteral("per-cell");
}

SeedPolicy seed_policy_from_name(const QString& name, SeedPolicy fallback) {
    for (SeedPolicy policy : {SeedPolicy::Fixed, SeedPolicy::PerCell, SeedPolicy::Random})
        if (seed_policy_name(policy) == name) return policy;
    return fallback;
}

namespace {

QString one_of(const QVariant& stored, const QStringList& allowed, const QString& fallback) {
    const QString value = stored.toString();
    return allowed.contains(value) ? value : fallback;
}

double number_in(const QVariant& stored, double low, double high, double fallback) {
    bool ok = false;
    const double value = stored.toDouble(&ok);
    // Qt reads "nan" as a number, which clamps to NaN, and casting that to int is undefined behaviour.
    return ok && !std::isnan(value) ? std::clamp(value, low, high) : fallback;
}

}  // namespace

StudioSettings studio_settings_from_values(const QVariantMap& stored) {
    const StudioSettings defaults;
    StudioSettings values;
    const auto value = [&](const char* key) { return stored.value(QString::fromLatin1(key)); };
    values.sampler = one_of(value("sampler"), studio_sampler_names(), defaults.sampler);
    values.steps = int(number_in(value("steps"), kMinSteps, kMaxSteps, defaults.steps));
    values.cfg_scale = number_in(value("cfg_scale"), 0.0, kMaxGuidance, defaults.cfg_scale);
    values.face_guidance = number_in(value("face_guidance"), 0.0, kMaxGuidance, defaults.face_guidance);
    values.background_guidance = number_in(value("background_guidance"), 0.0, kMaxGuidance, defaults.background_guidance);
    values.seed = qint64(number_in(value("seed"), 0, double(kMaxSeed), double(defaults.seed)));
    values.seed_policy = seed_policy_from_name(value("seed_policy").toString(), defaults.seed_policy);
    bool ok = false;
    const int resolution = value("resolution").toInt(&ok);
    values.resolution = ok && studio_resolutions().contains(resolution) ? resolution : defaults.resolution;
    values.compute.device = one_of(value("device"), studio_devices(), defaults.compute.device);
    values.compute.precision = one_of(value("precision"), studio_precisions(), defaults.compute.precision);
    values.compute.weight_memory = one_of(value("weight_memory"), studio_weight_memories(), defaults.compute.weight_memory);
    return values;
}

QVariantMap studio_settings_values(const StudioSettings& values) {
    return {{QStringLiteral("sampler"), values.sampler},
            {QStringLiteral("steps"), values.steps},
            {QStringLiteral("cfg_scale"), values.cfg_scale},
            {QStringLiteral("face_guidance"), values.face_guidance},
            {QStringLiteral("background_guidance"), values.background_guidance},
            {QStringLiteral("seed"), values.seed},
            {QStringLiteral("seed_policy"), seed_policy_name(values.seed_policy)},
            {QStringLiteral("resolution"), values.resolution},
            {QStringLiteral("device"), values.compute.device},
            {QStringLiteral("precision"), values.compute.precision},
            {QStringLiteral("weight_memory"), values.compute.weight_memory}};
}

StudioSettings load_studio_settings(QSettings& settings) {
    settings.beginGroup(QStringLiteral("generation"));
    QVariantMap stored;
    for (const QString& key : settings.childKeys()) stored.insert(key, settings.value(key));
    settings.endGroup();
    return studio_settings_from_values(stored);
}

void save_studio_settings(QSettings& settings, const StudioSettings& values) {
    settings.beginGroup(QStringLiteral("generation"));
    const QVariantMap stored = studio_settings_values(values);
    for (auto item = stored.begin(); item != stored.end(); ++item) settings.setValue(item.key(), item.value());
    settings.endGroup();
}

}  // namespace facemix::ui

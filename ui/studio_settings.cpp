#include "studio_settings.h"

#include <algorithm>

#include <QSettings>

namespace facemix::ui {

QStringList studio_sampler_names() {
    return {QStringLiteral("ddim"),     QStringLiteral("plms"),     QStringLiteral("euler"),
            QStringLiteral("euler_a"),  QStringLiteral("dpmpp_2m"), QStringLiteral("dpmpp_2m_karras")};
}

QStringList studio_devices() { return {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}; }

QStringList studio_precisions() {
    return {QStringLiteral("auto"), QStringLiteral("fp32"), QStringLiteral("fp16"), QStringLiteral("bf16")};
}

QList<int> studio_resolutions() { return {256, 384, 512, 640, 768}; }

QString seed_policy_name(SeedPolicy policy) {
    switch (policy) {
        case SeedPolicy::Fixed: return QStringLiteral("fixed");
        case SeedPolicy::PerCell: return QStringLiteral("per-cell");
        case SeedPolicy::Random: return QStringLiteral("random");
    }
    return QStringLiteral("per-cell");
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
    return ok ? std::clamp(value, low, high) : fallback;
}

}  // namespace

StudioSettings load_studio_settings(QSettings& settings) {
    const StudioSettings defaults;
    StudioSettings values;
    settings.beginGroup(QStringLiteral("generation"));
    values.sampler = one_of(settings.value("sampler"), studio_sampler_names(), defaults.sampler);
    values.steps = int(number_in(settings.value("steps"), kMinSteps, kMaxSteps, defaults.steps));
    values.cfg_scale = number_in(settings.value("cfg_scale"), 0.0, kMaxGuidance, defaults.cfg_scale);
    values.face_guidance = number_in(settings.value("face_guidance"), 0.0, kMaxGuidance, defaults.face_guidance);
    values.background_guidance =
        number_in(settings.value("background_guidance"), 0.0, kMaxGuidance, defaults.background_guidance);
    values.seed = qint64(number_in(settings.value("seed"), 0, double(kMaxSeed), double(defaults.seed)));
    values.seed_policy = seed_policy_from_name(settings.value("seed_policy").toString(), defaults.seed_policy);
    const int resolution = settings.value("resolution", defaults.resolution).toInt();
    values.resolution = studio_resolutions().contains(resolution) ? resolution : defaults.resolution;
    values.device = one_of(settings.value("device"), studio_devices(), defaults.device);
    values.precision = one_of(settings.value("precision"), studio_precisions(), defaults.precision);
    settings.endGroup();
    return values;
}

void save_studio_settings(QSettings& settings, const StudioSettings& values) {
    settings.beginGroup(QStringLiteral("generation"));
    settings.setValue("sampler", values.sampler);
    settings.setValue("steps", values.steps);
    settings.setValue("cfg_scale", values.cfg_scale);
    settings.setValue("face_guidance", values.face_guidance);
    settings.setValue("background_guidance", values.background_guidance);
    settings.setValue("seed", values.seed);
    settings.setValue("seed_policy", seed_policy_name(values.seed_policy));
    settings.setValue("resolution", values.resolution);
    settings.setValue("device", values.device);
    settings.setValue("precision", values.precision);
    settings.endGroup();
}

}  // namespace facemix::ui

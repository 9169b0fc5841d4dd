#include "settings_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace facemix::ui {
namespace {

QDoubleSpinBox* guidance_box(QWidget* parent, const QString& name, const QString& tip) {
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(name);
    box->setRange(0.0, kMaxGuidance);
    box->setDecimals(2);
    box->setSingleStep(0.25);
    box->setToolTip(tip);
    return box;
}

QComboBox* combo_of(QWidget* parent, const QString& name, const QList<std::pair<QString, QString>>& items) {
    auto* combo = new QComboBox(parent);
    combo->setObjectName(name);
    for (const auto& [label, value] : items) combo->addItem(label, value);
    return combo;
}

void select_data(QComboBox* combo, const QVariant& value) {
    const int index = combo->findData(value);
    if (index >= 0) combo->setCurrentIndex(index);
}

}  // namespace

SettingsPanel::SettingsPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("settingsPanel"));

    QList<std::pair<QString, QString>> samplers;
    for (const QString& name : studio_sampler_names()) samplers.append({name, name});
    sampler_ = combo_of(this, QStringLiteral("sampler"), samplers);
    sampler_->setToolTip(tr("The solver that turns noise into an image"));

    steps_ = new QSpinBox(this);
    steps_->setObjectName(QStringLiteral("steps"));
    steps_->setRange(kMinSteps, kMaxSteps);
    steps_->setToolTip(tr("Denoising steps per cell; more is slower and usually finer"));

    cfg_scale_ = guidance_box(this, QStringLiteral("cfgScale"), tr("Classifier-free guidance over the whole condition (about 3)"));
    face_guidance_ = guidance_box(this, QStringLiteral("faceGuidance"), tr("How strongly the face photo's identity is followed, as a weight on the CFG scale "
                                                                                "(1 and 1 = plain guidance over both tokens)"));
    background_guidance_ =
        guidance_box(this, QStringLiteral("backgroundGuidance"), tr("How strongly hair, clothes, light and scene are followed, as a weight on the CFG scale"));

    seed_ = new QSpinBox(this);
    seed_->setObjectName(QStringLiteral("seed"));
    seed_->setRange(0, int(kMaxSeed));
    auto* dice = new QToolButton(this);
    dice->setObjectName(QStringLiteral("randomSeed"));
    dice->setText(tr("New"));
    dice->setToolTip(tr("Draw a new random seed"));
    connect(dice, &QToolButton::clicked, this, &SettingsPanel::newRandomSeed);
    auto* seed_row = new QHBoxLayout;
    seed_row->setContentsMargins(0, 0, 0, 0);
    seed_row->addWidget(seed_, 1);
    seed_row->addWidget(dice);

    seed_policy_ = combo_of(this, QStringLiteral("seedPolicy"),
                            {{tr("Per cell"), seed_policy_name(SeedPolicy::PerCell)},
                             {tr("Fixed"), seed_policy_name(SeedPolicy::Fixed)},
                             {tr("Random"), seed_policy_name(SeedPolicy::Random)}});
    seed_policy_->setToolTip(tr("Per cell: seed + the cell's index, varied yet reproducible. Fixed: the same seed in every "
                                "cell, so cells differ only by face and background. Random: new seeds on every Mix."));

    QList<std::pair<QString, QString>> resolutions;
    for (int side : studio_resolutions())
        resolutions.append({side == 0 ? tr("Model's native") : tr("%1 px").arg(side), QString::number(side)});
    resolution_ = combo_of(this, QStringLiteral("resolution"), resolutions);
    resolution_->setToolTip(tr("Side of the generated square images"));

    device_ = combo_of(this, QStringLiteral("device"), {{tr("Auto"), "auto"}, {tr("CPU"), "cpu"}, {tr("CUDA"), "cuda"}});
    device_->setToolTip(tr("Where embedding and sampling run; Auto takes the first CUDA GPU when there is one"));
    precision_ = combo_of(this, QStringLiteral("precision"),
                          {{tr("Auto"), "auto"}, {tr("fp32"), "fp32"}, {tr("fp16"), "fp16"}, {tr("bf16"), "bf16"}});
    precision_->setToolTip(tr("Weight precision; Auto is fp16 on CUDA and fp32 on the CPU, where fp16 is not available"));
    weight_memory_ = combo_of(this, QStringLiteral("weight_memory"),
                              {{tr("Auto"), "auto"}, {tr("Resident"), "resident"}, {tr("Streamed"), "streamed"}});
    weight_memory_->setToolTip(tr("On the CPU: Resident reads the model's weights once and keeps them (fastest); Streamed "
                                  "reads them again for every step (least memory); Auto streams only when memory is short"));

    auto* sampling = new QGroupBox(tr("Sampling"), this);
    auto* sampling_form = new QFormLayout(sampling);
    sampling_form->addRow(tr("Sampler"), sampler_);
    sampling_form->addRow(tr("Steps"), steps_);
    sampling_form->addRow(tr("Seed"), seed_row);
    sampling_form->addRow(tr("Seed policy"), seed_policy_);

    auto* guidance = new QGroupBox(tr("Guidance"), this);
    auto* guidance_form = new QFormLayout(guidance);
    guidance_form->addRow(tr("CFG scale"), cfg_scale_);
    guidance_form->addRow(tr("Face"), face_guidance_);
    guidance_form->addRow(tr("Background"), background_guidance_);

    auto* output = new QGroupBox(tr("Output and compute"), this);
    auto* output_form = new QFormLayout(output);
    output_form->addRow(tr("Resolution"), resolution_);
    output_form->addRow(tr("Device"), device_);
    output_form->addRow(tr("Precision"), precision_);
    output_form->addRow(tr("Weights in memory"), weight_memory_);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(sampling);
    layout->addWidget(guidance);
    layout->addWidget(output);
    layout->addStretch(1);

    setSettings(StudioSettings{});

    auto changed = [this] {
        if (!applying_) emit settingsChanged();
    };
    for (QComboBox* combo : {sampler_, seed_policy_, resolution_, device_, precision_, weight_memory_})
        connect(combo, &QComboBox::currentIndexChanged, this, changed);
    for (QSpinBox* box : {steps_, seed_}) connect(box, &QSpinBox::valueChanged, this, changed);
    for (QDoubleSpinBox* box : {cfg_scale_, face_guidance_, background_guidance_})
        connect(box, &QDoubleSpinBox::valueChanged, this, changed);
}

StudioSettings SettingsPanel::settings() const {
    StudioSettings values;
    values.sampler = sampler_->currentData().toString();
    values.steps = steps_->value();
    values.cfg_scale = cfg_scale_->value();
    values.face_guidance = face_guidance_->value();
    values.background_guidance = background_guidance_->value();
    values.seed = seed_->value();
    values.seed_policy = seed_policy_from_name(seed_policy_->currentData().toString(), SeedPolicy::PerCell);
    values.resolution = resolution_->currentData().toInt();
    values.compute.device = device_->currentData().toString();
    values.compute.precision = precision_->currentData().toString();
    values.compute.weight_memory = weight_memory_->currentData().toString();
    return values;
}

void SettingsPanel::setSettings(const StudioSettings& values) {
    applying_ = true;
    select_data(sampler_, values.sampler);
    steps_->setValue(values.steps);
    cfg_scale_->setValue(values.cfg_scale);
    face_guidance_->setValue(values.face_guidance);
    background_guidance_->setValue(values.background_guidance);
    seed_->setValue(int(std::clamp<qint64>(values.seed, 0, kMaxSeed)));
    select_data(seed_policy_, seed_policy_name(values.seed_policy));
    select_data(resolution_, QString::number(values.resolution));
    select_data(device_, values.compute.device);
    select_data(precision_, values.compute.precision);
    select_data(weight_memory_, values.compute.weight_memory);
    applying_ = false;
    emit settingsChanged();
}

void SettingsPanel::newRandomSeed() { seed_->setValue(int(QRandomGenerator::global()->bounded(quint32(kMaxSeed)))); }

}  // namespace facemix::ui

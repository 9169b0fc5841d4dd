#pragma once

#include <QWidget>

#include "studio_settings.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace facemix::ui {

// The generation settings as plain value widgets. settings() reads them all into one struct, which
// is what a Mix hands to the generation job; settingsChanged() fires on any edit.
class SettingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPanel(QWidget* parent = nullptr);

    StudioSettings settings() const;
    void setSettings(const StudioSettings& values);  // emits settingsChanged() once

signals:
    void settingsChanged();

private:
    void newRandomSeed();

    QComboBox* sampler_ = nullptr;
    QSpinBox* steps_ = nullptr;
    QDoubleSpinBox* cfg_scale_ = nullptr;
    QDoubleSpinBox* face_guidance_ = nullptr;
    QDoubleSpinBox* background_guidance_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QComboBox* seed_policy_ = nullptr;
    QComboBox* resolution_ = nullptr;
    QComboBox* device_ = nullptr;
    QComboBox* precision_ = nullptr;
    QComboBox* weight_memory_ = nullptr;
    bool applying_ = false;  // setSettings() in progress: one signal at the end, not one per widget
};

}  // namespace facemix::ui

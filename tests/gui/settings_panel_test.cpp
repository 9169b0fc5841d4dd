#include "settings_panel.h"

#include "gui_test_support.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

#include "gui_test_registry.h"

using namespace facemix::ui;

class SettingsPanelTest : public QObject {
    Q_OBJECT
private:
    facemix::test::TemporarySettings settings_;

private slots:
    void startsFromTheDefaults() {
        SettingsPanel panel;
        QCOMPARE(panel.settings(), StudioSettings{});
        auto* sampler = panel.findChild<QComboBox*>(QStringLiteral("sampler"));
        QVERIFY(sampler);
        QStringList offered;
        for (int i = 0; i < sampler->count(); ++i) offered << sampler->itemData(i).toString();
        QCOMPARE(offered, studio_sampler_names());
    }

    void widgetsEditTheStruct() {
        SettingsPanel panel;
        QSignalSpy changed(&panel, &SettingsPanel::settingsChanged);
        panel.findChild<QSpinBox*>(QStringLiteral("steps"))->setValue(12);
        auto* device = panel.findChild<QComboBox*>(QStringLiteral("device"));
        device->setCurrentIndex(device->findData(QStringLiteral("cuda")));
        QCOMPARE(changed.count(), 2);
        QCOMPARE(panel.settings().steps, 12);
        QCOMPARE(panel.settings().compute.device, QStringLiteral("cuda"));
    }

    void roundTripsThroughQSettings() {
        StudioSettings values;
        values.sampler = QStringLiteral("dpmpp_2m_karras");
        values.steps = 44;
        values.cfg_scale = 4.5;
        values.face_guidance = 1.75;
        values.background_guidance = 0.5;
        values.seed = 123456789;
        values.seed_policy = SeedPolicy::Random;
        values.resolution = 768;
        values.compute.device = QStringLiteral("cuda");
        values.compute.precision = QStringLiteral("bf16");
        values.compute.weight_memory = QStringLiteral("streamed");
        {
            SettingsPanel panel;
            QSignalSpy changed(&panel, &SettingsPanel::settingsChanged);
            panel.setSettings(values);
            QCOMPARE(changed.count(), 1);  // one notification for the whole struct
            QCOMPARE(panel.settings(), values);
            QSettings settings;
            save_studio_settings(settings, panel.settings());
        }
        QSettings settings;
        settings.sync();
        QCOMPARE(settings.value("generation/sampler").toString(), QStringLiteral("dpmpp_2m_karras"));
        SettingsPanel restored;
        restored.setSettings(load_studio_settings(settings));
        QCOMPARE(restored.settings(), values);
    }

    void invalidStoredValuesFallBackOrAreClamped() {
        QSettings settings;
        settings.setValue("generation/sampler", "no_such_sampler");
        settings.setValue("generation/steps", 100000);
        settings.setValue("generation/cfg_scale", "lots");
        settings.setValue("generation/seed_policy", "sometimes");
        settings.setValue("generation/resolution", 333);
        settings.setValue("generation/device", "tpu");
        settings.setValue("generation/weight_memory", "swap");
        const StudioSettings loaded = load_studio_settings(settings);
        const StudioSettings defaults;
        QCOMPARE(loaded.sampler, defaults.sampler);
        QCOMPARE(loaded.steps, kMaxSteps);
        QCOMPARE(loaded.cfg_scale, defaults.cfg_scale);
        QCOMPARE(loaded.seed_policy, defaults.seed_policy);
        QCOMPARE(loaded.resolution, defaults.resolution);
        QCOMPARE(loaded.compute.device, defaults.compute.device);
        QCOMPARE(loaded.compute.weight_memory, defaults.compute.weight_memory);
    }
};

FACEMIX_GUI_TEST(SettingsPanelTest)
#include "settings_panel_test.moc"

#pragma once

// Shared by the studio's generation tests: the tiny random model written to a bundle file and opened
// through the model panel, real photos dropped and aligned, and a meter of event-loop stalls.

#include <algorithm>
#include <vector>

#include <QElapsedTimer>
#include <QTimer>
#include <QtTest>

#include "bundle/model_bundle.h"
#include "bundle/random_bundle.h"
#include "generation_worker.h"
#include "gui_test_support.h"
#include "main_window.h"
#include "mix_grid_view.h"
#include "model_panel.h"
#include "settings_panel.h"
#include "source_list.h"

namespace facemix::test {

inline constexpr int kGenerateTimeoutMs = 200000;  // generous: the tiny model is slow on a busy 2-core machine
inline constexpr int kTinySide = 32;               // the tiny architecture's native resolution

inline const QStringList kFaces{QStringLiteral("deepface_img12.jpg"), QStringLiteral("photomaker_newton_3.jpg")};
inline const QStringList kBackgrounds{QStringLiteral("photomaker_scarlett_1.jpg"), QStringLiteral("facerec_obama_small.jpg")};

// The longest gap between ticks of a 5 ms timer: how long the event loop was kept from running.
class StallMeter {
public:
    StallMeter() {
        ticker_.setInterval(5);
        QObject::connect(&ticker_, &QTimer::timeout, [this] {
            const qint64 now = clock_.nsecsElapsed();
            worst_ = std::max(worst_, now - last_);
            last_ = now;
        });
        clock_.start();
        ticker_.start();
    }
    double worstMs() const { return double(worst_) / 1e6; }

private:
    QElapsedTimer clock_;
    QTimer ticker_;
    qint64 last_ = 0;
    qint64 worst_ = 0;
};

inline std::vector<ui::CellKey> all_cells(const ui::MixGridView& grid) {
    std::vector<ui::CellKey> cells;
    for (int row = 0; row < grid.rowCount(); ++row)
        for (int column = 0; column < grid.columnCount(); ++column) cells.push_back({grid.faceKey(row), grid.backgroundKey(column)});
    return cells;
}

class StudioFixture {
public:
    StudioFixture() : model_path_(dir_.filePath(QStringLiteral("tiny.safetensors"))) {
        write_bundle(model_path_.toStdString(), random_bundle(face_mixer_manifest("tiny"), 7));
    }

    QString modelPath() const { return model_path_; }
    QString path(const QString& name) const { return dir_.filePath(name); }

    static ui::StudioSettings fastSettings(int steps) {
        ui::StudioSettings values;
        values.sampler = QStringLiteral("ddim");
        values.steps = steps;
        values.cfg_scale = 3.0;
        values.seed = 1234;
        values.seed_policy = ui::SeedPolicy::PerCell;
        values.resolution = 0;  // the model's native size
        values.compute.device = QStringLiteral("cpu");
        values.compute.precision = QStringLiteral("fp32");
        return values;
    }

    // The window shown, the tiny model loaded and two faces and two backgrounds dropped and aligned.
    bool prepare(ui::MainWindow& window, int steps) const { return prepare(window, model_path_, steps); }

    // The same with the model at `model_path`, for a studio in another process.
    static bool prepare(ui::MainWindow& window, const QString& model_path, int steps) {
        window.show();
        if (!QTest::qWaitForWindowExposed(&window)) return false;
        window.settingsPanel()->setSettings(fastSettings(steps));
        window.faces()->setSeveralFacesPolicy(ui::SeveralFacesPolicy::Largest);
        window.backgrounds()->setSeveralFacesPolicy(ui::SeveralFacesPolicy::Largest);
        window.modelPanel()->openModel(model_path);
        QStringList faces, backgrounds;
        for (const QString& name : kFaces) faces << testdata(name);
        for (const QString& name : kBackgrounds) backgrounds << testdata(name);
        if (!simulate_drop(window.faces(), *file_urls(faces))) return false;
        if (!simulate_drop(window.backgrounds(), *file_urls(backgrounds))) return false;
        QElapsedTimer clock;
        clock.start();
        const auto ready = [&] {
            return window.faces()->entryCount() == 2 && window.backgrounds()->entryCount() == 2 &&
                   !window.generator()->engineDescription().isEmpty();
        };
        while (clock.elapsed() < kAlignTimeoutMs && !ready()) QTest::qWait(20);
        return ready();
    }

    static bool waitForMix(ui::MainWindow& window) {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < kGenerateTimeoutMs && window.isMixing()) QTest::qWait(10);
        return !window.isMixing();
    }

private:
    TemporarySettings settings_;
    QTemporaryDir dir_;
    QString model_path_;
};

}  // namespace facemix::test

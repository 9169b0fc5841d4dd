#pragma once

#include <functional>
#include <map>

#include <QImage>
#include <QWidget>

#include "generation_worker.h"
#include "studio_settings.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace facemix::ui {

class ExportWriter;
class InterpolationCurve;
class SourceList;

// Slides between two faces (on one background) or two backgrounds (under one face). Moving the slider
// renders a quick low-step preview of that point, then the same point with the recipe an export uses
// (the settings' steps, seed and sampler, one cell per batch), so the preview that stays is the frame
// the export writes there; a newer position cancels the previews still being made, so the latest always
// wins. "Export frames…" renders the whole path with that recipe and writes each frame as a PNG with its
// recipe as soon as it is rendered, then the frames side by side and an animated PNG.
class InterpolationPanel : public QWidget {
    Q_OBJECT
public:
    enum class Axis { Faces, Backgrounds };
    static constexpr int kPreviewSteps = 8;
    static constexpr int kSliderMaximum = 100;
    static constexpr int kPreviewSide = 192;

    InterpolationPanel(SourceList* faces, SourceList* backgrounds, GenerationWorker* worker,
                       std::function<StudioSettings()> settings, QWidget* parent = nullptr);

    // Re-reads the lists into the choosers, keeping the chosen sources where they are still there.
    void refreshSources();
    void setAxis(Axis axis);
    Axis axis() const;
    // Indices into the moving list (from, to) and the other list (the one held still).
    void choose(int from, int to, int held);
    QSlider* slider() const { return slider_; }
    double position() const;  // 0 … 1

    QImage preview() const { return preview_; }
    int previewsShown() const { return previews_shown_; }
    int previewSteps() const { return preview_steps_; }  // of the preview shown; 0 before the first
    bool isExporting() const { return export_job_ != 0; }

    // Keeps `curve` on this panel's endpoints, measured frames and slider.
    void drive(InterpolationCurve* curve);

    // Renders `frames` frames into `folder`; false (with problem()) when the choice cannot be rendered.
    bool exportFrames(const QString& folder, int frames);
    void chooseExportFolder();

signals:
    void problem(const QString& message);
    void information(const QString& message);
    void previewShown();
    // The curve's data: a new pair of endpoints (the points so far belong to the old pair), then each
    // rendered frame's position and its closeness to the two endpoints (see GeneratedCell).
    void endpointsChanged(const QString& from, const QString& to);
    void frameMeasured(double position, double toFrom, double toTo);
    void frameWritten(const QString& path);  // one exported frame is on disk
    void framesExported(const QString& folder, const QStringList& files);

private:
    struct Choice;
    bool currentChoice(Choice& choice, QString& why) const;
    void requestPreview();
    void submitPreview(const Choice& choice, int steps);
    facemix::MixJob exportRecipeJob(const Choice& choice) const;
    void noteEndpoints(const Choice& choice);
    void reportCloseness(const GeneratedCell& cell);
    void onCell(const GeneratedCell& cell);
    void onJobEnded(quint64 job, bool cancelled, const QString& error);
    void writeFrame(const GeneratedCell& frame);
    void writeStripAndAnimation();
    void onWritten(quint64 id, const QStringList& files);
    void onWriteFailed(quint64 id, const QString& message);
    void updateEnabled();

    SourceList* faces_;
    SourceList* backgrounds_;
    GenerationWorker* worker_;
    std::function<StudioSettings()> settings_;

    QComboBox* axis_ = nullptr;
    QComboBox* from_ = nullptr;
    QComboBox* to_ = nullptr;
    QComboBox* held_ = nullptr;
    QLabel* held_label_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* position_label_ = nullptr;
    QLabel* preview_label_ = nullptr;
    QLabel* status_ = nullptr;
    QSpinBox* frames_ = nullptr;
    QPushButton* export_ = nullptr;

    QString endpoints_key_;    // the choice the curve's points belong to
    quint64 preview_job_ = 0;  // the newest preview; older ones are cancelled and their cells ignored
    int preview_job_steps_ = 0;
    QImage preview_;
    int previews_shown_ = 0;
    int preview_steps_ = 0;
    quint64 export_job_ = 0;
    int export_total_ = 0;
    QString export_folder_;
    std::map<std::size_t, GeneratedCell> export_frames_;  // by frame index
    // One writer thread: each frame is on disk as soon as it is rendered, and the strip and the
    // animation, queued after the last frame, are written after it.
    ExportWriter* writer_ = nullptr;
    std::map<quint64, QString> strip_writes_;  // the strips being written, by writer id: their folders
    std::map<quint64, QString> frame_writes_;  // the frames being written, by writer id: their paths
};

}  // namespace facemix::ui

#include "interpolation_panel.h"

#include <cmath>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "counted_noun.h"
#include "export_writer.h"
#include "interpolation_curve.h"
#include "mix/cell_export.h"
#include "mix/job_files.h"
#include "mix/mix_job.h"
#include "mix_job_builder.h"
#include "source_list.h"

namespace facemix::ui {

// The sources a preview or an export runs on: the two ends of the moving list and the one held still.
struct InterpolationPanel::Choice {
    Axis axis = Axis::Faces;
    SourceEntry from;
    SourceEntry to;
    SourceEntry held;
};

namespace {

void fill(QComboBox* combo, const QList<SourceEntry>& entries, int fallback_index) {
    const QVariant kept = combo->currentData();
    const QSignalBlocker quiet(combo);
    combo->clear();
    for (const SourceEntry& entry : entries) combo->addItem(QIcon(QPixmap::fromImage(entry.thumbnail)), entry.name, entry.key);
    const int index = kept.isValid() ? combo->findData(kept) : -1;
    combo->setCurrentIndex(index >= 0 ? index : std::min(fallback_index, combo->count() - 1));
}

const SourceEntry* chosen(const QComboBox* combo, const SourceList* list) {
    const QVariant key = combo->currentData();
    return key.isValid() ? list->entry(key.toULongLong()) : nullptr;
}

facemix::MixJob job_for(const InterpolationPanel::Axis axis, const SourceEntry& from, const SourceEntry& to,
                        const SourceEntry& held) {
    facemix::MixJob job;
    auto& moving = axis == InterpolationPanel::Axis::Faces ? job.faces : job.backgrounds;
    auto& still = axis == InterpolationPanel::Axis::Faces ? job.backgrounds : job.faces;
    moving = {mix_source_of(from), mix_source_of(to)};
    still = {mix_source_of(held)};
    return job;
}

}  // namespace

InterpolationPanel::InterpolationPanel(SourceList* faces, SourceList* backgrounds, GenerationWorker* worker,
                                       std::function<StudioSettings()> settings, QWidget* parent)
    : QWidget(parent), faces_(faces), backgrounds_(backgrounds), worker_(worker), settings_(std::move(settings)) {
    setObjectName(QStringLiteral("interpolationPanel"));
    writer_ = new ExportWriter(this);
    connect(writer_, &ExportWriter::written, this, [this](quint64 id, const QString&, const QStringList& files) { onWritten(id, files); });
    connect(writer_, &ExportWriter::failed, this, &InterpolationPanel::onWriteFailed);
    axis_ = new QComboBox(this);
    axis_->setObjectName(QStringLiteral("interpolationAxis"));
    axis_->addItem(tr("Between two faces"));
    axis_->addItem(tr("Between two backgrounds"));
    from_ = new QComboBox(this);
    from_->setObjectName(QStringLiteral("interpolationFrom"));
    to_ = new QComboBox(this);
    to_->setObjectName(QStringLiteral("interpolationTo"));
    held_ = new QComboBox(this);
    held_->setObjectName(QStringLiteral("interpolationHeld"));
    for (QComboBox* combo : {from_, to_, held_}) {
        combo->setIconSize(QSize(24, 24));
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(10);
    }

    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("interpolationSlider"));
    slider_->setRange(0, kSliderMaximum);
    slider_->setValue(kSliderMaximum / 2);
    slider_->setToolTip(tr("Where between the two the preview sits: a quick %1-step render, then the frame an export makes there")
                            .arg(kPreviewSteps));
    position_label_ = new QLabel(this);
    position_label_->setMinimumWidth(40);

    preview_label_ = new QLabel(this);
    preview_label_->setObjectName(QStringLiteral("interpolationPreview"));
    preview_label_->setFixedSize(kPreviewSide, kPreviewSide);
    preview_label_->setAlignment(Qt::AlignCenter);
    preview_label_->setFrameShape(QFrame::StyledPanel);
    preview_label_->setText(tr("Move the slider\nfor a preview"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("interpolationStatus"));
    status_->setWordWrap(true);

    frames_ = new QSpinBox(this);
    frames_->setObjectName(QStringLiteral("interpolationFrames"));
    frames_->setRange(2, 240);
    frames_->setValue(12);
    frames_->setToolTip(tr("Frames from the first to the second, all with the settings' seed"));
    export_ = new QPushButton(tr("Export frames…"), this);
    export_->setObjectName(QStringLiteral("exportFrames"));
    connect(export_, &QPushButton::clicked, this, &InterpolationPanel::chooseExportFolder);

    held_label_ = new QLabel(tr("On background"), this);
    auto* form = new QFormLayout;
    form->addRow(tr("Slide"), axis_);
    form->addRow(tr("From"), from_);
    form->addRow(tr("To"), to_);
    form->addRow(held_label_, held_);
    auto* slider_row = new QHBoxLayout;
    slider_row->addWidget(slider_, 1);
    slider_row->addWidget(position_label_);
    auto* export_row = new QHBoxLayout;
    export_row->addWidget(new QLabel(tr("Frames"), this));
    export_row->addWidget(frames_);
    export_row->addStretch(1);
    export_row->addWidget(export_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(slider_row);
    layout->addWidget(preview_label_, 0, Qt::AlignHCenter);
    layout->addWidget(status_);
    layout->addLayout(export_row);
    layout->addStretch(1);

    connect(axis_, &QComboBox::currentIndexChanged, this, [this] {
        refreshSources();
        requestPreview();
    });
    for (QComboBox* combo : {from_, to_, held_}) connect(combo, &QComboBox::currentIndexChanged, this, &InterpolationPanel::requestPreview);
    connect(slider_, &QSlider::valueChanged, this, &InterpolationPanel::requestPreview);
    connect(worker_, &GenerationWorker::cellReady, this, &InterpolationPanel::onCell);
    connect(worker_, &GenerationWorker::jobFinished, this, [this](quint64 job, bool cancelled) { onJobEnded(job, cancelled, {}); });
    connect(worker_, &GenerationWorker::jobFailed, this, [this](quint64 job, const QString& error) { onJobEnded(job, false, error); });
    refreshSources();
}

InterpolationPanel::Axis InterpolationPanel::axis() const { return axis_->currentIndex() == 1 ? Axis::Backgrounds : Axis::Faces; }

void InterpolationPanel::setAxis(Axis axis) { axis_->setCurrentIndex(axis == Axis::Backgrounds ? 1 : 0); }

double InterpolationPanel::position() const { return double(slider_->value()) / kSliderMaximum; }

void InterpolationPanel::refreshSources() {
    const bool faces = axis() == Axis::Faces;
    const QList<SourceEntry> moving = (faces ? faces_ : backgrounds_)->entries();
    const QList<SourceEntry> still = (faces ? backgrounds_ : faces_)->entries();
    fill(from_, moving, 0);
    fill(to_, moving, 1);
    fill(held_, still, 0);
    // Sliding from a source to itself shows nothing: once there are two, To starts on another one
    // than From (a list filled one photo at a time would otherwise keep both on the first).
    if (to_->count() > 1 && to_->currentData() == from_->currentData()) {
        const QSignalBlocker quiet(to_);
        to_->setCurrentIndex(from_->currentIndex() == 0 ? 1 : 0);
    }
    held_label_->setText(faces ? tr("On background") : tr("With face"));
    position_label_->setText(QString::number(position(), 'f', 2));
    updateEnabled();
}

void InterpolationPanel::choose(int from, int to, int held) {
    {
        const QSignalBlocker a(from_), b(to_), c(held_);
        from_->setCurrentIndex(from);
        to_->setCurrentIndex(to);
        held_->setCurrentIndex(held);
    }
    updateEnabled();
    requestPreview();
}

void InterpolationPanel::updateEnabled() {
    Choice choice;
    QString why;
    const bool ready = currentChoice(choice, why);
    export_->setEnabled(ready && !isExporting());
    slider_->setEnabled(ready);
    if (!ready && !isExporting()) status_->setText(why);
}

bool InterpolationPanel::currentChoice(Choice& choice, QString& why) const {
    const bool faces = axis() == Axis::Faces;
    const SourceList* moving = faces ? faces_ : backgrounds_;
    const SourceList* still = faces ? backgrounds_ : faces_;
    const SourceEntry* from = chosen(from_, moving);
    const SourceEntry* to = chosen(to_, moving);
    const SourceEntry* held = chosen(held_, still);
    if (!worker_->hasModel()) {
        why = tr("Open a model to slide between sources.");
        return false;
    }
    if (!from || !to || from->key == to->key) {
        why = faces ? tr("Add two faces to slide between them.") : tr("Add two backgrounds to slide between them.");
        return false;
    }
    if (!held) {
        why = faces ? tr("Add a background to put the faces on.") : tr("Add a face to put on the backgrounds.");
        return false;
    }
    choice = {axis(), *from, *to, *held};
    return true;
}

void InterpolationPanel::requestPreview() {
    position_label_->setText(QString::number(position(), 'f', 2));
    Choice choice;
    QString why;
    if (!currentChoice(choice, why)) {
        updateEnabled();
        return;
    }
    updateEnabled();
    noteEndpoints(choice);
    submitPreview(choice, std::min(kPreviewSteps, settings_().steps));
}

// What a frame of the export is made with: the settings as they are, the settings' seed for every frame,
// one cell per batch. The refined preview is this job with one cell, so it is the frame the export writes
// at its position; only the quick preview before it takes fewer steps.
facemix::MixJob InterpolationPanel::exportRecipeJob(const Choice& choice) const {
    facemix::MixJob job = job_for(choice.axis, choice.from, choice.to, choice.held);
    job.settings = sampling_settings_of(settings_());
    job.batch_cells = 1;
    return job;
}

void InterpolationPanel::submitPreview(const Choice& choice, int steps) {
    if (preview_job_) worker_->cancel(preview_job_);  // the latest position wins
    const StudioSettings values = settings_();
    facemix::MixJob job = exportRecipeJob(choice);
    job.settings.steps = steps;
    facemix::CellRequest cell;
    cell.seed = std::uint64_t(values.seed);
    (choice.axis == Axis::Faces ? cell.face : cell.background) = {0, 1, position(), facemix::Interpolation::Slerp};
    job.cells = {cell};
    preview_job_ = worker_->submit(std::move(job));
    preview_job_steps_ = steps;
    if (!isExporting())
        status_->setText(steps < values.steps ? tr("Rendering a quick %1-step preview…").arg(steps)
                                              : tr("Rendering the preview with %1, as the export does…").arg(counted(steps, tr("step"), tr("steps"))));
}

void InterpolationPanel::noteEndpoints(const Choice& choice) {
    const QString key = QStringLiteral("%1:%2:%3:%4").arg(int(choice.axis)).arg(choice.from.key).arg(choice.to.key).arg(choice.held.key);
    if (key == endpoints_key_) return;
    endpoints_key_ = key;
    emit endpointsChanged(choice.from.name, choice.to.name);
}

void InterpolationPanel::drive(InterpolationCurve* curve) {
    connect(this, &InterpolationPanel::endpointsChanged, curve, [curve](const QString& from, const QString& to) {
        curve->clear();
        curve->setEndpointNames(from, to);
    });
    connect(this, &InterpolationPanel::frameMeasured, curve, &InterpolationCurve::addPoint);
    connect(slider_, &QSlider::valueChanged, curve, [this, curve] { curve->setCursorPosition(position()); });
    curve->setCursorPosition(position());
}

void InterpolationPanel::reportCloseness(const GeneratedCell& cell) {
    if (std::isfinite(cell.blend_position) && std::isfinite(cell.closeness_to_from) && std::isfinite(cell.closeness_to_to))
        emit frameMeasured(cell.blend_position, cell.closeness_to_from, cell.closeness_to_to);
}

void InterpolationPanel::chooseExportFolder() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export interpolation frames to"));
    if (!folder.isEmpty()) exportFrames(folder, frames_->value());
}

bool InterpolationPanel::exportFrames(const QString& folder, int frames) {
    Choice choice;
    QString why;
    if (isExporting()) why = tr("Frames are being exported already.");
    if (!why.isEmpty() || !currentChoice(choice, why)) {
        emit problem(why);
        return false;
    }
    if (!QDir().mkpath(folder)) {
        emit problem(tr("Cannot create the folder %1.").arg(folder));
        return false;
    }
    noteEndpoints(choice);
    const StudioSettings values = settings_();
    // One frame per batch: each frame reaches disk as it is rendered, and is the preview at its position.
    facemix::MixJob job = exportRecipeJob(choice);
    try {
        job.cells = facemix::interpolation_cells(choice.axis == Axis::Faces ? facemix::InterpolationAxis::Face
                                                                           : facemix::InterpolationAxis::Background,
                                                 2, std::size_t(frames), std::uint64_t(values.seed), facemix::Interpolation::Slerp);
    } catch (const std::exception& error) {
        emit problem(QString::fromUtf8(error.what()));
        return false;
    }
    export_folder_ = folder;
    export_total_ = frames;
    export_frames_.clear();
    export_job_ = worker_->submit(std::move(job));
    status_->setText(tr("Rendering %1…").arg(counted(frames, tr("frame"), tr("frames"))));
    updateEnabled();
    emit information(tr("Rendering %1 from %2 to %3 into %4.")
                         .arg(counted(frames, tr("interpolation frame"), tr("interpolation frames")), choice.from.name, choice.to.name, folder));
    return true;
}

void InterpolationPanel::onCell(const GeneratedCell& cell) {
    if (cell.job == export_job_ && export_job_) {
        if (!cell.ok()) emit problem(tr("Frame %1 failed: %2").arg(cell.column + 1).arg(cell.error));
        export_frames_[cell.column] = cell;
        if (cell.ok()) writeFrame(cell);
        reportCloseness(cell);
        status_->setText(tr("Rendered frame %1 of %2…").arg(export_frames_.size()).arg(export_total_));
        return;
    }
    if (cell.job != preview_job_ || !preview_job_) return;  // a superseded preview
    if (!cell.ok()) {
        status_->setText(tr("The preview failed: %1").arg(cell.error));
        emit problem(tr("The interpolation preview failed: %1").arg(cell.error));
        return;
    }
    preview_ = cell.preview;
    preview_steps_ = preview_job_steps_;
    reportCloseness(cell);
    preview_label_->setPixmap(
        QPixmap::fromImage(preview_.scaled(kPreviewSide, kPreviewSide, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    ++previews_shown_;
    const int export_steps = settings_().steps;
    const bool quick = preview_steps_ < export_steps;
    if (!isExporting())
        status_->setText(quick ? tr("Quick %1-step preview at %2 (seed %3); rendering it with the export's %4…")
                                     .arg(preview_steps_).arg(position(), 0, 'f', 2).arg(cell.seed).arg(counted(export_steps, tr("step"), tr("steps")))
                               : tr("Preview at %1 (seed %2, %3): the frame an export makes here.")
                                     .arg(position(), 0, 'f', 2).arg(cell.seed).arg(counted(preview_steps_, tr("step"), tr("steps"))));
    emit previewShown();
    // The quick preview says roughly where the slider is; the one that stays must match the export.
    Choice choice;
    QString why;
    if (quick && currentChoice(choice, why)) submitPreview(choice, export_steps);
}

void InterpolationPanel::onJobEnded(quint64 job, bool cancelled, const QString& error) {
    if (job == preview_job_) {
        if (!error.isEmpty()) {
            status_->setText(error);
            emit problem(error);
        }
        return;
    }
    if (job != export_job_ || !export_job_) return;
    export_job_ = 0;
    if (!error.isEmpty()) emit problem(tr("Exporting frames failed: %1").arg(error));
    if (cancelled) emit information(tr("Frame export cancelled; the finished %1 are kept.").arg(counted(export_frames_.size(), tr("frame"), tr("frames"))));
    writeStripAndAnimation();
    updateEnabled();
}

namespace {

QString frame_path(const QString& folder, const GeneratedCell& frame) {
    return QDir(folder).filePath(QString::fromStdString(facemix::frame_file_name(frame.column)));
}

}  // namespace

// Off the GUI thread: PNG encoding of full-size frames takes a while.
void InterpolationPanel::writeFrame(const GeneratedCell& frame) {
    const QString path = frame_path(export_folder_, frame);
    const quint64 id = writer_->submit(tr("Writing the frame %1").arg(path), [path, frame] {
        facemix::write_recipe_png(path.toStdString(), frame.image, frame.recipe);
        return QStringList{path};
    });
    frame_writes_[id] = path;
}

void InterpolationPanel::writeStripAndAnimation() {
    std::vector<cv::Mat> images;
    QStringList files;
    for (const auto& [index, cell] : export_frames_)
        if (cell.ok()) {
            images.push_back(cell.image);
            files << frame_path(export_folder_, cell);
        }
    export_frames_.clear();
    if (images.empty()) {
        status_->setText(tr("No frames to write."));
        return;
    }
    status_->setText(tr("Writing the strip and the animation of %1…").arg(counted(images.size(), tr("frame"), tr("frames"))));
    const QString folder = export_folder_;
    const quint64 id = writer_->submit(tr("Writing the frames to %1").arg(folder), [folder, files, images = std::move(images)]() mutable {
        const facemix::StripFiles written =
            facemix::write_strip_and_animation(folder.toStdString(), "interpolation", images, facemix::kFrameMilliseconds);
        files << QString::fromStdString(written.strip.string()) << QString::fromStdString(written.animation.string());
        return files;
    });
    strip_writes_[id] = folder;
}

// The export is done when its strip and animation are; a frame is only news of its own.
void InterpolationPanel::onWritten(quint64 id, const QStringList& files) {
    if (const auto frame = frame_writes_.find(id); frame != frame_writes_.end()) {
        const QString path = frame->second;
        frame_writes_.erase(frame);
        emit frameWritten(path);
        return;
    }
    const auto strip = strip_writes_.find(id);
    if (strip == strip_writes_.end()) return;
    const QString folder = strip->second;
    strip_writes_.erase(strip);
    status_->setText(tr("Wrote %1, a strip and an animation.").arg(counted(files.size() - 2, tr("frame"), tr("frames"))));
    emit information(tr("Exported the interpolation to %1.").arg(folder));
    emit framesExported(folder, files);
}

void InterpolationPanel::onWriteFailed(quint64 id, const QString& message) {
    frame_writes_.erase(id);
    if (strip_writes_.erase(id)) status_->setText(message);
    emit problem(message);
}

}  // namespace facemix::ui

#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>

#include "alignment_worker.h"
#include "cast_runner.h"
#include "cell_viewer.h"
#include "counted_noun.h"
#include "dropped_inputs.h"
#include "generation_worker.h"
#include "grid_cells.h"
#include "grid_exporter.h"
#include "interpolation_panel.h"
#include "log_panel.h"
#include "message_banner.h"
#include "mix_grid_view.h"
#include "model_panel.h"
#include "plot_panel.h"
#include "progress_status.h"
#include "session_autosave.h"
#include "session_files.h"
#include "settings_panel.h"
#include "similarity_heatmap.h"
#include "source_list.h"
#include "step_time_plot.h"
#include "studio_actions.h"
#include "studio_command_line.h"
#include "studio_docks.h"
#include "studio_style.h"

namespace facemix::ui {
namespace {

QList<GridAxisItem> axis_of(const SourceList& list) {
    QList<GridAxisItem> items;
    for (const SourceEntry& entry : list.entries()) items.append({entry.key, entry.label(), entry.thumbnail});
    return items;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("facemix studio"));
    setWindowIcon(studio_icon());
    setAcceptDrops(true);  // a session or a model dropped anywhere opens; photos go to Faces
    resize(1280, 820);

    aligner_ = new AlignmentWorker({}, this);
    faces_ = new SourceList(SourceRole::Faces, aligner_, this);
    backgrounds_ = new SourceList(SourceRole::Backgrounds, aligner_, this);
    model_ = new ModelPanel(this);
    settings_ = new SettingsPanel(this);
    log_ = new LogPanel(this);
    viewer_ = new CellViewer(this);
    generator_ = new GenerationWorker(this);
    plots_ = new PlotPanel(this);
    interpolation_ = new InterpolationPanel(faces_, backgrounds_, generator_, [this] { return settings_->settings(); }, this);

    banner_ = new MessageBanner(this);
    grid_ = new MixGridView(this);
    grid_jobs_ = std::make_unique<GridJobs>(generator_, grid_);
    setCentralWidget(banner_->over(grid_));

    docks_ = dock_studio_panels(this, {faces_, backgrounds_, model_, settings_, log_, plots_, interpolation_});

    progress_ = new ProgressStatus(this);
    counts_ = new QLabel(this);
    counts_->setObjectName(QStringLiteral("counts"));
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(counts_);
    cells_ = new GridCells({grid_, viewer_, plots_->similarity(), faces_, backgrounds_, log_, statusBar()}, this);
    exporter_ = new GridExporter(grid_, &cells_->results(), faces_, backgrounds_, this);
    caster_ = new CastRunner(generator_, this);

    autosave_ = new SessionAutosave(SessionAutosave::defaultFolder(), [this](const QString& path) { return files_->snapshot(path); }, this);
    connect(autosave_, &SessionAutosave::failed, this, &MainWindow::reportProblem);
    const StudioActions actions = add_studio_actions(this, docks_);
    mix_action_ = actions.mix;
    files_ = new SessionFiles(SessionTranslator(faces_, backgrounds_, settings_, model_, &planner_), &cells_->results(), autosave_,
                              actions.restore_session, this);
    connectActions(actions);

    // Problems and news from the panels.
    for (SourceList* list : {faces_, backgrounds_}) {
        connect(list, &SourceList::problem, this, &MainWindow::reportProblem);
        connect(list, &SourceList::information, log_, &LogPanel::info);
        connect(list, &SourceList::entriesChanged, this, &MainWindow::updateGridAxes);
        connect(list, &SourceList::entriesChanged, autosave_, &SessionAutosave::touch);
    }
    connect(aligner_, &AlignmentWorker::progressChanged, this, [this](int done, int total) {
        if (done < total)
            progress_->setProgress(tr("Aligning photos"), done, total);
        else
            finishProgressIfIdle();
    });
    connect(progress_, &ProgressStatus::cancelRequested, this, &MainWindow::cancelWork);
    connect(model_, &ModelPanel::loadingStarted, this,
            [this](const QString& path) { log_->info(tr("Loading the model %1…").arg(path)); });
    connect(model_, &ModelPanel::modelLoaded, this, [this](const QString& path) {
        log_->info(tr("Loaded the model %1.").arg(path));
        setWindowTitle(tr("%1 — facemix studio").arg(model_display_name(path)));
        const StudioSettings values = settings_->settings();
        generator_->setCompute(values.compute);
        generator_->setModel(model_->model(), model_display_name(path));
        updateMixEnabled();
        interpolation_->refreshSources();
        autosave_->touch();
    });
    connect(model_, &ModelPanel::loadFailed, this, &MainWindow::reportProblem);
    connect(model_, &ModelPanel::information, log_, &LogPanel::info);
    connect(settings_, &SettingsPanel::settingsChanged, this, [this] {
        QSettings settings;
        const StudioSettings values = settings_->settings();
        save_studio_settings(settings, values);
        generator_->setCompute(values.compute);
        autosave_->touch();
    });
    connect(grid_, &MixGridView::cellMenuRequested, cells_,
            [this](quint64 face, quint64 background, const QPoint& global) { cells_->showMenu({face, background}, global, generator_->hasModel()); });
    connect(cells_, &GridCells::changed, autosave_, &SessionAutosave::touch);
    connect(cells_, &GridCells::problem, this, &MainWindow::reportProblem);
    connect(cells_, &GridCells::newSeedRequested, this, &MainWindow::regenerateCell);
    connect(cells_, &GridCells::exportRequested, exporter_, &GridExporter::promptExportCells);
    connect(generator_, &GenerationWorker::engineReady, this,
            [this](const QString& description) { log_->info(tr("Generation runs on %1.").arg(description)); });
    connect(generator_, &GenerationWorker::engineFailed, this, &MainWindow::reportProblem);
    connect(generator_, &GenerationWorker::cellReady, this, &MainWindow::onCell);
    connect(generator_, &GenerationWorker::progressChanged, this, &MainWindow::onProgress);
    connect(generator_, &GenerationWorker::jobFinished, this, [this](quint64 job, bool cancelled) { onJobEnded(job, cancelled, {}); });
    connect(generator_, &GenerationWorker::jobFailed, this, [this](quint64 job, const QString& error) { onJobEnded(job, false, error); });
    connect(files_, &SessionFiles::opening, this, [this] {
        cancelWork();
        cells_->clear();
    });
    connect(files_, &SessionFiles::cellImagesRead, cells_, &GridCells::expectRestored);
    connect(files_, &SessionFiles::information, log_, &LogPanel::info);
    connect(files_, &SessionFiles::saved, this, &MainWindow::sessionSaved);
    connect(files_, &SessionFiles::problem, this, &MainWindow::reportProblem);
    connect(exporter_, &GridExporter::exported, this, &MainWindow::exported);
    connect(exporter_, &GridExporter::information, log_, &LogPanel::info);
    connect(exporter_, &GridExporter::problem, this, &MainWindow::reportProblem);
    connect(interpolation_, &InterpolationPanel::problem, this, &MainWindow::reportProblem);
    connect(caster_, &CastRunner::information, log_, &LogPanel::info);
    connect(caster_, &CastRunner::progressChanged, progress_, &ProgressStatus::setProgress);
    connect(caster_, &CastRunner::failed, this, &MainWindow::reportProblem);
    connect(caster_, &CastRunner::failed, this, &MainWindow::finishProgressIfIdle);
    connect(caster_, &CastRunner::finished, log_, [this](const QString&, const QString&, const QString& summary) {
        log_->info(summary);
        finishProgressIfIdle();
    });
    connect(interpolation_, &InterpolationPanel::information, log_, &LogPanel::info);
    interpolation_->drive(plots_->interpolation());

    default_layout_ = saveState();
    restoreSettings();
    updateGridAxes();
    log_->info(tr("facemix studio %1 ready. Drop face photos on the Faces column and other photos on the Backgrounds row.")
                   .arg(QStringLiteral(FACEMIX_VERSION)));
}

void MainWindow::connectActions(const StudioActions& a) {
    connect(a.open_model_file, &QAction::triggered, model_, &ModelPanel::chooseFile);
    connect(a.open_model_folder, &QAction::triggered, model_, &ModelPanel::chooseFolder);
    connect(a.open_default_model, &QAction::triggered, model_, &ModelPanel::openDefaultModel);
    model_->listRecentIn(a.recent_models);
    connect(a.open_session, &QAction::triggered, files_, &SessionFiles::promptOpen);
    connect(a.save_session, &QAction::triggered, files_, &SessionFiles::promptSave);
    connect(a.restore_session, &QAction::triggered, files_, &SessionFiles::restoreUnsaved);
    connect(a.add_faces, &QAction::triggered, this,
            [this] { faces_->addPaths(QFileDialog::getOpenFileNames(this, tr("Add face photos"), {}, photo_file_filter())); });
    connect(a.add_backgrounds, &QAction::triggered, this,
            [this] { backgrounds_->addPaths(QFileDialog::getOpenFileNames(this, tr("Add background photos"), {}, photo_file_filter())); });
    connect(a.export_cells, &QAction::triggered, exporter_, &GridExporter::promptExportCells);
    connect(a.export_sheet, &QAction::triggered, exporter_, &GridExporter::promptExportContactSheet);
    connect(a.paste, &QAction::triggered, this, &MainWindow::pasteIntoFocusedList);
    connect(a.paste_person, &QAction::triggered, faces_, [this] { faces_->pasteIntoPerson(); });
    connect(a.mix, &QAction::triggered, this, &MainWindow::mix);
    connect(a.cancel, &QAction::triggered, this, &MainWindow::cancelWork);
    connect(a.clear_grid, &QAction::triggered, cells_, &GridCells::clearUnlocked);
    connect(a.cast_face, &QAction::triggered, this, [this] { promptCast(false); });
    connect(a.cast_background, &QAction::triggered, this, [this] { promptCast(true); });
    connect(a.zoom_in, &QAction::triggered, grid_, [this] { grid_->setCellSide(grid_->cellSide() + 32); });
    connect(a.zoom_out, &QAction::triggered, grid_, [this] { grid_->setCellSide(grid_->cellSide() - 32); });
    connect(a.zoom_fit, &QAction::triggered, grid_, &MixGridView::zoomToFit);
    connect(a.reset_layout, &QAction::triggered, this, [this] {
        for (QDockWidget* dock : docks_) dock->show();
        restoreState(default_layout_);
    });
}

void MainWindow::reportProblem(const QString& message) {
    log_->error(message);
    banner_->showProblem(message);
}

void MainWindow::updateGridAxes() {
    grid_->setFaces(axis_of(*faces_));
    grid_->setBackgrounds(axis_of(*backgrounds_));
    QList<quint64> faces, backgrounds;
    for (const SourceEntry& entry : faces_->entries()) faces << entry.key;
    for (const SourceEntry& entry : backgrounds_->entries()) backgrounds << entry.key;
    cells_->keepOnly(faces, backgrounds);
    cells_->showRestored();
    QStringList face_names, background_names;
    for (const quint64 key : faces) face_names << grid_->faceName(key);
    for (const quint64 key : backgrounds) background_names << grid_->backgroundName(key);
    plots_->similarity()->setSourceNames(face_names, background_names);
    interpolation_->refreshSources();
    counts_->setText(tr("%1 × %2 = %3").arg(faces.size()).arg(backgrounds.size()).arg(counted(faces.size() * backgrounds.size(), tr("cell"), tr("cells"))));
    updateMixEnabled();
}

void MainWindow::pasteIntoFocusedList() {
    QWidget* focus = QApplication::focusWidget();
    const bool backgrounds = focus && (focus == backgrounds_ || backgrounds_->isAncestorOf(focus));
    (backgrounds ? backgrounds_ : faces_)->paste();
}

void MainWindow::cancelWork() {
    if (aligner_->pendingCount() == 0 && generator_->activeCount() == 0 && !caster_->busy()) return;
    aligner_->cancelPending();
    caster_->cancel();  // before the generator's: a cast ranks the cells it finished
    generator_->cancelAll();
    log_->info(tr("Cancelled."));
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    settings_->setSettings(load_studio_settings(settings));
}

void MainWindow::openStartupModel() { model_->openStartupModel(); }

void MainWindow::storeSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    save_studio_settings(settings, settings_->settings());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    storeSettings();
    aligner_->cancelPending();
    generator_->cancelAll();
    files_->flush();  // a session saved just before closing is on disk before the window goes
    event->accept();
}

bool MainWindow::isMixing() const { return !grid_jobs_->empty(); }

void MainWindow::finishProgressIfIdle() {
    if (aligner_->pendingCount() == 0 && !isMixing() && !caster_->busy()) progress_->finish();
}

void MainWindow::updateMixEnabled() {
    mix_action_->setEnabled(generator_->hasModel() && faces_->entryCount() > 0 && backgrounds_->entryCount() > 0);
}

void MainWindow::mix() {
    const QList<SourceEntry> faces = faces_->entries();
    const QList<SourceEntry> backgrounds = backgrounds_->entries();
    if (!generator_->hasModel() || faces.isEmpty() || backgrounds.isEmpty()) {
        reportProblem(tr("Mixing needs a model, a face and a background."));
        return;
    }
    grid_jobs_->cancelMix();
    const StudioSettings values = settings_->settings();
    plots_->similarity()->clear();
    plots_->stepTimes()->clear();
    MixPlan plan = planner_.plan(faces, backgrounds, values, std::size_t(batch_cells_), cells_->results(), generator_->modelName().toStdString());
    cells_->lock(plan.locked);
    if (plan.job.cells.empty()) {
        log_->info(tr("Every cell is locked or already mixed with these settings; change a setting, or give a cell a new seed."));
        return;
    }
    log_->info(tr("Mixing %1: %2, %3, CFG %4, seed %5 (%6).")
                   .arg(counted(plan.job.cells.size(), tr("cell"), tr("cells")), values.sampler, counted(values.steps, tr("step"), tr("steps")))
                   .arg(values.cfg_scale).arg(values.seed).arg(seed_policy_name(values.seed_policy)));
    grid_jobs_->submit(std::move(plan), true);
    progress_->setProgress(tr("Generating"), 0, 1);
}

void MainWindow::regenerateCell(quint64 face, quint64 background) {
    const SourceEntry* face_entry = faces_->entry(face);
    const SourceEntry* background_entry = backgrounds_->entry(background);
    if (!face_entry || !background_entry || !generator_->hasModel()) return;
    MixPlan plan = MixPlanner::planNewSeed(*face_entry, *background_entry, settings_->settings());
    log_->info(tr("Generating %1 again with seed %2.").arg(cells_->title({face, background})).arg(plan.job.cells.front().seed));
    grid_jobs_->submit(std::move(plan), false);
    progress_->setProgress(tr("Generating"), 0, 1);
}

const MixResults& MainWindow::results() const { return cells_->results(); }

void MainWindow::setCellLocked(quint64 face, quint64 background, bool locked) { cells_->setLocked({face, background}, locked); }

void MainWindow::copyCell(quint64 face, quint64 background) { cells_->copy({face, background}); }

bool MainWindow::saveCell(quint64 face, quint64 background, const QString& path) { return cells_->save({face, background}, path); }

void MainWindow::onCell(const GeneratedCell& cell) {
    const std::optional<CellKey> key = grid_jobs_->place(cell);
    if (!key || !cells_->record(*key, cell)) return;  // another job's (the interpolation panel's, a replaced Mix's), or removed
    autosave_->flush();  // a finished cell's seed is the costliest thing to lose
}

void MainWindow::onProgress(const GenerationProgress& progress) {
    const std::optional<QString> task = grid_jobs_->progressTask(progress);
    if (!task) return;
    for (const double ms : progress.step_ms) plots_->stepTimes()->addStep(ms);
    progress_->setProgress(*task, progress.steps_done, std::max(1, progress.steps_total));
}

void MainWindow::onJobEnded(quint64 id, bool cancelled, const QString& error) {
    const std::optional<GridJobs::Ended> ended = grid_jobs_->end(id);
    if (!ended) return;
    if (!error.isEmpty())
        reportProblem(tr("Generation failed: %1").arg(error));
    else
        log_->info(ended->summary(cancelled));
    if (grid_jobs_->empty()) {
        finishProgressIfIdle();
        emit mixFinished(cancelled || !error.isEmpty());
    }
}

void MainWindow::exportCells(const QString& folder, const QList<CellKey>& cells) { exporter_->exportCells(folder, cells); }

void MainWindow::exportContactSheet(const QString& path) { exporter_->exportContactSheet(path); }

CapturedSession MainWindow::captureSession() const { return files_->capture(); }

void MainWindow::saveSession(const QString& path) { files_->save(path); }

bool MainWindow::castFace(const QString& folder, const QString& output) { return cast(false, folder, output); }

bool MainWindow::castBackground(const QString& folder, const QString& output) { return cast(true, folder, output); }

bool MainWindow::cast(bool faces_vary, const QString& folder, const QString& output) {
    const auto direction = faces_vary ? facemix::CastDirection::BackgroundWithFaces : facemix::CastDirection::FaceOnBackgrounds;
    const SourceEntry* fixed = (faces_vary ? backgrounds_ : faces_)->currentEntry();
    QString error;
    const bool started = caster_->start(direction, fixed, folder, output, settings_->settings(), std::size_t(batch_cells_), error);
    if (!started) reportProblem(error);
    return started;
}

void MainWindow::promptCast(bool faces_vary) {
    const QString folder = QFileDialog::getExistingDirectory(this, faces_vary ? tr("A folder of faces to cast") : tr("A folder of backgrounds to cast on"));
    if (folder.isEmpty()) return;
    const QString output = QFileDialog::getExistingDirectory(this, tr("Where to write the cast"));
    if (!output.isEmpty()) cast(faces_vary, folder, output);
}

bool MainWindow::openSession(const QString& path) { return files_->open(path); }

void MainWindow::offerUnsavedSession() { files_->offerUnsaved(); }

bool MainWindow::restoreUnsavedSession() { return files_->restoreUnsaved(); }

void MainWindow::openPaths(const QStringList& paths, bool as_backgrounds) {
    const StudioFiles files = sort_studio_files(paths);
    for (const QString& path : files.sessions) openSession(path);  // first: opening one replaces the lists the photos go to
    for (const QString& path : files.models) model_->openModel(path);
    if (!files.photos.isEmpty()) (as_backgrounds ? backgrounds_ : faces_)->addPaths(files.photos);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData() && offers_inputs(*event->mimeData())) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    if (!event->mimeData()) return;
    const DroppedInputs inputs = dropped_inputs(*event->mimeData());
    openPaths(inputs.paths);
    for (const QImage& image : inputs.images) faces_->addImage(image);
    event->acceptProposedAction();
}

}  // namespace facemix::ui

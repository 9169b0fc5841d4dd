#include "main_window.h"

#include <cmath>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMap>
#include <QMessageBox>
#include <QPointer>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QStyle>
#include <QThreadPool>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

#include "counted_noun.h"
#include "alignment_worker.h"
#include "bundle/default_model.h"
#include "cell_viewer.h"
#include "dropped_inputs.h"
#include "generation_worker.h"
#include "image_conversion.h"
#include "interpolation_curve.h"
#include "interpolation_panel.h"
#include "plot_panel.h"
#include "similarity_heatmap.h"
#include "step_time_plot.h"
#include "studio_style.h"
#include "io/image_file.h"
#include "log_panel.h"
#include "message_banner.h"
#include "mix/cell_export.h"
#include "mix/contact_sheet.h"
#include "mix_grid_view.h"
#include "mix_job_builder.h"
#include "mix_session.h"
#include "model_panel.h"
#include "progress_status.h"
#include "session_autosave.h"
#include "session_capture.h"
#include "settings_panel.h"
#include "source_list.h"
#include "studio_command_line.h"

namespace facemix::ui {
namespace {

QList<GridAxisItem> axis_of(const SourceList& list) {
    QList<GridAxisItem> items;
    for (const SourceEntry& entry : list.entries()) items.append({entry.key, entry.name, entry.thumbnail});
    return items;
}

constexpr int kSheetTile = 256;
constexpr int kSheetGap = 4;

QString stem_of(const QString& name) { return QFileInfo(name).completeBaseName(); }

QString session_filter() { return QObject::tr("facemix sessions (*.json);;All files (*)"); }

QString photo_filter() {
    return QObject::tr("Photos (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.ppm *.pgm *.pnm);;All files (*)");
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("facemix studio"));
    setWindowIcon(studio_icon());
    setAcceptDrops(true);  // a session or a model dropped anywhere opens; photos go to Faces
    resize(1280, 820);
    setDockNestingEnabled(true);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);

    aligner_ = new AlignmentWorker({}, this);
    faces_ = new SourceList(SourceRole::Faces, aligner_, this);
    backgrounds_ = new SourceList(SourceRole::Backgrounds, aligner_, this);
    model_ = new ModelPanel(this);
    settings_ = new SettingsPanel(this);
    log_ = new LogPanel(this);
    viewer_ = new CellViewer(this);
    generator_ = new GenerationWorker(this);
    interpolation_ = new InterpolationPanel(faces_, backgrounds_, generator_, [this] { return settings_->settings(); }, this);

    // Centre: the banner over the grid.
    auto* centre = new QWidget(this);
    banner_ = new MessageBanner(centre);
    grid_ = new MixGridView(centre);
    auto* centre_layout = new QVBoxLayout(centre);
    centre_layout->setContentsMargins(0, 0, 0, 0);
    centre_layout->setSpacing(0);
    centre_layout->addWidget(banner_);
    centre_layout->addWidget(grid_, 1);
    setCentralWidget(centre);

    addPanel(tr("Faces"), QStringLiteral("facesDock"), faces_, Qt::LeftDockWidgetArea);
    addPanel(tr("Backgrounds"), QStringLiteral("backgroundsDock"), backgrounds_, Qt::TopDockWidgetArea);
    QDockWidget* model_dock = addPanel(tr("Model"), QStringLiteral("modelDock"), model_, Qt::RightDockWidgetArea);
    // Scrolls rather than forcing its full height on the window, so the studio fits small screens.
    auto* settings_scroll = new QScrollArea(this);
    settings_scroll->setWidget(settings_);
    settings_scroll->setWidgetResizable(true);
    settings_scroll->setFrameShape(QFrame::NoFrame);
    settings_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QDockWidget* settings_dock =
        addPanel(tr("Settings"), QStringLiteral("settingsDock"), settings_scroll, Qt::RightDockWidgetArea);
    QDockWidget* log_dock = addPanel(tr("Log"), QStringLiteral("logDock"), log_, Qt::BottomDockWidgetArea);
    plots_ = new PlotPanel(this);
    QDockWidget* plots_dock = addPanel(tr("Plots"), QStringLiteral("plotsDock"), plots_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(log_dock, plots_dock);
    log_dock->raise();
    auto* interpolation_scroll = new QScrollArea(this);
    interpolation_scroll->setWidget(interpolation_);
    interpolation_scroll->setWidgetResizable(true);
    interpolation_scroll->setFrameShape(QFrame::NoFrame);
    QDockWidget* interpolation_dock =
        addPanel(tr("Interpolation"), QStringLiteral("interpolationDock"), interpolation_scroll, Qt::RightDockWidgetArea);
    splitDockWidget(model_dock, settings_dock, Qt::Vertical);
    tabifyDockWidget(settings_dock, interpolation_dock);
    settings_dock->raise();
    resizeDocks({docks_[0], model_dock}, {150, 330}, Qt::Horizontal);
    resizeDocks({docks_[1], log_dock, model_dock}, {156, 120, 260}, Qt::Vertical);

    progress_ = new ProgressStatus(this);
    counts_ = new QLabel(this);
    counts_->setObjectName(QStringLiteral("counts"));
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(counts_);

    autosave_ = new SessionAutosave(SessionAutosave::defaultPath(), [this] { return captureSession().session; }, this);
    connect(autosave_, &SessionAutosave::failed, this, &MainWindow::reportProblem);
    buildActions();

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
        else if (!isMixing())
            progress_->finish();
    });
    connect(progress_, &ProgressStatus::cancelRequested, this, &MainWindow::cancelWork);
    connect(model_, &ModelPanel::loadingStarted, this,
            [this](const QString& path) { log_->info(tr("Loading the model %1…").arg(path)); });
    connect(model_, &ModelPanel::modelLoaded, this, [this](const QString& path) {
        log_->info(tr("Loaded the model %1.").arg(path));
        setWindowTitle(tr("%1 — facemix studio").arg(QFileInfo(path).fileName()));
        const StudioSettings values = settings_->settings();
        generator_->setTarget(values.device, values.precision);
        const QFileInfo info(path);
        generator_->setModel(model_->model(), info.fileName().isEmpty() ? QDir(path).dirName() : info.fileName());
        updateMixEnabled();
        interpolation_->refreshSources();
        autosave_->touch();
    });
    connect(model_, &ModelPanel::loadFailed, this, &MainWindow::reportProblem);
    connect(settings_, &SettingsPanel::settingsChanged, this, [this] {
        QSettings settings;
        const StudioSettings values = settings_->settings();
        save_studio_settings(settings, values);
        generator_->setTarget(values.device, values.precision);
        autosave_->touch();
    });
    connect(grid_, &MixGridView::cellClicked, this, &MainWindow::showCell);
    connect(grid_, &MixGridView::cellMenuRequested, this, &MainWindow::showCellMenu);
    connect(generator_, &GenerationWorker::engineReady, this,
            [this](const QString& description) { log_->info(tr("Generation runs on %1.").arg(description)); });
    connect(generator_, &GenerationWorker::engineFailed, this, &MainWindow::reportProblem);
    connect(generator_, &GenerationWorker::cellReady, this, &MainWindow::onCell);
    connect(generator_, &GenerationWorker::progressChanged, this, &MainWindow::onProgress);
    connect(generator_, &GenerationWorker::jobFinished, this, [this](quint64 job, bool cancelled) { onJobEnded(job, cancelled, {}); });
    connect(generator_, &GenerationWorker::jobFailed, this, [this](quint64 job, const QString& error) { onJobEnded(job, false, error); });
    connect(interpolation_, &InterpolationPanel::problem, this, &MainWindow::reportProblem);
    connect(interpolation_, &InterpolationPanel::information, log_, &LogPanel::info);
    InterpolationCurve* curve = plots_->interpolation();
    connect(interpolation_, &InterpolationPanel::endpointsChanged, curve, [curve](const QString& from, const QString& to) {
        curve->clear();
        curve->setEndpointNames(from, to);
    });
    connect(interpolation_, &InterpolationPanel::frameMeasured, curve, &InterpolationCurve::addPoint);
    connect(interpolation_->slider(), &QSlider::valueChanged, curve,
            [this, curve] { curve->setCursorPosition(interpolation_->position()); });
    curve->setCursorPosition(interpolation_->position());
    connect(viewer_, &CellViewer::newSeedRequested, this, &MainWindow::regenerateCell);
    connect(viewer_, &CellViewer::lockToggled, this, &MainWindow::setCellLocked);
    connect(viewer_, &CellViewer::copyRequested, this, &MainWindow::copyCell);
    connect(viewer_, &CellViewer::saveRequested, this, &MainWindow::promptSaveCell);

    default_layout_ = saveState();
    restoreSettings();
    updateGridAxes();
    log_->info(tr("facemix studio %1 ready. Drop face photos on the Faces column and other photos on the Backgrounds row.")
                   .arg(QStringLiteral(FACEMIX_VERSION)));
}

QDockWidget* MainWindow::addPanel(const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(content);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(area, dock);
    docks_ << dock;
    return dock;
}

void MainWindow::buildActions() {
    QStyle* s = style();
    auto action = [this](const QString& text, const QKeySequence& keys, auto slot) {
        auto* a = new QAction(text, this);
        if (!keys.isEmpty()) a->setShortcut(keys);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };

    QAction* open_file = action(tr("&Open model file…"), QKeySequence::Open, [this] { model_->chooseFile(); });
    open_file->setIcon(s->standardIcon(QStyle::SP_DialogOpenButton));
    QAction* open_folder =
        action(tr("Open model &folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] { model_->chooseFolder(); });
    open_folder->setIcon(s->standardIcon(QStyle::SP_DirOpenIcon));
    QAction* open_default = action(tr("Open the &default model"), {}, [this] { openDefaultModel(); });
    QAction* add_faces = action(tr("Add &face photos…"), QKeySequence(Qt::CTRL | Qt::Key_F), [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add face photos"), {}, photo_filter());
        faces_->addPaths(files);
    });
    add_faces->setIcon(s->standardIcon(QStyle::SP_FileDialogNewFolder));
    QAction* add_backgrounds = action(tr("Add &background photos…"), QKeySequence(Qt::CTRL | Qt::Key_B), [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add background photos"), {}, photo_filter());
        backgrounds_->addPaths(files);
    });
    add_backgrounds->setIcon(s->standardIcon(QStyle::SP_FileDialogContentsView));
    QAction* quit = action(tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    mix_action_ = new QAction(s->standardIcon(QStyle::SP_MediaPlay), tr("&Mix"), this);
    mix_action_->setObjectName(QStringLiteral("mixAction"));
    mix_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    mix_action_->setEnabled(false);
    mix_action_->setToolTip(tr("Generate every face × background cell that is not locked (Ctrl+Return)"));
    connect(mix_action_, &QAction::triggered, this, &MainWindow::mix);
    QAction* export_cells = action(tr("&Export selected cells…"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] { promptExportCells(); });
    QAction* export_sheet =
        action(tr("Export &contact sheet…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), [this] { promptExportContactSheet(); });
    QAction* save_session = action(tr("&Save session…"), QKeySequence::Save, [this] { promptSaveSession(); });
    QAction* open_session = action(tr("Open &session…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O), [this] { promptOpenSession(); });
    restore_action_ = action(tr("&Restore unsaved session"), {}, [this] { restoreUnsavedSession(); });
    restore_action_->setObjectName(QStringLiteral("restoreUnsavedSession"));
    restore_action_->setEnabled(false);
    QAction* cancel = action(tr("&Cancel"), QKeySequence(Qt::Key_Escape), [this] { cancelWork(); });
    cancel->setIcon(s->standardIcon(QStyle::SP_MediaStop));
    QAction* clear_grid = action(tr("C&lear grid"), {}, [this] {
        results_.clearUnlocked();
        grid_->clearCells();
        for (const auto& [key, cell] : results_.cells()) showResult(key);
    });

    QAction* paste = action(tr("&Paste photo"), QKeySequence::Paste, [this] { pasteIntoFocusedList(); });
    paste->setStatusTip(tr("Adds the clipboard's image or photo files to the focused list (Faces unless Backgrounds has focus)"));
    QAction* zoom_in = action(tr("Zoom &in"), QKeySequence::ZoomIn, [this] { grid_->setCellSide(grid_->cellSide() + 32); });
    QAction* zoom_out = action(tr("Zoom &out"), QKeySequence::ZoomOut, [this] { grid_->setCellSide(grid_->cellSide() - 32); });
    QAction* zoom_fit = action(tr("Zoom to &fit"), QKeySequence(Qt::CTRL | Qt::Key_0), [this] { grid_->zoomToFit(); });
    QAction* reset_layout = action(tr("&Reset layout"), {}, [this] {
        for (QDockWidget* dock : docks_) dock->show();
        restoreState(default_layout_);
    });

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(open_file);
    file->addAction(open_folder);
    file->addAction(open_default);
    recent_menu_ = file->addMenu(tr("Recent &models"));
    auto fill_recent = [this] {
        recent_menu_->clear();
        for (const QString& path : model_->recentModels())
            recent_menu_->addAction(QFileInfo(path).fileName(), this, [this, path] { model_->openModel(path); })->setToolTip(path);
        recent_menu_->setEnabled(!recent_menu_->isEmpty());
    };
    fill_recent();
    connect(model_, &ModelPanel::recentModelsChanged, this, fill_recent);
    file->addSeparator();
    file->addAction(open_session);
    file->addAction(save_session);
    file->addAction(restore_action_);
    file->addSeparator();
    file->addAction(add_faces);
    file->addAction(add_backgrounds);
    file->addSeparator();
    file->addAction(export_cells);
    file->addAction(export_sheet);
    file->addSeparator();
    file->addAction(quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(paste);

    QMenu* mix = menuBar()->addMenu(tr("&Mix"));
    mix->addAction(mix_action_);
    mix->addAction(cancel);
    mix->addSeparator();
    mix->addAction(clear_grid);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : docks_) view->addAction(dock->toggleViewAction());
    view->addSeparator();
    view->addAction(zoom_in);
    view->addAction(zoom_out);
    view->addAction(zoom_fit);
    view->addSeparator();
    view->addAction(reset_layout);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About facemix studio"), this, [this] {
        QMessageBox::about(this, tr("About facemix studio"),
                           tr("<b>facemix studio %1</b><p>Face mixing with diffusion models: the identity from one photo, "
                              "everything else from another.</p>")
                               .arg(QStringLiteral(FACEMIX_VERSION)));
    });

    auto* tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setMovable(false);
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->addAction(open_file);
    tools->addSeparator();
    tools->addAction(add_faces);
    tools->addAction(add_backgrounds);
    tools->addSeparator();
    tools->addAction(mix_action_);
    tools->addAction(cancel);
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
    results_.keepOnly(faces, backgrounds);
    QStringList face_names, background_names;
    for (const quint64 key : faces) face_names << grid_->faceName(key);
    for (const quint64 key : backgrounds) background_names << grid_->backgroundName(key);
    plots_->similarity()->setSourceNames(face_names, background_names);
    interpolation_->refreshSources();
    updateCounts();
    updateMixEnabled();
}

void MainWindow::updateCounts() {
    const int rows = faces_->entryCount();
    const int columns = backgrounds_->entryCount();
    counts_->setText(tr("%1 × %2 = %3 cells").arg(rows).arg(columns).arg(rows * columns));
}

QString MainWindow::cellTitle(const CellKey& key) const {
    return tr("%1 × %2").arg(grid_->faceName(key.first), grid_->backgroundName(key.second));
}

void MainWindow::showCell(quint64 face, quint64 background) {
    const CellKey key{face, background};
    const QImage image = grid_->cell(face, background);
    const QString title = cellTitle(key);
    if (image.isNull()) {
        const QString error = grid_->cellError(face, background);
        statusBar()->showMessage(error.isEmpty() ? tr("%1 has not been generated yet.").arg(title)
                                                 : tr("%1 failed: %2").arg(title, error),
                                 4000);
        return;
    }
    QString details;
    if (const MixCell* cell = results_.cell(key); cell && cell->finished()) {
        const facemix::SamplingSettings& used = cell->recipe.settings;
        details = tr("seed %1 · %2, %3 steps, CFG %4").arg(cell->recipe.seed).arg(QString::fromStdString(used.sampler)).arg(used.steps).arg(used.cfg_scale);
    }
    CellViewer::Sources sources;
    if (const SourceEntry* entry = faces_->entry(face)) {
        sources.face = to_qimage(entry->face.aligned);
        sources.face_name = entry->name;
    }
    if (const SourceEntry* entry = backgrounds_->entry(background)) {
        sources.background = to_qimage(entry->face.aligned);
        sources.background_name = entry->name;
    }
    viewer_->showCell(face, background, title, image, details, results_.isLocked(key), sources);
}

void MainWindow::pasteIntoFocusedList() {
    QWidget* focus = QApplication::focusWidget();
    const bool backgrounds = focus && (focus == backgrounds_ || backgrounds_->isAncestorOf(focus));
    (backgrounds ? backgrounds_ : faces_)->paste();
}

void MainWindow::cancelWork() {
    if (aligner_->pendingCount() == 0 && generator_->activeCount() == 0) return;
    aligner_->cancelPending();
    generator_->cancelAll();
    log_->info(tr("Cancelled."));
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    settings_->setSettings(load_studio_settings(settings));
}

void MainWindow::openStartupModel() {
    for (const QString& path : model_->recentModels()) {
        if (QFileInfo::exists(path)) {
            model_->openModel(path);
            return;
        }
    }
    try {
        const auto path = facemix::default_model_path();
        log_->info(tr("Opening the bundled default model, a small model of synthetic faces (models/default/)."));
        model_->openModel(QString::fromStdString(path.string()));
    } catch (const std::exception& error) {
        log_->info(tr("No model open yet: %1 Open one from the Model panel.").arg(QString::fromUtf8(error.what())));
    }
}

void MainWindow::openDefaultModel() {
    try {
        model_->openModel(QString::fromStdString(facemix::default_model_path().string()));
    } catch (const std::exception& error) {
        reportProblem(QString::fromUtf8(error.what()));
    }
}

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
    event->accept();
}

// ---- Generation -------------------------------------------------------------------------------------

bool MainWindow::isMixing() const { return !jobs_.empty(); }

void MainWindow::updateMixEnabled() {
    mix_action_->setEnabled(generator_->hasModel() && faces_->entryCount() > 0 && backgrounds_->entryCount() > 0);
}

// A source as a session names it, so a reopened session's seeds find their cells again.
QString MainWindow::sourceIdentity(quint64 key, bool face) const {
    const SourceEntry* entry = (face ? faces_ : backgrounds_)->entry(key);
    if (!entry || entry->path.isEmpty()) return {};
    const QString canonical = QFileInfo(entry->path).canonicalFilePath();
    return QStringLiteral("%1#%2").arg(canonical.isEmpty() ? entry->path : canonical).arg(entry->face_index);
}

void MainWindow::mix() {
    const QList<SourceEntry> faces = faces_->entries();
    const QList<SourceEntry> backgrounds = backgrounds_->entries();
    if (!generator_->hasModel() || faces.isEmpty() || backgrounds.isEmpty()) {
        reportProblem(tr("Mixing needs a model, a face and a background."));
        return;
    }
    if (mix_job_) {  // a new Mix replaces the one still running
        generator_->cancel(mix_job_);
        jobs_.erase(mix_job_);
        mix_job_ = 0;
    }
    const StudioSettings values = settings_->settings();
    facemix::MixJob job;
    job.settings = sampling_settings_of(values);
    job.batch_cells = std::size_t(batch_cells_);
    JobCells cells;
    for (const SourceEntry& entry : faces) {
        job.faces.push_back(mix_source_of(entry));
        cells.faces.push_back(entry.key);
    }
    for (const SourceEntry& entry : backgrounds) {
        job.backgrounds.push_back(mix_source_of(entry));
        cells.backgrounds.push_back(entry.key);
    }
    plots_->similarity()->clear();
    plots_->stepTimes()->clear();
    const std::size_t columns = cells.backgrounds.size();
    for (std::size_t row = 0; row < cells.faces.size(); ++row)
        for (std::size_t column = 0; column < columns; ++column) {
            const CellKey key{cells.faces[row], cells.backgrounds[column]};
            std::uint64_t seed = 0;
            // Same seeds as facemix mix: per cell counts up from the seed in reading order.
            switch (values.seed_policy) {
                case SeedPolicy::Fixed: seed = std::uint64_t(values.seed); break;
                case SeedPolicy::PerCell: seed = std::uint64_t(values.seed) + row * columns + column; break;
                case SeedPolicy::Random: seed = random_seed(); break;
            }
            const auto pinned = pinned_.find(sourceIdentity(key.first, true) + QLatin1Char('|') + sourceIdentity(key.second, false));
            if (pinned != pinned_.end()) {  // a reopened session's cell: its own seed and lock
                seed = pinned->second.seed;
                if (pinned->second.locked) {
                    results_.setLocked(key, true);
                    grid_->setCellLocked(key.first, key.second, true);
                }
                pinned_.erase(pinned);
            }
            if (results_.isKept(key) || (values.seed_policy != SeedPolicy::Random && isAlreadyMixed(key, seed, job.settings))) continue;
            facemix::CellRequest request;
            request.row = row;
            request.column = column;
            request.face = {row, row};
            request.background = {column, column};
            request.seed = seed;
            job.cells.push_back(request);
            grid_->setCellBusy(key.first, key.second, true);
        }
    if (job.cells.empty()) {
        log_->info(tr("Every cell is locked or already mixed with these settings; change a setting, or give a cell a new seed."));
        return;
    }
    cells.cells = int(job.cells.size());
    cells.started_ms = QDateTime::currentMSecsSinceEpoch();
    log_->info(tr("Mixing %1: %2, %3 steps, CFG %4, seed %5 (%6).")
                   .arg(counted(cells.cells, tr("cell"), tr("cells")))
                   .arg(values.sampler)
                   .arg(values.steps)
                   .arg(values.cfg_scale)
                   .arg(values.seed)
                   .arg(seed_policy_name(values.seed_policy)));
    mix_job_ = generator_->submit(std::move(job));
    jobs_[mix_job_] = std::move(cells);
    progress_->setProgress(tr("Generating"), 0, 1);
}

// Sampling is deterministic: a finished cell that a Mix would draw again with the same seed, settings and
// model already holds what it would become, so a Mix after a cancel carries on instead of starting over.
bool MainWindow::isAlreadyMixed(const CellKey& key, std::uint64_t seed, const facemix::SamplingSettings& settings) const {
    const MixCell* cell = results_.cell(key);
    return cell && cell->finished() && cell->recipe.seed == seed && cell->recipe.settings == settings &&
           cell->recipe.model_name == generator_->modelName().toStdString();
}

void MainWindow::regenerateCell(quint64 face, quint64 background) {
    const SourceEntry* face_entry = faces_->entry(face);
    const SourceEntry* background_entry = backgrounds_->entry(background);
    if (!face_entry || !background_entry || !generator_->hasModel()) return;
    facemix::MixJob job;
    job.settings = sampling_settings_of(settings_->settings());
    job.faces = {mix_source_of(*face_entry)};
    job.backgrounds = {mix_source_of(*background_entry)};
    facemix::CellRequest request;
    request.seed = random_seed();
    job.cells = {request};
    JobCells cells{{face}, {background}, 1, 0, QDateTime::currentMSecsSinceEpoch()};
    grid_->setCellBusy(face, background, true);
    log_->info(tr("Generating %1 again with seed %2.").arg(cellTitle({face, background})).arg(request.seed));
    const quint64 id = generator_->submit(std::move(job));
    jobs_[id] = std::move(cells);
    progress_->setProgress(tr("Generating"), 0, 1);
}

void MainWindow::setCellLocked(quint64 face, quint64 background, bool locked) {
    results_.setLocked({face, background}, locked);
    grid_->setCellLocked(face, background, locked);
    autosave_->touch();
    if (viewer_->isVisible() && viewer_->face() == face && viewer_->background() == background) showCell(face, background);
}

void MainWindow::copyCell(quint64 face, quint64 background) {
    const MixCell* cell = results_.cell({face, background});
    if (!cell || !cell->finished()) return;
    QApplication::clipboard()->setImage(cell->preview);
    statusBar()->showMessage(tr("Copied %1.").arg(cellTitle({face, background})), 3000);
}

bool MainWindow::saveCell(quint64 face, quint64 background, const QString& path) {
    const MixCell* cell = results_.cell({face, background});
    if (!cell || !cell->finished()) return false;
    try {
        facemix::write_recipe_png(path.toStdString(), cell->image, cell->recipe);
    } catch (const std::exception& error) {
        reportProblem(tr("Cannot save %1: %2").arg(path, QString::fromUtf8(error.what())));
        return false;
    }
    log_->info(tr("Saved %1 to %2.").arg(cellTitle({face, background}), path));
    return true;
}

void MainWindow::showResult(const CellKey& key) {
    const MixCell* cell = results_.cell(key);
    if (!cell) return;
    if (cell->finished())
        grid_->setCell(key.first, key.second, cell->preview);
    else if (!cell->error.isEmpty())
        grid_->setCellError(key.first, key.second, cell->error);
    grid_->setCellCaption(key.first, key.second, cell->seed ? tr("seed %1").arg(*cell->seed) : QString());
    grid_->setCellLocked(key.first, key.second, cell->locked);
}

void MainWindow::onCell(const GeneratedCell& cell) {
    auto job = jobs_.find(cell.job);
    if (job == jobs_.end()) return;  // the interpolation panel's, or a replaced Mix's
    JobCells& cells = job->second;
    if (cell.row >= cells.faces.size() || cell.column >= cells.backgrounds.size()) return;
    const CellKey key{cells.faces[cell.row], cells.backgrounds[cell.column]};
    ++cells.finished;
    if (!faces_->entry(key.first) || !backgrounds_->entry(key.second)) return;  // removed while it was generated
    if (cell.ok()) {
        results_.setFinished(key, cell.image, cell.preview, cell.recipe);
    } else {
        results_.setFailed(key, cell.seed, cell.error);
        log_->error(tr("%1 (seed %2) failed: %3").arg(cellTitle(key)).arg(cell.seed).arg(cell.error));
    }
    showResult(key);
    plotIdentity(key, cell.identity);
    autosave_->touch();
    autosave_->flush();  // a finished cell's seed is the costliest thing to lose
    if (viewer_->isVisible() && viewer_->face() == key.first && viewer_->background() == key.second) showCell(key.first, key.second);
}

void MainWindow::plotIdentity(const CellKey& key, const std::optional<facemix::IdentityReading>& identity) {
    for (int row = 0; row < grid_->rowCount(); ++row)
        for (int column = 0; column < grid_->columnCount(); ++column)
            if (grid_->faceKey(row) == key.first && grid_->backgroundKey(column) == key.second) {
                if (identity)
                    plots_->similarity()->setCellReading(row, column, *identity);
                else
                    plots_->similarity()->clearCell(row, column);
            }
}

void MainWindow::onProgress(const GenerationProgress& progress) {
    if (!jobs_.count(progress.job)) return;
    for (const double ms : progress.step_ms) plots_->stepTimes()->addStep(ms);
    QString task = tr("Generating %1 of %2 cells").arg(std::min(progress.cells_done + 1, progress.cells_total)).arg(progress.cells_total);
    const QString left = time_left(QDateTime::currentMSecsSinceEpoch() - jobs_.at(progress.job).started_ms, progress.steps_done,
                                   progress.steps_total);
    if (!left.isEmpty()) task += QStringLiteral(", ") + left;
    progress_->setProgress(task, progress.steps_done, std::max(1, progress.steps_total));
}

void MainWindow::onJobEnded(quint64 id, bool cancelled, const QString& error) {
    auto job = jobs_.find(id);
    if (job == jobs_.end()) return;
    const JobCells cells = std::move(job->second);
    jobs_.erase(job);
    if (id == mix_job_) mix_job_ = 0;
    // Cells the job did not reach are no longer being generated.
    for (quint64 face : cells.faces)
        for (quint64 background : cells.backgrounds)
            if (grid_->isCellBusy(face, background)) {
                bool claimed = false;  // another running job (a cell's new seed) may own it
                for (const auto& [other, other_cells] : jobs_)
                    claimed |= std::find(other_cells.faces.begin(), other_cells.faces.end(), face) != other_cells.faces.end() &&
                               std::find(other_cells.backgrounds.begin(), other_cells.backgrounds.end(), background) !=
                                   other_cells.backgrounds.end();
                if (!claimed) grid_->setCellBusy(face, background, false);
            }
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - cells.started_ms) / 1000.0;
    if (!error.isEmpty())
        reportProblem(tr("Generation failed: %1").arg(error));
    else if (cancelled)
        log_->info(tr("Generation cancelled: %1 of %2 cells were finished and kept.").arg(cells.finished).arg(cells.cells));
    else
        log_->info(tr("Generated %1 in %2 s.").arg(counted(cells.cells, tr("cell"), tr("cells"))).arg(seconds, 0, 'f', 1));
    if (jobs_.empty()) {
        if (aligner_->pendingCount() == 0) progress_->finish();
        emit mixFinished(cancelled || !error.isEmpty());
    }
}

void MainWindow::showCellMenu(quint64 face, quint64 background, const QPoint& global) {
    const CellKey key{face, background};
    const MixCell* cell = results_.cell(key);
    const bool finished = cell && cell->finished();
    QMenu menu(this);
    menu.addAction(tr("Generate again with a &new seed"), this, [this, face, background] { regenerateCell(face, background); })
        ->setEnabled(generator_->hasModel());
    QAction* lock = menu.addAction(tr("&Lock"), this, [this, face, background](bool on) { setCellLocked(face, background, on); });
    lock->setCheckable(true);
    lock->setChecked(results_.isLocked(key));
    menu.addSeparator();
    menu.addAction(tr("&Copy image"), this, [this, face, background] { copyCell(face, background); })->setEnabled(finished);
    menu.addAction(tr("&Save…"), this, [this, face, background] { promptSaveCell(face, background); })->setEnabled(finished);
    menu.addAction(tr("&Enlarge"), this, [this, face, background] { showCell(face, background); })->setEnabled(finished);
    menu.addSeparator();
    menu.addAction(tr("E&xport selected cells…"), this, [this] { promptExportCells(); });
    menu.exec(global);
}

// ---- Export and sessions ----------------------------------------------------------------------------

void MainWindow::writeInBackground(const QString& what, std::function<QStringList()> write) {
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([self, what, write = std::move(write)] {
        QStringList files;
        QString error;
        try {
            files = write();
        } catch (const std::exception& failure) {
            error = tr("%1 failed: %2").arg(what, QString::fromUtf8(failure.what()));
        }
        QMetaObject::invokeMethod(
            qApp,
            [self, what, files, error] {
                if (!self) return;
                if (!error.isEmpty()) {
                    self->reportProblem(error);
                    return;
                }
                self->log_->info(tr("%1: wrote %2.").arg(what).arg(counted(files.size(), tr("file"), tr("files"))));
                emit self->exported(files);
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::exportCells(const QString& folder, const QList<CellKey>& cells) {
    struct Item {
        QString path;
        cv::Mat image;
        facemix::Recipe recipe;
    };
    std::vector<Item> items;
    const QDir dir(folder);
    for (int row = 0; row < grid_->rowCount(); ++row)
        for (int column = 0; column < grid_->columnCount(); ++column) {
            const CellKey key{grid_->faceKey(row), grid_->backgroundKey(column)};
            const MixCell* cell = results_.cell(key);
            if (!cells.contains(key) || !cell || !cell->finished()) continue;
            // As facemix mix names them: place first, so a folder lists in grid order.
            const QString name = QStringLiteral("r%1c%2_%3_x_%4.png")
                                     .arg(row + 1, 2, 10, QLatin1Char('0'))
                                     .arg(column + 1, 2, 10, QLatin1Char('0'))
                                     .arg(stem_of(grid_->faceName(key.first)), stem_of(grid_->backgroundName(key.second)));
            items.push_back({dir.filePath(name), cell->image, cell->recipe});
        }
    if (items.empty()) {
        reportProblem(tr("None of the selected cells has been generated yet."));
        return;
    }
    if (!QDir().mkpath(folder)) {
        reportProblem(tr("Cannot create the folder %1.").arg(folder));
        return;
    }
    writeInBackground(tr("Exporting %1 to %2").arg(counted(items.size(), tr("cell"), tr("cells"))).arg(folder), [items = std::move(items)] {
        QStringList files;
        for (const Item& item : items) {
            facemix::write_recipe_png(item.path.toStdString(), item.image, item.recipe);
            files << item.path;
        }
        return files;
    });
}

void MainWindow::exportContactSheet(const QString& path) {
    const QList<SourceEntry> faces = faces_->entries();
    const QList<SourceEntry> backgrounds = backgrounds_->entries();
    if (faces.isEmpty() || backgrounds.isEmpty()) {
        reportProblem(tr("A contact sheet needs a face and a background."));
        return;
    }
    std::vector<cv::Mat> face_images, background_images;
    for (const SourceEntry& entry : faces) face_images.push_back(entry.face.aligned);
    for (const SourceEntry& entry : backgrounds) background_images.push_back(entry.face.aligned);
    std::vector<std::vector<std::optional<cv::Mat>>> cells(faces.size(), std::vector<std::optional<cv::Mat>>(backgrounds.size()));
    for (int row = 0; row < faces.size(); ++row)
        for (int column = 0; column < backgrounds.size(); ++column)
            if (const MixCell* cell = results_.cell({faces[row].key, backgrounds[column].key}); cell && cell->finished())
                cells[std::size_t(row)][std::size_t(column)] = cell->image;
    writeInBackground(tr("Exporting the contact sheet %1").arg(path),
                      [path, face_images = std::move(face_images), background_images = std::move(background_images),
                       cells = std::move(cells)] {
                          facemix::write_image_atomic(path.toStdString(), facemix::contact_sheet(face_images, background_images, cells,
                                                                                                 kSheetTile, kSheetGap, "not generated"));
                          return QStringList{path};
                      });
}

CapturedSession MainWindow::captureSession() const {
    return capture_session(model_->modelPath(), settings_->settings(), faces_->entries(), backgrounds_->entries(), results_);
}

bool MainWindow::saveSession(const QString& path) {
    const CapturedSession captured = captureSession();
    const MixSession& session = captured.session;
    QString error;
    if (!write_session_file(path, session, error)) {
        reportProblem(error);
        return false;
    }
    log_->info(tr("Saved the session to %1 (%2, %3, %4).")
                   .arg(path, counted(session.faces.size(), tr("face"), tr("faces")),
                        counted(session.backgrounds.size(), tr("background"), tr("backgrounds")),
                        counted(session.cells.size(), tr("cell seed"), tr("cell seeds"))));
    if (captured.unnamed_sources)
        reportProblem(tr("%1 not in the session: pasted images have no file to reopen.").arg(counted(captured.unnamed_sources, tr("pasted image is"), tr("pasted images are"))));
    return true;
}

void MainWindow::openPaths(const QStringList& paths, bool as_backgrounds) {
    QStringList photos;
    // Sessions first: opening one replaces the lists the photos go to.
    for (const QString& path : paths)
        if (studio_file_kind(path) == StudioFileKind::Session) openSession(path);
    for (const QString& path : paths) {
        const StudioFileKind kind = studio_file_kind(path);
        if (kind == StudioFileKind::Model) model_->openModel(path);
        if (kind == StudioFileKind::Photos) photos << path;
    }
    if (!photos.isEmpty()) (as_backgrounds ? backgrounds_ : faces_)->addPaths(photos);
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

void MainWindow::offerUnsavedSession() {
    leftover_session_ = autosave_->takeLeftover();
    restore_action_->setEnabled(!leftover_session_.isEmpty());
    if (leftover_session_.isEmpty()) return;
    reportProblem(tr("The studio did not close cleanly last time; File ▸ Restore unsaved session brings back its grid."));
}

bool MainWindow::restoreUnsavedSession() {
    if (leftover_session_.isEmpty()) return false;
    const bool restored = openSession(leftover_session_);
    if (restored) {
        QFile::remove(leftover_session_);
        leftover_session_.clear();
        restore_action_->setEnabled(false);
    }
    return restored;
}

bool MainWindow::openSession(const QString& path) {
    QString error;
    const std::optional<MixSession> session = read_session_file(path, error);
    if (!session) {
        reportProblem(error);
        return false;
    }
    cancelWork();
    faces_->clearEntries();
    backgrounds_->clearEntries();
    results_ = MixResults();
    grid_->clearCells();
    pinned_.clear();
    settings_->setSettings(session->settings);
    if (!session->model_path.isEmpty() && session->model_path != model_->modelPath()) {
        if (QFileInfo::exists(session->model_path))
            model_->openModel(session->model_path);
        else
            reportProblem(tr("The session's model %1 is not there any more; open it or another one.").arg(session->model_path));
    }
    const auto identity = [](const SessionSource& source) {
        const QString canonical = QFileInfo(source.path).canonicalFilePath();
        return QStringLiteral("%1#%2").arg(canonical.isEmpty() ? source.path : canonical).arg(source.face_index);
    };
    for (const SessionCell& cell : session->cells)
        pinned_[identity(session->faces[cell.row]) + QLatin1Char('|') + identity(session->backgrounds[cell.column])] = {cell.seed,
                                                                                                                      cell.locked};
    // Photos go back through alignment, one request per photo with the faces it gave.
    const auto add = [](SourceList* list, const QList<SessionSource>& sources) {
        QStringList order;
        QMap<QString, QList<int>> faces;
        for (const SessionSource& source : sources) {
            if (!faces.contains(source.path)) order << source.path;
            faces[source.path] << source.face_index;
        }
        for (const QString& photo : order) list->addPhotoFaces(photo, faces[photo]);
    };
    add(faces_, session->faces);
    add(backgrounds_, session->backgrounds);
    log_->info(tr("Opened the session %1: %2, %3; Mix regenerates its %4.")
                   .arg(path, counted(session->faces.size(), tr("face"), tr("faces")),
                        counted(session->backgrounds.size(), tr("background"), tr("backgrounds")),
                        counted(session->cells.size(), tr("cell"), tr("cells"))));
    return true;
}

void MainWindow::promptSaveCell(quint64 face, quint64 background) {
    const MixCell* cell = results_.cell({face, background});
    if (!cell || !cell->finished()) return;
    const QString suggested = QStringLiteral("%1_x_%2_seed%3.png")
                                  .arg(stem_of(grid_->faceName(face)), stem_of(grid_->backgroundName(background)))
                                  .arg(cell->recipe.seed);
    const QString path = QFileDialog::getSaveFileName(this, tr("Save cell"), suggested, tr("PNG images (*.png)"));
    if (!path.isEmpty()) saveCell(face, background, path);
}

void MainWindow::promptExportCells() {
    QList<CellKey> cells = grid_->selectedCells();
    if (cells.isEmpty()) {
        reportProblem(tr("Select cells to export: click one, Ctrl+click more, or Ctrl+A in the grid for all."));
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export selected cells to"));
    if (!folder.isEmpty()) exportCells(folder, cells);
}

void MainWindow::promptExportContactSheet() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export contact sheet"), QStringLiteral("contact_sheet.png"),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty()) exportContactSheet(path);
}

void MainWindow::promptSaveSession() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save session"), QStringLiteral("mix.json"), session_filter());
    if (!path.isEmpty()) saveSession(path);
}

void MainWindow::promptOpenSession() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), {}, session_filter());
    if (!path.isEmpty()) openSession(path);
}

}  // namespace facemix::ui

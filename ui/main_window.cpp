#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

#include "alignment_worker.h"
#include "cell_viewer.h"
#include "dropped_inputs.h"
#include "log_panel.h"
#include "message_banner.h"
#include "mix_grid_view.h"
#include "model_panel.h"
#include "progress_status.h"
#include "settings_panel.h"
#include "source_list.h"

namespace facemix::ui {
namespace {

QList<GridAxisItem> axis_of(const SourceList& list) {
    QList<GridAxisItem> items;
    for (const SourceEntry& entry : list.entries()) items.append({entry.key, entry.name, entry.thumbnail});
    return items;
}

QString photo_filter() {
    return QObject::tr("Photos (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.ppm *.pgm *.pnm);;All files (*)");
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("facemix studio"));
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
    splitDockWidget(model_dock, settings_dock, Qt::Vertical);
    resizeDocks({docks_[0], model_dock}, {150, 330}, Qt::Horizontal);
    resizeDocks({docks_[1], log_dock, model_dock}, {156, 120, 260}, Qt::Vertical);

    progress_ = new ProgressStatus(this);
    counts_ = new QLabel(this);
    counts_->setObjectName(QStringLiteral("counts"));
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(counts_);

    buildActions();

    // Problems and news from the panels.
    for (SourceList* list : {faces_, backgrounds_}) {
        connect(list, &SourceList::problem, this, &MainWindow::reportProblem);
        connect(list, &SourceList::information, log_, &LogPanel::info);
        connect(list, &SourceList::entriesChanged, this, &MainWindow::updateGridAxes);
    }
    connect(aligner_, &AlignmentWorker::progressChanged, this, [this](int done, int total) {
        if (done < total)
            progress_->setProgress(tr("Aligning photos"), done, total);
        else
            progress_->finish();
    });
    connect(progress_, &ProgressStatus::cancelRequested, this, &MainWindow::cancelWork);
    connect(model_, &ModelPanel::loadingStarted, this,
            [this](const QString& path) { log_->info(tr("Loading the model %1…").arg(path)); });
    connect(model_, &ModelPanel::modelLoaded, this, [this](const QString& path) {
        log_->info(tr("Loaded the model %1.").arg(path));
        setWindowTitle(tr("%1 — facemix studio").arg(QFileInfo(path).fileName()));
    });
    connect(model_, &ModelPanel::loadFailed, this, &MainWindow::reportProblem);
    connect(settings_, &SettingsPanel::settingsChanged, this, [this] {
        QSettings settings;
        save_studio_settings(settings, settings_->settings());
    });
    connect(grid_, &MixGridView::cellClicked, this, &MainWindow::showCell);

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
    mix_action_->setToolTip(tr("Generate every face × background cell (Ctrl+Return)"));
    QAction* cancel = action(tr("&Cancel"), QKeySequence(Qt::Key_Escape), [this] { cancelWork(); });
    cancel->setIcon(s->standardIcon(QStyle::SP_MediaStop));
    QAction* clear_grid = action(tr("C&lear grid"), {}, [this] { grid_->clearCells(); });

    QAction* paste = action(tr("&Paste photo"), QKeySequence::Paste, [this] { pasteIntoFocusedList(); });
    paste->setStatusTip(tr("Adds the clipboard's image or photo files to the focused list (Faces unless Backgrounds has focus)"));
    QAction* zoom_in = action(tr("Zoom &in"), QKeySequence::ZoomIn, [this] { grid_->setCellSide(grid_->cellSide() + 32); });
    QAction* zoom_out = action(tr("Zoom &out"), QKeySequence::ZoomOut, [this] { grid_->setCellSide(grid_->cellSide() - 32); });
    QAction* reset_layout = action(tr("&Reset layout"), {}, [this] {
        for (QDockWidget* dock : docks_) dock->show();
        restoreState(default_layout_);
    });

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(open_file);
    file->addAction(open_folder);
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
    file->addAction(add_faces);
    file->addAction(add_backgrounds);
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
    updateCounts();
}

void MainWindow::updateCounts() {
    const int rows = faces_->entryCount();
    const int columns = backgrounds_->entryCount();
    counts_->setText(tr("%1 × %2 = %3 cells").arg(rows).arg(columns).arg(rows * columns));
}

void MainWindow::showCell(quint64 face, quint64 background) {
    const QImage image = grid_->cell(face, background);
    const QString title = tr("%1 × %2").arg(grid_->faceName(face), grid_->backgroundName(background));
    if (image.isNull()) {
        statusBar()->showMessage(tr("%1 has not been generated yet.").arg(title), 4000);
        return;
    }
    viewer_->showCell(title, image);
}

void MainWindow::pasteIntoFocusedList() {
    QWidget* focus = QApplication::focusWidget();
    const bool backgrounds = focus && (focus == backgrounds_ || backgrounds_->isAncestorOf(focus));
    (backgrounds ? backgrounds_ : faces_)->paste();
}

void MainWindow::cancelWork() {
    if (aligner_->pendingCount() == 0) return;
    aligner_->cancelPending();
    log_->info(tr("Cancelled."));
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    settings_->setSettings(load_studio_settings(settings));
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
    event->accept();
}

}  // namespace facemix::ui

#pragma once

#include <algorithm>
#include <memory>

#include <QMainWindow>

#include "grid_jobs.h"
#include "mix_planner.h"
#include "mix_results.h"
#include "session_capture.h"

class QAction;
class QDockWidget;
class QLabel;

namespace facemix::ui {

class AlignmentWorker;
class CastRunner;
class CellViewer;
class GenerationWorker;
class GridCells;
class GridExporter;
class InterpolationPanel;
class LogPanel;
class PlotPanel;
struct GeneratedCell;
struct GenerationProgress;
class MessageBanner;
class MixGridView;
class ModelPanel;
class ProgressStatus;
class SessionAutosave;
class SessionFiles;
class SettingsPanel;
class SourceList;
struct StudioActions;

// The studio's main window: faces down the left, backgrounds along the top, the mix grid between,
// model and settings on the right, the log below. It owns the panels and the workers they share, connects
// them, routes every problem to the log and the banner, and keeps layout and settings in QSettings. The
// work is done elsewhere: MixPlanner plans a Mix, GridJobs follows it on the generation worker,
// GridCells keeps and shows the cells, GridExporter and SessionFiles write them out.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    SourceList* faces() const { return faces_; }
    SourceList* backgrounds() const { return backgrounds_; }
    ModelPanel* modelPanel() const { return model_; }
    SettingsPanel* settingsPanel() const { return settings_; }
    MixGridView* grid() const { return grid_; }
    LogPanel* log() const { return log_; }
    MessageBanner* banner() const { return banner_; }
    ProgressStatus* progress() const { return progress_; }
    AlignmentWorker* aligner() const { return aligner_; }
    GenerationWorker* generator() const { return generator_; }
    InterpolationPanel* interpolation() const { return interpolation_; }
    CellViewer* cellViewer() const { return viewer_; }
    const MixResults& results() const;
    // Mix generates every cell that is not locked; enabled when a model is loaded and both lists hold
    // a source.
    QAction* mixAction() const { return mix_action_; }

    // What the actions and the cell menu do, without their dialogs (for scripts and tests).
    void mix();
    bool isMixing() const;
    // Cells sampled together per UNet call: more is faster on a GPU, fewer shows cells sooner.
    void setBatchCells(int cells) { batch_cells_ = std::max(1, cells); }
    int batchCells() const { return batch_cells_; }
    void regenerateCell(quint64 face, quint64 background);  // with a new random seed
    void setCellLocked(quint64 face, quint64 background, bool locked);
    void copyCell(quint64 face, quint64 background);
    bool saveCell(quint64 face, quint64 background, const QString& path);
    // Writes the finished ones of `cells` as PNGs with their recipes, off the GUI thread; exported()
    // says when they are there.
    void exportCells(const QString& folder, const QList<CellKey>& cells);
    void exportContactSheet(const QString& path);
    // Cast: the selected face row (or the first) on every photo of `folder`, or the selected background
    // (or the first) with every face of `folder`; the cells, cast_sheet.png and cast.csv go to `output`.
    // False (and a problem reported) when there is no model, no such source or a cast is running.
    bool castFace(const QString& folder, const QString& output);
    bool castBackground(const QString& folder, const QString& output);
    CastRunner* caster() const { return caster_; }
    // Takes the session as it is now and writes it, with its finished cells and pasted images beside
    // it, off the GUI thread: sessionSaved() when it is on disk, a problem when it cannot be. Closing the
    // window waits for it.
    void saveSession(const QString& path);
    bool openSession(const QString& path);
    // The session as a file would hold it (what Save session and the autosave write).
    CapturedSession captureSession() const;
    SessionAutosave* autosave() const { return autosave_; }
    // Files from the command line or a drop onto the window: sessions and models are opened, and
    // everything else is added to Faces (or Backgrounds) as photos.
    void openPaths(const QStringList& paths, bool as_backgrounds = false);
    // At start: when the last run did not end cleanly, sets its autosave aside, says so and enables
    // File ▸ Restore unsaved session (restoreUnsavedSession), without asking anything.
    void offerUnsavedSession();
    bool restoreUnsavedSession();

    // What the studio opens at start (ModelPanel::openStartupModel()).
    void openStartupModel();

    // Shows a problem without interrupting: a log line and the banner above the grid.
    void reportProblem(const QString& message);
    // Writes window geometry, dock layout and generation settings to QSettings.
    void storeSettings() const;

signals:
    void exported(const QStringList& files);
    void sessionSaved(const QString& path);
    void mixFinished(bool cancelled);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void connectActions(const StudioActions& actions);
    void restoreSettings();
    void updateGridAxes();
    void pasteIntoFocusedList();
    void cancelWork();
    void finishProgressIfIdle();  // hides the progress once nothing aligns, mixes or casts
    void updateMixEnabled();
    void onCell(const GeneratedCell& cell);
    bool cast(bool faces_vary, const QString& folder, const QString& output);
    void promptCast(bool faces_vary);
    void onProgress(const GenerationProgress& progress);
    void onJobEnded(quint64 job, bool cancelled, const QString& error);

    AlignmentWorker* aligner_ = nullptr;
    SourceList* faces_ = nullptr;
    SourceList* backgrounds_ = nullptr;
    ModelPanel* model_ = nullptr;
    SettingsPanel* settings_ = nullptr;
    MixGridView* grid_ = nullptr;
    LogPanel* log_ = nullptr;
    PlotPanel* plots_ = nullptr;
    MessageBanner* banner_ = nullptr;
    ProgressStatus* progress_ = nullptr;
    CellViewer* viewer_ = nullptr;
    QLabel* counts_ = nullptr;
    QAction* mix_action_ = nullptr;
    SessionAutosave* autosave_ = nullptr;
    GenerationWorker* generator_ = nullptr;
    InterpolationPanel* interpolation_ = nullptr;
    GridCells* cells_ = nullptr;
    MixPlanner planner_;
    std::unique_ptr<GridJobs> grid_jobs_;
    SessionFiles* files_ = nullptr;
    GridExporter* exporter_ = nullptr;
    CastRunner* caster_ = nullptr;
    int batch_cells_ = 2;
    QList<QDockWidget*> docks_;
    QByteArray default_layout_;
};

}  // namespace facemix::ui

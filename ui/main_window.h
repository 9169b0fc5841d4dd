#pragma once

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;

namespace facemix::ui {

class AlignmentWorker;
class CellViewer;
class LogPanel;
class MessageBanner;
class MixGridView;
class ModelPanel;
class ProgressStatus;
class SettingsPanel;
class SourceList;

// The studio's main window: faces down the left, backgrounds along the top, the mix grid between,
// model and settings on the right, the log below. It lays the panels out, owns the alignment worker
// they share, routes every problem to the log and the banner, and keeps layout and settings in
// QSettings. The panels do their own work; this class only connects them.
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
    // Mix starts generation; it stays disabled until a generation worker is connected to it.
    QAction* mixAction() const { return mix_action_; }

    // Shows a problem without interrupting: a log line and the banner above the grid.
    void reportProblem(const QString& message);
    // Writes window geometry, dock layout and generation settings to QSettings.
    void storeSettings() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QDockWidget* addPanel(const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area);
    void buildActions();
    void restoreSettings();
    void updateGridAxes();
    void updateCounts();
    void showCell(quint64 face, quint64 background);
    void pasteIntoFocusedList();
    void cancelWork();

    AlignmentWorker* aligner_ = nullptr;
    SourceList* faces_ = nullptr;
    SourceList* backgrounds_ = nullptr;
    ModelPanel* model_ = nullptr;
    SettingsPanel* settings_ = nullptr;
    MixGridView* grid_ = nullptr;
    LogPanel* log_ = nullptr;
    MessageBanner* banner_ = nullptr;
    ProgressStatus* progress_ = nullptr;
    CellViewer* viewer_ = nullptr;
    QLabel* counts_ = nullptr;
    QAction* mix_action_ = nullptr;
    QMenu* recent_menu_ = nullptr;
    QList<QDockWidget*> docks_;
    QByteArray default_layout_;
};

}  // namespace facemix::ui

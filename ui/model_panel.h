#pragma once

#include <atomic>
#include <memory>

#include <QThreadPool>
#include <QWidget>

class QComboBox;
class QCheckBox;
class QLabel;
class QSpinBox;
class QPlainTextEdit;
class QMenu;

namespace facemix {
struct ModelBundle;
}

namespace facemix::ui {

// Sizes that a checkpoint without a config does not record (facemix::ImportOptions, as plain ints
// so this header stays free of core's tensor headers). The defaults are those of every SD v1 and
// CLIP ViT release; only tiny or custom models need others.
struct ModelImportSizes {
    int attention_heads = 8;
    int unet_norm_groups = 32;
    int vae_norm_groups = 32;
    int clip_head_width = 64;

    bool operator==(const ModelImportSizes&) const = default;
};

// Opens a model (a facemix bundle, an LDM .ckpt or a diffusers folder) and says what it is. The
// import runs on a worker thread, since converting a multi-gigabyte checkpoint takes seconds; the
// panel shows "loading" meanwhile and the previous model stays usable until the new one is in.
// Models opened successfully are remembered in QSettings ("models/recent").
// A model's name for titles and menus: its file's name, or its folder's for a diffusers folder.
QString model_display_name(const QString& path);

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxRecent = 8;

    explicit ModelPanel(QWidget* parent = nullptr);
    ~ModelPanel() override;  // waits for a running import: it cannot be interrupted

    void openModel(const QString& path);
    void chooseFile();
    void chooseFolder();
    // What the studio opens at start: the most recent model that is still there, else the bundled default
    // model; with neither, information() says how to open one.
    void openStartupModel();
    // The bundled synthetic-face model (models/default/); loadFailed() when it is not installed.
    void openDefaultModel();

    // The sizes used for the next openModel(); defaults unless "Sizes not in the file" is ticked.
    ModelImportSizes importSizes() const;
    void setImportSizes(const ModelImportSizes& sizes);  // ticks the group unless `sizes` are the defaults

    bool isLoading() const { return loading_; }
    QString modelPath() const { return path_; }
    QString summary() const { return summary_; }
    // What the model can do in plain words (domain, native size, token source), and the way to real
    // weights when it is not of real photos.
    QString capabilities() const { return capabilities_text_; }
    QString realWeightsHint() const { return hint_text_; }
    // The loaded model, shared with whatever job uses it, so opening another model while a job
    // runs does not pull the weights from under it. Null until a model is loaded.
    std::shared_ptr<const facemix::ModelBundle> model() const { return model_; }
    QStringList recentModels() const;
    // Keeps `menu` listing the recent models (opening the one chosen), as the panel's own list does.
    void listRecentIn(QMenu* menu);

signals:
    void loadingStarted(const QString& path);
    void modelLoaded(const QString& path);
    void loadFailed(const QString& message);
    void information(const QString& message);
    void recentModelsChanged();

private:
    struct Outcome;
    void deliver(const std::shared_ptr<Outcome>& outcome);
    void remember(const QString& path);
    void refreshRecent();
    void showState();

    QLabel* title_ = nullptr;
    QLabel* state_ = nullptr;
    QComboBox* recent_ = nullptr;
    QLabel* capabilities_ = nullptr;
    QLabel* hint_ = nullptr;
    QPlainTextEdit* details_ = nullptr;
    QCheckBox* sizes_ = nullptr;  // the sizes below are used only while it is ticked
    QSpinBox* heads_ = nullptr;
    QSpinBox* unet_groups_ = nullptr;
    QSpinBox* vae_groups_ = nullptr;
    QSpinBox* clip_head_width_ = nullptr;

    QThreadPool pool_;
    std::atomic<quint64> generation_{0};  // a newer openModel() makes an older import's result stale
    bool loading_ = false;
    QString loading_path_;
    QString path_;
    QString summary_;
    QString capabilities_text_;
    QString hint_text_;
    double load_seconds_ = 0;
    std::shared_ptr<const facemix::ModelBundle> model_;
};

}  // namespace facemix::ui

#include "model_panel.h"

#include <new>

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include "bundle/default_model.h"
#include "bundle/model_capabilities.h"
#include "bundle/model_importer.h"
#include "bundle/model_summary.h"
#include "bundle/recent_models.h"
#include "common/error.h"
#include "model_capability_text.h"

namespace facemix::ui {
namespace {

const QString kRecentKey = QStringLiteral("models/recent");

QString supported_formats() {
    QString text = QObject::tr("No model loaded.\n\nOpen one of:\n");
    for (const facemix::ModelImporter& importer : facemix::model_importers())
        text += QStringLiteral("  • %1\n").arg(QString::fromUtf8(importer.description.data(), qsizetype(importer.description.size())));
    return text;
}

}  // namespace

struct ModelPanel::Outcome {
    quint64 generation = 0;
    QString path;
    std::shared_ptr<const facemix::ModelBundle> model;
    QString summary;
    QString capabilities;
    QString hint;
    QString error;
    double seconds = 0;
};

QString model_display_name(const QString& path) {
    const QFileInfo info(path);
    return info.fileName().isEmpty() ? QDir(path).dirName() : info.fileName();
}

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("modelPanel"));
    pool_.setMaxThreadCount(1);

    title_ = new QLabel(tr("No model"), this);
    title_->setObjectName(QStringLiteral("modelTitle"));
    QFont bold = title_->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    title_->setFont(bold);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    state_ = new QLabel(this);
    state_->setObjectName(QStringLiteral("modelState"));
    state_->setWordWrap(true);

    auto* open_file = new QPushButton(tr("Open file…"), this);
    open_file->setObjectName(QStringLiteral("openModelFile"));
    open_file->setToolTip(tr("A facemix bundle (.safetensors) or an LDM checkpoint (.ckpt)"));
    connect(open_file, &QPushButton::clicked, this, &ModelPanel::chooseFile);
    auto* open_folder = new QPushButton(tr("Open folder…"), this);
    open_folder->setObjectName(QStringLiteral("openModelFolder"));
    open_folder->setToolTip(tr("A diffusers model folder"));
    connect(open_folder, &QPushButton::clicked, this, &ModelPanel::chooseFolder);

    recent_ = new QComboBox(this);
    recent_->setObjectName(QStringLiteral("recentModels"));
    recent_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    recent_->setMinimumContentsLength(12);
    connect(recent_, &QComboBox::activated, this, [this](int index) {
        if (index > 0) openModel(recent_->itemData(index).toString());
        recent_->setCurrentIndex(0);
    });

    // What the model can do in plain words, above core's technical description.
    capabilities_ = new QLabel(this);
    capabilities_->setObjectName(QStringLiteral("modelCapabilities"));
    capabilities_->setWordWrap(true);
    capabilities_->setTextFormat(Qt::RichText);
    hint_ = new QLabel(this);
    hint_->setObjectName(QStringLiteral("modelHint"));
    hint_->setWordWrap(true);
    hint_->setTextFormat(Qt::RichText);
    hint_->setTextInteractionFlags(Qt::TextSelectableByMouse);  // the command is there to be copied
    hint_->setFrameShape(QFrame::StyledPanel);
    hint_->setMargin(6);

    details_ = new QPlainTextEdit(this);
    details_->setObjectName(QStringLiteral("modelDetails"));
    details_->setReadOnly(true);
    details_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    details_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    // A check box over the fields rather than a checkable group box: unticked, the fields are irrelevant
    // and go with their frame, which a group box would leave standing empty like a field to fill in.
    sizes_ = new QCheckBox(tr("Sizes not in the file"), this);
    sizes_->setObjectName(QStringLiteral("importSizes"));
    sizes_->setToolTip(tr("Only for checkpoints of custom or tiny models that come without a config; "
                          "SD v1 and CLIP releases need nothing here"));
    auto* size_fields = new QWidget(this);
    size_fields->setObjectName(QStringLiteral("importSizeFields"));
    auto spin = [size_fields](const QString& name, int value) {
        auto* box = new QSpinBox(size_fields);
        box->setObjectName(name);
        box->setRange(1, 4096);
        box->setValue(value);
        return box;
    };
    const ModelImportSizes defaults;
    heads_ = spin(QStringLiteral("attentionHeads"), defaults.attention_heads);
    unet_groups_ = spin(QStringLiteral("unetNormGroups"), defaults.unet_norm_groups);
    vae_groups_ = spin(QStringLiteral("vaeNormGroups"), defaults.vae_norm_groups);
    clip_head_width_ = spin(QStringLiteral("clipHeadWidth"), defaults.clip_head_width);
    auto* sizes_form = new QFormLayout(size_fields);
    sizes_form->setContentsMargins(0, 0, 0, 0);
    sizes_form->addRow(tr("UNet attention heads"), heads_);
    sizes_form->addRow(tr("UNet norm groups"), unet_groups_);
    sizes_form->addRow(tr("VAE norm groups"), vae_groups_);
    sizes_form->addRow(tr("CLIP head width"), clip_head_width_);
    size_fields->setVisible(false);
    connect(sizes_, &QCheckBox::toggled, size_fields, &QWidget::setVisible);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open_file);
    buttons->addWidget(open_folder);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(state_);
    layout->addLayout(buttons);
    layout->addWidget(recent_);
    layout->addWidget(capabilities_);
    layout->addWidget(hint_);
    layout->addWidget(details_, 1);
    layout->addWidget(sizes_);
    layout->addWidget(size_fields);

    refreshRecent();
    showState();
}

ModelPanel::~ModelPanel() {
    generation_.fetch_add(1);
    pool_.waitForDone();
}

void ModelPanel::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open model"), QFileInfo(path_).absolutePath(),
                                                      tr("Models (*.safetensors *.ckpt *.pt *.pth *.bin);;All files (*)"));
    if (!path.isEmpty()) openModel(path);
}

void ModelPanel::chooseFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open diffusers model folder"), QFileInfo(path_).absolutePath());
    if (!path.isEmpty()) openModel(path);
}

void ModelPanel::openStartupModel() {
    for (const QString& path : recentModels()) {
        if (QFileInfo::exists(path)) {
            openModel(path);
            return;
        }
    }
    try {
        const auto path = facemix::default_model_path();
        emit information(tr("Opening the bundled default model, a small model of synthetic faces (models/default/)."));
        openModel(QString::fromStdString(path.string()));
    } catch (const std::exception& error) {
        emit information(tr("No model open yet: %1 Open one from the Model panel.").arg(QString::fromUtf8(error.what())));
    }
}

void ModelPanel::openDefaultModel() {
    try {
        openModel(QString::fromStdString(facemix::default_model_path().string()));
    } catch (const std::exception& error) {
        emit loadFailed(QString::fromUtf8(error.what()));
    }
}

ModelImportSizes ModelPanel::importSizes() const {
    if (!sizes_->isChecked()) return {};
    return {heads_->value(), unet_groups_->value(), vae_groups_->value(), clip_head_width_->value()};
}

void ModelPanel::setImportSizes(const ModelImportSizes& sizes) {
    heads_->setValue(sizes.attention_heads);
    unet_groups_->setValue(sizes.unet_norm_groups);
    vae_groups_->setValue(sizes.vae_norm_groups);
    clip_head_width_->setValue(sizes.clip_head_width);
    sizes_->setChecked(!(sizes == ModelImportSizes{}));
}

void ModelPanel::openModel(const QString& path) {
    const ModelImportSizes sizes = importSizes();
    facemix::ImportOptions options;
    options.attention_heads = sizes.attention_heads;
    options.unet_norm_groups = sizes.unet_norm_groups;
    options.vae_norm_groups = sizes.vae_norm_groups;
    options.clip_head_width = sizes.clip_head_width;
    auto outcome = std::make_shared<Outcome>();
    outcome->generation = generation_.fetch_add(1) + 1;
    outcome->path = path;
    loading_ = true;
    loading_path_ = path;
    showState();
    emit loadingStarted(path);
    pool_.start([this, outcome, options] {
        if (outcome->generation != generation_.load()) return;  // a newer request is queued behind
        QElapsedTimer clock;
        clock.start();
        const QString name = model_display_name(outcome->path);
        try {
            auto bundle = std::make_shared<const facemix::ModelBundle>(facemix::import_model(outcome->path.toStdString(), options));
            outcome->summary = QString::fromStdString(facemix::summarize_model(*bundle));
            const facemix::ModelCapabilities can = facemix::model_capabilities(bundle->manifest, outcome->path.toStdString());
            outcome->capabilities = capability_text(can);
            outcome->hint = real_weights_hint(can);
            outcome->model = std::move(bundle);
        } catch (const facemix::InputError& error) {
            outcome->error = QString::fromStdString(error.what());
        } catch (const std::bad_alloc&) {
            outcome->error = tr("Out of memory while loading the model %1.").arg(name);
        } catch (const std::exception& error) {
            outcome->error = tr("Could not load the model %1: %2").arg(name, QString::fromStdString(error.what()));
        }
        outcome->seconds = double(clock.nsecsElapsed()) / 1e9;
        QMetaObject::invokeMethod(this, [this, outcome] { deliver(outcome); }, Qt::QueuedConnection);
    });
}

void ModelPanel::deliver(const std::shared_ptr<Outcome>& outcome) {
    if (outcome->generation != generation_.load()) return;
    loading_ = false;
    loading_path_.clear();
    if (!outcome->error.isEmpty()) {
        showState();
        emit loadFailed(outcome->error);
        return;
    }
    model_ = outcome->model;
    path_ = outcome->path;
    summary_ = outcome->summary;
    capabilities_text_ = outcome->capabilities;
    hint_text_ = outcome->hint;
    load_seconds_ = outcome->seconds;
    remember(path_);
    showState();
    emit modelLoaded(path_);
}

void ModelPanel::showState() {
    if (model_) {
        title_->setText(model_display_name(path_));
        title_->setToolTip(path_);
        details_->setPlainText(summary_);
        capabilities_->setText(capabilities_text_);
        hint_->setText(hint_text_);
    } else {
        title_->setText(tr("No model"));
        details_->setPlainText(supported_formats());
        capabilities_->clear();
        hint_->setText(real_weights_hint({}));
    }
    capabilities_->setVisible(!capabilities_->text().isEmpty());
    hint_->setVisible(!hint_->text().isEmpty());
    if (loading_)
        state_->setText(tr("Loading %1…").arg(model_display_name(loading_path_)));
    else if (model_)
        state_->setText(tr("Loaded in %1 s").arg(load_seconds_, 0, 'f', 1));
    else
        state_->setText(tr("Open a facemix bundle, an LDM checkpoint or a diffusers folder."));
}

QStringList ModelPanel::recentModels() const { return QSettings().value(kRecentKey).toStringList(); }

void ModelPanel::remember(const QString& path) {
    QStringList recent = recentModels();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    // The CLI's list too (it has no QSettings), so `facemix replay` finds models opened here.
    facemix::remember_model(path.toStdString());
    refreshRecent();
    emit recentModelsChanged();
}

void ModelPanel::listRecentIn(QMenu* menu) {
    const auto fill = [this, menu] {
        menu->clear();
        for (const QString& path : recentModels()) menu->addAction(model_display_name(path), this, [this, path] { openModel(path); })->setToolTip(path);
        menu->setEnabled(!menu->isEmpty());
    };
    fill();
    connect(this, &ModelPanel::recentModelsChanged, menu, fill);
}

void ModelPanel::refreshRecent() {
    recent_->clear();
    const QStringList recent = recentModels();
    recent_->addItem(recent.isEmpty() ? tr("No recent models") : tr("Recent models…"));
    for (const QString& path : recent) {
        recent_->addItem(model_display_name(path), path);
        recent_->setItemData(recent_->count() - 1, path, Qt::ToolTipRole);
    }
    recent_->setEnabled(!recent.isEmpty());
}

}  // namespace facemix::ui

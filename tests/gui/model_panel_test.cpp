#include "model_panel.h"

#include "gui_test_support.h"

#include "bundle/recent_models.h"

#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

#include "gui_test_registry.h"

using facemix::test::fixture;
using facemix::test::testdata;
using namespace facemix::ui;

class ModelPanelTest : public QObject {
    Q_OBJECT
private:
    facemix::test::TemporarySettings settings_;

private slots:
    void showsSupportedFormatsUntilAModelIsLoaded() {
        ModelPanel panel;
        QVERIFY(!panel.model());
        const QString details = panel.findChild<QPlainTextEdit*>(QStringLiteral("modelDetails"))->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("No model loaded")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("diffusers")), qPrintable(details));
    }

    // Unticked, the sizes are their check box alone: no fields, and no empty frame where they were.
    void theSizeFieldsShowOnlyWhileTicked() {
        ModelPanel panel;
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* sizes = panel.findChild<QCheckBox*>(QStringLiteral("importSizes"));
        auto* fields = panel.findChild<QWidget*>(QStringLiteral("importSizeFields"));
        auto* heads = panel.findChild<QSpinBox*>(QStringLiteral("attentionHeads"));
        QVERIFY(sizes && fields && heads);
        QVERIFY(!sizes->isChecked());
        QVERIFY(!fields->isVisible());
        QVERIFY(!panel.findChild<QGroupBox*>());  // nothing framed stands empty
        QCOMPARE(panel.importSizes(), ModelImportSizes{});
        sizes->setChecked(true);
        QVERIFY(fields->isVisible());
        heads->setValue(2);
        QCOMPARE(panel.importSizes().attention_heads, 2);
        sizes->setChecked(false);
        QVERIFY(!fields->isVisible());
        QCOMPARE(panel.importSizes(), ModelImportSizes{});  // unticked, the fields count for nothing
    }

    void loadsACheckpointOnAWorkerAndDescribesIt() {
        ModelPanel panel;
        // The tiny golden model's sizes that its weights do not show (see tools/goldens/).
        panel.setImportSizes({2, 8, 4, 16});
        QSignalSpy loaded(&panel, &ModelPanel::modelLoaded);
        QSignalSpy failed(&panel, &ModelPanel::loadFailed);
        const QString path = fixture(QStringLiteral("bundle/tiny_face_mixer.ckpt"));
        QElapsedTimer clock;
        clock.start();
        panel.openModel(path);
        QVERIFY(clock.elapsed() < 100);  // openModel only queues the import
        QVERIFY(panel.isLoading());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count() + failed.count(), 1, 60000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][0].toString()));
        QCOMPARE(loaded[0][0].toString(), path);
        QVERIFY(!panel.isLoading());
        QVERIFY(panel.model());
        QCOMPARE(panel.modelPath(), path);
        // The panel shows core's own description of the model.
        QVERIFY2(panel.summary().contains(QStringLiteral("format:")), qPrintable(panel.summary()));
        QVERIFY2(panel.summary().contains(QStringLiteral("tiny_face_mixer.ckpt")), qPrintable(panel.summary()));
        QVERIFY2(panel.summary().contains(QStringLiteral("heads 2")), qPrintable(panel.summary()));
        QCOMPARE(panel.findChild<QPlainTextEdit*>(QStringLiteral("modelDetails"))->toPlainText(), panel.summary());
        // An imported checkpoint is of the image mixers' kind: real photos, no hint towards other weights.
        QVERIFY2(panel.capabilities().contains(QStringLiteral("Trained on real photos")), qPrintable(panel.capabilities()));
        QVERIFY(panel.realWeightsHint().isEmpty());
        QCOMPARE(panel.recentModels(), QStringList{path});
        // The CLI's list too, without a hash (the studio does not hash what it opens), for `facemix replay`.
        const auto shared = facemix::read_recent_models();
        QCOMPARE(shared.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(shared[0].path.string()), path);
        QVERIFY(shared[0].model_hash.empty());

        ModelPanel later;  // another session remembers it
        QCOMPARE(later.recentModels(), QStringList{path});
    }

    void wrongSizesAreRefusedWithCoresMessage() {
        ModelPanel panel;  // SD v1 defaults: 32 norm groups do not divide the tiny UNet's 16 channels
        QSignalSpy failed(&panel, &ModelPanel::loadFailed);
        panel.openModel(fixture(QStringLiteral("bundle/tiny_face_mixer.ckpt")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
        QVERIFY2(failed[0][0].toString().contains(QStringLiteral("norm groups")), qPrintable(failed[0][0].toString()));
        QVERIFY(!panel.model());
    }

    void aFileThatIsNoModelIsRefusedByName() {
        ModelPanel panel;
        QSignalSpy failed(&panel, &ModelPanel::loadFailed);
        panel.openModel(testdata(QStringLiteral("facerec_obama.jpg")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
        QVERIFY2(failed[0][0].toString().contains(QStringLiteral("facerec_obama.jpg")), qPrintable(failed[0][0].toString()));
        QVERIFY(!panel.model());
        QVERIFY(!panel.isLoading());
        QVERIFY(!panel.recentModels().contains(testdata(QStringLiteral("facerec_obama.jpg"))));
    }

    // The bundled default model says it knows synthetic faces only, its size and its face token, and
    // points to real weights: which files, and the command that converts them. Last: it adds to the
    // recent models the tests before it count.
    void saysWhatTheModelCanDoAndWhereRealWeightsAre() {
        ModelPanel panel;
        panel.show();
        auto* capabilities = panel.findChild<QLabel*>(QStringLiteral("modelCapabilities"));
        auto* hint = panel.findChild<QLabel*>(QStringLiteral("modelHint"));
        QVERIFY(capabilities && hint);
        QVERIFY(!capabilities->isVisible());
        QVERIFY(hint->isVisible());  // before any model: where real weights come from
        QSignalSpy loaded(&panel, &ModelPanel::modelLoaded);
        panel.openModel(QDir(QStringLiteral(FACEMIX_FIXTURES_DIR)).filePath(QStringLiteral("../../models/default/facemix-synth48.safetensors")));
        QVERIFY(loaded.wait(60000));
        QVERIFY(capabilities->isVisible());
        const QString text = capabilities->text();
        QVERIFY2(text.contains(QStringLiteral("Synthetic faces only")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Native 48 × 48 px, pixel space")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("the image encoder's embedding of the face crop")), qPrintable(text));
        QVERIFY(hint->isVisible());
        QVERIFY2(hint->text().contains(QStringLiteral("image-mixer-pruned.ckpt")), qPrintable(hint->text()));
        QVERIFY2(hint->text().contains(QStringLiteral("facemix convert image-mixer-pruned.ckpt -o image-mixer.safetensors --tokens face background")),
                 qPrintable(hint->text()));
        if (const QByteArray shot = qgetenv("FACEMIX_SCREENSHOT_MODEL"); !shot.isEmpty()) {
            panel.resize(340, 640);
            QTest::qWait(50);
            QVERIFY(panel.grab().save(QString::fromLocal8Bit(shot)));
        }
    }
};

FACEMIX_GUI_TEST(ModelPanelTest)
#include "model_panel_test.moc"

// Faces rows made of several photos of one person: the job the studio builds (its face token is the
// weighted mean of the photos'), sessions that keep the photos and weights, restored cells that are
// dropped once a photo changed, and the rows' photos added, weighed and removed in the window.

// LibTorch first: Qt's `slots` macro would break its headers.
#include <ATen/ATen.h>
#include <opencv2/core.hpp>

#include "mix/mix_engine.h"

#include "main_window.h"
#include "mix_job_builder.h"
#include "mix_planner.h"
#include "mix_session.h"
#include "person_editor.h"
#include "restored_cells.h"
#include "gui_test_registry.h"
#include "studio_fixture.h"

#include <QAction>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>

using namespace facemix::test;
using namespace facemix::ui;

namespace {

cv::Mat colour_field(int seed, int side = 32) {
    cv::Mat image(side, side, CV_8UC3);
    cv::randu(image, cv::Scalar::all(seed % 100), cv::Scalar::all(155 + seed % 100));
    return image;
}

SourceEntry photo_entry(quint64 key, const QString& name, int seed, double weight = 1.0) {
    SourceEntry entry;
    entry.key = key;
    entry.name = name;
    entry.path = QStringLiteral("/photos/") + name;
    entry.photo_hash = QStringLiteral("hash of ") + name;
    entry.face.aligned = colour_field(seed);
    entry.weight = weight;
    return entry;
}

bool wait_until(const std::function<bool()>& ready, int timeout_ms = kAlignTimeoutMs) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeout_ms && !ready()) QTest::qWait(20);
    return ready();
}

// The window on screen, its Faces list taking the largest face of each photo; null when it did not show.
SourceList* shown_faces(MainWindow& window) {
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) return nullptr;
    window.faces()->setSeveralFacesPolicy(SeveralFacesPolicy::Largest);
    return window.faces();
}

}  // namespace

class PersonRowsTest : public QObject {
    Q_OBJECT
private slots:
    // The studio's own path: the planner's job from a row of two photos, weights 1 and 3, through the
    // engine: the face token is 1/4 of the first photo's embedding plus 3/4 of the second's.
    void aTwoPhotoRowsTokenIsTheWeightedMeanOfItsPhotos() {
        SourceEntry person = photo_entry(1, QStringLiteral("ann1.jpg"), 11);
        person.same_person.push_back(photo_entry(0, QStringLiteral("ann2.jpg"), 12, 3.0));
        const QList<SourceEntry> backgrounds{photo_entry(10, QStringLiteral("bg.jpg"), 13)};
        StudioSettings values;
        values.steps = 2;
        values.seed_policy = SeedPolicy::Fixed;
        MixPlanner planner;
        const MixPlan plan = planner.plan({person}, backgrounds, values, 1, MixResults(), "tiny");
        QCOMPARE(plan.job.cells.size(), std::size_t(1));
        const facemix::MixSource& source = plan.job.faces.at(0);
        QCOMPARE(source.same_person.size(), std::size_t(1));
        QCOMPARE(source.same_person[0].weight, 3.0);
        QCOMPARE(source.same_person[0].image_hash, std::string("hash of ann2.jpg"));

        facemix::MixEngine engine(facemix::random_bundle(facemix::face_mixer_manifest("tiny"), 7), "tiny", facemix::ComputeTarget{});
        std::vector<facemix::Recipe> recipes;
        engine.run(plan.job, {[&](const facemix::CellResult& cell) { recipes.push_back(cell.recipe); }, {}}, std::stop_token());
        QCOMPARE(recipes.size(), std::size_t(1));
        const std::int64_t width = engine.embedder().width();
        const at::Tensor condition = at::tensor(recipes[0].condition).view({-1, width});
        const at::Tensor first = engine.embedder().embed(person.face.aligned, facemix::ImagePart::FaceCrop);
        const at::Tensor second = engine.embedder().embed(person.same_person[0].face.aligned, facemix::ImagePart::FaceCrop);
        QVERIFY((condition[0] - (0.25 * first + 0.75 * second)).abs().max().item<double>() < 1e-5);
        QVERIFY((condition[0] - first).abs().max().item<double>() > 1e-3);  // not the first photo alone
        // The cell's recipe names both photos, so it is this row's cell — and no longer once a weight changes.
        QVERIFY(made_of(recipes[0].face, person));
        SourceEntry reweighed = person;
        reweighed.same_person[0].weight = 2.0;
        QVERIFY(!made_of(recipes[0].face, reweighed));
    }

    void sessionsKeepAPersonsPhotosAndWeightsAndReadFormatOne() {
        MixSession session;
        session.faces = {{QStringLiteral("/p/ann1.jpg"), 0, 2.0, {{QStringLiteral("/p/ann2.jpg"), 1, 0.5}, {QStringLiteral("/p/ann3.jpg"), 0, 3.0}}},
                         {QStringLiteral("/p/bob.jpg"), 0}};
        session.backgrounds = {{QStringLiteral("/p/bg.jpg"), 0}};
        const QByteArray json = session_to_json(session);
        QString error;
        const auto back = session_from_json(json, QStringLiteral("s.json"), error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->faces.at(0).same_person.size(), std::size_t(2));
        QCOMPARE(back->faces.at(0).weight, 2.0);
        QCOMPARE(back->faces.at(0).same_person[1].weight, 3.0);
        QCOMPARE(back->faces.at(0).same_person[0].face_index, 1);
        QVERIFY(back->faces.at(1).same_person.empty());
        QVERIFY(*back == session);
        QVERIFY(!json.contains("\"weight\": 1"));  // a single photo is written as format 1 wrote it

        const auto old = session_from_json(R"({"format": "facemix-session", "version": 1, "faces": [{"path": "/a.jpg", "face_index": 0}],
                                               "backgrounds": [], "cells": []})",
                                           QStringLiteral("old.json"), error);
        QVERIFY2(old, qPrintable(error));
        QCOMPARE(old->faces.at(0).weight, 1.0);
        QVERIFY(old->faces.at(0).same_person.empty());
        for (const char* bad : {R"({"path": "/a.jpg", "face_index": 0, "weight": -1})", R"({"path": "/a.jpg", "face_index": 0, "weight": "2"})",
                                R"({"path": "/a.jpg", "face_index": 0, "same_person": [{"path": "/b.jpg", "face_index": 0, "same_person": []}]})"}) {
            const QByteArray text = QByteArray(R"({"format": "facemix-session", "version": 2, "faces": [)") + bad + R"(], "backgrounds": []})";
            QVERIFY2(!session_from_json(text, QStringLiteral("bad.json"), error), bad);
        }
    }

    void aRestoredCellWaitsForItsPersonAndIsDroppedWhenAPhotoChanged() {
        SourceEntry person = photo_entry(1, QStringLiteral("ann1.jpg"), 11);
        person.same_person.push_back(photo_entry(0, QStringLiteral("ann2.jpg"), 12, 3.0));
        const SourceEntry background = photo_entry(10, QStringLiteral("bg.jpg"), 13);
        StoredCellImage stored;
        stored.face_identity = source_identity(person.path, 0);
        stored.background_identity = source_identity(background.path, 0);
        stored.recipe.face.sources = {mix_source_of(person).record()};
        stored.recipe.background.sources = {mix_source_of(background).record()};

        RestoredCells cells;
        cells.expect({stored});
        SourceEntry aligning = person;
        aligning.same_person.clear();
        aligning.photos_pending = 1;  // its second photo is still being aligned: wait
        QVERIFY(cells.take({aligning}, {background}).isEmpty());
        QCOMPARE(cells.waitingCount(), 1);
        QCOMPARE(cells.take({person}, {background}).size(), 1);  // all there, the same photos

        for (int change = 0; change < 3; ++change) {
            SourceEntry changed = person;
            if (change == 0) changed.same_person[0].photo_hash = QStringLiteral("the file was edited");
            if (change == 1) changed.same_person[0].weight = 1.0;
            if (change == 2) changed.same_person.clear();  // its second photo is gone
            cells.expect({stored});
            QVERIFY(cells.take({changed}, {background}).isEmpty());
            QCOMPARE(cells.waitingCount(), 0);  // dropped, not waiting
        }
    }

    // In the window: a row gains a photo, is weighed in the person editor, survives a session round trip
    // with its photos and weights, and loses a photo again.
    void aRowsPhotosAndWeightsAreEditedAndComeBackFromASession() {
        TemporarySettings settings;
        QTemporaryDir dir;
        MainWindow window;
        SourceList* faces = shown_faces(window);
        QVERIFY(faces);
        faces->addPaths({testdata(QStringLiteral("deepface_img1.jpg"))});
        QVERIFY(wait_until([&] { return faces->entryCount() == 1; }));
        const quint64 key = faces->entries().front().key;
        QSignalSpy changed(faces, &SourceList::personChanged);
        faces->addPersonPhotos(key, {testdata(QStringLiteral("deepface_img2.jpg"))});
        QCOMPARE(faces->entry(key)->photos_pending, 1);
        QVERIFY(wait_until([&] { return faces->entry(key)->same_person.size() == 1 && faces->entry(key)->photos_pending == 0; }));
        QVERIFY(!changed.isEmpty());
        QCOMPARE(faces->entryCount(), 1);  // one row, two photos
        QCOMPARE(faces->item(0)->text(), QStringLiteral("deepface_img1.jpg +1"));

        PersonEditor editor(faces, key);
        auto* weight = editor.findChild<QDoubleSpinBox*>(QStringLiteral("photoWeight1"));
        QVERIFY(weight);
        weight->setValue(3.0);
        QVERIFY(wait_until([&] { return faces->entry(key)->same_person[0].weight == 3.0; }, 2000));

        const QString path = dir.filePath(QStringLiteral("person.json"));
        QSignalSpy written(&window, &MainWindow::sessionSaved);
        window.saveSession(path);
        QVERIFY(written.wait(30000));
        const MixSession saved = window.captureSession().session;
        QCOMPARE(saved.faces.size(), 1);
        QCOMPARE(saved.faces[0].same_person.size(), std::size_t(1));
        QCOMPARE(saved.faces[0].same_person[0].weight, 3.0);

        faces->clearEntries();
        QVERIFY(window.openSession(path));
        QVERIFY(wait_until([&] {
            const QList<SourceEntry> rows = faces->entries();
            return rows.size() == 1 && rows[0].same_person.size() == 1 && rows[0].photos_pending == 0;
        }));
        const SourceEntry restored = faces->entries().front();
        QCOMPARE(restored.same_person[0].weight, 3.0);
        QCOMPARE(QFileInfo(restored.same_person[0].path).fileName(), QStringLiteral("deepface_img2.jpg"));
        QCOMPARE(restored.same_person[0].photo_hash.isEmpty(), false);

        QVERIFY(!faces->setPhotoWeight(restored.key, 1, -2.0));
        QVERIFY(faces->removePersonPhoto(restored.key, 0));  // the first goes: the second is the row now
        QCOMPARE(QFileInfo(faces->entry(restored.key)->path).fileName(), QStringLiteral("deepface_img2.jpg"));
        QCOMPARE(faces->entry(restored.key)->weight, 3.0);
        QVERIFY(!faces->removePersonPhoto(restored.key, 0));  // a row keeps its last photo
    }

    // Edit ▸ Paste as a photo of the selected person: the clipboard's image joins the selected row, weighed
    // like a dropped photo, and a session keeps it beside itself, so it comes back with the same pixels
    // (the same hash, which names it in recipes) and its weight.
    void aPastedImageJoinsTheSelectedPersonAndASessionKeepsIt() {
        TemporarySettings settings;
        QTemporaryDir dir;
        MainWindow window;
        SourceList* faces = shown_faces(window);
        QVERIFY(faces);
        auto* paste = window.findChild<QAction*>(QStringLiteral("pastePersonAction"));
        QVERIFY(paste);
        QSignalSpy problems(faces, &SourceList::problem);
        paste->trigger();  // no row to paste into yet
        QCOMPARE(problems.count(), 1);
        QCOMPARE(problems.front().front().toString(), QStringLiteral("Select a Faces row to paste another photo of that person into."));

        faces->addPaths({testdata(QStringLiteral("deepface_img1.jpg"))});
        QVERIFY(wait_until([&] { return faces->entryCount() == 1; }));
        const quint64 key = faces->entries().front().key;
        faces->item(0)->setSelected(true);
        const QImage photo(testdata(QStringLiteral("deepface_img2.jpg")));
        QVERIFY(!photo.isNull());
        QApplication::clipboard()->setImage(photo);
        paste->trigger();
        QVERIFY(wait_until([&] { return faces->entry(key)->same_person.size() == 1 && faces->entry(key)->photos_pending == 0; }));
        QCOMPARE(faces->entryCount(), 1);
        const SourceEntry pasted = faces->entry(key)->same_person.front();
        QCOMPARE(pasted.name, QStringLiteral("pasted image 1"));
        QVERIFY(pasted.path.isEmpty());
        QCOMPARE(pasted.weight, 1.0);
        QVERIFY(!pasted.pasted_png.isEmpty());
        QCOMPARE(faces->item(0)->text(), QStringLiteral("deepface_img1.jpg +1"));
        const facemix::MixSource source = mix_source_of(*faces->entry(key));  // its token is the row's mean
        QCOMPARE(source.same_person.size(), std::size_t(1));
        QCOMPARE(source.same_person[0].image_hash, pasted.photo_hash.toStdString());
        QVERIFY(faces->setPhotoWeight(key, 1, 2.5));

        const QString path = dir.filePath(QStringLiteral("pasted.json"));
        QSignalSpy saved(&window, &MainWindow::sessionSaved);
        window.saveSession(path);
        QVERIFY(saved.wait(30000));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray json = file.readAll();
        const QString kept = QStringLiteral("pasted.cells/pasted_%1.png").arg(pasted.photo_hash.left(16));
        QVERIFY2(json.contains(kept.toUtf8()), json.constData());  // relative: the folder can move whole
        QVERIFY(QFileInfo::exists(dir.filePath(kept)));

        faces->clearEntries();
        QVERIFY(window.openSession(path));
        QVERIFY(wait_until([&] {
            const QList<SourceEntry> rows = faces->entries();
            return rows.size() == 1 && rows[0].same_person.size() == 1 && rows[0].photos_pending == 0;
        }));
        const SourceEntry back = faces->entries().front().same_person.front();
        QVERIFY(back.path.isEmpty());  // pasted again, so the next session keeps it again
        QVERIFY(back.name.startsWith(QStringLiteral("pasted image")));
        QCOMPARE(back.photo_hash, pasted.photo_hash);
        QCOMPARE(back.weight, 2.5);
        QCOMPARE(back.face.aligned.size(), pasted.face.aligned.size());
        QCOMPARE(cv::norm(back.face.aligned, pasted.face.aligned, cv::NORM_INF), 0.0);
    }
};

FACEMIX_GUI_TEST(PersonRowsTest)
#include "person_rows_test.moc"

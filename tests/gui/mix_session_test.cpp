#include "mix_grid_view.h"
#include "mix_session.h"

#include <QtTest>

#include "gui_test_registry.h"

using namespace facemix::ui;

class MixSessionTest : public QObject {
    Q_OBJECT
private slots:
    void roundTripsEveryField() {
        MixSession session;
        session.model_path = QStringLiteral("/models/face mixer.safetensors");
        session.faces = {{QStringLiteral("/photos/ann.jpg"), 0}, {QStringLiteral("/photos/couple.jpg"), 1}};
        session.backgrounds = {{QStringLiteral("/photos/beach.png"), 0}};
        session.settings.sampler = QStringLiteral("euler_a");
        session.settings.steps = 17;
        session.settings.face_guidance = 1.5;
        session.settings.seed_policy = SeedPolicy::Random;
        session.settings.resolution = 384;
        // Beyond 2^53: stored as text so no bit is lost.
        session.cells = {{0, 0, 18446744073709551557ull, true, QStringLiteral("mix.cells/r01c01_a.jpg_x_x.jpg.png")}, {1, 0, 7, false, {}}};
        QString error;
        const auto back = session_from_json(session_to_json(session), QStringLiteral("s.json"), error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(*back, session);
    }

    void refusesWhatIsNotASession() {
        QString error;
        QVERIFY(!session_from_json("not json", QStringLiteral("a.json"), error));
        QCOMPARE(error, QStringLiteral("a.json is not a facemix session (not JSON)."));
        QVERIFY(!session_from_json(R"({"format": "other"})", QStringLiteral("b.json"), error));
        QCOMPARE(error, QStringLiteral("b.json is not a facemix session."));
        QVERIFY(!session_from_json(R"({"format": "facemix-session", "version": 99})", QStringLiteral("c.json"), error));
        QVERIFY(error.contains(QStringLiteral("format 99")));
        // A cell outside the grid.
        QVERIFY(!session_from_json(R"({"format": "facemix-session", "version": 1, "faces": [{"path": "/a.jpg", "face_index": 0}],
                                      "backgrounds": [{"path": "/b.jpg", "face_index": 0}],
                                      "cells": [{"row": 1, "column": 0, "seed": "3"}]})",
                                   QStringLiteral("d.json"), error));
        QCOMPARE(error, QStringLiteral("d.json has a cell outside its grid or without a seed."));
    }

    void clampsSettingsLikeQSettings() {
        QString error;
        const auto session = session_from_json(R"({"format": "facemix-session", "version": 1, "faces": [], "backgrounds": [],
                                                   "settings": {"steps": 99999, "sampler": "nonsense", "resolution": 333}})",
                                               QStringLiteral("e.json"), error);
        QVERIFY2(session, qPrintable(error));
        QCOMPARE(session->settings.steps, kMaxSteps);
        QCOMPARE(session->settings.sampler, StudioSettings{}.sampler);
        QCOMPARE(session->settings.resolution, 0);
    }

    // Found by tools/fuzz.sh: Qt reads "nan" as a number, and the clamped NaN was cast to int.
    void notANumberFallsBackToTheDefault() {
        QString error;
        const auto session = session_from_json(R"({"format": "facemix-session", "version": 1, "faces": [], "backgrounds": [],
                                                   "settings": {"steps": "nan", "seed": "nan", "cfg_scale": "nan"}})",
                                               QStringLiteral("f.json"), error);
        QVERIFY2(session, qPrintable(error));
        QCOMPARE(session->settings.steps, StudioSettings{}.steps);
        QCOMPARE(session->settings.seed, StudioSettings{}.seed);
        QCOMPARE(session->settings.cfg_scale, StudioSettings{}.cfg_scale);
    }

    void gridShowsFailuresLocksAndSeveralSelectedCells() {
        MixGridView grid;
        grid.resize(700, 500);
        grid.setFaces({{1, QStringLiteral("a"), {}}, {2, QStringLiteral("b"), {}}});
        grid.setBackgrounds({{10, QStringLiteral("x"), {}}, {20, QStringLiteral("y"), {}}});
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        grid.setCellBusy(1, 10, true);
        grid.setCellError(1, 10, QStringLiteral("Out of memory."));
        QVERIFY(!grid.isCellBusy(1, 10));
        QCOMPARE(grid.cellError(1, 10), QStringLiteral("Out of memory."));
        QImage image(8, 8, QImage::Format_RGB32);
        image.fill(Qt::red);
        grid.setCell(1, 10, image);
        QVERIFY(grid.cellError(1, 10).isEmpty());
        grid.setCellLocked(2, 20, true);
        QVERIFY(grid.isCellLocked(2, 20));

        QTest::mouseClick(grid.canvas(), Qt::LeftButton, {}, grid.cellRect(0, 0).center());
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, Qt::ControlModifier, grid.cellRect(1, 1).center());
        QCOMPARE(grid.selectedCells(), (QList<std::pair<quint64, quint64>>{{1, 10}, {2, 20}}));
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, Qt::ControlModifier, grid.cellRect(0, 0).center());
        QCOMPARE(grid.selectedCells(), (QList<std::pair<quint64, quint64>>{{2, 20}}));
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, {}, grid.cellRect(0, 1).center());
        QCOMPARE(grid.selectedCells(), (QList<std::pair<quint64, quint64>>{{1, 20}}));
        grid.selectAll();
        QCOMPARE(grid.selectedCells().size(), 4);
    }
};

FACEMIX_GUI_TEST(MixSessionTest)
#include "mix_session_test.moc"

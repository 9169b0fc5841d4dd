#include "alignment_worker.h"
#include "face_chooser.h"
#include "gui_test_support.h"
#include "image_conversion.h"
#include "source_list.h"

#include "align/face_aligner.h"
#include "io/image_file.h"

#include <QClipboard>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include "gui_test_registry.h"

#include <opencv2/core.hpp>

using facemix::test::file_urls;
using facemix::test::simulate_drop;
using facemix::test::testdata;
using namespace facemix::ui;

using facemix::test::kAlignTimeoutMs;

namespace {

// The reference: what core's aligner makes of the same photo on this thread.
std::vector<facemix::AlignedFace> align_directly(const QString& path) {
    facemix::FaceAligner aligner;
    return aligner.align(facemix::load_image(path.toStdString()));
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace

class SourceListTest : public QObject {
    Q_OBJECT
private:
    facemix::test::TemporarySettings settings_;

private slots:
    void dropOfTwoPhotosShowsTheirAlignedThumbnailsInDropOrder() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        list.show();
        QSignalSpy problems(&list, &SourceList::problem);
        const QStringList photos = {testdata("deepface_img1.jpg"), testdata("facerec_obama.jpg")};

        QVERIFY(simulate_drop(&list, *file_urls(photos)));
        QCOMPARE(list.count(), 2);  // placeholders appear at once
        QCOMPARE(list.pendingCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(list.entryCount(), 2, kAlignTimeoutMs);
        QCOMPARE(list.pendingCount(), 0);
        QCOMPARE(list.count(), 2);
        QCOMPARE(problems.count(), 0);

        const QList<SourceEntry> entries = list.entries();
        for (int i = 0; i < 2; ++i) {
            const SourceEntry& entry = entries[i];
            QCOMPARE(entry.path, photos[i]);
            QCOMPARE(entry.name, QFileInfo(photos[i]).fileName());
            QCOMPARE(entry.faces_in_photo, 1);
            const auto reference = align_directly(photos[i]);
            QCOMPARE(reference.size(), std::size_t(1));
            QVERIFY(same_pixels(entry.face.aligned, reference[0].aligned));
            QCOMPARE(entry.thumbnail.size(), QSize(AlignmentWorker::kThumbnailSide, AlignmentWorker::kThumbnailSide));
            // The thumbnail is the aligned crop, not the photo: compare with the crop scaled the same way.
            const QImage expected = to_qimage(reference[0].aligned)
                                        .scaled(entry.thumbnail.size(), Qt::KeepAspectRatio, Qt::SmoothTransformation);
            QCOMPARE(entry.thumbnail.convertToFormat(QImage::Format_RGB888), expected.convertToFormat(QImage::Format_RGB888));
            QVERIFY(!list.item(i)->icon().isNull());
        }
    }

    void photoWithoutAFaceIsReportedAndAddsNothing() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Backgrounds, &aligner);
        QSignalSpy problems(&list, &SourceList::problem);
        QVERIFY(simulate_drop(&list, *file_urls({testdata("ipadapter_river.png")})));
        QTRY_COMPARE_WITH_TIMEOUT(problems.count(), 1, kAlignTimeoutMs);
        QCOMPARE(problems[0][0].toString(), QStringLiteral("No face found in ipadapter_river.png."));
        QCOMPARE(list.count(), 0);
        QCOMPARE(list.entryCount(), 0);
        QCOMPARE(list.pendingCount(), 0);
    }

    void unreadableFileIsReportedByName() {
        QTemporaryDir dir;
        const QString broken = dir.filePath(QStringLiteral("broken.jpg"));
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\xff\xd8\xff\xe0 this is not really a JPEG");
        file.close();

        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        QSignalSpy problems(&list, &SourceList::problem);
        list.addPaths({broken, dir.filePath(QStringLiteral("missing.png"))});
        QTRY_COMPARE_WITH_TIMEOUT(problems.count(), 2, kAlignTimeoutMs);
        QStringList messages = {problems[0][0].toString(), problems[1][0].toString()};
        messages.sort();
        QVERIFY2(messages[0].contains(QStringLiteral("broken.jpg")), qPrintable(messages[0]));
        QVERIFY2(messages[1].contains(QStringLiteral("missing.png")), qPrintable(messages[1]));
        QCOMPARE(list.count(), 0);
    }

    void folderDropAddsItsPhotosRecursivelyAndSorted() {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("more")));
        QVERIFY(QFile::copy(testdata("deepface_img3.jpg"), dir.filePath(QStringLiteral("b_aniston.jpg"))));
        QVERIFY(QFile::copy(testdata("deepface_img16.jpg"), dir.filePath(QStringLiteral("a_dorsey.jpg"))));
        QVERIFY(QFile::copy(testdata("facerec_biden2.jpg"), dir.filePath(QStringLiteral("more/c_biden.jpg"))));
        QFile notes(dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("not a photo");
        notes.close();
        QTemporaryDir empty;

        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        QSignalSpy problems(&list, &SourceList::problem);
        QVERIFY(simulate_drop(&list, *file_urls({dir.path(), empty.path()})));
        QCOMPARE(problems.count(), 1);
        QCOMPARE(problems[0][0].toString(),
                 QStringLiteral("No photos found in the folder %1.").arg(QFileInfo(empty.path()).fileName()));
        QTRY_COMPARE_WITH_TIMEOUT(list.entryCount(), 3, kAlignTimeoutMs);
        QStringList names;
        for (const SourceEntry& entry : list.entries()) names << entry.name;
        QCOMPARE(names, (QStringList{"a_dorsey.jpg", "b_aniston.jpg", "c_biden.jpg"}));
        QCOMPARE(problems.count(), 1);

        // The same folder again adds nothing twice.
        QVERIFY(simulate_drop(&list, *file_urls({dir.path()})));
        QCOMPARE(list.pendingCount(), 0);
        QCOMPARE(list.entryCount(), 3);
    }

    void dragWithoutFilesOrImagesIsRefused() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        QMimeData text;
        text.setText(QStringLiteral("hello"));
        QVERIFY(!simulate_drop(&list, text));
        QMimeData web;
        web.setUrls({QUrl(QStringLiteral("https://example.org/face.jpg"))});
        QVERIFY(!simulate_drop(&list, web));
        QCOMPARE(list.count(), 0);
    }

    void severalFacesAskWhichAndAllAddsEach() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        list.addPaths({testdata("deepface_couple.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(list.openChooser() != nullptr, kAlignTimeoutMs);
        FaceChooser* chooser = list.openChooser();
        QVERIFY(!chooser->isModal());
        QCOMPARE(chooser->result().faces.size(), std::size_t(2));
        QCOMPARE(list.pendingCount(), 1);  // the placeholder waits for the answer
        auto* all = chooser->findChild<QPushButton*>(QStringLiteral("addAll"));
        QVERIFY(all);
        QTest::mouseClick(all, Qt::LeftButton);
        QCOMPARE(list.entryCount(), 2);
        QCOMPARE(list.pendingCount(), 0);
        const QList<SourceEntry> entries = list.entries();
        QCOMPARE(entries[0].name, QStringLiteral("deepface_couple.jpg · 1"));
        QCOMPARE(entries[1].name, QStringLiteral("deepface_couple.jpg · 2"));
        QCOMPARE(entries[0].face_index, 0);
        QCOMPARE(entries[1].face_index, 1);
        // Largest first, as core orders them.
        QVERIFY(entries[0].face.detection.box.area() >= entries[1].face.detection.box.area());
        QTRY_VERIFY(list.openChooser() == nullptr);
    }

    void severalFacesSkipAddsNothingAndLargestPolicyAddsOne() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        list.addPaths({testdata("facerec_two_people.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(list.openChooser() != nullptr, kAlignTimeoutMs);
        QTest::keyClick(list.openChooser(), Qt::Key_Escape);
        QCOMPARE(list.entryCount(), 0);
        QCOMPARE(list.count(), 0);

        list.setSeveralFacesPolicy(SeveralFacesPolicy::Largest);
        list.addPaths({testdata("facerec_two_people.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(list.entryCount(), 1, kAlignTimeoutMs);
        QVERIFY(list.openChooser() == nullptr);
        const SourceEntry entry = list.entries().first();
        QCOMPARE(entry.face_index, 0);
        QCOMPARE(entry.faces_in_photo, 2);
        const auto reference = align_directly(testdata("facerec_two_people.jpg"));
        QVERIFY(same_pixels(entry.face.aligned, reference[0].aligned));
    }

    void pasteTakesImageDataAndFileUrls() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Backgrounds, &aligner);
        list.show();
        QVERIFY(QTest::qWaitForWindowExposed(&list));
        list.setFocus();

        const QImage photo(testdata("deepface_img8.jpg"));
        QVERIFY(!photo.isNull());
        QApplication::clipboard()->setImage(photo);
        QTest::keySequence(&list, QKeySequence::Paste);
        QTRY_COMPARE_WITH_TIMEOUT(list.entryCount(), 1, kAlignTimeoutMs);
        SourceEntry pasted = list.entries().first();
        QCOMPARE(pasted.name, QStringLiteral("pasted image 1"));
        QVERIFY(pasted.path.isEmpty());
        QCOMPARE(pasted.face.aligned.size(), cv::Size(512, 512));

        QApplication::clipboard()->setMimeData(file_urls({testdata("deepface_img9.jpg")}).release());
        QTest::keySequence(&list, QKeySequence::Paste);
        QTRY_COMPARE_WITH_TIMEOUT(list.entryCount(), 2, kAlignTimeoutMs);
        QCOMPARE(list.entries()[1].path, testdata("deepface_img9.jpg"));
    }

    void deleteRemovesTheSelectedFaces() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        list.show();
        QVERIFY(QTest::qWaitForWindowExposed(&list));
        QSignalSpy changes(&list, &SourceList::entriesChanged);
        list.addPaths({testdata("deepface_img13.jpg"), testdata("deepface_img14.jpg"), testdata("deepface_img15.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(list.entryCount(), 3, kAlignTimeoutMs);
        const int changes_before = changes.count();
        list.setFocus();
        list.item(1)->setSelected(true);
        QTest::keyClick(&list, Qt::Key_Delete);
        QCOMPARE(list.entryCount(), 2);
        QCOMPARE(changes.count(), changes_before + 1);
        QStringList names;
        for (const SourceEntry& entry : list.entries()) names << entry.name;
        QCOMPARE(names, (QStringList{"deepface_img13.jpg", "deepface_img15.jpg"}));
    }

    void cancelDropsPendingPhotos() {
        AlignmentWorker aligner;
        SourceList list(SourceRole::Faces, &aligner);
        QSignalSpy cancelled(&aligner, &AlignmentWorker::cancelled);
        list.addPaths({testdata("deepface_img1.jpg"), testdata("deepface_img2.jpg"), testdata("deepface_img4.jpg"),
                       testdata("deepface_img5.jpg")});
        QCOMPARE(list.pendingCount(), 4);
        aligner.cancelPending();
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(cancelled[0][0].value<QList<quint64>>().size(), 4);
        QCOMPARE(list.pendingCount(), 0);
        QCOMPARE(list.count(), 0);
        QCOMPARE(aligner.pendingCount(), 0);
        QTest::qWait(1500);  // a request already running finishes; its result must be discarded
        QCOMPARE(list.count(), 0);
    }
};

FACEMIX_GUI_TEST(SourceListTest)
#include "source_list_test.moc"

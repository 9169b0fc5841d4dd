#include "image_conversion.h"

#include <QtTest>

#include "gui_test_registry.h"

#include <opencv2/core.hpp>

using namespace facemix::ui;

class ImageConversionTest : public QObject {
    Q_OBJECT
private slots:
    void bgrBecomesRgbPixelForPixel() {
        // An odd width makes QImage pad its rows, which a naive memcpy would get wrong.
        cv::Mat bgr(3, 5, CV_8UC3);
        for (int y = 0; y < bgr.rows; ++y)
            for (int x = 0; x < bgr.cols; ++x) bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(10 * x), uchar(50 + y), uchar(200 - x));
        const QImage image = to_qimage(bgr);
        QCOMPARE(image.size(), QSize(5, 3));
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 5; ++x) QCOMPARE(image.pixelColor(x, y), QColor(200 - x, 50 + y, 10 * x));
        const cv::Mat back = to_bgr_mat(image);
        QCOMPARE(cv::norm(back, bgr, cv::NORM_INF), 0.0);
    }

    void greyAndBgraAreConverted() {
        cv::Mat grey(2, 3, CV_8UC1, cv::Scalar(77));
        QCOMPARE(to_qimage(grey).pixelColor(2, 1), QColor(77, 77, 77));
        cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(1, 2, 3, 255));
        QCOMPARE(to_qimage(bgra).pixelColor(1, 1), QColor(3, 2, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, to_qimage(cv::Mat(2, 2, CV_32FC1)));
    }

    void transparencyIsCompositedOntoWhite() {
        QImage image(2, 1, QImage::Format_ARGB32);
        image.setPixelColor(0, 0, QColor(0, 0, 0, 0));
        image.setPixelColor(1, 0, QColor(0, 0, 255, 255));
        const cv::Mat bgr = to_bgr_mat(image);
        QCOMPARE(bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
        QCOMPARE(bgr.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 0, 0));
    }
};

FACEMIX_GUI_TEST(ImageConversionTest)
#include "image_conversion_test.moc"

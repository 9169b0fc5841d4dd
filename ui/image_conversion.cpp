#include "image_conversion.h"

#include <stdexcept>

#include <QPainter>

#include <opencv2/imgproc.hpp>

namespace facemix::ui {

QImage to_qimage(const cv::Mat& image) {
    if (image.empty()) return {};
    QImage::Format format;
    int conversion;
    switch (image.type()) {
        case CV_8UC3:
            format = QImage::Format_RGB888;
            conversion = cv::COLOR_BGR2RGB;
            break;
        case CV_8UC4:
            format = QImage::Format_RGBA8888;
            conversion = cv::COLOR_BGRA2RGBA;
            break;
        case CV_8UC1:
            format = QImage::Format_Grayscale8;
            conversion = -1;
            break;
        default:
            throw std::invalid_argument("to_qimage: expected an 8-bit image with 1, 3 or 4 channels");
    }
    QImage out(image.cols, image.rows, format);
    // Wrap the QImage's rows (which are padded to 4 bytes) so OpenCV writes straight into them.
    cv::Mat target(image.rows, image.cols, image.type(), out.bits(), static_cast<std::size_t>(out.bytesPerLine()));
    if (conversion < 0)
        image.copyTo(target);
    else
        cv::cvtColor(image, target, conversion);
    return out;
}

cv::Mat to_bgr_mat(const QImage& image) {
    if (image.isNull()) return {};
    QImage rgb;
    if (image.hasAlphaChannel()) {
        rgb = QImage(image.size(), QImage::Format_RGB888);
        rgb.fill(Qt::white);
        QImage source = image;
        source.setDevicePixelRatio(1.0);  // a HiDPI screenshot would otherwise be drawn at half size
        QPainter painter(&rgb);
        painter.drawImage(0, 0, source);
    } else {
        rgb = image.convertToFormat(QImage::Format_RGB888);
    }
    const cv::Mat wrapped(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
                          static_cast<std::size_t>(rgb.bytesPerLine()));
    cv::Mat bgr;
    cv::cvtColor(wrapped, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

}  // namespace facemix::ui

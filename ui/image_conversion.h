#pragma once

#include <QImage>

#include <opencv2/core/mat.hpp>

namespace facemix::ui {

// The one place where core's OpenCV images meet Qt's. Both directions copy, so neither side keeps
// a pointer into memory the other may free or reuse.

// An 8-bit BGR (CV_8UC3), grey (CV_8UC1) or BGRA (CV_8UC4) matrix as a QImage. Throws
// std::invalid_argument for any other type: core only produces these.
QImage to_qimage(const cv::Mat& image);

// Any QImage as an 8-bit BGR matrix, the form core's aligner and loaders take. Transparent pixels are
// composited onto white, as an image viewer shows them, so a pasted PNG cut-out is not turned black.
cv::Mat to_bgr_mat(const QImage& image);

}  // namespace facemix::ui

#include "align/face_split.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

namespace facemix {
namespace {

TEST(FaceBox, MatchesTheTrainingCropAt512) {
    const cv::Rect box = face_box(512);
    EXPECT_EQ(box.y, 190);
    EXPECT_EQ(box.y + box.height, 440);
    EXPECT_EQ(box.x, 125);
    EXPECT_EQ(box.x + box.width, 387);
}

TEST(FaceBox, ScalesWithTheAlignedSize) {
    EXPECT_EQ(face_box(1024), cv::Rect(250, 380, 524, 500));
    const cv::Rect half = face_box(256);
    EXPECT_EQ(half.y, 95);
    EXPECT_EQ(half.y + half.height, 220);
    EXPECT_EQ(half.width, 131);  // 262 / 2: the box keeps its width when 125 / 2 rounds up
    EXPECT_EQ(half.x + half.width, 256 - half.x + 1);
}

TEST(SplitFace, FaceIsTheBoxAndBackgroundIsGreyOnlyInside) {
    cv::Mat aligned(512, 512, CV_8UC3);
    cv::randu(aligned, 0, 256);
    const FaceSplit split = split_face(aligned);
    ASSERT_EQ(split.face.size(), cv::Size(262, 250));
    EXPECT_EQ(cv::norm(split.face, aligned(cv::Rect(125, 190, 262, 250)), cv::NORM_INF), 0.0);

    cv::Mat inside = cv::Mat::zeros(512, 512, CV_8U);
    inside(cv::Rect(125, 190, 262, 250)).setTo(255);
    for (int y = 0; y < 512; ++y)
        for (int x = 0; x < 512; ++x) {
            const auto expected = inside.at<uchar>(y, x) ? cv::Vec3b(kMaskGrey, kMaskGrey, kMaskGrey) : aligned.at<cv::Vec3b>(y, x);
            ASSERT_EQ(split.background.at<cv::Vec3b>(y, x), expected) << "at row " << y << " column " << x;
        }
}

}  // namespace
}  // namespace facemix

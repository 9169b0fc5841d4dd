#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "identity/face_descriptor.h"

namespace facemix {

// Retrieval pairs for training on real photos, as the TFHQ recipe builds them: the face token of an image
// is embedded from another image of the same person, never from the image itself or from a near-copy of
// it (a crop of the same photo, a neighbouring video frame), which would let the mixer copy pixels
// instead of learning identity.

// A coarse look at an aligned face: its grey 16x16 thumbnail, mean removed and scaled to unit length, so
// the Euclidean distance between two (0 to 2) ignores exposure and contrast but not content.
inline constexpr int kThumbnailSide = 16;
using FaceThumbnail = std::array<float, kThumbnailSide * kThumbnailSide>;
FaceThumbnail face_thumbnail(const cv::Mat& aligned_bgr);
float thumbnail_distance(const FaceThumbnail& a, const FaceThumbnail& b);

struct RetrievalFace {
    FaceDescriptorVector descriptor;
    FaceThumbnail thumbnail;
};

// Thresholds, from descriptor and thumbnail distances measured on the 35 faces (15 people) of the single-
// face test photos plus the two couples (tests/cli/prep_cli_test.cpp; facemix 0.1.0, dlib model v1):
//   same person, different photos:  descriptor 0.265 .. 0.610 (jennifer_aniston img3/img12 at 0.610)
//   different people:               descriptor 0.600 (zuckerberg img15 / newton_3) and up
//   copies of one photo (crops):    descriptor 0.055 .. 0.224, thumbnail 0.021 .. 0.129, except a crop
//                                   whose FFHQ square reaches far outside the photo: thumbnail 0.55
//   thumbnails of different photos: 0.502 and up (0.639 and up between different people)
// No pairwise cut separates people here (0.600 < 0.610), and connected components at dlib's 0.6 chain
// two people together through that 0.600 pair. Average linkage gives exactly the 15 people for any cut
// in 0.612 .. 0.648; complete linkage does for 0.612 .. 0.654 but needs every pair of a person's photos
// under the cut, which pose and age changes in a large real set break, where average linkage needs it
// only on average. 0.63 is the middle of the window.
inline constexpr float kIdentityLinkageDistance = 0.63f;
// Between the crops' 0.224 and the closest two different photos' 0.265.
inline constexpr float kDuplicateDescriptorDistance = 0.245f;
// Well above the crops' 0.129 and well below different photos' 0.502; the descriptor catches the rest.
inline constexpr float kDuplicateThumbnailDistance = 0.3f;

struct RetrievalThresholds {
    float same_person = kIdentityLinkageDistance;               // average-linkage cut between identities
    float duplicate_descriptor = kDuplicateDescriptorDistance;  // below: copies of one photo (descriptor)
    float duplicate_thumbnail = kDuplicateThumbnailDistance;    // below: copies of one photo (thumbnail)
};

struct RetrievalPairs {
    std::vector<std::int64_t> identity;  // dense identity per face, numbered in order of first appearance
    std::int64_t identities = 0;
    // (image, partner), both directions, sorted: same identity, not near-duplicates.
    std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
    // Same-identity (image, partner) pairs left out because the two are near-duplicates, both directions.
    std::vector<std::pair<std::int64_t, std::int64_t>> near_duplicates;
};

// Groups faces into identities by average-linkage agglomerative clustering of descriptor distances, cut
// at `same_person`; then, within each identity, joins near-duplicates (either distance under its
// threshold) into groups by connected components, so a run of video frames is one group even when its
// ends differ more than the threshold, and pairs every face with the identity's faces outside its group.
// Memory and time grow as faces squared (a few thousand faces take seconds).
RetrievalPairs build_retrieval_pairs(const std::vector<RetrievalFace>& faces, const RetrievalThresholds& thresholds = {});

// The same pairs for identities already known (a folder per person, as LFW is laid out): `identity`
// holds any number per face, the result renumbers them by first appearance. Time grows with the sum of
// each person's faces squared.
RetrievalPairs retrieval_pairs_for_identities(const std::vector<RetrievalFace>& faces, const std::vector<std::int64_t>& identity,
                                              const RetrievalThresholds& thresholds = {});

}  // namespace facemix

#pragma once

#include <cstdint>

#include <opencv2/core/types.hpp>

namespace facemix {

// The face region of an aligned image in pixels of a 512 px aligned image (end exclusive), scaled for
// other sizes. The default is the crop the face-mixer models were trained with (rows 190-440, columns
// 125-387); a model's manifest carries the box it was trained with (Conditioning::face_box), and every
// cut of an aligned image into face and background goes through this one type.
struct FaceBox {
    std::int64_t top = 190, bottom = 440, left = 125, right = 387;

    // The box in pixels of an `aligned_size` px image, each edge rounded to the nearest pixel.
    FaceBox scaled_to(std::int64_t aligned_size) const;
    cv::Rect rect() const;
    // Whether the box is non-empty and lies inside the 512 px image.
    bool valid() const;

    friend bool operator==(const FaceBox&, const FaceBox&) = default;
};

}  // namespace facemix

#include "tensor/image_tensor.h"

#include <ATen/ATen.h>
#include <opencv2/imgproc.hpp>

namespace facemix {

at::Tensor image_to_tensor(const cv::Mat& bgr) {
    CV_Assert(bgr.type() == CV_8UC3);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    const at::Tensor hwc = at::from_blob(rgb.data, {rgb.rows, rgb.cols, 3}, at::kByte);
    return hwc.permute({2, 0, 1}).unsqueeze(0).to(at::kFloat).div(127.5).sub(1.0).contiguous();
}

cv::Mat tensor_to_image(const at::Tensor& rgb) {
    at::Tensor chw = rgb.dim() == 4 ? rgb[0] : rgb;
    TORCH_CHECK(chw.dim() == 3 && chw.size(0) == 3, "tensor_to_image expects [1, 3, H, W] or [3, H, W]");
    const at::Tensor hwc =
        chw.detach().to(at::kCPU, at::kFloat).add(1.0).mul(127.5).round().clamp(0, 255).to(at::kByte).permute({1, 2, 0}).contiguous();
    const cv::Mat view(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC3, hwc.data_ptr());
    cv::Mat bgr;
    cv::cvtColor(view, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

}  // namespace facemix

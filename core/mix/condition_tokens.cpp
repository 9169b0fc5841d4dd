#include "mix/condition_tokens.h"

#include <ATen/ops/zeros.h>

#include "common/error.h"

namespace facemix {

namespace {

TokenSpec image_slot(const std::string& name, int slot) {
    if (slot == 1) return {name, TokenRole::Face, ImagePart::Whole};
    if (slot == 2) return {name, TokenRole::Background, ImagePart::Whole};
    return {name, TokenRole::Unused, ImagePart::Whole};
}

TokenSpec token_spec(const std::string& name) {
    if (name == "face") return {name, TokenRole::Face, ImagePart::FaceCrop};
    if (name == "background") return {name, TokenRole::Background, ImagePart::MaskedBackground};
    if (name == "image") return image_slot(name, 1);
    if (name.starts_with("image_") && name.size() <= 8 && name.find_first_not_of("0123456789", 6) == std::string::npos &&
        name.size() > 6)
        return image_slot(name, std::stoi(name.substr(6)));
    throw InputError("The model's condition token \"" + name +
                     "\" is not one facemix knows (face, background, image, image_N).");
}

}  // namespace

std::vector<TokenSpec> token_layout(const Conditioning& conditioning) {
    std::vector<TokenSpec> layout;
    for (const auto& name : conditioning.tokens) {
        layout.push_back(token_spec(name));
        if (conditioning.face_from_descriptor() && layout.back().part == ImagePart::FaceCrop) layout.back().part = ImagePart::FaceIdentity;
    }
    return layout;
}

at::Tensor image_part(const at::Tensor& aligned, ImagePart part, const Conditioning& conditioning) {
    const FaceBox box = conditioning.face_box.scaled_to(aligned.size(-1));
    switch (part) {
        case ImagePart::FaceCrop: return aligned.slice(-2, box.top, box.bottom).slice(-1, box.left, box.right);
        case ImagePart::MaskedBackground: {
            at::Tensor masked = aligned.clone();
            masked.slice(-2, box.top, box.bottom).slice(-1, box.left, box.right).fill_(conditioning.mask_value);
            return masked;
        }
        case ImagePart::Whole:
        case ImagePart::FaceIdentity: break;
    }
    return aligned;
}

at::Tensor unconditional_tokens(const Conditioning& conditioning, std::int64_t width) {
    if (conditioning.unconditional != "zeros")
        throw InputError("The model's unconditional rule \"" + conditioning.unconditional +
                         "\" is not supported (facemix knows \"zeros\").");
    return at::zeros({static_cast<std::int64_t>(conditioning.tokens.size()), width});
}

}  // namespace facemix

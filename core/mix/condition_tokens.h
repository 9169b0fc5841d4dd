#pragma once

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "bundle/model_manifest.h"

namespace facemix {

// Which of a cell's two sources a condition token comes from.
enum class TokenRole { Face, Background, Unused };
// Which part of that source's aligned image the encoder sees; FaceIdentity is not seen by the encoder
// but by dlib's face-recognition network, whose descriptor the bundle's face projection turns into the
// token (manifests with face_token_source "dlib-descriptor").
enum class ImagePart { FaceCrop, MaskedBackground, Whole, FaceIdentity };

struct TokenSpec {
    std::string name;
    TokenRole role = TokenRole::Unused;
    ImagePart part = ImagePart::Whole;
};

// What each token of a bundle means, from its token names:
//   "face"              the face crop of the face source (its identity, FaceIdentity, when the manifest
//                       takes the face token from the dlib descriptor)
//   "background"        the face source's counterpart: the background source with its face box masked
//   "image", "image_1"  the whole aligned face source (image-variations, image-mixer slot 1)
//   "image_2"           the whole aligned background source (image-mixer slot 2)
//   "image_3" … "image_N" unused: zero, as the image mixer treats an empty slot
// Throws InputError for any other name.
std::vector<TokenSpec> token_layout(const Conditioning& conditioning);

// The part of an aligned image [1, 3, S, S] in [-1, 1] that a token embeds; the face box is the
// manifest's 512 px box scaled to S, the masked background has the box set to mask_value. FaceIdentity
// returns the whole image (the descriptor finds the face itself).
at::Tensor image_part(const at::Tensor& aligned, ImagePart part, const Conditioning& conditioning);

// The "no condition" tokens [N, D] for classifier-free guidance. Throws InputError for an
// unconditional rule other than "zeros".
at::Tensor unconditional_tokens(const Conditioning& conditioning, std::int64_t width);

}  // namespace facemix

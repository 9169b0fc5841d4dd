#include "bundle/model_summary.h"

#include <sstream>

#include <ATen/ATen.h>

namespace facemix {
namespace {

std::string list_text(const std::vector<std::int64_t>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i) text += (i ? "/" : "") + std::to_string(values[i]);
    return text;
}

std::string with_thousands(std::int64_t n) {
    std::string digits = std::to_string(n);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
    return digits;
}

std::string dtype_of(const TensorMap& weights) {
    return weights.empty() ? "-" : std::string(c10::toString(weights.begin()->second.scalar_type()));
}

}  // namespace

std::int64_t parameter_count(const TensorMap& weights) {
    std::int64_t count = 0;
    for (const auto& [name, tensor] : weights) count += tensor.numel();
    return count;
}

std::string summarize_model(const ModelBundle& bundle) {
    const ModelManifest& m = bundle.manifest;
    std::ostringstream out;
    out << "format:      " << m.provenance.source_format << " (" << m.provenance.source << ")\n";
    out << "space:       " << (m.latent_space() ? "latent (SD autoencoder)" : "pixel") << ", native " << m.native_resolution
        << " px\n";
    if (m.unet) {
        const UNetConfig& u = *m.unet;
        out << "unet:        " << with_thousands(parameter_count(bundle.unet)) << " parameters (" << dtype_of(bundle.unet)
            << "); channels " << list_text(u.block_out_channels) << ", " << u.layers_per_block << " layers per level, heads "
            << list_text(u.attention_heads) << ", context " << u.context_dim << ", " << u.in_channels << "->" << u.out_channels
            << " channels\n";
    }
    if (m.vae) {
        const AutoencoderKLConfig& v = *m.vae;
        out << "vae:         " << with_thousands(parameter_count(bundle.vae)) << " parameters (" << dtype_of(bundle.vae)
            << "); channels " << list_text(v.block_out_channels) << ", " << v.latent_channels << " latent channels, scale "
            << v.scaling_factor << "\n";
    }
    if (m.encoder) {
        const ClipVisionConfig& c = *m.encoder;
        out << "encoder:     " << with_thousands(parameter_count(bundle.encoder)) << " parameters (" << dtype_of(bundle.encoder)
            << "); CLIP ViT, " << c.image_size << " px, patch " << c.patch_size << ", width " << c.width << ", " << c.layers
            << " layers, " << c.heads << " heads, " << c.projection_dim << "-d embedding, "
            << (c.activation == ClipActivation::Gelu ? "GELU" : "QuickGELU") << "\n";
    }
    if (m.face_projection) {
        const DescriptorProjectionConfig& f = *m.face_projection;
        out << "face token:  dlib face-recognition descriptor (" << f.input_dim << "-d) through a learned projection, "
            << with_thousands(parameter_count(bundle.face_projection)) << " parameters (" << dtype_of(bundle.face_projection)
            << "), hidden " << f.hidden_dim << ", " << f.output_dim << "-d token\n";
    }
    out << "condition:   " << m.conditioning.tokens.size() << " token" << (m.conditioning.tokens.size() == 1 ? "" : "s") << " (";
    for (std::size_t i = 0; i < m.conditioning.tokens.size(); ++i) out << (i ? ", " : "") << m.conditioning.tokens[i];
    out << "), unconditional = " << m.conditioning.unconditional;
    const Conditioning& c = m.conditioning;
    if (c.face_dropout != 0 || c.background_dropout != 0 || c.both_dropout != 0)
        out << "; trained with the face token alone zeroed " << c.face_dropout * 100 << "%, the background alone "
            << c.background_dropout * 100 << "%, both " << c.both_dropout * 100 << "%";
    out << "\n";
    const NoiseSchedule& s = m.schedule;
    out << "schedule:    " << s.beta_schedule << " betas " << s.beta_start << " -> " << s.beta_end << " over " << s.train_timesteps
        << " steps, " << s.prediction << " prediction" << (s.clip_sample ? ", DDIM clamps its x0 estimate to [-1, 1]" : "")
        << "\n";
    if (!m.provenance.converted_by.empty()) out << "converted:   " << m.provenance.converted_by << "\n";
    return out.str();
}

}  // namespace facemix

// fuzz-sources: ui/mix_session.cpp ui/studio_settings.cpp
// fuzz-packages: Qt6Core
// Feeds arbitrary bytes, as a session file's contents, to the studio's session_from_json (Qt Core's
// JSON parser, then the session's fields and settings). A session whose cells index its own photos,
// or nullopt with a one-sentence error, are the only outcomes.
//
// The session lists samplers through facemix::sampler_names(), which lives beside the LibTorch
// samplers; the names are all it needs, so they are given here as the registry has them.

#include "ui/mix_session.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace facemix {
std::vector<std::string> sampler_names() { return {"ddim", "plms", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"}; }
}  // namespace facemix

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray json(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto session = facemix::ui::session_from_json(json, QStringLiteral("fuzz.facemix-session"), error);
    if (!session) {
        if (error.isEmpty()) __builtin_trap();
        return 0;
    }
    // What the studio relies on when it applies a session (ui/session_translator.cpp).
    for (const auto& cell : session->cells)
        if (cell.row < 0 || cell.row >= session->faces.size() || cell.column < 0 || cell.column >= session->backgrounds.size())
            __builtin_trap();
    const auto& settings = session->settings;
    if (settings.steps < facemix::ui::kMinSteps || settings.steps > facemix::ui::kMaxSteps || !(settings.cfg_scale >= 0) ||
        !(settings.cfg_scale <= facemix::ui::kMaxGuidance) || settings.seed < 0 || settings.seed > facemix::ui::kMaxSeed)
        __builtin_trap();
    return 0;
}

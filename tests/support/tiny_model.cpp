#include "support/tiny_model.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "bundle/random_bundle.h"

namespace facemix::test {

const ModelBundle& tiny_bundle() {
    static const ModelBundle bundle = random_bundle(face_mixer_manifest("tiny"), 7);
    return bundle;
}

MixEngine& tiny_cpu_engine() {
    static MixEngine engine(tiny_bundle(), "tiny", resolve_compute_target("cpu", "fp32"));
    return engine;
}

MixSource synthetic_source(const std::string& name, int seed, int size) {
    cv::RNG rng(static_cast<std::uint64_t>(seed));
    cv::Mat coarse(4, 4, CV_8UC3);
    rng.fill(coarse, cv::RNG::UNIFORM, 0, 256);
    cv::Mat image;
    cv::resize(coarse, image, {size, size}, 0, 0, cv::INTER_CUBIC);
    return MixSource{name, "hash-of-" + name, 0, image};
}

}  // namespace facemix::test

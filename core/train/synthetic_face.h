#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facemix {

// Procedural cartoon faces in FFHQ-aligned geometry, the data where face mixing can be measured
// exactly: what makes the person (IdentityTraits, drawn inside facemix's face box) and everything
// else (SceneTraits, mostly outside it, lighting over everything) are drawn independently, so one
// identity can be rendered in many scenes.
//
// Every trait is a small int: a category index or a continuous value quantised to whole units
// (px at 512, degrees, percent). Ranges are in the comments and, for labels and classifiers, in
// identity_trait_specs() / scene_trait_specs(). Ints keep the labels exact and the drawing
// bit-reproducible: all geometry follows from integers through +, *, / and sqrt only.

// Bumped whenever a change to the traits or the drawing changes any image, so a dataset folder made by
// another version is not silently extended with different-looking images.
inline constexpr int kSyntheticFaceVersion = 1;

struct IdentityTraits {
    int face_shape = 0;    // category 0-4: oval, round, long, square, heart
    int face_width = 0;    // continuous -10..10: half-width of the face beyond its shape's, px at 512
    int skin_tone = 0;     // category 0-7: palette from porcelain to deep brown
    int eye_shape = 0;     // category 0-3: almond, round, narrow, hooded
    int eye_colour = 0;    // category 0-5: dark brown, brown, hazel, green, blue, grey
    int eye_spacing = 0;   // continuous -10..10: each eye this far further from the centre line, px at 512
    int nose = 0;          // category 0-3: button, straight, wide, pointed
    int nose_length = 0;   // continuous -10..10: tip below its usual height, px at 512
    int mouth = 0;         // category 0-4: neutral, smile, full lips, thin lips, open smile
    int mouth_width = 0;   // continuous -10..10: half-width of the mouth beyond the usual, px at 512
    int brows = 0;         // category 0-4: straight, arched, angled, thick, thin
    int brow_colour = 0;   // category 0-4: black, dark brown, brown, blond, auburn
    int cheek_mark = 0;    // category 0-3: none, freckles, mole, blush

    bool operator==(const IdentityTraits&) const = default;
};

struct SceneTraits {
    int hair_style = 0;          // category 0-7: bald, buzz, short, side part, long, bob, curly, bun
    int hair_colour = 0;         // category 0-8: black, dark brown, brown, auburn, blond, platinum, grey, red, blue
    int hat = 0;                 // category 0-4: none, beanie, cap, fedora, headband (none half the time)
    int hat_colour = 0;          // category 0-7: palette of eight cloth colours
    int glasses = 0;             // category 0-3: none, round, rectangular, sunglasses (none half the time)
    int glasses_colour = 0;      // category 0-5: black, tortoiseshell, gold, silver, red, blue
    int shirt_colour = 0;        // category 0-7: same cloth palette as hats
    int background_colour = 0;   // category 0-11: palette of twelve hues
    int background_colour2 = 0;  // category 0-11: the pattern's second colour, same palette
    int background_pattern = 0;  // category 0-6: plain, gradient, stripes, diagonal stripes, dots, checks, vignette
    int light_angle = 0;         // continuous 0..359: direction the light comes from, degrees, 0 = from the right, 90 = from below
    int light_strength = 0;      // continuous 0..30: brightness difference across the image, percent
    int light_tint = 0;          // category 0-2: neutral, warm, cool
    int pose_dx = 0;             // continuous -5..5: head shift right, px at 512
    int pose_dy = 0;             // continuous -5..5: head shift down, px at 512
    int pose_roll = 0;           // continuous -3..3: head tilt clockwise, degrees
    int pose_scale = 0;          // continuous -3..3: head size change, percent

    bool operator==(const SceneTraits&) const = default;
};

// How one trait is labelled and drawn: an int in [min, max]; categories name each value when the
// trait is categorical (empty for continuous ones); weights, when given, are the relative chance of
// each value (otherwise uniform).
template <class Traits>
struct TraitSpec {
    std::string_view name;
    int Traits::*member;
    int min;
    int max;
    std::vector<std::string_view> categories;
    std::string_view unit;  // continuous traits only
    std::vector<int> weights;
};

const std::vector<TraitSpec<IdentityTraits>>& identity_trait_specs();
const std::vector<TraitSpec<SceneTraits>>& scene_trait_specs();

// A uniform int in [lo, hi] from the generator's raw 64-bit output (rejection sampling), the same on
// every platform, unlike std::uniform_int_distribution whose algorithm is left to the library.
int uniform_int(std::mt19937_64& rng, int lo, int hi);

IdentityTraits draw_identity(std::mt19937_64& rng);
SceneTraits draw_scene(std::mt19937_64& rng);

// Renders a size x size BGR image (size >= 32). The same traits give byte-identical images on every
// machine with the same OpenCV drawing code: coordinates are computed in 1/256 px fixed point from
// the int traits, anti-aliased by OpenCV's integer rasteriser, and blended and lit in integers.
cv::Mat render_face(const IdentityTraits& identity, const SceneTraits& scene, int size);

}  // namespace facemix

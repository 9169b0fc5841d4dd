#include "train/synthetic_face.h"

#include "train/shape_canvas.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace facemix {

// ---------------------------------------------------------------------------------------------------
// Traits: ranges, names and draws.

const std::vector<TraitSpec<IdentityTraits>>& identity_trait_specs() {
    using T = IdentityTraits;
    static const std::vector<TraitSpec<T>> specs = {
        {"face_shape", &T::face_shape, 0, 4, {"oval", "round", "long", "square", "heart"}, {}, {}},
        {"face_width", &T::face_width, -10, 10, {}, "px at 512", {}},
        {"skin_tone", &T::skin_tone, 0, 7,
         {"porcelain", "light", "fair", "medium", "tan", "brown", "dark brown", "deep"}, {}, {}},
        {"eye_shape", &T::eye_shape, 0, 3, {"almond", "round", "narrow", "hooded"}, {}, {}},
        {"eye_colour", &T::eye_colour, 0, 5, {"dark brown", "brown", "hazel", "green", "blue", "grey"}, {}, {}},
        {"eye_spacing", &T::eye_spacing, -10, 10, {}, "px at 512", {}},
        {"nose", &T::nose, 0, 3, {"button", "straight", "wide", "pointed"}, {}, {}},
        {"nose_length", &T::nose_length, -10, 10, {}, "px at 512", {}},
        {"mouth", &T::mouth, 0, 4, {"neutral", "smile", "full lips", "thin lips", "open smile"}, {}, {}},
        {"mouth_width", &T::mouth_width, -10, 10, {}, "px at 512", {}},
        {"brows", &T::brows, 0, 4, {"straight", "arched", "angled", "thick", "thin"}, {}, {}},
        {"brow_colour", &T::brow_colour, 0, 4, {"black", "dark brown", "brown", "blond", "auburn"}, {}, {}},
        {"cheek_mark", &T::cheek_mark, 0, 3, {"none", "freckles", "mole", "blush"}, {}, {}},
    };
    return specs;
}

const std::vector<TraitSpec<SceneTraits>>& scene_trait_specs() {
    using T = SceneTraits;
    static const std::vector<std::string_view> cloth = {"red", "navy", "green", "yellow", "purple", "white", "black", "orange"};
    static const std::vector<std::string_view> backdrop = {"coral", "amber", "yellow", "mint", "teal", "sky",
                                                           "slate", "violet", "pink", "light grey", "grey", "cream"};
    static const std::vector<TraitSpec<T>> specs = {
        {"hair_style", &T::hair_style, 0, 7, {"bald", "buzz", "short", "side part", "long", "bob", "curly", "bun"}, {}, {}},
        {"hair_colour", &T::hair_colour, 0, 8,
         {"black", "dark brown", "brown", "auburn", "blond", "platinum", "grey", "red", "blue"}, {}, {}},
        {"hat", &T::hat, 0, 4, {"none", "beanie", "cap", "fedora", "headband"}, {}, {4, 1, 1, 1, 1}},
        {"hat_colour", &T::hat_colour, 0, 7, cloth, {}, {}},
        {"glasses", &T::glasses, 0, 3, {"none", "round", "rectangular", "sunglasses"}, {}, {3, 1, 1, 1}},
        {"glasses_colour", &T::glasses_colour, 0, 5, {"black", "tortoiseshell", "gold", "silver", "red", "blue"}, {}, {}},
        {"shirt_colour", &T::shirt_colour, 0, 7, cloth, {}, {}},
        {"background_colour", &T::background_colour, 0, 11, backdrop, {}, {}},
        {"background_colour2", &T::background_colour2, 0, 11, backdrop, {}, {}},
        {"background_pattern", &T::background_pattern, 0, 6,
         {"plain", "gradient", "stripes", "diagonal stripes", "dots", "checks", "vignette"}, {}, {}},
        {"light_angle", &T::light_angle, 0, 359, {}, "degrees", {}},
        {"light_strength", &T::light_strength, 0, 30, {}, "percent", {}},
        {"light_tint", &T::light_tint, 0, 2, {"neutral", "warm", "cool"}, {}, {}},
        {"pose_dx", &T::pose_dx, -5, 5, {}, "px at 512", {}},
        {"pose_dy", &T::pose_dy, -5, 5, {}, "px at 512", {}},
        {"pose_roll", &T::pose_roll, -3, 3, {}, "degrees", {}},
        {"pose_scale", &T::pose_scale, -3, 3, {}, "percent", {}},
    };
    return specs;
}

int uniform_int(std::mt19937_64& rng, int lo, int hi) {
    if (hi < lo) throw std::invalid_argument("uniform_int: empty range");
    const std::uint64_t range = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo) + 1;
    // Reject the top partial block of 2^64 so every value is equally likely.
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
    std::uint64_t draw = rng();
    while (draw >= limit) draw = rng();
    return static_cast<int>(lo + static_cast<std::int64_t>(draw % range));
}

namespace {

template <class Traits>
Traits draw_traits(std::mt19937_64& rng, const std::vector<TraitSpec<Traits>>& specs) {
    Traits traits;
    for (const auto& spec : specs) {
        if (spec.weights.empty()) {
            traits.*spec.member = uniform_int(rng, spec.min, spec.max);
            continue;
        }
        int total = 0;
        for (int w : spec.weights) total += w;
        int pick = uniform_int(rng, 0, total - 1), value = spec.min;
        for (int w : spec.weights) {
            if (pick < w) break;
            pick -= w;
            ++value;
        }
        traits.*spec.member = value;
    }
    return traits;
}

}  // namespace

IdentityTraits draw_identity(std::mt19937_64& rng) { return draw_traits(rng, identity_trait_specs()); }
SceneTraits draw_scene(std::mt19937_64& rng) { return draw_traits(rng, scene_trait_specs()); }

// ---------------------------------------------------------------------------------------------------
// Rendering. Design units are pixels of a 512 px aligned image: the face box is x 125-387, y 190-440,
// the eyes sit near (192, 242) and (320, 242), the mouth near (256, 360).

namespace {

using Colour = cv::Scalar;  // BGR, integer values

constexpr double kCentreX = 256.0;
constexpr double kCheekY = 262.0;  // the widest line of the face
constexpr double kCrownY = 108.0;  // top of the skull
constexpr double kEyeY = 242.0;
constexpr double kMouthY = 360.0;

Colour rgb(int r, int g, int b) { return Colour(b, g, r); }

// Colours stay integers: percent scaling and mixing round the same way everywhere.
Colour scaled(const Colour& c, int percent) {
    Colour out;
    for (int i = 0; i < 3; ++i) out[i] = std::min(255, (static_cast<int>(c[i]) * percent + 50) / 100);
    return out;
}

Colour mixed(const Colour& a, const Colour& b, int percent_b) {
    Colour out;
    for (int i = 0; i < 3; ++i)
        out[i] = (static_cast<int>(a[i]) * (100 - percent_b) + static_cast<int>(b[i]) * percent_b + 50) / 100;
    return out;
}

template <std::size_t N>
const Colour& pick(const std::array<Colour, N>& palette, int index) {
    return palette.at(static_cast<std::size_t>(std::clamp(index, 0, static_cast<int>(N) - 1)));
}

const std::array<Colour, 8> kSkin = {rgb(255, 224, 206), rgb(241, 203, 177), rgb(226, 183, 150), rgb(205, 155, 120),
                                     rgb(182, 130, 92),  rgb(150, 100, 70),  rgb(112, 72, 48),   rgb(80, 52, 36)};
const std::array<Colour, 6> kEye = {rgb(60, 36, 20),   rgb(115, 72, 35),   rgb(140, 115, 50),
                                    rgb(70, 135, 75),  rgb(70, 125, 195),  rgb(125, 138, 150)};
const std::array<Colour, 5> kBrow = {rgb(25, 22, 22), rgb(60, 40, 28), rgb(105, 72, 45), rgb(195, 165, 105),
                                     rgb(135, 62, 35)};
const std::array<Colour, 9> kHair = {rgb(28, 26, 28),    rgb(62, 42, 30),    rgb(110, 75, 45),
                                     rgb(140, 62, 35),   rgb(220, 185, 115), rgb(238, 228, 205),
                                     rgb(165, 165, 168), rgb(200, 75, 40),   rgb(60, 95, 205)};
const std::array<Colour, 8> kCloth = {rgb(200, 50, 50),  rgb(40, 55, 110),  rgb(50, 140, 80),  rgb(232, 190, 60),
                                      rgb(120, 70, 160), rgb(236, 236, 236), rgb(40, 40, 46),  rgb(232, 120, 40)};
const std::array<Colour, 12> kBackdrop = {rgb(236, 112, 99),  rgb(245, 176, 65),  rgb(247, 220, 111), rgb(130, 224, 170),
                                          rgb(72, 201, 176),  rgb(93, 173, 226),  rgb(52, 73, 94),    rgb(165, 105, 189),
                                          rgb(240, 178, 200), rgb(205, 205, 205), rgb(120, 120, 120), rgb(250, 240, 220)};
const std::array<Colour, 6> kFrame = {rgb(22, 22, 22), rgb(115, 62, 30), rgb(205, 165, 60), rgb(192, 192, 202),
                                      rgb(185, 30, 40), rgb(40, 72, 165)};

cv::Point2d at(double x, double y) { return {x, y}; }

// The head outline and the positions everything else follows.
struct FaceGeometry {
    double half_width = 112;
    double chin_y = 432;
    double eye_dx = 64;  // eye centre to centre line
    Polygon outline;
};

FaceGeometry face_geometry(const IdentityTraits& identity) {
    struct Shape {
        double half_width, chin_y, squareness, taper;
    };
    static constexpr std::array<Shape, 5> shapes = {{
        {120, 434, 0.1, 0.0},    // oval
        {128, 422, 0.35, 0.0},   // round
        {112, 446, 0.15, 0.05},  // long
        {124, 432, 0.75, 0.0},   // square
        {126, 438, 0.05, 0.34},  // heart: wide cheeks, narrow chin
    }};
    const Shape shape = shapes.at(static_cast<std::size_t>(std::clamp(identity.face_shape, 0, 4)));
    FaceGeometry g;
    g.half_width = shape.half_width + identity.face_width;
    g.chin_y = shape.chin_y;
    g.eye_dx = 64.0 + identity.eye_spacing;
    // Skull: the top half of an ellipse. Jaw: an ellipse blended towards a superellipse (|x|^4 + |y|^4 = 1,
    // square jaws) and narrowed towards the chin (heart).
    g.outline = ellipse_arc({kCentreX, kCheekY}, g.half_width, kCheekY - kCrownY, 180, 360, 40);
    constexpr int jaw_points = 41;
    for (int i = 1; i < jaw_points - 1; ++i) {
        const SinCos a = sin_cos_degrees(180.0 * i / (jaw_points - 1));
        const double ex = a.cos, ey = a.sin;
        const double qx = (ex < 0 ? -1.0 : 1.0) * std::sqrt(std::abs(ex)), qy = std::sqrt(ey);
        double px = ex + (qx - ex) * shape.squareness;
        const double py = ey + (qy - ey) * shape.squareness;
        px *= 1.0 - shape.taper * py * py;
        g.outline.emplace_back(kCentreX + g.half_width * px, kCheekY + (g.chin_y - kCheekY) * py);
    }
    return g;
}

// --- background -------------------------------------------------------------------------------------

void draw_background(ShapeCanvas& canvas, const SceneTraits& scene) {
    const Colour c1 = pick(kBackdrop, scene.background_colour), c2 = pick(kBackdrop, scene.background_colour2);
    cv::Mat& image = canvas.image();
    const int size = canvas.size();
    image.setTo(c1);
    std::vector<Polygon> shapes;
    switch (scene.background_pattern) {
        case 1:  // vertical gradient, top c1, bottom c2
            for (int y = 0; y < size; ++y) {
                const int t = y * 256 / (size - 1);
                cv::Vec3b colour;
                for (int ch = 0; ch < 3; ++ch)
                    colour[ch] = static_cast<std::uint8_t>((static_cast<int>(c1[ch]) * (256 - t) + static_cast<int>(c2[ch]) * t + 128) >> 8);
                image.row(y).setTo(cv::Scalar(colour[0], colour[1], colour[2]));
            }
            return;
        case 2:  // horizontal stripes
            for (int y = 0; y < 512; y += 64) shapes.push_back({at(-1, y), at(513, y), at(513, y + 32), at(-1, y + 32)});
            break;
        case 3:  // diagonal stripes
            for (int k = -512; k < 512; k += 64)
                shapes.push_back({at(k, 513), at(k + 32, 513), at(k + 32 + 514, -1), at(k + 514, -1)});
            break;
        case 4:  // dots on a staggered grid
            for (int row = 0; row * 48 < 540; ++row)
                for (int x = (row % 2) * 24; x < 540; x += 48) shapes.push_back(ellipse_polygon(at(x, row * 48), 10, 10, 0, 24));
            break;
        case 5:  // checks
            for (int y = 0; y < 512; y += 64)
                for (int x = ((y / 64) % 2) * 64; x < 512; x += 128)
                    shapes.push_back({at(x, y), at(x + 64, y), at(x + 64, y + 64), at(x, y + 64)});
            break;
        case 6: {  // vignette: c1 in the middle to c2 in the corners, quadratic in the radius
            const std::int64_t half = size, max_d2 = 2 * half * half;  // in half-pixel units
            for (int y = 0; y < size; ++y) {
                auto* pixel = image.ptr<std::uint8_t>(y);
                const std::int64_t dy = 2 * y + 1 - size;
                for (int x = 0; x < size; ++x, pixel += 3) {
                    const std::int64_t dx = 2 * x + 1 - size;
                    const int t = static_cast<int>((dx * dx + dy * dy) * 256 / max_d2);
                    for (int ch = 0; ch < 3; ++ch)
                        pixel[ch] = static_cast<std::uint8_t>((static_cast<int>(c1[ch]) * (256 - t) + static_cast<int>(c2[ch]) * t + 128) >> 8);
                }
            }
            return;
        }
        default: return;  // plain
    }
    canvas.fill(shapes, c2);
}

// --- identity: inside the face box ------------------------------------------------------------------

void draw_ears_and_neck(ShapeCanvas& canvas, const IdentityTraits& identity, const FaceGeometry& g) {
    const Colour skin = pick(kSkin, identity.skin_tone);
    const double neck = g.half_width * 0.6;
    canvas.fill({at(kCentreX - neck, 330), at(kCentreX + neck, 330), at(kCentreX + neck * 1.08, 500),
                 at(kCentreX - neck * 1.08, 500)},
                scaled(skin, 80));
    for (int side : {-1, 1}) {
        const double x = kCentreX + side * (g.half_width - 3);
        canvas.fill(ellipse_polygon(at(x, 284), 16, 30, side * -10.0, 32), scaled(skin, 93));
        canvas.fill(band(quadratic_curve(at(x + side * 6, 266), at(x + side * 14, 284), at(x + side * 5, 302), 12), 3, 2),
                    scaled(skin, 75));
    }
}

void draw_face_skin(ShapeCanvas& canvas, const IdentityTraits& identity, const FaceGeometry& g) {
    canvas.fill(g.outline, pick(kSkin, identity.skin_tone));
}

// The side of the face away from the light in shadow: a crescent cut by a large disc standing off on
// that side. Part of the scene (it moves with the light), the one scene trait drawn on the skin.
void draw_face_shadow(ShapeCanvas& canvas, const SceneTraits& scene, const IdentityTraits& identity, const FaceGeometry& g) {
    const int opacity = scene.light_strength * 2;
    if (opacity == 0) return;
    const SinCos light = sin_cos_degrees(scene.light_angle);
    const double reach = g.half_width + 150;
    canvas.fill({ellipse_polygon(at(kCentreX - reach * light.cos, 300 - reach * light.sin), 190, 190, 0, 96)},
                scaled(pick(kSkin, identity.skin_tone), 62), opacity, {g.outline});
}

void draw_cheek_mark(ShapeCanvas& canvas, const IdentityTraits& identity) {
    const Colour skin = pick(kSkin, identity.skin_tone);
    switch (identity.cheek_mark) {
        case 1: {  // freckles across both cheeks
            static constexpr std::array<std::array<int, 2>, 8> spots = {
                {{-12, -6}, {-4, -10}, {5, -7}, {13, -3}, {-9, 2}, {0, -1}, {9, 4}, {-3, 8}}};
            std::vector<Polygon> dots;
            for (int side : {-1, 1})
                for (const auto& s : spots) dots.push_back(ellipse_polygon(at(kCentreX + side * (58 + s[0]), 318 + s[1]), 2.4, 2.4, 0, 12));
            canvas.fill(dots, scaled(skin, 70), 210);
            break;
        }
        case 2: canvas.fill(ellipse_polygon(at(kCentreX + 50, 338), 3.6, 3.6, 0, 16), rgb(70, 45, 35)); break;
        case 3:
            canvas.fill({ellipse_polygon(at(kCentreX - 62, 318), 21, 11), ellipse_polygon(at(kCentreX + 62, 318), 21, 11)},
                        rgb(235, 105, 120), 75);
            break;
        default: break;
    }
}

void draw_eyes(ShapeCanvas& canvas, const IdentityTraits& identity, const FaceGeometry& g) {
    struct EyeShape {
        double half_width, upper, lower, iris, outer_lift;
    };
    static constexpr std::array<EyeShape, 4> shapes = {{
        {25, 13, 9, 11, 3},   // almond
        {22, 16, 13, 12, 0},  // round
        {27, 8, 6, 9, 2},     // narrow
        {25, 11, 8, 11, 1},   // hooded
    }};
    const EyeShape e = shapes.at(static_cast<std::size_t>(std::clamp(identity.eye_shape, 0, 3)));
    const Colour skin = pick(kSkin, identity.skin_tone), iris = pick(kEye, identity.eye_colour);
    const Colour lash = rgb(35, 28, 28);
    for (int side : {-1, 1}) {
        const double cx = kCentreX + side * g.eye_dx;
        const cv::Point2d inner(cx - side * e.half_width, kEyeY + 1), outer(cx + side * e.half_width, kEyeY - e.outer_lift);
        const Polygon upper = quadratic_curve(inner, at(cx, kEyeY - 2 * e.upper), outer);
        const Polygon lower = quadratic_curve(outer, at(cx, kEyeY + 2 * e.lower), inner);
        const std::vector<Polygon> white = {join(upper, lower)};
        if (identity.eye_shape == 3)  // hooded: a fold of skin over the lid
            canvas.fill(band(quadratic_curve(inner + at(0, -4), at(cx, kEyeY - 2 * e.upper - 14), outer + at(side * 2, -3)), 3, 4),
                        scaled(skin, 78));
        canvas.fill(white, rgb(250, 249, 246));
        const cv::Point2d centre(cx, kEyeY - 1);
        canvas.fill({ellipse_polygon(centre, e.iris, e.iris, 0, 40)}, iris, 255, white);
        canvas.fill({ellipse_polygon(centre, e.iris * 0.62, e.iris * 0.62, 0, 32)}, scaled(iris, 70), 255, white);
        canvas.fill({ellipse_polygon(centre, e.iris * 0.42, e.iris * 0.42, 0, 32)}, rgb(15, 12, 12), 255, white);
        canvas.fill({ellipse_polygon(centre + at(-e.iris * 0.32, -e.iris * 0.34), e.iris * 0.24, e.iris * 0.24, 0, 16)},
                    rgb(255, 255, 255), 235, white);
        canvas.fill(band(upper, side < 0 ? 2.5 : 2.5, 4.5), lash);
        canvas.fill(band(quadratic_curve(at(cx - 0.7 * side * e.half_width, kEyeY + 0.7 * e.lower), at(cx, kEyeY + 2 * e.lower + 1),
                                         at(cx + 0.8 * side * e.half_width, kEyeY + 0.5 * e.lower)),
                         1.2, 1.2),
                    scaled(skin, 72), 160);
    }
}

void draw_brows(ShapeCanvas& canvas, const IdentityTraits& identity, const FaceGeometry& g) {
    struct BrowShape {
        double arch, inner_width, outer_width;
    };
    static constexpr std::array<BrowShape, 5> shapes = {{
        {-3, 8, 5},    // straight
        {-16, 7, 4},   // arched
        {0, 7.5, 4},   // angled (a kink, not a curve)
        {-8, 12, 9},   // thick
        {-9, 4, 2.5},  // thin
    }};
    const BrowShape b = shapes.at(static_cast<std::size_t>(std::clamp(identity.brows, 0, 4)));
    const Colour colour = pick(kBrow, identity.brow_colour);
    for (int side : {-1, 1}) {
        const double cx = kCentreX + side * g.eye_dx;
        const cv::Point2d inner(cx - side * 23, 214), outer(cx + side * 31, 215);
        Polygon spine;
        if (identity.brows == 2) {
            const cv::Point2d peak(cx + side * 12, 202);
            spine = join(quadratic_curve(inner, (inner + peak) * 0.5 + at(0, -1), peak, 12),
                         quadratic_curve(peak, (peak + outer) * 0.5, outer, 12));
        } else {
            spine = quadratic_curve(inner, at(cx + side * 2, 212 + 2 * b.arch), outer);
        }
        canvas.fill(band(spine, b.inner_width, b.outer_width), colour);
    }
}

void draw_nose(ShapeCanvas& canvas, const IdentityTraits& identity) {
    const Colour skin = pick(kSkin, identity.skin_tone);
    const Colour shade = scaled(skin, 84), nostril = scaled(skin, 52);
    const double tip = 305.0 + identity.nose_length;
    auto nostrils = [&](double dx, double rx, double ry) {
        canvas.fill({ellipse_polygon(at(kCentreX - dx, tip + 3), rx, ry, -15, 20), ellipse_polygon(at(kCentreX + dx, tip + 3), rx, ry, 15, 20)},
                    nostril);
    };
    switch (identity.nose) {
        case 0:  // button
            canvas.fill(ellipse_polygon(at(kCentreX, tip - 2), 10, 8), shade, 150);
            nostrils(6, 3.2, 2.2);
            break;
        case 1:  // straight: a shaded ridge down one side
            canvas.fill(band(quadratic_curve(at(kCentreX + 7, 252), at(kCentreX + 9, tip - 20), at(kCentreX + 10, tip - 4)), 2.5, 4),
                        shade);
            canvas.fill(band(quadratic_curve(at(kCentreX - 13, tip + 1), at(kCentreX, tip + 11), at(kCentreX + 13, tip + 1)), 2.5, 2.5),
                        shade);
            nostrils(6, 3, 2);
            break;
        case 2:  // wide
            canvas.fill(ellipse_polygon(at(kCentreX, tip - 1), 16, 9), shade, 140);
            for (int side : {-1, 1})
                canvas.fill(band(quadratic_curve(at(kCentreX + side * 11, tip - 7), at(kCentreX + side * 23, tip),
                                                 at(kCentreX + side * 12, tip + 7)),
                                 3, 2.5),
                            shade);
            nostrils(8, 4, 2.6);
            break;
        default:  // pointed: a long ridge ending in a sharp tip
            canvas.fill({at(kCentreX + 1, 256), at(kCentreX + 4, 256), at(kCentreX + 12, tip + 3), at(kCentreX - 4, tip + 6)}, shade);
            nostrils(6, 2.6, 1.8);
            break;
    }
}

void draw_mouth(ShapeCanvas& canvas, const IdentityTraits& identity) {
    const Colour skin = pick(kSkin, identity.skin_tone);
    const Colour lip = scaled(mixed(skin, rgb(205, 75, 90), 45), 88), line = scaled(mixed(skin, rgb(120, 30, 40), 50), 55);
    const double hw = 34.0 + identity.mouth_width, y = kMouthY;
    auto p = [&](double dx, double dy) { return at(kCentreX + dx, y + dy); };
    switch (identity.mouth) {
        case 0:  // neutral
            canvas.fill(join(quadratic_curve(p(-hw, 0), p(0, -13), p(hw, 0)), quadratic_curve(p(hw, 0), p(0, 2), p(-hw, 0))), lip);
            canvas.fill(join(quadratic_curve(p(-hw * 0.85, 0), p(0, 22), p(hw * 0.85, 0)), {p(0, 1)}), lip);
            canvas.fill(band(quadratic_curve(p(-hw, 0), p(0, 2), p(hw, 0)), 2.5, 2.5), line);
            break;
        case 1:  // smile: corners up
            canvas.fill(join(quadratic_curve(p(-hw, -6), p(0, -6), p(hw, -6)), quadratic_curve(p(hw, -6), p(0, 12), p(-hw, -6))), lip);
            canvas.fill(join(quadratic_curve(p(-hw, -6), p(0, 12), p(hw, -6)), quadratic_curve(p(hw * 0.8, 0), p(0, 26), p(-hw * 0.8, 0))),
                        lip);
            canvas.fill(band(quadratic_curve(p(-hw, -6), p(0, 12), p(hw, -6)), 3, 3), line);
            break;
        case 2: {  // full lips with a cupid's bow
            Polygon upper = cubic_curve(p(-hw, 0), p(-hw * 0.6, -4), p(-12, -13), p(-5, -11), 16);
            upper = join(std::move(upper), {p(0, -8)});
            upper = join(std::move(upper), cubic_curve(p(5, -11), p(12, -13), p(hw * 0.6, -4), p(hw, 0), 16));
            upper = join(std::move(upper), quadratic_curve(p(hw, 0), p(0, 2), p(-hw, 0)));
            canvas.fill(upper, lip);
            canvas.fill(join(quadratic_curve(p(-hw, 0), p(0, 2), p(hw, 0)), quadratic_curve(p(hw * 0.9, 1), p(0, 32), p(-hw * 0.9, 1))), lip);
            canvas.fill(band(quadratic_curve(p(-hw, 0), p(0, 2), p(hw, 0)), 2.5, 2.5), line);
            canvas.fill(ellipse_polygon(p(4, 8), 7, 2.2), rgb(255, 255, 255), 60);  // shine
            break;
        }
        case 3:  // thin lips
            canvas.fill(join(quadratic_curve(p(-hw * 0.7, 1), p(0, 2), p(hw * 0.7, 1)), quadratic_curve(p(hw * 0.7, 1), p(0, 12), p(-hw * 0.7, 1))),
                        lip, 200);
            canvas.fill(band(quadratic_curve(p(-hw, 0), p(0, 3), p(hw, 0)), 3, 3), line);
            break;
        default: {  // open smile with teeth
            const std::vector<Polygon> opening = {join(quadratic_curve(p(-hw, -4), p(0, -2), p(hw, -4)), quadratic_curve(p(hw, -4), p(0, 40), p(-hw, -4)))};
            canvas.fill(opening, rgb(95, 25, 38));
            canvas.fill({ellipse_polygon(p(0, 16), hw * 0.45, 6)}, rgb(205, 85, 95), 255, opening);
            canvas.fill({rounded_rect(cv::Rect2d(kCentreX - hw, y - 8, 2 * hw, 13), 3)}, rgb(248, 246, 240), 255, opening);
            canvas.fill(band(quadratic_curve(p(-hw, -4), p(0, -2), p(hw, -4)), 4.5, 4.5), lip);
            canvas.fill(band(quadratic_curve(p(-hw, -4), p(0, 40), p(hw, -4)), 5, 5), lip);
            break;
        }
    }
}

// --- scene: hair, clothes, hat, glasses -------------------------------------------------------------

struct HairStyle {
    double thickness;  // how far the hair stands off the skull
    double hairline;   // height of the hairline over the middle of the forehead
};

HairStyle hair_style(int style) {
    static constexpr std::array<HairStyle, 8> styles = {{
        {0, 0},      // bald
        {3, 148},    // buzz
        {14, 158},   // short
        {18, 150},   // side part
        {18, 154},   // long
        {20, 186},   // bob: straight bangs
        {26, 166},   // curly
        {10, 150},   // bun
    }};
    return styles.at(static_cast<std::size_t>(std::clamp(style, 0, 7)));
}

// The hairline from the right temple across the forehead to the left one; `left_drop` lowers its left
// half (a side-swept fringe).
Polygon hairline(const FaceGeometry& g, double height, double left_drop) {
    const double side_y = 258;
    // A cubic's middle lies at (P0 + 3 P1 + 3 P2 + P3) / 8: pick the controls so it passes `height`.
    const double control_y = (8 * height - 2 * side_y) / 6;
    return cubic_curve(at(kCentreX + g.half_width + 1, side_y), at(kCentreX + g.half_width * 0.95, control_y),
                       at(kCentreX - g.half_width * 0.95, control_y + 2 * left_drop), at(kCentreX - g.half_width - 1, side_y), 40);
}

Polygon hair_shell(const FaceGeometry& g, double thickness) {
    return ellipse_arc({kCentreX, kCheekY}, g.half_width + thickness, kCheekY - kCrownY + thickness, 180, 360, 48);
}

void draw_hair_back(ShapeCanvas& canvas, const SceneTraits& scene, const FaceGeometry& g) {
    const Colour back = scaled(pick(kHair, scene.hair_colour), 82);
    const double w = g.half_width;
    switch (scene.hair_style) {
        case 4:  // long: down past the shoulders
            canvas.fill(rounded_rect(cv::Rect2d(kCentreX - w - 32, 170, 2 * w + 64, 330), 44), back);
            break;
        case 5:  // bob: to the jaw, cut straight
            canvas.fill(rounded_rect(cv::Rect2d(kCentreX - w - 24, 170, 2 * w + 48, 245), 26), back);
            break;
        case 6: {  // curly: a cloud of curls around the head
            std::vector<Polygon> curls;
            for (int a = 165; a <= 375; a += 15) {
                const SinCos d = sin_cos_degrees(a);
                curls.push_back(ellipse_polygon(at(kCentreX + (w + 22) * d.cos, 250 + 150 * d.sin), 28, 28, 0, 28));
            }
            canvas.fill(curls, back);
            break;
        }
        case 7: canvas.fill(ellipse_polygon(at(kCentreX, 100), 38, 34), back); break;  // bun on top
        default: break;
    }
}

void draw_clothes(ShapeCanvas& canvas, const SceneTraits& scene, const IdentityTraits& identity, const FaceGeometry& g) {
    const Colour shirt = pick(kCloth, scene.shirt_colour);
    canvas.fill(ellipse_polygon(at(kCentreX, 620), 240, 150), shirt);
    // Round neckline: the neck shows through it.
    canvas.fill(ellipse_polygon(at(kCentreX, 470), g.half_width * 0.56, 26), scaled(pick(kSkin, identity.skin_tone), 80));
    canvas.fill(band(ellipse_arc({kCentreX, 470}, g.half_width * 0.56 + 3, 29, 0, 180, 24), 6, 6), scaled(shirt, 80));
}

void draw_hair_front(ShapeCanvas& canvas, const SceneTraits& scene, const FaceGeometry& g) {
    const HairStyle style = hair_style(scene.hair_style);
    const Colour hair = pick(kHair, scene.hair_colour);
    if (scene.hair_style == 0) {  // bald: a shine on the crown
        canvas.fill(ellipse_polygon(at(kCentreX - 30, 140), 26, 12, -20), rgb(255, 255, 255), 45);
        return;
    }
    const double left_drop = scene.hair_style == 3 ? 20.0 : 0.0;
    const Polygon cap = join(hair_shell(g, style.thickness), hairline(g, style.hairline, left_drop));
    const int opacity = scene.hair_style == 1 ? 170 : 255;  // a buzz cut lets the scalp show through
    if (scene.hair_style == 6) {
        std::vector<Polygon> curls = {cap};
        for (int i = 0; i < 9; ++i) {
            const double x = kCentreX - g.half_width * 0.85 + i * g.half_width * 0.2125;
            curls.push_back(ellipse_polygon(at(x, 168 + (i % 2) * 6 + std::abs(i - 4) * 8), 14, 14, 0, 20));
        }
        canvas.fill(curls, hair);
    } else {
        canvas.fill(cap, hair, opacity);
    }
    // A highlight along the crown.
    canvas.fill(band(ellipse_arc({kCentreX, kCheekY}, g.half_width + style.thickness * 0.4 - 14,
                                  kCheekY - kCrownY + style.thickness * 0.4 - 12, 215, 255, 16),
                     5, 3),
                mixed(hair, rgb(255, 255, 255), 35), 110);
}

void draw_hat(ShapeCanvas& canvas, const SceneTraits& scene, const FaceGeometry& g) {
    const Colour colour = pick(kCloth, scene.hat_colour), dark = scaled(colour, 78);
    const double w = g.half_width;
    switch (scene.hat) {
        case 1:  // beanie with a folded band and a pompom
            canvas.fill(ellipse_arc({kCentreX, 178}, w + 16, 108, 180, 360, 40), colour);
            canvas.fill(rounded_rect(cv::Rect2d(kCentreX - w - 20, 150, 2 * w + 40, 38), 12), dark);
            canvas.fill(ellipse_polygon(at(kCentreX, 70), 18, 18), mixed(colour, rgb(255, 255, 255), 40));
            break;
        case 2:  // cap, brim to the front
            canvas.fill(ellipse_arc({kCentreX, 176}, w + 14, 104, 180, 360, 40), colour);
            canvas.fill(ellipse_polygon(at(kCentreX, 178), w + 16, 20), dark);
            canvas.fill(ellipse_polygon(at(kCentreX, 73), 7, 5), dark);
            break;
        case 3:  // fedora: wide brim, tall crown, ribbon
            canvas.fill(ellipse_polygon(at(kCentreX, 160), w + 70, 24), dark);
            canvas.fill(rounded_rect(cv::Rect2d(kCentreX - w + 8, 58, 2 * w - 16, 106), 26), colour);
            canvas.fill(rounded_rect(cv::Rect2d(kCentreX - w + 8, 130, 2 * w - 16, 18), 2), scaled(colour, 40));
            break;
        case 4:  // headband over the top of the forehead
            canvas.fill(band(ellipse_arc({kCentreX, kCheekY}, w + 3, kCheekY - 152, 188, 352, 40), 15, 15), colour);
            break;
        default: break;
    }
}

void draw_glasses(ShapeCanvas& canvas, const SceneTraits& scene, const FaceGeometry& g) {
    if (scene.glasses == 0) return;
    const Colour frame = pick(kFrame, scene.glasses_colour);
    const double y = kEyeY + 2;
    double half_w = 31, half_h = 26;
    for (int side : {-1, 1}) {
        const cv::Point2d c(kCentreX + side * g.eye_dx, y);
        Polygon rim;
        if (scene.glasses == 2) {
            half_w = 33, half_h = 22;
            rim = rounded_rect(cv::Rect2d(c.x - half_w, c.y - half_h, 2 * half_w, 2 * half_h), 8);
        } else if (scene.glasses == 3) {
            half_w = 33, half_h = 25;
            rim = ellipse_polygon(c, half_w, half_h, 0, 48);
        } else {
            rim = ellipse_polygon(c, half_w, half_h + 4, 0, 48);
        }
        if (scene.glasses == 3)
            canvas.fill(rim, rgb(28, 28, 34), 228);
        else
            canvas.fill(rim, rgb(255, 255, 255), 30);  // glass
        rim.push_back(rim.front());
        canvas.fill(band(rim, 4.5, 4.5), frame);
        // Temple arm back to the ear.
        canvas.fill(band({at(c.x + side * half_w, y - 6), at(kCentreX + side * (g.half_width + 2), y + 10)}, 4, 4), frame);
    }
    canvas.fill(band(quadratic_curve(at(kCentreX - g.eye_dx + half_w, y - 4), at(kCentreX, y - 14),
                                     at(kCentreX + g.eye_dx - half_w, y - 4)),
                     4, 4),
                frame);
}

// Light from one side: brightness changes linearly across the image by light_strength percent, toward
// the side the light comes from; a tint warms or cools it. Integer arithmetic throughout.
void apply_lighting(cv::Mat& image, const SceneTraits& scene) {
    const int size = image.rows;
    const SinCos direction = sin_cos_degrees(scene.light_angle);
    const double strength = scene.light_strength / 100.0;
    std::vector<int> gain_x(static_cast<std::size_t>(size)), gain_y(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        const double u = (i + 0.5) / size - 0.5;
        gain_x[static_cast<std::size_t>(i)] = static_cast<int>(std::lround(4096.0 * strength * u * direction.cos));
        gain_y[static_cast<std::size_t>(i)] = static_cast<int>(std::lround(4096.0 * strength * u * direction.sin));
    }
    static constexpr std::array<std::array<int, 3>, 3> tints = {{{4096, 4096, 4096}, {3800, 4060, 4300}, {4340, 4110, 3840}}};
    const auto& tint = tints.at(static_cast<std::size_t>(std::clamp(scene.light_tint, 0, 2)));
    for (int y = 0; y < size; ++y) {
        auto* pixel = image.ptr<std::uint8_t>(y);
        for (int x = 0; x < size; ++x, pixel += 3) {
            const std::int64_t gain = 4096 + gain_x[static_cast<std::size_t>(x)] + gain_y[static_cast<std::size_t>(y)];
            for (int ch = 0; ch < 3; ++ch) {
                const std::int64_t value = (pixel[ch] * gain * tint[static_cast<std::size_t>(ch)] + (1 << 23)) >> 24;
                pixel[ch] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(value, 0, 255));
            }
        }
    }
}

}  // namespace

cv::Mat render_face(const IdentityTraits& identity, const SceneTraits& scene, int size) {
    if (size < 32) throw std::invalid_argument("render_face: size below 32 px");
    ShapeCanvas canvas(size);
    draw_background(canvas, scene);

    DesignTransform head;
    head.pivot = at(kCentreX, 300);
    head.scale = 1.0 + scene.pose_scale / 100.0;
    head.roll_degrees = scene.pose_roll;
    head.shift = at(scene.pose_dx, scene.pose_dy);
    canvas.set_transform(head);

    const FaceGeometry g = face_geometry(identity);
    draw_hair_back(canvas, scene, g);
    draw_ears_and_neck(canvas, identity, g);
    draw_clothes(canvas, scene, identity, g);
    draw_face_skin(canvas, identity, g);
    draw_face_shadow(canvas, scene, identity, g);
    draw_cheek_mark(canvas, identity);
    draw_nose(canvas, identity);
    draw_mouth(canvas, identity);
    draw_eyes(canvas, identity, g);
    draw_brows(canvas, identity, g);
    draw_hair_front(canvas, scene, g);
    draw_hat(canvas, scene, g);
    draw_glasses(canvas, scene, g);
    apply_lighting(canvas.image(), scene);
    return canvas.image();
}

}  // namespace facemix

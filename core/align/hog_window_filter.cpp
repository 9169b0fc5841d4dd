#include "align/hog_window_filter.h"

namespace facemix {
namespace {

// Sixteen floats (one AVX-512 register, two AVX or four SSE ones) read and written where they lie (no
// alignment asked) and allowed to alias the planes. Never passed by value, so no function's calling
// convention depends on the vector extensions.
typedef float Floats16 __attribute__((vector_size(64), aligned(4), may_alias));

const Floats16& floats16(const float* at) { return *reinterpret_cast<const Floats16*>(at); }
Floats16& floats16(float* at) { return *reinterpret_cast<Floats16*>(at); }

}  // namespace

namespace {

// Adds one part's share to the scores of every window (inlined into each build of score_windows): the
// plane filtered along its rows into a ring of the last kWindow rows, and as soon as a window's rows are
// all there, down its columns.
[[gnu::always_inline]] inline void add_part(const HogWindowFilter::Part& part, const HogPlanes& planes, float* scores,
                                            float* ring) {
    constexpr int kWindow = HogWindowFilter::kWindow;
    const int stride = planes.stride;
    // Window positions per row. The last group of sixteen may run past them into the row's slack, whose
    // zeros give scores nobody reads.
    const int positions = planes.cols - kWindow + 1;
    Floats16 along_row[kWindow], along_column[kWindow];
    for (int i = 0; i < kWindow; ++i) {
        along_row[i] = Floats16{} + part.along_row[i];
        along_column[i] = Floats16{} + part.along_column[i];
    }
    const float* plane = planes.plane(part.plane);
    for (int r = 0; r < planes.rows; ++r) {
        const float* in = plane + static_cast<std::size_t>(r) * stride;
        float* filtered = ring + static_cast<std::size_t>(r % kWindow) * stride;
        for (int c = 0; c < positions; c += 16) {
            Floats16 sum = along_row[0] * floats16(in + c);
            for (int i = 1; i < kWindow; ++i) sum += along_row[i] * floats16(in + c + i);
            floats16(filtered + c) = sum;
        }
        if (r < kWindow - 1) continue;
        const int top = r - kWindow + 1;
        const float* window_rows[kWindow];
        for (int i = 0; i < kWindow; ++i) window_rows[i] = ring + static_cast<std::size_t>((top + i) % kWindow) * stride;
        float* out = scores + static_cast<std::size_t>(top + HogWindowScores::first()) * stride + HogWindowScores::first();
        for (int c = 0; c < positions; c += 16) {
            Floats16 sum = along_column[0] * floats16(window_rows[0] + c);
            for (int i = 1; i < kWindow; ++i) sum += along_column[i] * floats16(window_rows[i] + c);
            floats16(out + c) += sum;
        }
    }
}

}  // namespace

// GCC builds AVX-512 and AVX2 + FMA copies next to the baseline one and the loader picks one for the CPU.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void score_windows(const std::vector<HogWindowFilter>& filters, const HogPlanes& planes,
                   std::vector<HogWindowScores>& scores, AlignedFloats& ring) {
    constexpr int kWindow = HogWindowFilter::kWindow;
    scores.resize(filters.size());
    for (HogWindowScores& s : scores) {
        s.rows = planes.rows;
        s.cols = planes.cols;
        s.stride = planes.stride;
        s.values.assign(static_cast<std::size_t>(planes.rows) * planes.stride, 0.0f);
    }
    if (planes.rows < kWindow || planes.cols < kWindow) return;
    ring.resize(static_cast<std::size_t>(kWindow) * planes.stride);
    // Plane by plane, so that each plane is read from memory once for the parts of all filters.
    for (int p = 0; p < HogPlanes::kPlanes; ++p)
        for (std::size_t f = 0; f < filters.size(); ++f)
            for (const HogWindowFilter::Part& part : filters[f].parts)
                if (part.plane == p) add_part(part, planes, scores[f].values.data(), ring.data());
}

}  // namespace facemix

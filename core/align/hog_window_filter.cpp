#include "align/hog_window_filter.h"

namespace facemix {
namespace {

// Eight floats read and written where they lie (no alignment asked) and allowed to alias the planes.
// Never passed by value, so no function's calling convention depends on AVX.
typedef float Floats8 __attribute__((vector_size(32), aligned(4), may_alias));

const Floats8& floats8(const float* at) { return *reinterpret_cast<const Floats8*>(at); }
Floats8& floats8(float* at) { return *reinterpret_cast<Floats8*>(at); }

}  // namespace

// GCC builds an AVX2 + FMA copy next to the baseline one and the loader picks one for the CPU.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
void score_windows(const HogWindowFilter& filter, const HogPlanes& planes, HogWindowScores& scores,
                   std::vector<float>& rows) {
    constexpr int kWindow = HogWindowFilter::kWindow;
    const int stride = planes.stride;
    scores.rows = planes.rows;
    scores.cols = planes.cols;
    scores.stride = stride;
    scores.values.assign(static_cast<std::size_t>(planes.rows) * stride, 0.0f);
    if (planes.rows < kWindow || planes.cols < kWindow) return;
    // Window positions per row. The last group of eight may run past them into the row's slack, whose
    // zeros give scores nobody reads.
    const int positions = planes.cols - kWindow + 1;
    // The last kWindow rows of the plane filtered along the row, as a ring.
    rows.resize(static_cast<std::size_t>(kWindow) * stride);

    for (const HogWindowFilter::Part& part : filter.parts) {
        Floats8 along_row[kWindow], along_column[kWindow];
        for (int i = 0; i < kWindow; ++i) {
            along_row[i] = Floats8{} + part.along_row[i];
            along_column[i] = Floats8{} + part.along_column[i];
        }
        const float* plane = planes.plane(part.plane);
        for (int r = 0; r < planes.rows; ++r) {
            const float* in = plane + static_cast<std::size_t>(r) * stride;
            float* filtered = rows.data() + static_cast<std::size_t>(r % kWindow) * stride;
            for (int c = 0; c < positions; c += 8) {
                Floats8 sum = along_row[0] * floats8(in + c);
                for (int i = 1; i < kWindow; ++i) sum += along_row[i] * floats8(in + c + i);
                floats8(filtered + c) = sum;
            }
            if (r < kWindow - 1) continue;
            // Rows top .. r are filtered now: the windows whose top row is `top` get this part's share.
            const int top = r - kWindow + 1;
            const float* window_rows[kWindow];
            for (int i = 0; i < kWindow; ++i)
                window_rows[i] = rows.data() + static_cast<std::size_t>((top + i) % kWindow) * stride;
            float* out = scores.values.data() + static_cast<std::size_t>(top + HogWindowScores::first()) * stride +
                         HogWindowScores::first();
            for (int c = 0; c < positions; c += 8) {
                Floats8 sum = along_column[0] * floats8(window_rows[0] + c);
                for (int i = 1; i < kWindow; ++i) sum += along_column[i] * floats8(window_rows[i] + c);
                floats8(out + c) += sum;
            }
        }
    }
}

}  // namespace facemix

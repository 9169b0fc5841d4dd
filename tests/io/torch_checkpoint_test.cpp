#include "io/torch_checkpoint.h"

#include "common/error.h"
#include "io/pickle_machine.h"
#include "io/torch_pickle.h"
#include "support/test_data.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <ATen/ATen.h>
#include <c10/util/accumulate.h>
#include <gtest/gtest.h>

namespace facemix {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(FACEMIX_FIXTURES_DIR) / "ckpt";

// The tensors tools/goldens/make_checkpoint_fixtures.py writes: (arange(n) * scale + offset)
// reshaped, in `type`.
at::Tensor ramp(at::IntArrayRef shape, double scale, double offset, at::ScalarType type = at::kFloat) {
    return (at::arange(c10::multiply_integers(shape), at::kDouble) * scale + offset).reshape(shape).to(type);
}

void expect_tensor(const TensorMap& tensors, const std::string& name, const at::Tensor& expected) {
    const auto found = tensors.find(name);
    ASSERT_NE(found, tensors.end()) << name;
    EXPECT_EQ(found->second.scalar_type(), expected.scalar_type()) << name;
    EXPECT_EQ(found->second.sizes(), expected.sizes()) << name;
    EXPECT_TRUE(at::equal(found->second, expected)) << name << ":\n" << found->second << "\nexpected\n" << expected;
}

std::set<std::string> names(const TensorMap& tensors) {
    std::set<std::string> result;
    for (const auto& entry : tensors) result.insert(entry.first);
    return result;
}

// Runs `load` and expects an InputError whose message contains `part`.
template <typename Load>
void expect_refused(Load load, const std::string& part) {
    try {
        load();
        ADD_FAILURE() << "expected an InputError mentioning \"" << part << "\"";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
    }
}

void expect_checkpoint_refused(const std::string& fixture, const std::string& part) {
    SCOPED_TRACE(fixture);
    expect_refused([&] { read_torch_checkpoint(kFixtures / fixture); }, part);
}

TEST(TorchCheckpoint, ReadsAModuleStateDict) {
    const TensorMap tensors = read_torch_checkpoint(kFixtures / "pytorch_model.bin");
    EXPECT_EQ(names(tensors), (std::set<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "step", "mask"}));
    expect_tensor(tensors, "0.weight", ramp({3, 4}, 0.5, 0));
    expect_tensor(tensors, "0.bias", ramp({3}, 0.25, -1));
    expect_tensor(tensors, "1.weight", ramp({3}, 1, 1));
    expect_tensor(tensors, "1.bias", ramp({3}, -0.5, 0));
    expect_tensor(tensors, "step", at::scalar_tensor(5, at::kLong));
    expect_tensor(tensors, "mask", at::tensor(std::vector<std::uint8_t>{1, 0, 1}).to(at::kBool));
}

TEST(TorchCheckpoint, TakesTheStateDictOfALightningCheckpoint) {
    // The file also holds callbacks keyed by class, numpy scalars and optimizer state; none of it is weights.
    const TensorMap tensors = read_torch_checkpoint(kFixtures / "lightning.ckpt");
    EXPECT_EQ(names(tensors), (std::set<std::string>{"model.diffusion_model.proj.weight", "model_ema.decay",
                                                     "model_ema.num_updates", "cond_stage_model.proj"}));
    expect_tensor(tensors, "model.diffusion_model.proj.weight", ramp({2, 3}, 0.125, 2));
    expect_tensor(tensors, "model_ema.decay", at::scalar_tensor(0.9999, at::kFloat));
    expect_tensor(tensors, "model_ema.num_updates", at::scalar_tensor(42, at::kInt));
    expect_tensor(tensors, "cond_stage_model.proj", ramp({2}, 3, -2));
}

TEST(TorchCheckpoint, KeepsHalfAndBFloat16) {
    const TensorMap tensors = read_torch_checkpoint(kFixtures / "half_precision.pt");
    expect_tensor(tensors, "f16", ramp({2, 4}, 0.5, -2, at::kHalf));
    expect_tensor(tensors, "bf16", ramp({4, 2}, 0.25, 1, at::kBFloat16));
}

TEST(TorchCheckpoint, ViewsShareTheirStorageWithTheirStrides) {
    const TensorMap tensors = read_torch_checkpoint(kFixtures / "shared_views.pt");
    const at::Tensor base = ramp({4, 6}, 1, 0);
    expect_tensor(tensors, "base", base);
    expect_tensor(tensors, "row", base[1]);
    expect_tensor(tensors, "column", base.select(1, 2));
    expect_tensor(tensors, "transposed", base.t());
    expect_tensor(tensors, "window", base.slice(0, 1, 3).slice(1, 2, 5));

    EXPECT_EQ(tensors.at("transposed").strides(), (std::vector<std::int64_t>{1, 6}));
    EXPECT_EQ(tensors.at("column").strides(), (std::vector<std::int64_t>{6}));
    EXPECT_EQ(tensors.at("window").storage_offset(), 8);
    for (const char* view : {"row", "column", "transposed", "window"})
        EXPECT_TRUE(tensors.at(view).storage().is_alias_of(tensors.at("base").storage())) << view;
}

TEST(TorchCheckpoint, ReadsPickleProtocol4) {
    const TensorMap tensors = read_torch_checkpoint(kFixtures / "protocol4.pt");
    expect_tensor(tensors, "weight", ramp({3, 2}, 2, 1));
    expect_tensor(tensors, "nested.bias", ramp({2}, 1, 0.5));
}

TEST(TorchCheckpoint, RefusesToCallOsSystemAndRunsNothing) {
    const std::filesystem::path witness = "/tmp/facemix_pwned";
    std::filesystem::remove(witness);
    expect_checkpoint_refused("os_system.ckpt", "refuses to load: the pickle calls os.system");
    expect_checkpoint_refused("builtins_eval.ckpt", "the pickle calls builtins.eval");
    EXPECT_FALSE(std::filesystem::exists(witness));
}

TEST(TorchCheckpoint, RefusesAZipBombBeforeInflatingIt) {
    expect_checkpoint_refused("zip_bomb.pt", "zip bomb");
}

TEST(TorchCheckpoint, RefusesDamagedAndInconsistentFiles) {
    expect_checkpoint_refused("truncated.pt", "truncated");
    expect_checkpoint_refused("storage_too_small.pt", "tensor w reaches outside its storage 0 of 6 elements");
    expect_checkpoint_refused("storage_size_mismatch.pt", "storage 0 holds 32 bytes but its tensors need 48");
    expect_checkpoint_refused("big_endian.pt", "big-endian");
    expect_checkpoint_refused("legacy.pt", "before 1.6");
    expect_checkpoint_refused("no_such_file.pt", "no such file");
}

TEST(TorchCheckpoint, RefusesFilesThatAreNotCheckpoints) {
    const test::TempDir dir;
    std::ofstream(dir.path() / "notes.ckpt") << "just some text";
    expect_refused([&] { read_torch_checkpoint(dir.path() / "notes.ckpt"); }, "not a PyTorch checkpoint");
}

// --- pickles written byte by byte ------------------------------------------------------------

std::string u32(std::uint32_t value) {
    std::string bytes;
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((value >> (8 * i)) & 0xFF);
    return bytes;
}
std::string unicode(const std::string& text) { return "X" + u32(static_cast<std::uint32_t>(text.size())) + text; }
std::span<const std::uint8_t> as_bytes(const std::string& pickle) {
    return {reinterpret_cast<const std::uint8_t*>(pickle.data()), pickle.size()};
}
PickleDocument run(const std::string& pickle, const PickleLimits& limits = {}) {
    return run_pickle(as_bytes(pickle), "test.pkl", limits);
}
void expect_pickle_refused(const std::string& pickle, const std::string& part, const PickleLimits& limits = {}) {
    expect_refused([&] { run(pickle, limits); }, part);
}

using Kind = PickleValue::Kind;
using namespace std::string_literals;

TEST(PickleMachine, BuildsScalarsAndContainers) {
    const std::string pickle = "\x80\x02}q\x00("s +                           //
                               unicode("small") + "K\x07" +                              //
                               unicode("word") + "M\x34\x12" +                           //
                               unicode("negative") + "J" + u32(0xFFFFFFFD) +             //
                               unicode("long") + std::string("\x8a\x02\x00\xff", 4) +    // -256
                               unicode("huge") + std::string("\x8a\x09") + std::string(8, '\0') + "\x01" +
                               unicode("real") + std::string("G\x3f\xf8\0\0\0\0\0\0", 9) +  // 1.5
                               unicode("flags") + "\x88\x89N\x87" +                      //
                               unicode("list") + "](K\x01K\x02" "e" +                       //
                               unicode("bytes") + "C\x02hi" + "u.";
    const PickleDocument document = run(pickle);
    const PickleValue& root = document.root();
    ASSERT_TRUE(root.is(Kind::Dict));
    EXPECT_EQ(root.find("small")->integer, 7);
    EXPECT_EQ(root.find("word")->integer, 0x1234);
    EXPECT_EQ(root.find("negative")->integer, -3);
    EXPECT_EQ(root.find("long")->integer, -256);
    EXPECT_TRUE(root.find("huge")->is(Kind::LargeInt));
    EXPECT_EQ(root.find("real")->number, 1.5);
    const PickleValue* flags = root.find("flags");
    ASSERT_TRUE(flags->is(Kind::Tuple));
    ASSERT_EQ(flags->items.size(), 3u);
    EXPECT_TRUE(flags->items[0]->flag);
    EXPECT_FALSE(flags->items[1]->flag);
    EXPECT_TRUE(flags->items[2]->is(Kind::None));
    ASSERT_EQ(root.find("list")->items.size(), 2u);
    EXPECT_EQ(root.find("list")->items[1]->integer, 2);
    EXPECT_TRUE(root.find("bytes")->is(Kind::Bytes));
    EXPECT_EQ(root.find("bytes")->text, "hi");
    EXPECT_EQ(root.find("missing"), nullptr);
}

TEST(PickleMachine, MemoSharesOneValue) {
    const PickleDocument document = run("\x80\x02]q\x05h\x05\x86.");
    ASSERT_EQ(document.root().items.size(), 2u);
    EXPECT_EQ(document.root().items[0], document.root().items[1]);
}

TEST(PickleMachine, NamingAGlobalIsNotCallingIt) {
    const PickleDocument document = run("\x80\x02\x63os\nsystem\n.");
    EXPECT_TRUE(document.root().is(Kind::Global));
    EXPECT_EQ(document.root().text, "os.system");
}

TEST(PickleMachine, RefusesCallsOutsideTheAllowList) {
    expect_pickle_refused("\x80\x02\x63os\nsystem\n(" + unicode("id") + "tR.", "the pickle calls os.system");
    expect_pickle_refused("\x80\x04" + std::string("\x8c\x0asubprocess\x8c\x05Popen\x93") + ")\x81.",
                          "the pickle calls subprocess.Popen");
    expect_pickle_refused("\x80\x02\x63__builtin__\nexec\n)R.", "the pickle calls builtins.exec");
}

TEST(PickleMachine, RefusesHostileShapes) {
    expect_pickle_refused("\x80\x02" + std::string(100000, '(') + ".", "levels of nesting");
    expect_pickle_refused("\x80\x02j" + u32(0xFFFFFFFF) + ".", "memo entry 4294967295, which was never stored");
    expect_pickle_refused("\x80\x02\xff.", "opcode 0xff at byte 2");
    expect_pickle_refused("\x80\x02X" + u32(100) + "ab", "cut short");
    expect_pickle_refused("\x80\x02N", "cut short");
    expect_pickle_refused("\x80\x02\x8d" + std::string(7, '\0') + "\x7f", "bytes in one string");
    expect_pickle_refused("\x80\x02.", "stack");
    expect_pickle_refused("\x80\x02K\x01K\x02K\x03s.", "not a dict");
    expect_pickle_refused("\x80\x02)K\x01" "a.", "not a list");
}

TEST(PickleMachine, EnforcesItsLimits) {
    PickleLimits limits;
    limits.max_instructions = 10;
    expect_pickle_refused("\x80\x02" + std::string(20, 'N') + ".", "10 instructions", limits);
    limits = {};
    limits.max_memo = 4;
    expect_pickle_refused("\x80\x02Nq\x01q\x02q\x03q\x04q\x05.", "4 memo entries", limits);
    limits = {};
    limits.max_values = 3;
    expect_pickle_refused("\x80\x02NNNN.", "3 values", limits);
    limits = {};
    limits.max_string_bytes = 4;
    expect_pickle_refused("\x80\x02" + unicode("hello") + ".", "4 bytes in one string", limits);
}

TEST(TorchCheckpointLayout, RefusesCyclesAndExponentialSharing) {
    // {"a": <itself>}
    const PickleDocument cycle = run("\x80\x02}q\x00"s + unicode("a") + "h\x00s."s);
    expect_refused([&] { torch_weights_layout(cycle.root(), "cycle.pkl"); }, "nests dicts more than");

    // d[k+1] = {"a": d[k], "b": d[k]}: 40 levels are 2^40 paths.
    std::string pickle = "\x80\x02}q\x00"s;
    for (int k = 0; k < 40; ++k)
        pickle += std::string("}q") + static_cast<char>(k + 1) + "(" + unicode("a") + "h" + static_cast<char>(k) +
                  unicode("b") + "h" + static_cast<char>(k) + "u";
    const PickleDocument shared = run(pickle + ".");
    expect_refused([&] { torch_weights_layout(shared.root(), "shared.pkl"); }, "repeats its values");
}

}  // namespace
}  // namespace facemix

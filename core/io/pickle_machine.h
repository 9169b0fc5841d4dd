#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace facemix {

// One value a pickle built. The machine never runs anything a pickle names: a call to one of
// the globals it accepts is kept as a Call record (the global's name and its arguments) for the
// reader above to interpret as data. Values point at each other without owning each other
// (pickles may share and even nest values in cycles); the PickleDocument owns them all.
struct PickleValue {
    enum class Kind { None, Bool, Int, LargeInt, Float, String, Bytes, List, Tuple, Set, Dict, Global, Call, PersistentId };

    Kind kind = Kind::None;
    bool flag = false;          // Bool
    std::int64_t integer = 0;   // Int
    double number = 0;          // Float
    // String and Bytes: the contents. LargeInt: the two's-complement little-endian bytes of an
    // integer wider than 64 bits. Global and Call: the global's "module.name".
    std::string text;
    // List, Tuple, Set: the elements. Call: the arguments. PersistentId: the one id value.
    std::vector<const PickleValue*> items;
    // Dict: key/value pairs in pickle order. Duplicate keys are kept; the last one is Python's value.
    std::vector<std::pair<const PickleValue*, const PickleValue*>> entries;
    // Call: the state a BUILD gave it (nullptr if none). Readers ignore it; it is kept so that
    // nothing in the pickle is silently lost to a debugger.
    const PickleValue* state = nullptr;

    bool is(Kind k) const { return kind == k; }
    bool is_string(std::string_view s) const { return kind == Kind::String && text == s; }
    // The value stored under a string key of a Dict (the last one, as in Python), or nullptr.
    const PickleValue* find(std::string_view key) const;
};

// Bounds that keep a hostile pickle from exhausting time or memory. Real torch.save pickles
// stay orders of magnitude below them: a Stable Diffusion checkpoint with optimizer state needs
// about 10^5 values and nests 6 deep.
struct PickleLimits {
    std::size_t max_instructions = std::size_t{1} << 26;
    std::size_t max_values = std::size_t{1} << 21;
    std::size_t max_memo = std::size_t{1} << 21;
    std::size_t max_depth = 256;                            // open MARKs at once
    std::size_t max_string_bytes = std::size_t{64} << 20;  // one string or bytes value
};

// Everything one pickle built; root() is the value STOP returned.
class PickleDocument {
public:
    const PickleValue& root() const { return *root_; }
    std::size_t value_count() const { return values_.size(); }

private:
    friend class PickleMachine;
    std::deque<PickleValue> values_;  // a deque so that pointers stay valid while it grows
    const PickleValue* root_ = nullptr;
};

// Runs a pickle (protocols 0 to 5, the opcodes torch.save and Lightning emit, without the
// text-protocol INST/OBJ/PERSID forms) and returns what it built. `source` names the file in
// messages. A call (REDUCE, NEWOBJ) is accepted only for the globals listed in
// pickle_machine.cpp; any other call refuses the whole pickle, naming the global. Merely naming a
// global is accepted and yields a Global value, because nothing is imported or run either way
// and real checkpoints use classes as plain data (Lightning < 1.5 keys its callback states by
// class). Throws InputError for anything malformed or over `limits`.
PickleDocument run_pickle(std::span<const std::uint8_t> bytes, const std::string& source, const PickleLimits& limits = {});

}  // namespace facemix

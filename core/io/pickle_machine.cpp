#include "io/pickle_machine.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <unordered_map>

namespace facemix {
namespace {

// Globals a pickle may call. Each call is kept as a record and never run; the list exists so
// that a pickle asking for anything else (os.system, builtins.eval, a user's class whose
// constructor would run code in Python) is refused outright instead of being carried along.
// The tensor-rebuilding functions are what torch.save emits for every tensor and parameter.
// The numpy, codecs, set and torch.Size entries are plain data that training bookkeeping
// (Lightning callback and optimizer states) pickles; they are accepted so that such
// checkpoints load, and readers treat them as opaque.
constexpr std::array kCallableGlobals = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch.Size",
    "numpy.core.multiarray.scalar",
    "numpy._core.multiarray.scalar",
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.dtype",
    "_codecs.encode",
    "builtins.set",
    "builtins.frozenset",
};

bool is_callable_global(std::string_view name) {
    return std::find(kCallableGlobals.begin(), kCallableGlobals.end(), name) != kCallableGlobals.end();
}

// Protocol 2 writes Python 3's builtins under its Python 2 name.
std::string global_name(std::string_view module, std::string_view name) {
    return std::string(module == "__builtin__" ? "builtins" : module) + "." + std::string(name);
}

}  // namespace

class PickleMachine {
public:
    PickleMachine(std::span<const std::uint8_t> bytes, const std::string& source, const PickleLimits& limits)
        : bytes_(bytes), source_(source), limits_(limits) {}

    PickleDocument run() {
        std::size_t instructions = 0;
        while (true) {
            if (++instructions > limits_.max_instructions) over_limit(limits_.max_instructions, "instructions");
            const std::size_t opcode_at = at_;
            const std::uint8_t opcode = byte();
            if (opcode == '.') {
                document_.root_ = pop();
                return std::move(document_);
            }
            step(opcode, opcode_at);
        }
    }

private:
    using Kind = PickleValue::Kind;

    [[noreturn]] void malformed(const std::string& what) const {
        throw InputError(source_ + ": the checkpoint's pickle is malformed (" + what + ")");
    }
    [[noreturn]] void over_limit(std::size_t limit, const std::string& what) const {
        throw InputError(source_ + ": refuses to load: the pickle needs more than " + std::to_string(limit) + " " + what +
                         ", far beyond any real checkpoint");
    }

    // --- reading the stream ---------------------------------------------------------------
    std::span<const std::uint8_t> take(std::uint64_t count) {
        if (count > bytes_.size() - at_) throw InputError(source_ + ": the checkpoint's pickle is cut short");
        const auto part = bytes_.subspan(at_, static_cast<std::size_t>(count));
        at_ += static_cast<std::size_t>(count);
        return part;
    }
    std::uint8_t byte() { return take(1)[0]; }
    std::uint64_t little_endian(std::size_t width) {
        const auto part = take(width);
        std::uint64_t value = 0;
        for (std::size_t i = width; i-- > 0;) value = (value << 8) | part[i];
        return value;
    }
    std::string text(std::uint64_t length) {
        if (length > limits_.max_string_bytes) over_limit(limits_.max_string_bytes, "bytes in one string");
        const auto part = take(length);
        return {part.begin(), part.end()};
    }
    std::string line() {
        const auto rest = bytes_.subspan(at_);
        const auto end = std::find(rest.begin(), rest.end(), std::uint8_t{'\n'});
        if (end == rest.end()) throw InputError(source_ + ": the checkpoint's pickle is cut short");
        std::string result = text(static_cast<std::uint64_t>(end - rest.begin()));
        ++at_;
        return result;
    }

    // --- values -----------------------------------------------------------------------------
    PickleValue* make(Kind kind) {
        if (document_.values_.size() >= limits_.max_values) over_limit(limits_.max_values, "values");
        PickleValue& value = document_.values_.emplace_back();
        value.kind = kind;
        return &value;
    }
    PickleValue* make_int(std::int64_t integer) {
        PickleValue* value = make(Kind::Int);
        value->integer = integer;
        return value;
    }
    PickleValue* make_text(Kind kind, std::string contents) {
        PickleValue* value = make(kind);
        value->text = std::move(contents);
        return value;
    }
    PickleValue* make_long(std::span<const std::uint8_t> digits) {
        if (digits.size() > 8) return make_text(Kind::LargeInt, std::string(digits.begin(), digits.end()));
        std::uint64_t bits = 0;
        for (std::size_t i = digits.size(); i-- > 0;) bits = (bits << 8) | digits[i];
        const std::size_t unused = 64 - 8 * digits.size();
        if (unused > 0 && unused < 64 && (digits.back() & 0x80)) bits |= ~std::uint64_t{0} << (64 - unused);
        return make_int(std::bit_cast<std::int64_t>(bits));
    }

    // --- the stack, the marks and the memo ----------------------------------------------------
    void push(PickleValue* value) { stack_.push_back(value); }
    PickleValue* pop() {
        if (stack_.size() <= stack_floor()) malformed("an instruction takes more values than the stack holds");
        PickleValue* value = stack_.back();
        stack_.pop_back();
        return value;
    }
    PickleValue* top() {
        if (stack_.size() <= stack_floor()) malformed("an instruction needs a value but the stack is empty");
        return stack_.back();
    }
    std::size_t stack_floor() const { return marks_.empty() ? 0 : marks_.back(); }
    void mark() {
        if (marks_.size() >= limits_.max_depth) over_limit(limits_.max_depth, "levels of nesting");
        marks_.push_back(stack_.size());
    }
    // The values pushed since the last MARK, which is removed.
    std::vector<const PickleValue*> pop_mark() {
        if (marks_.empty()) malformed("an instruction needs a MARK that is not there");
        const std::size_t from = marks_.back();
        marks_.pop_back();
        std::vector<const PickleValue*> items(stack_.begin() + static_cast<std::ptrdiff_t>(from), stack_.end());
        stack_.resize(from);
        return items;
    }
    void memo_put(std::uint64_t index) {
        PickleValue* value = top();
        if (memo_.size() >= limits_.max_memo && !memo_.contains(index)) over_limit(limits_.max_memo, "memo entries");
        memo_[index] = value;
    }
    PickleValue* memo_get(std::uint64_t index) const {
        const auto found = memo_.find(index);
        if (found == memo_.end()) malformed("it refers to memo entry " + std::to_string(index) + ", which was never stored");
        return found->second;
    }

    // --- building containers --------------------------------------------------------------
    PickleValue* tuple(std::vector<const PickleValue*> items) {
        PickleValue* value = make(Kind::Tuple);
        value->items = std::move(items);
        return value;
    }
    void append(std::vector<const PickleValue*> items) {
        PickleValue* list = top();
        if (!list->is(Kind::List)) malformed("APPEND on a value that is not a list");
        list->items.insert(list->items.end(), items.begin(), items.end());
    }
    void add_to_set(std::vector<const PickleValue*> items) {
        PickleValue* set = top();
        if (!set->is(Kind::Set)) malformed("ADDITEMS on a value that is not a set");
        set->items.insert(set->items.end(), items.begin(), items.end());
    }
    void set_items(const std::vector<const PickleValue*>& pairs) {
        if (pairs.size() % 2 != 0) malformed("SETITEMS with a key that has no value");
        PickleValue* dict = top();
        if (!dict->is(Kind::Dict)) malformed("SETITEM on a value that is not a dict");
        for (std::size_t i = 0; i < pairs.size(); i += 2) dict->entries.emplace_back(pairs[i], pairs[i + 1]);
    }

    // REDUCE and NEWOBJ: apply an accepted global to arguments, as a record.
    PickleValue* call(const PickleValue* callee, const PickleValue* arguments) {
        if (!callee->is(Kind::Global)) malformed("it calls a value that is not a global");
        if (!is_callable_global(callee->text))
            throw InputError(source_ + ": refuses to load: the pickle calls " + callee->text +
                             ", which a checkpoint has no reason to use");
        if (!arguments->is(Kind::Tuple)) malformed("the arguments of " + callee->text + " are not a tuple");
        if (callee->text == "collections.OrderedDict") {
            // Python pickles an OrderedDict as an empty call followed by SETITEMS.
            if (!arguments->items.empty()) malformed("collections.OrderedDict is given arguments");
            return make(Kind::Dict);
        }
        PickleValue* record = make_text(Kind::Call, callee->text);
        record->items = arguments->items;
        return record;
    }
    void build() {
        const PickleValue* state = pop();
        PickleValue* object = top();
        // A dict's state is its Python attributes (state_dict()'s `_metadata`), not data we read.
        if (object->is(Kind::Dict)) return;
        if (!object->is(Kind::Call)) malformed("BUILD on a value that no accepted global made");
        object->state = state;
    }

    void step(std::uint8_t opcode, std::size_t opcode_at) {
        switch (opcode) {
        case 0x80:  // PROTO
            if (byte() > 5) malformed("it declares a pickle protocol newer than 5");
            return;
        case 0x95: take(8); return;  // FRAME: only a read-ahead hint
        case '}': push(make(Kind::Dict)); return;
        case ']': push(make(Kind::List)); return;
        case ')': push(make(Kind::Tuple)); return;
        case 0x8f: push(make(Kind::Set)); return;
        case '(': mark(); return;
        case 'N': push(make(Kind::None)); return;
        case 0x88:
        case 0x89: {
            PickleValue* value = make(Kind::Bool);
            value->flag = opcode == 0x88;
            push(value);
            return;
        }
        case 'J': push(make_int(std::bit_cast<std::int32_t>(static_cast<std::uint32_t>(little_endian(4))))); return;
        case 'K': push(make_int(static_cast<std::int64_t>(little_endian(1)))); return;
        case 'M': push(make_int(static_cast<std::int64_t>(little_endian(2)))); return;
        case 0x8a: push(make_long(take(byte()))); return;
        case 0x8b: {
            const auto length = std::bit_cast<std::int32_t>(static_cast<std::uint32_t>(little_endian(4)));
            if (length < 0) malformed("LONG4 with a negative length");
            if (static_cast<std::uint64_t>(length) > limits_.max_string_bytes)
                over_limit(limits_.max_string_bytes, "bytes in one integer");
            push(make_long(take(static_cast<std::uint64_t>(length))));
            return;
        }
        case 'G': push(make_float()); return;
        case 'X': push(make_text(Kind::String, text(little_endian(4)))); return;
        case 0x8d: push(make_text(Kind::String, text(little_endian(8)))); return;
        case 0x8c: push(make_text(Kind::String, text(byte()))); return;
        case 'T': push(make_text(Kind::String, text(little_endian(4)))); return;  // BINSTRING, Python 2 str
        case 'U': push(make_text(Kind::String, text(byte()))); return;            // SHORT_BINSTRING
        case 'C': push(make_text(Kind::Bytes, text(byte()))); return;
        case 'B': push(make_text(Kind::Bytes, text(little_endian(4)))); return;
        case 0x8e: push(make_text(Kind::Bytes, text(little_endian(8)))); return;
        case 0x96: push(make_text(Kind::Bytes, text(little_endian(8)))); return;  // BYTEARRAY8
        case 0x85: push(tuple(take_top(1))); return;
        case 0x86: push(tuple(take_top(2))); return;
        case 0x87: push(tuple(take_top(3))); return;
        case 't': push(tuple(pop_mark())); return;
        case 0x91: {  // FROZENSET
            PickleValue* set = make(Kind::Set);
            set->items = pop_mark();
            push(set);
            return;
        }
        case 'a': append(take_top(1)); return;
        case 'e': append(pop_mark()); return;
        case 0x90: add_to_set(pop_mark()); return;
        case 's': set_items(take_top(2)); return;
        case 'u': set_items(pop_mark()); return;
        case '0': pop(); return;
        case '1': pop_mark(); return;
        case '2': push(top()); return;
        case 'q': memo_put(little_endian(1)); return;
        case 'r': memo_put(little_endian(4)); return;
        case 0x94: memo_put(memo_.size()); return;
        case 'h': push(memo_get(little_endian(1))); return;
        case 'j': push(memo_get(little_endian(4))); return;
        case 'c': {
            const std::string module = line();
            push(make_text(Kind::Global, global_name(module, line())));
            return;
        }
        case 0x93: {  // STACK_GLOBAL
            const PickleValue* name = pop();
            const PickleValue* module = pop();
            if (!module->is(Kind::String) || !name->is(Kind::String)) malformed("STACK_GLOBAL without two strings");
            push(make_text(Kind::Global, global_name(module->text, name->text)));
            return;
        }
        case 'R': {
            const PickleValue* arguments = pop();
            push(call(pop(), arguments));
            return;
        }
        case 0x81: {  // NEWOBJ
            const PickleValue* arguments = pop();
            push(call(pop(), arguments));
            return;
        }
        case 0x92: {  // NEWOBJ_EX
            const PickleValue* keywords = pop();
            const PickleValue* arguments = pop();
            if (!keywords->is(Kind::Dict) || !keywords->entries.empty()) malformed("NEWOBJ_EX with keyword arguments");
            push(call(pop(), arguments));
            return;
        }
        case 'b': build(); return;
        case 'Q': {  // BINPERSID: torch.save's reference to a storage kept beside the pickle
            PickleValue* reference = make(Kind::PersistentId);
            reference->items = {pop()};
            push(reference);
            return;
        }
        default: {
            static constexpr char kHex[] = "0123456789abcdef";
            const std::string hex = {kHex[opcode >> 4], kHex[opcode & 15]};
            throw InputError(source_ + ": the checkpoint's pickle uses opcode 0x" + hex + " at byte " +
                             std::to_string(opcode_at) + ", which torch.save never writes");
        }
        }
    }

    PickleValue* make_float() {
        const auto part = take(8);
        std::uint64_t bits = 0;
        for (const std::uint8_t b : part) bits = (bits << 8) | b;  // big-endian
        PickleValue* value = make(Kind::Float);
        value->number = std::bit_cast<double>(bits);
        return value;
    }
    // The top `count` values of the stack, in stack order, removed from it.
    std::vector<const PickleValue*> take_top(std::size_t count) {
        if (stack_.size() < stack_floor() + count) malformed("an instruction takes more values than the stack holds");
        std::vector<const PickleValue*> items(stack_.end() - static_cast<std::ptrdiff_t>(count), stack_.end());
        stack_.resize(stack_.size() - count);
        return items;
    }

    std::span<const std::uint8_t> bytes_;
    std::size_t at_ = 0;
    const std::string& source_;
    const PickleLimits& limits_;
    PickleDocument document_;
    std::vector<PickleValue*> stack_;
    std::vector<std::size_t> marks_;
    std::unordered_map<std::uint64_t, PickleValue*> memo_;
};

const PickleValue* PickleValue::find(std::string_view key) const {
    if (kind != Kind::Dict) return nullptr;
    for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry)
        if (entry->first->is_string(key)) return entry->second;
    return nullptr;
}

PickleDocument run_pickle(std::span<const std::uint8_t> bytes, const std::string& source, const PickleLimits& limits) {
    return PickleMachine(bytes, source, limits).run();
}

}  // namespace facemix

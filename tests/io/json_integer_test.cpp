#include "common/error.h"
#include "io/json_error.h"
#include "io/json_integer.h"
#include "support/input_error.h"

#include <functional>

#include <gtest/gtest.h>

namespace facemix {
// Named, so that its helpers stay its own in a unity batch.
namespace json_integer_test {

using nlohmann::json;

// What nlohmann's exception from `read` says, in words, or "accepted".
std::string refusal(const std::function<void()>& read) {
    try {
        read();
    } catch (const json::exception& error) {
        return json_error_words(error);
    }
    return "accepted";
}

TEST(JsonInteger, ReadsWholeNumbersWrittenAsIntegersOrFloats) {
    EXPECT_EQ(json_integer<int>(json(64)), 64);
    EXPECT_EQ(json_integer<int>(json(64.0)), 64);
    EXPECT_EQ(json_integer<std::int64_t>(json(-5.0)), -5);
    EXPECT_EQ(json_integer<std::uint64_t>(json(18446744073709551615u)), 18446744073709551615u);
}

// A float the type cannot hold, or with a fraction, is refused with words, not cast (undefined) or cut.
TEST(JsonInteger, RefusesOutOfRangeFractionalAndNonNumbersInWords) {
    EXPECT_EQ(refusal([] { return json_integer<int>(json(1e300)); }),
              "a whole number from -2147483648 to 2147483647 was expected, not 1e+300");
    EXPECT_EQ(refusal([] { return json_integer<std::size_t>(json(-5.0)); }),
              "a whole number from 0 to 18446744073709551615 was expected, not -5");
    EXPECT_EQ(refusal([] { return json_integer<int>(json(2.5)); }), "a whole number from -2147483648 to 2147483647 was expected, not 2.5");
    EXPECT_EQ(refusal([] { return json_integer<int>(json("64")); }), "a whole number was expected, not a string");
    EXPECT_EQ(refusal([] { return json_integer<int>(json::array()); }), "a whole number was expected, not an array");
}

TEST(JsonWholeNumber, NamesTheFileTheKeyAndTheRange) {
    const json object = {{"steps", 1e300}, {"size", -5.0}, {"big", 5000000000}, {"seed", -1}, {"ok", 12}};
    const auto message = test::input_error;
    EXPECT_EQ(message([&] { return json_whole_number<std::int64_t>(object, "steps", "run.json", 1, 1000); }),
              "run.json: \"steps\" must be a whole number from 1 to 1000, not 1e+300.");
    EXPECT_EQ(message([&] { return json_whole_number<int>(object, "size", "run.json", 1, 4096); }),
              "run.json: \"size\" must be a whole number from 1 to 4096, not -5.0.");
    EXPECT_EQ(message([&] { return json_whole_number<int>(object, "big", "run.json", 0, 2147483647); }),
              "run.json: \"big\" must be a whole number from 0 to 2147483647, not 5000000000.");
    EXPECT_EQ(message([&] { return json_whole_number<std::uint64_t>(object, "seed", "run.json", 0, 18446744073709551615u); }),
              "run.json: \"seed\" must be a whole number from 0 to 18446744073709551615, not -1.");
    EXPECT_EQ(message([&] { return json_whole_number<int>(object, "absent", "run.json", 0, 9); }), "run.json has no \"absent\".");
    EXPECT_EQ(json_whole_number<int>(object, "absent", "run.json", 0, 9, 7), 7);
    EXPECT_EQ(json_whole_number<int>(object, "ok", "run.json", 0, 99), 12);
}

TEST(JsonErrorWords, PutsNlohmannsMessagesInWords) {
    EXPECT_EQ(refusal([] { return json({{"a", 1}}).at("b"); }), "\"b\" is missing");
    EXPECT_EQ(refusal([] { return json("x").get<std::vector<int>>(); }), "an array was expected, not a string");
    EXPECT_EQ(refusal([] { return json::array().at("key"); }), "an object was expected, not an array");
    EXPECT_EQ(refusal([] { return json::parse("{nope"); }), "it is not valid JSON");
}

}  // namespace json_integer_test
}  // namespace facemix

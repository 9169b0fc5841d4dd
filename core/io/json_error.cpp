#include "io/json_error.h"

#include <regex>

namespace facemix {
namespace {

// nlohmann's type names (null, object, array, string, boolean, number, binary) with their article.
std::string a(const std::string& type) {
    return (type == "array" || type == "object" ? "an " : "a ") + type;
}

}  // namespace

std::string json_error_words(const nlohmann::json::exception& error) {
    std::string text = error.what();
    static const std::regex prefix(R"(^\[json\.exception\.[a-z_]+\.[0-9]+\] )");
    text = std::regex_replace(text, prefix, "");
    if (dynamic_cast<const nlohmann::json::parse_error*>(&error)) return "it is not valid JSON";
    std::smatch match;
    static const std::regex wrong_type(R"(^type must be ([a-z]+), but is ([a-z]+)$)");
    if (std::regex_match(text, match, wrong_type)) return a(match[1].str()) + " was expected, not " + a(match[2].str());
    static const std::regex missing_key(R"(^key '(.*)' not found$)");
    if (std::regex_match(text, match, missing_key)) return "\"" + match[1].str() + "\" is missing";
    static const std::regex not_object(R"(^cannot use (at\(\)|value\(\)|operator\[\]).* with ([a-z]+)$)");
    if (std::regex_match(text, match, not_object)) return "an object was expected, not " + a(match[2].str());
    static const std::regex short_array(R"(^array index ([0-9]+) is out of range$)");
    if (std::regex_match(text, match, short_array)) return "a list is too short (it has no item " + match[1].str() + ")";
    static const std::regex reference(R"(^incompatible ReferenceType for get_ref, actual type is ([a-z]+)$)");
    if (std::regex_match(text, match, reference)) return "a value has the wrong type (" + a(match[1].str()) + ")";
    return text;
}

}  // namespace facemix

#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace facemix {

// nlohmann::json reads a JSON float into an integer type with a plain cast, which is undefined
// behaviour when the float is outside the type's range (1e300 as an int, -5.0 as a size; found by
// tools/fuzz.sh), and silently drops a fraction (2.5 as 2). These read whole numbers: an integer as
// nlohmann does, a float only when it is whole and the type can hold it; anything else throws a
// type_error saying so in words (io/json_error.h), which every reader already turns into an InputError.
template <std::integral T>
T json_integer(const nlohmann::json& value) {
    if (value.is_number_unsigned() || value.is_number_integer()) return value.get<T>();  // modulo 2^n, defined
    if (value.is_number_float()) {
        const double number = value.get<double>();
        const double bound = std::ldexp(1.0, std::numeric_limits<T>::digits);
        const double low = std::numeric_limits<T>::is_signed ? -bound : 0.0;
        if (std::trunc(number) == number && number >= low && number < bound) return static_cast<T>(number);
        std::ostringstream message;
        message << "a whole number from " << +std::numeric_limits<T>::min() << " to " << +std::numeric_limits<T>::max()
                << " was expected, not " << number;
        throw nlohmann::json::type_error::create(302, message.str(), &value);
    }
    throw nlohmann::json::type_error::create(302, std::string("a whole number was expected, not ") +
                                                      (value.is_array() || value.is_object() ? "an " : "a ") + value.type_name(),
                                             &value);
}

template <std::integral T>
std::vector<T> json_integers(const nlohmann::json& array) {
    std::vector<T> values;
    for (const auto& value : array.get_ref<const nlohmann::json::array_t&>()) values.push_back(json_integer<T>(value));
    return values;
}

// json.value(key, fallback) for a whole number.
template <std::integral T>
T json_integer_or(const nlohmann::json& object, const std::string& key, T fallback) {
    if (!object.is_object()) return object.value(key, fallback);  // throws type_error as value() does
    const auto found = object.find(key);
    return found == object.end() ? fallback : json_integer<T>(*found);
}

// object[key] as a whole number in [low, high] (`fallback` when the key is absent and a fallback is
// given), for readers of files: anything else is an InputError, one sentence naming `what` (the file)
// and the key, e.g. 'unet/config.json: "sample_size" must be a whole number from 1 to 4096, not 1e+300.'
template <std::integral T>
T json_whole_number(const nlohmann::json& object, const std::string& key, const std::string& what, T low, T high,
                    std::optional<T> fallback = std::nullopt) {
    if (!object.is_object()) throw InputError(what + " is not a JSON object.");
    const auto found = object.find(key);
    if (found == object.end()) {
        if (fallback) return *fallback;
        throw InputError(what + " has no \"" + key + "\".");
    }
    const auto refuse = [&] {
        return InputError(what + ": \"" + key + "\" must be a whole number from " + std::to_string(low) + " to " +
                          std::to_string(high) + ", not " + found->dump() + ".");
    };
    T value{};
    try {
        value = json_integer<T>(*found);
    } catch (const nlohmann::json::exception&) {
        throw refuse();
    }
    // An integer outside T's range converts modulo 2^n; compare the JSON's own number to catch it.
    const bool fits = found->is_number_unsigned() ? found->get<std::uint64_t>() == static_cast<std::uint64_t>(value)
                      : found->is_number_integer() ? found->get<std::int64_t>() == static_cast<std::int64_t>(value)
                                                   : true;
    if constexpr (std::is_unsigned_v<T>)
        if (found->is_number_integer() && !found->is_number_unsigned() && found->get<std::int64_t>() < 0) throw refuse();
    if (!fits || value < low || value > high) throw refuse();
    return value;
}

}  // namespace facemix

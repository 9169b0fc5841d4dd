#pragma once

#include <cmath>
#include <concepts>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace facemix {

// nlohmann::json reads a JSON float into an integer type with a plain cast, which is undefined
// behaviour when the float is outside the type's range (1e300 as an int, -5.0 as a size; found by
// tools/fuzz.sh). These read whole numbers as nlohmann does, and throw its type_error, which every
// reader already turns into an InputError, for a float the type cannot hold (or a non-number).
template <std::integral T>
T json_integer(const nlohmann::json& value) {
    if (value.is_number_float()) {
        const double whole = std::trunc(value.get<double>());
        const double bound = std::ldexp(1.0, std::numeric_limits<T>::digits);
        if (whole >= (std::numeric_limits<T>::is_signed ? -bound : 0.0) && whole < bound) return static_cast<T>(whole);
    } else if (value.is_number_unsigned() || value.is_number_integer()) {
        return value.get<T>();  // integer to integer converts modulo 2^n, which is defined
    }
    // The reference type does not match a float or a non-number, so this throws type_error 303.
    return static_cast<T>(value.get_ref<const nlohmann::json::number_integer_t&>());
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

}  // namespace facemix

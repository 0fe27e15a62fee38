// reports/schema_check.cc: see schema_check.h.
#include "reports/schema_check.h"

#include <regex>
#include <set>

namespace ravel::report {
namespace {

using Json = nlohmann::json;

const std::set<std::string>& known_keywords() {
  static const std::set<std::string> k = {
      "$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
      "additionalProperties", "items", "enum", "const", "minimum", "pattern", "examples"};
  return k;
}

bool type_matches(const std::string& type, const Json& v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  return false;
}

class Validator {
 public:
  explicit Validator(const Json& root) : root_(root) {}

  bool check(const Json& s, const Json& v, const std::string& path) {
    for (const auto& [key, _] : s.items()) {
      if (!known_keywords().count(key)) return fail(path, "schema keyword '" + key + "' is not supported");
    }
    if (s.contains("$ref")) {
      std::string ref = s["$ref"];
      const std::string prefix = "#/$defs/";
      if (ref.rfind(prefix, 0) != 0 || !root_["$defs"].contains(ref.substr(prefix.size()))) {
        return fail(path, "unresolvable $ref " + ref);
      }
      if (!check(root_["$defs"][ref.substr(prefix.size())], v, path)) return false;
    }
    if (s.contains("type")) {
      const Json& t = s["type"];
      bool ok = false;
      if (t.is_string()) ok = type_matches(t, v);
      for (const Json& alt : t.is_array() ? t : Json::array()) ok = ok || type_matches(alt, v);
      if (!ok) return fail(path, "expected type " + t.dump() + ", got " + v.type_name());
    }
    if (s.contains("const") && s["const"] != v) return fail(path, "expected " + s["const"].dump());
    if (s.contains("enum")) {
      bool ok = false;
      for (const Json& e : s["enum"]) ok = ok || e == v;
      if (!ok) return fail(path, v.dump() + " is not one of " + s["enum"].dump());
    }
    if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>()) {
      return fail(path, v.dump() + " is below the minimum " + s["minimum"].dump());
    }
    if (s.contains("pattern") && v.is_string() &&
        !std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>()))) {
      return fail(path, v.dump() + " does not match " + s["pattern"].dump());
    }
    if (v.is_object()) {
      for (const Json& r : s.value("required", Json::array())) {
        if (!v.contains(r.get<std::string>())) return fail(path, "missing property " + r.dump());
      }
      const Json props = s.value("properties", Json::object());
      for (const auto& [key, value] : v.items()) {
        if (props.contains(key)) {
          if (!check(props[key], value, path + "/" + key)) return false;
        } else if (s.contains("additionalProperties") && s["additionalProperties"] == false) {
          return fail(path, "unexpected property \"" + key + "\"");
        }
      }
    }
    if (v.is_array() && s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        if (!check(s["items"], v[i], path + "/" + std::to_string(i))) return false;
      }
    }
    return true;
  }

  std::string error;

 private:
  bool fail(const std::string& path, const std::string& what) {
    error = (path.empty() ? "/" : path) + ": " + what;
    return false;
  }
  const Json& root_;
};

}  // namespace

bool schema_validate(const nlohmann::json& schema, const nlohmann::json& doc, std::string* error) {
  Validator v(schema);
  if (v.check(schema, doc, "")) return true;
  *error = v.error;
  return false;
}

}  // namespace ravel::report

// tests/sarif/sarif_schema_check.cc: see sarif_schema_check.h.
#include "tests/sarif/sarif_schema_check.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <initializer_list>
#include <set>

namespace ravel::test {
namespace {

using nlohmann::json;
using Props = std::set<std::string>;

class Checker {
 public:
  std::vector<std::string> errors;

  void log(const json& j) {
    const std::string p = "sarifLog";
    if (!object(j, p, {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
                {"version", "runs"})) {
      return;
    }
    if (j.contains("$schema")) uri(j["$schema"], p + ".$schema");
    if (j["version"] != "2.1.0") err(p + ".version", "must be \"2.1.0\"");
    array_of(j["runs"], p + ".runs", [&](const json& r, const std::string& rp) { run(r, rp); });
    bag(j, p);
  }

 private:
  void err(const std::string& path, const std::string& what) { errors.push_back(path + ": " + what); }

  // An object with only `allowed` properties and every `required` one.
  bool object(const json& j, const std::string& p, const Props& allowed, const Props& required) {
    if (!j.is_object()) {
      err(p, "not an object");
      return false;
    }
    for (const auto& [k, v] : j.items()) {
      if (!allowed.count(k)) err(p + "." + k, "not a property of this SARIF object");
    }
    bool ok = true;
    for (const std::string& r : required) {
      if (!j.contains(r)) {
        err(p, "missing required property \"" + r + "\"");
        ok = false;
      }
    }
    return ok;
  }
  void string(const json& j, const std::string& p) {
    if (!j.is_string()) err(p, "not a string");
  }
  void boolean(const json& j, const std::string& p) {
    if (!j.is_boolean()) err(p, "not a boolean");
  }
  void integer(const json& j, const std::string& p, int64_t min) {
    if (!j.is_number_integer()) return err(p, "not an integer");
    if (j.get<int64_t>() < min) err(p, "less than " + std::to_string(min));
  }
  void one_of(const json& j, const std::string& p, std::initializer_list<const char*> values) {
    if (!j.is_string() ||
        std::none_of(values.begin(), values.end(), [&](const char* v) { return j == v; })) {
      std::string all;
      for (const char* v : values) all += std::string(all.empty() ? "" : ", ") + v;
      err(p, "not one of " + all);
    }
  }
  // RFC 3986 characters only (unreserved, reserved and '%' of percent-encodings).
  void uri(const json& j, const std::string& p) {
    if (!j.is_string()) return err(p, "not a string");
    std::string s = j.get<std::string>();
    const std::string ok = "-._~:/?#[]@!$&'()*+,;=%";
    for (unsigned char c : s) {
      if (!std::isalnum(c) && ok.find(static_cast<char>(c)) == std::string::npos) {
        return err(p, "'" + s + "' is not a URI reference (character '" +
                          std::string(1, static_cast<char>(c)) + "')");
      }
    }
  }
  void array_of(const json& j, const std::string& p,
                const std::function<void(const json&, const std::string&)>& each,
                size_t min_items = 0) {
    if (!j.is_array()) return err(p, "not an array");
    if (j.size() < min_items) err(p, "fewer than " + std::to_string(min_items) + " items");
    for (size_t i = 0; i < j.size(); ++i) each(j[i], p + "[" + std::to_string(i) + "]");
  }
  void bag(const json& j, const std::string& p) {
    if (j.contains("properties") && !j["properties"].is_object()) {
      err(p + ".properties", "a propertyBag is an object");
    }
  }
  void level(const json& j, const std::string& p) {
    one_of(j, p, {"none", "note", "warning", "error"});
  }
  void multiformat(const json& j, const std::string& p) {
    if (!object(j, p, {"text", "markdown", "properties"}, {"text"})) return;
    string(j["text"], p + ".text");
    bag(j, p);
  }
  void message(const json& j, const std::string& p) {
    if (!object(j, p, {"text", "markdown", "id", "arguments", "properties"}, {})) return;
    if (!j.contains("text") && !j.contains("id")) err(p, "a message needs \"text\" or \"id\"");
    if (j.contains("text")) string(j["text"], p + ".text");
    bag(j, p);
  }

  void run(const json& j, const std::string& p) {
    if (!object(j, p,
                {"tool", "invocations", "conversion", "language", "versionControlProvenance",
                 "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
                 "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
                 "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind",
                 "externalPropertyFileReferences", "threadFlowLocations", "taxonomies",
                 "addresses", "translations", "policies", "webRequests", "webResponses",
                 "specialLocations", "properties"},
                {"tool"})) {
      return;
    }
    if (object(j["tool"], p + ".tool", {"driver", "extensions", "properties"}, {"driver"})) {
      tool_component(j["tool"]["driver"], p + ".tool.driver");
    }
    if (j.contains("invocations")) {
      array_of(j["invocations"], p + ".invocations",
               [&](const json& i, const std::string& ip) { invocation(i, ip); });
    }
    if (j.contains("results")) {
      array_of(j["results"], p + ".results",
               [&](const json& r, const std::string& rp) { result(r, rp); });
    }
    bag(j, p);
  }

  void tool_component(const json& j, const std::string& p) {
    if (!object(j, p,
                {"guid", "name", "organization", "product", "productSuite", "shortDescription",
                 "fullDescription", "fullName", "version", "semanticVersion",
                 "dottedQuadFileVersion", "releaseDateUtc", "downloadUri", "informationUri",
                 "globalMessageStrings", "notifications", "rules", "taxa", "locations",
                 "language", "contents", "isComprehensive", "localizedDataSemanticVersion",
                 "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent",
                 "translationMetadata", "supportedTaxonomies", "properties"},
                {"name"})) {
      return;
    }
    string(j["name"], p + ".name");
    for (const char* k : {"version", "semanticVersion"}) {
      if (j.contains(k)) string(j[k], p + "." + k);
    }
    if (j.contains("rules")) {
      array_of(j["rules"], p + ".rules",
               [&](const json& r, const std::string& rp) { rule(r, rp); });
    }
    bag(j, p);
  }

  void rule(const json& j, const std::string& p) {
    if (!object(j, p,
                {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames",
                 "shortDescription", "fullDescription", "messageStrings", "defaultConfiguration",
                 "helpUri", "help", "relationships", "properties"},
                {"id"})) {
      return;
    }
    string(j["id"], p + ".id");
    if (j.contains("name")) string(j["name"], p + ".name");
    for (const char* k : {"shortDescription", "fullDescription", "help"}) {
      if (j.contains(k)) multiformat(j[k], p + "." + k);
    }
    if (j.contains("defaultConfiguration")) {
      const json& c = j["defaultConfiguration"];
      std::string cp = p + ".defaultConfiguration";
      if (object(c, cp, {"enabled", "level", "rank", "parameters", "properties"}, {})) {
        if (c.contains("level")) level(c["level"], cp + ".level");
        if (c.contains("enabled")) boolean(c["enabled"], cp + ".enabled");
      }
    }
    bag(j, p);
  }

  void invocation(const json& j, const std::string& p) {
    if (!object(j, p,
                {"commandLine", "arguments", "responseFiles", "startTimeUtc", "endTimeUtc",
                 "exitCode", "ruleConfigurationOverrides", "notificationConfigurationOverrides",
                 "toolExecutionNotifications", "toolConfigurationNotifications",
                 "exitCodeDescription", "exitSignalName", "exitSignalNumber",
                 "processStartFailureMessage", "executionSuccessful", "machine", "account",
                 "processId", "executableLocation", "workingDirectory", "environmentVariables",
                 "stdin", "stdout", "stderr", "stdoutStderr", "properties"},
                {"executionSuccessful"})) {
      return;
    }
    boolean(j["executionSuccessful"], p + ".executionSuccessful");
    if (j.contains("toolExecutionNotifications")) {
      array_of(j["toolExecutionNotifications"], p + ".toolExecutionNotifications",
               [&](const json& n, const std::string& np) {
                 if (!object(n, np,
                             {"locations", "message", "level", "threadId", "timeUtc",
                              "exception", "descriptor", "associatedRule", "properties"},
                             {"message"})) {
                   return;
                 }
                 message(n["message"], np + ".message");
                 if (n.contains("level")) level(n["level"], np + ".level");
               });
    }
    bag(j, p);
  }

  void result(const json& j, const std::string& p) {
    if (!object(j, p,
                {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget",
                 "locations", "guid", "correlationGuid", "occurrenceCount",
                 "partialFingerprints", "fingerprints", "stacks", "codeFlows", "graphs",
                 "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank",
                 "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa",
                 "webRequest", "webResponse", "properties"},
                {"message"})) {
      return;
    }
    message(j["message"], p + ".message");
    if (j.contains("ruleId")) string(j["ruleId"], p + ".ruleId");
    if (j.contains("ruleIndex")) integer(j["ruleIndex"], p + ".ruleIndex", -1);
    if (j.contains("level")) level(j["level"], p + ".level");
    if (j.contains("locations")) {
      array_of(j["locations"], p + ".locations",
               [&](const json& l, const std::string& lp) { location(l, lp); });
    }
    if (j.contains("partialFingerprints")) {
      const json& f = j["partialFingerprints"];
      if (!f.is_object()) err(p + ".partialFingerprints", "not an object");
      for (const auto& [k, v] : f.items()) string(v, p + ".partialFingerprints." + k);
    }
    if (j.contains("codeFlows")) {
      array_of(j["codeFlows"], p + ".codeFlows",
               [&](const json& c, const std::string& cp) { code_flow(c, cp); });
    }
    if (j.contains("suppressions")) {
      array_of(j["suppressions"], p + ".suppressions", [&](const json& s, const std::string& sp) {
        if (!object(s, sp, {"guid", "kind", "status", "justification", "location", "properties"},
                    {"kind"})) {
          return;
        }
        one_of(s["kind"], sp + ".kind", {"inSource", "external"});
        if (s.contains("status")) one_of(s["status"], sp + ".status", {"accepted", "underReview", "rejected"});
        if (s.contains("justification")) string(s["justification"], sp + ".justification");
      });
    }
    bag(j, p);
  }

  void location(const json& j, const std::string& p) {
    if (!object(j, p,
                {"id", "physicalLocation", "logicalLocations", "message", "annotations",
                 "relationships", "properties"},
                {})) {
      return;
    }
    if (j.contains("message")) message(j["message"], p + ".message");
    if (j.contains("physicalLocation")) physical(j["physicalLocation"], p + ".physicalLocation");
    bag(j, p);
  }

  void physical(const json& j, const std::string& p) {
    if (!object(j, p, {"address", "artifactLocation", "region", "contextRegion", "properties"},
                {})) {
      return;
    }
    if (!j.contains("address") && !j.contains("artifactLocation")) {
      err(p, "a physicalLocation needs \"address\" or \"artifactLocation\"");
    }
    if (j.contains("artifactLocation")) {
      const json& a = j["artifactLocation"];
      std::string ap = p + ".artifactLocation";
      if (object(a, ap, {"uri", "uriBaseId", "index", "description", "properties"}, {})) {
        if (a.contains("uri")) uri(a["uri"], ap + ".uri");
        if (a.contains("uriBaseId")) string(a["uriBaseId"], ap + ".uriBaseId");
      }
    }
    if (j.contains("region")) {
      const json& r = j["region"];
      std::string rp = p + ".region";
      if (object(r, rp,
                 {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength",
                  "byteOffset", "byteLength", "snippet", "message", "sourceLanguage",
                  "properties"},
                 {})) {
        for (const char* k : {"startLine", "startColumn", "endLine", "endColumn"}) {
          if (r.contains(k)) integer(r[k], rp + "." + k, 1);
        }
      }
    }
    bag(j, p);
  }

  void code_flow(const json& j, const std::string& p) {
    if (!object(j, p, {"message", "threadFlows", "properties"}, {"threadFlows"})) return;
    if (j.contains("message")) message(j["message"], p + ".message");
    array_of(
        j["threadFlows"], p + ".threadFlows",
        [&](const json& t, const std::string& tp) {
          if (!object(t, tp,
                      {"id", "message", "initialState", "immutableState", "locations",
                       "properties"},
                      {"locations"})) {
            return;
          }
          if (t.contains("id")) string(t["id"], tp + ".id");
          if (t.contains("message")) message(t["message"], tp + ".message");
          array_of(
              t["locations"], tp + ".locations",
              [&](const json& l, const std::string& lp) { thread_flow_location(l, lp); }, 1);
        },
        1);
    bag(j, p);
  }

  void thread_flow_location(const json& j, const std::string& p) {
    if (!object(j, p,
                {"index", "location", "stack", "kinds", "taxa", "module", "state", "nestingLevel",
                 "executionOrder", "executionTimeUtc", "importance", "webRequest", "webResponse",
                 "properties"},
                {})) {
      return;
    }
    if (j.contains("location")) location(j["location"], p + ".location");
    if (j.contains("executionOrder")) integer(j["executionOrder"], p + ".executionOrder", -1);
    if (j.contains("nestingLevel")) integer(j["nestingLevel"], p + ".nestingLevel", 0);
    if (j.contains("importance")) {
      one_of(j["importance"], p + ".importance", {"important", "essential", "unimportant"});
    }
    if (j.contains("state")) {
      if (!j["state"].is_object()) err(p + ".state", "not an object");
      for (const auto& [k, v] : j["state"].items()) multiformat(v, p + ".state." + k);
    }
    bag(j, p);
  }
};

}  // namespace

std::vector<std::string> sarif_schema_errors(const nlohmann::json& log) {
  Checker c;
  c.log(log);
  return c.errors;
}

}  // namespace ravel::test

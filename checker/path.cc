// checker/path.cc: see path.h for the encoding.
#include "checker/path.h"

namespace ravel {
namespace {

void append_base36(std::string* out, uint64_t v) {
  char buf[16];
  int n = 0;
  do {
    uint64_t d = v % 36;
    buf[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + (d - 10));
    v /= 36;
  } while (v != 0);
  while (n > 0) out->push_back(buf[--n]);
}

// Parses base-36 digits at text[*i]; false when there are none or the value overflows 32 bits.
bool parse_base36(const std::string& text, size_t* i, uint32_t* out) {
  uint64_t v = 0;
  size_t start = *i;
  while (*i < text.size()) {
    char c = text[*i];
    uint64_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'z') {
      d = static_cast<uint64_t>(c - 'a') + 10;
    } else {
      break;
    }
    v = v * 36 + d;
    if (v > UINT32_MAX) return false;
    ++*i;
  }
  *out = static_cast<uint32_t>(v);
  return *i > start;
}

}  // namespace

std::string Path::encode(const std::vector<Choice>& choices) {
  std::string out = "v1:";
  size_t i = 0;
  while (i < choices.size()) {
    size_t run = 1;
    while (i + run < choices.size() && choices[i + run] == choices[i]) ++run;
    if (i > 0) out.push_back('.');
    const Choice& c = choices[i];
    switch (c.kind) {
      case ChoiceKind::kTask:
        break;
      case ChoiceKind::kValue:
        out.push_back('_');
        break;
      case ChoiceKind::kTimeout:
        out.push_back('@');
        break;
      case ChoiceKind::kAbandon:
        out.push_back('-');
        break;
    }
    if (c.kind != ChoiceKind::kAbandon) append_base36(&out, c.value);
    if (run > 1) {
      out.push_back('+');
      append_base36(&out, run);
    }
    i += run;
  }
  return out;
}

bool Path::decode(const std::string& text, std::vector<Choice>* out, std::string* error) {
  out->clear();
  if (text.rfind("v1:", 0) != 0) {
    *error = "bad schedule: expected it to start with \"v1:\"";
    return false;
  }
  size_t i = 3;
  if (i == text.size()) return true;
  for (;;) {
    size_t token = i;
    Choice c;
    if (text[i] == '_') {
      c.kind = ChoiceKind::kValue;
      ++i;
    } else if (text[i] == '@') {
      c.kind = ChoiceKind::kTimeout;
      ++i;
    } else if (text[i] == '-') {
      c.kind = ChoiceKind::kAbandon;
      ++i;
    }
    if (c.kind != ChoiceKind::kAbandon && !parse_base36(text, &i, &c.value)) {
      *error = "bad schedule: expected a base-36 number at offset " + std::to_string(i);
      return false;
    }
    uint32_t run = 1;
    if (i < text.size() && text[i] == '+') {
      ++i;
      if (!parse_base36(text, &i, &run) || run == 0) {
        *error = "bad schedule: bad repeat count at offset " + std::to_string(i);
        return false;
      }
    }
    if (run > kMaxChoices - out->size()) {
      *error = "bad schedule: more than " + std::to_string(kMaxChoices) +
               " choices (no execution is that long)";
      return false;
    }
    out->insert(out->end(), run, c);
    if (i == text.size()) return true;
    if (text[i] != '.') {
      *error = "bad schedule: unexpected '" + std::string(1, text[i]) + "' in token at offset " +
               std::to_string(token);
      return false;
    }
    ++i;
    if (i == text.size()) {
      *error = "bad schedule: ends with '.'";
      return false;
    }
  }
}

}  // namespace ravel

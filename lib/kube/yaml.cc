#include "lib/kube/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <utility>

#include "lib/base/strings.h"

namespace c8s::kube {
namespace {

constexpr int kMaxDepth = 100;
// Bounds the JSON nodes a stream may produce, aliases included: a small document that refers
// to its anchors many times would otherwise expand exponentially ("billion laughs").
constexpr int64_t kMaxNodes = int64_t{1} << 20;

// Thrown by the handler to abandon a parse; caught in YamlToJson, never leaves this file.
struct BuildError {
  std::string message;
};

std::string Where(const YAML::Mark& mark) {
  return StrCat("line ", mark.line + 1, ", column ", mark.column + 1);
}

nlohmann::json PlainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kFloat("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (s.size() < 19 && std::regex_match(s, kInt)) return std::strtoll(s.c_str(), nullptr, 10);
  if (std::regex_match(s, kFloat)) return std::strtod(s.c_str(), nullptr);
  return s;
}

// Builds JSON straight from yaml-cpp's parse events instead of going through YAML::Node:
// aliases are expanded here under our own budget (yaml-cpp's node graph has none), and a
// stream on which yaml-cpp 0.7's parser stops making progress is detected (its LoadAll then
// loops forever, appending empty documents; upstream yaml-cpp PR #1319).
class JsonBuilder : public YAML::EventHandler {
 public:
  std::vector<nlohmann::json> TakeDocuments() { return std::move(documents_); }
  // True if the document just parsed was empty and began where the previous one began: the
  // parser is stuck on a token it cannot consume.
  bool Stalled() const { return stalled_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    stalled_ = last_start_ && last_start_->pos == mark.pos;
    last_start_ = mark;
    root_.reset();
  }
  void OnDocumentEnd() override {
    if (root_ && !root_->is_null()) {
      documents_.push_back(std::move(*root_));
      stalled_ = false;
    }
    root_.reset();
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Emit(mark, nullptr, anchor, 1, "null map key");
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw BuildError{StrCat("unknown alias at ", Where(mark))};
    Emit(mark, it->second.first, 0, it->second.second, "alias as map key");
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp tags quoted scalars "!" and plain ones "?": quoted scalars are always strings,
    // and so are scalars tagged !!str.
    bool is_string = tag == "!" || tag == "tag:yaml.org,2002:str";
    nlohmann::json v = is_string ? nlohmann::json(value) : PlainScalar(value);
    if (ExpectingKey()) {
      Frame& f = stack_.back();
      if (f.object.contains(value)) {
        throw BuildError{StrCat("duplicate map key \"", value, "\" at ", Where(mark))};
      }
      f.key = value;
      Spend(mark, 1);
      return;
    }
    Emit(mark, std::move(v), anchor, 1, "");
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, nlohmann::json::array(), anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, nlohmann::json::object(), anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    nlohmann::json object;  // array or object under construction
    YAML::anchor_t anchor = 0;
    int64_t nodes = 1;               // JSON nodes inside, for alias accounting
    std::optional<std::string> key;  // objects: the key whose value comes next
  };

  bool ExpectingKey() const {
    return !stack_.empty() && stack_.back().object.is_object() && !stack_.back().key;
  }

  void Spend(const YAML::Mark& mark, int64_t nodes) {
    spent_ += nodes;
    if (spent_ > kMaxNodes) {
      throw BuildError{
          StrCat("document expands to more than ", kMaxNodes, " nodes (at ", Where(mark), ")")};
    }
  }

  void Open(const YAML::Mark& mark, nlohmann::json empty, YAML::anchor_t anchor) {
    if (ExpectingKey()) throw BuildError{StrCat("non-scalar map key at ", Where(mark))};
    if (static_cast<int>(stack_.size()) >= kMaxDepth) {
      throw BuildError{StrCat("nesting deeper than ", kMaxDepth, " at ", Where(mark))};
    }
    Spend(mark, 1);
    stack_.push_back(Frame{std::move(empty), anchor, 1, std::nullopt});
  }

  void Close() {
    Frame done = std::move(stack_.back());
    stack_.pop_back();
    Attach(std::move(done.object), done.anchor, done.nodes);
  }

  // A finished scalar, null or alias value; `as_key_error` names why it cannot be a map key.
  void Emit(const YAML::Mark& mark, nlohmann::json value, YAML::anchor_t anchor, int64_t nodes,
            std::string_view as_key_error) {
    if (ExpectingKey()) throw BuildError{StrCat(as_key_error, " at ", Where(mark))};
    Spend(mark, nodes);
    Attach(std::move(value), anchor, nodes);
  }

  void Attach(nlohmann::json value, YAML::anchor_t anchor, int64_t nodes) {
    if (anchor != 0) anchors_[anchor] = {value, nodes};
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& parent = stack_.back();
    parent.nodes += nodes;
    if (parent.object.is_array()) {
      parent.object.push_back(std::move(value));
    } else {
      parent.object[*parent.key] = std::move(value);
      parent.key.reset();
    }
  }

  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<nlohmann::json, int64_t>> anchors_;
  std::optional<nlohmann::json> root_;
  std::vector<nlohmann::json> documents_;
  std::optional<YAML::Mark> last_start_;
  int64_t spent_ = 0;
  bool stalled_ = false;
};

}  // namespace

absl::StatusOr<std::vector<nlohmann::json>> YamlToJson(std::string_view text) {
  std::istringstream in{std::string(text)};
  JsonBuilder builder;
  // yaml-cpp reports syntax errors only by throwing; turn them into a Status here.
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      if (builder.Stalled()) {
        return absl::InvalidArgumentError("yaml: unexpected token where a document should start");
      }
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("yaml: ", e.what()));
  } catch (const BuildError& e) {
    return absl::InvalidArgumentError(StrCat("yaml: ", e.message));
  }
  return builder.TakeDocuments();
}

}  // namespace c8s::kube

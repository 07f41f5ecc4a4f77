// Kubernetes label selectors (`app=web,tier!=db,env in (a,b),!legacy`) parsed once and matched
// against an object's labels. Used by the informer indexes and by c8s-kube-local.
//
//   ASSIGN_OR_RETURN(LabelSelector sel, LabelSelector::Parse("app=web,env in (prod,stage)"));
//   if (sel.Matches(object["metadata"]["labels"])) ...;
//   LabelSelector all;   // empty selector: matches everything
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace c8s::kube {

class LabelSelector {
 public:
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };

  // The textual form used in `?labelSelector=`. Errors name the offending term.
  static absl::StatusOr<LabelSelector> Parse(std::string_view text);
  // A metav1.LabelSelector object (matchLabels + matchExpressions).
  static absl::StatusOr<LabelSelector> FromJson(const nlohmann::json& selector);

  // `labels` is a JSON object of string values (or null: no labels).
  bool Matches(const nlohmann::json& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }
  std::string ToString() const;

 private:
  std::vector<Requirement> requirements_;
};

// Field selectors (`metadata.name=x,status.phase!=Running`): equality on dotted paths of the
// object; kubectl uses them for `wait`, `describe` (events) and `delete --wait`.
class FieldSelector {
 public:
  static absl::StatusOr<FieldSelector> Parse(std::string_view text);
  bool Matches(const nlohmann::json& object) const;

 private:
  struct Term {
    std::vector<std::string> path;
    bool negate;
    std::string value;
  };
  std::vector<Term> terms_;
};

}  // namespace c8s::kube

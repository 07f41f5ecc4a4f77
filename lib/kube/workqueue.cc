#include "lib/kube/workqueue.h"

#include <algorithm>
#include <cmath>

#include "absl/time/clock.h"

namespace c8s::kube {

WorkQueue::WorkQueue(WorkQueueOptions options)
    : options_(options), tokens_(options.burst), last_refill_(absl::Now()) {}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || dirty_.count(key)) return;
  dirty_.insert(key);
  if (processing_.count(key)) return;  // queued again by Done()
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, absl::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  if (delay <= absl::ZeroDuration()) {
    AddLocked(key);
    return;
  }
  waiting_.emplace(absl::Now() + delay, key);
  cv_.notify_all();
}

absl::Duration WorkQueue::NextDelay(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  int n = failures_[key]++;
  double factor = std::pow(2.0, std::min(n, 62));
  absl::Duration per_key = options_.base_delay * factor;
  if (per_key > options_.max_delay || per_key < absl::ZeroDuration()) per_key = options_.max_delay;
  // Token bucket: refill, take one token; a deficit is the time until it refills.
  absl::Time now = absl::Now();
  tokens_ = std::min<double>(options_.burst,
                             tokens_ + absl::ToDoubleSeconds(now - last_refill_) * options_.qps);
  last_refill_ = now;
  tokens_ -= 1;
  absl::Duration bucket =
      tokens_ >= 0 ? absl::ZeroDuration() : absl::Seconds(-tokens_ / options_.qps);
  return std::max(per_key, bucket);
}

void WorkQueue::AddRateLimited(const std::string& key) { AddAfter(key, NextDelay(key)); }

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int WorkQueue::NumRequeues(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteReadyLocked(absl::Time now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    std::string key = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    AddLocked(key);
  }
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    PromoteReadyLocked(absl::Now());
    if (!queue_.empty()) break;
    if (shutting_down_) return std::nullopt;
    if (waiting_.empty()) {
      cv_.wait(lock);
    } else {
      absl::Duration d = waiting_.begin()->first - absl::Now();
      cv_.wait_for(lock, absl::ToChronoMicroseconds(std::max(d, absl::ZeroDuration())));
    }
  }
  std::string key = queue_.front();
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  processing_.erase(key);
  if (dirty_.count(key)) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  waiting_.clear();
  cv_.notify_all();
}

size_t WorkQueue::Len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace c8s::kube

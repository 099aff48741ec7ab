// A log-linear latency histogram (HdrHistogram-style, 2 significant digits): constant
// memory, O(1) record, percentiles accurate to ~1%. Values in microseconds.
#ifndef KRYPTON_BENCH_LOADGEN_HISTOGRAM_H_
#define KRYPTON_BENCH_LOADGEN_HISTOGRAM_H_

#include <array>
#include <cstdint>

namespace loadgen {

class Histogram {
 public:
  void Record(uint64_t us) {
    ++buckets_[Index(us)];
    ++count_;
    if (us > max_) max_ = us;
  }
  void Merge(const Histogram& o) {
    for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += o.buckets_[i];
    count_ += o.count_;
    if (o.max_ > max_) max_ = o.max_;
  }
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The value at quantile q (0..1): the upper edge of its bucket.
  uint64_t Percentile(double q) const {
    if (count_ == 0) return 0;
    uint64_t target = static_cast<uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen >= target) return Upper(i) < max_ ? Upper(i) : max_;
    }
    return max_;
  }

 private:
  // 64 sub-buckets per power of two above 64 µs; exact below.
  static constexpr int kSub = 64;
  static size_t Index(uint64_t v) {
    if (v < kSub) return v;
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - 5;  // keep 6 bits: 64 sub-buckets
    return static_cast<size_t>((shift + 1) * kSub + ((v >> shift) - kSub));
  }
  static uint64_t Upper(size_t i) {
    if (i < kSub) return i;
    size_t shift = i / kSub - 1;
    uint64_t sub = i % kSub + kSub;
    return ((sub + 1) << shift) - 1;
  }
  std::array<uint64_t, kSub * 60> buckets_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace loadgen

#endif  // KRYPTON_BENCH_LOADGEN_HISTOGRAM_H_

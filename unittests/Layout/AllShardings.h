//===- AllShardings.h - Every sharding of small tensors ---------*- C++ -*-===//
//
// The shardings the reshard tests enumerate: every placement of a grid's
// axes on a tensor's dims, in every order, and variants of a dim's first
// distribution (zigzag, explicit sizes, packed sequences) that fit.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_UNITTESTS_LAYOUT_ALLSHARDINGS_H
#define SEQPAR_UNITTESTS_LAYOUT_ALLSHARDINGS_H

#include "seqpar/Layout/Sharding.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace seqpar::layout {

inline Distribution dist(DistKind kind, std::vector<int64_t> values = {}) {
  Distribution d;
  d.kind = kind;
  d.values = std::move(values);
  return d;
}

/// Every placement of the grid's axes on the dims of a tensor of `shape` (each
/// axis replicated or at some position of some dim), with the split rule,
/// then each variant of a dim's first distribution that fits `shape`.
inline std::vector<Sharding> allShardings(const Shape &grid, const Shape &shape,
                                          bool variants) {
  std::vector<Sharding> out;
  const auto axes = static_cast<int64_t>(grid.size());
  // Each axis: -1 (replicated) or a dim; then every order within a dim.
  std::vector<int64_t> where(axes, -1);
  std::function<void(int64_t)> place = [&](int64_t a) {
    if (a < axes) {
      for (int64_t d = -1; d < int64_t(shape.size()); ++d) {
        where[a] = d;
        place(a + 1);
      }
      return;
    }
    std::vector<std::vector<int64_t>> perDim(shape.size());
    for (int64_t x = 0; x < axes; ++x)
      if (where[x] >= 0)
        perDim[where[x]].push_back(x);
    std::function<void(size_t, Sharding &)> orders = [&](size_t d,
                                                         Sharding &s) {
      if (d == shape.size()) {
        out.push_back(s);
        return;
      }
      std::vector<int64_t> axesOfDim = perDim[d];
      std::sort(axesOfDim.begin(), axesOfDim.end());
      do {
        s.dims[d].axes = axesOfDim;
        orders(d + 1, s);
      } while (std::next_permutation(axesOfDim.begin(), axesOfDim.end()));
    };
    Sharding s{grid, std::vector<DimSharding>(shape.size())};
    orders(0, s);
  };
  place(0);
  if (!variants)
    return out;
  std::vector<Sharding> all = out;
  for (const Sharding &s : out)
    for (size_t d = 0; d < shape.size(); ++d) {
      if (s.dims[d].axes.empty())
        continue;
      const int64_t p = grid[s.dims[d].axes[0]];
      if (shape[d] < p)
        continue;
      // Uneven but never empty: the first rank of the axis holds the rest.
      std::vector<int64_t> sizes(p, 1);
      sizes[0] = shape[d] - (p - 1);
      for (const Distribution &v :
           {dist(DistKind::Zigzag), dist(DistKind::Sizes, sizes),
            dist(DistKind::Packed, {1, shape[d] - 1})}) {
        Sharding t = s;
        t.dims[d].dist = v;
        if (verifySharding(t, shape))
          all.push_back(t);
      }
    }
  return all;
}

} // namespace seqpar::layout

#endif // SEQPAR_UNITTESTS_LAYOUT_ALLSHARDINGS_H

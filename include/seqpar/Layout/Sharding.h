//===- Sharding.h - Tensor layouts over a grid, and reshards ----*- C++ -*-===//
//
// A Sharding says, for every dim of a tensor, the grid axes it is split over,
// in order, and how: the first axis by a distribution (the split rule,
// explicit sizes, zigzag, packed sequences), every further axis by the split
// rule applied to what the previous axes left on the rank (hierarchical, as
// seqpar's hybrid ring x Ulysses ops are). Axes that no dim names replicate.
// Hierarchy is what makes resharding exact without padding: removing a dim's
// last axis is a gather over that axis, adding one is a split, and moving the
// last axis of one dim to the end of another is an all_to_all over it, on
// uneven sizes too.
//
// planReshard finds the cheapest sequence of those steps between two
// shardings under a cost model (per call latency, link and copy bandwidth),
// with every step's per-rank bytes computed exactly from the op model
// (OpModel.h): a shortest path over the shardings the steps reach, in
// canonical form (so that, say, packed sequences whose pieces happen to be
// the split rule's move like the split rule). Its optimum is over plans
// whose intermediate layouts are shardings: the tests compare it with an
// exhaustive search over every sequence of single-axis ops on the data
// layouts they produce, and they agree; where a first distribution leaves a
// rank of its axis empty (explicit sizes such as [3, 0]), a sequence through
// a layout that is no sharding can be cheaper, which the planner does not
// look for (its plan is still exact).
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_LAYOUT_SHARDING_H
#define SEQPAR_LAYOUT_SHARDING_H

#include "seqpar/Layout/OpModel.h"

#include <string>
#include <vector>

namespace seqpar::layout {

/// How one dim is split: over `axes` in order; the first by `dist` (Even,
/// Sizes with one size per rank of that axis, Zigzag, or Packed; no inner
/// axes, no length: the tensor's shape gives it), the others by the split
/// rule. No axes: the dim is whole on every rank (`dist` is unused).
struct DimSharding {
  std::vector<int64_t> axes;
  Distribution dist;
};

struct Sharding {
  Shape gridShape;
  std::vector<DimSharding> dims;
};

bool operator==(const DimSharding &a, const DimSharding &b);
bool operator==(const Sharding &a, const Sharding &b);

/// Checks `sharding` for a tensor of static `shape`: a grid of at most
/// kMaxGroupSize ranks, one entry per dim, valid distinct grid axes,
/// distributions that fit their dim and axis.
Result<bool> verifySharding(const Sharding &sharding, const Shape &shape);

/// `sharding` without its axes of one rank, and with each dim's first
/// distribution in its simplest form for `shape`: the split rule when it gives
/// the same pieces (a zigzag over one rank, packed sequences or sizes that
/// happen to match), explicit sizes when every rank's piece is one interval in
/// rank order, else as it is. Two shardings lay a tensor out alike exactly when
/// their canonical forms are equal. `sharding` must verify.
Sharding canonicalSharding(const Sharding &sharding, const Shape &shape);

/// The global intervals of every dim that grid rank `rank` holds, in local
/// order (its local tensor is their outer product).
Result<std::vector<Pieces>> heldPieces(const Sharding &sharding,
                                       const Shape &shape, int64_t rank);
/// The lengths of dim `dim` that the ranks hold, one per combination of
/// coordinates on the dim's axes, linearized row-major in the dim's axis
/// order (as seqpar.group_rank over those axes numbers them); one entry when
/// the dim has no axes. Work in the number of entries, not of ranks.
Result<std::vector<int64_t>> dimLengths(const Sharding &sharding,
                                        const Shape &shape, int64_t dim);
/// The local shape on grid rank `rank`.
Result<Shape> localShape(const Sharding &sharding, const Shape &shape,
                         int64_t rank);

/// Readable text, e.g. `[{a zigzag, b}, {}, {c}]` with `axisNames` (empty:
/// axis numbers).
std::string str(const Sharding &sharding,
                const std::vector<std::string> &axisNames = {});

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

/// The cost of a step, in seconds: `latency` per collective call, plus the
/// busiest rank's larger of bytes sent and bytes received over
/// `linkBytesPerSecond` (links are full duplex), plus the busiest rank's
/// bytes copied locally over `copyBytesPerSecond`.
struct CostModel {
  double latency = 20e-6;
  double linkBytesPerSecond = 10e9;
  double copyBytesPerSecond = 20e9;
};

/// One step of a reshard: a collective over one grid axis.
///  - Split: `axis` goes to the end of `dim`'s axes (a local copy).
///  - Gather: `axis`, the last of `dim`'s axes, leaves it.
///  - AllToAll: `axis`, the last of `fromDim`'s axes, goes to the end of
///    `dim`'s (gather fromDim, scatter dim).
/// `dist` is the distribution of a first axis (split or gather of a dim's
/// only axis, and the all_to_all's new first axis); the split rule
/// otherwise.
struct ReshardStep {
  OpKind kind = OpKind::Split;
  int64_t axis = 0;
  int64_t dim = 0;
  int64_t fromDim = -1;
  Distribution dist;
  /// The busiest rank's figures, in bytes, and the step's cost.
  int64_t bytesSent = 0, bytesReceived = 0, bytesCopied = 0;
  int64_t calls = 0;
  double seconds = 0;
};

/// A plan; `from` and `to` in canonical form.
struct ReshardPlan {
  Sharding from, to;
  Shape shape;
  int64_t elementBytes = 0;
  std::vector<ReshardStep> steps;
  double seconds = 0;
};

/// How many steps priced on one rank (each step the search looks at costs
/// the grid's ranks) planReshard spends by default before it gives up with
/// an error: about 10 s.
constexpr int64_t kPlanSearchBudget = 50'000'000;

/// The cheapest exact plan from `from` to `to` for a tensor of `shape` with
/// elements of `elementBytes` bytes (both shardings on one grid). Its steps
/// use only the grid axes that `from` or `to` names; the search prices at
/// most `searchBudget` steps on ranks. Errors name the axes by `axisNames`
/// (empty: by number).
Result<ReshardPlan> planReshard(const Sharding &from, const Sharding &to,
                                const Shape &shape, int64_t elementBytes,
                                const CostModel &model = {},
                                int64_t searchBudget = kPlanSearchBudget,
                                const std::vector<std::string> &axisNames = {});

/// The sharding after `step`, from `before`.
Result<Sharding> applyStep(const Sharding &before, const ReshardStep &step,
                           const Shape &shape);

/// Prices `step` from `before` (fills its byte figures, calls and seconds):
/// every rank's bytes, exactly, from the op model.
Result<bool> priceStep(const Sharding &before, ReshardStep &step,
                       const Shape &shape, int64_t elementBytes,
                       const CostModel &model);

/// The op that grid rank `rank` runs for `step` from `before` (its group is
/// the step's axis; lengths are this rank's).
Result<Op> stepOp(const Sharding &before, const ReshardStep &step,
                  const Shape &shape, int64_t rank);

/// The plan step by step, with each step's bytes, calls and time, in text
/// a person reads.
std::string explain(const ReshardPlan &plan,
                    const std::vector<std::string> &axisNames = {});

} // namespace seqpar::layout

#endif // SEQPAR_LAYOUT_SHARDING_H

//===- Sharding.cpp - Shardings and the reshard planner -------------------===//
//
// Every distribution comes from shardMap (OpModel.h) and every step's op
// from the op model's builders, so a plan's sizes are the runtime's.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Layout/Sharding.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <queue>
#include <set>

namespace seqpar::layout {

namespace {

std::string num(int64_t v) { return std::to_string(v); }

/// One grid axis as a group of its own.
Group axisGroup(int64_t size) { return Group{size, size, 1}; }

/// The distribution `dist` of a dim of length `n` over one axis of `size`
/// ranks, checked.
Result<ShardMap> firstLevel(const Distribution &dist, int64_t n, int64_t size) {
  if (dist.kind == DistKind::Replicated)
    return Error{"a sharding distributes by the split rule, explicit sizes, "
                 "zigzag or packed sequences, not by replicated blocks"};
  if (dist.innerAxes != 0)
    return Error{"a sharding lists every axis of a dim; its distribution "
                 "takes no inner axes"};
  Distribution d = dist;
  if (d.kind == DistKind::Even || d.kind == DistKind::Zigzag)
    d.length = n;
  return shardMap(d, n, axisGroup(size));
}

/// `pieces` with empty intervals dropped and adjacent ones joined: the same
/// elements in the same order.
Pieces joined(const Pieces &pieces) {
  Pieces out;
  for (const Interval &iv : pieces) {
    if (iv.size == 0)
      continue;
    if (!out.empty() && out.back().begin + out.back().size == iv.begin)
      out.back().size += iv.size;
    else
      out.push_back(iv);
  }
  return out;
}

bool sameDist(const Distribution &a, const Distribution &b) {
  return a.kind == b.kind && a.values == b.values && a.innerAxes == b.innerAxes;
}

} // namespace

bool operator==(const DimSharding &a, const DimSharding &b) {
  return a.axes == b.axes && (a.axes.empty() || sameDist(a.dist, b.dist));
}

bool operator==(const Sharding &a, const Sharding &b) {
  return a.gridShape == b.gridShape && a.dims == b.dims;
}

Result<bool> verifySharding(const Sharding &sharding, const Shape &shape) {
  Result<Grid> grid = makeGrid(sharding.gridShape);
  if (!grid)
    return Error{grid.error()};
  // Shapes, costs and plans are worked out rank by rank.
  if (grid->numRanks() > kMaxGroupSize)
    return Error{"the grid " + str(sharding.gridShape) + " has " +
                 num(grid->numRanks()) +
                 " ranks; a sharding's grid has at most " + num(kMaxGroupSize)};
  if (sharding.dims.size() != shape.size())
    return Error{"the sharding has " + num(int64_t(sharding.dims.size())) +
                 " dims but the tensor has rank " + num(int64_t(shape.size()))};
  std::set<int64_t> seen;
  for (size_t d = 0; d < shape.size(); ++d) {
    const DimSharding &dim = sharding.dims[d];
    const std::string what = "dim " + num(int64_t(d)) + ": ";
    if (shape[d] < 0)
      return Error{what + "the size " + num(shape[d]) + " is negative"};
    for (int64_t a : dim.axes) {
      if (a < 0 || a >= int64_t(sharding.gridShape.size()))
        return Error{what + "axis " + num(a) + " is out of range for " +
                     "grid " + str(sharding.gridShape)};
      if (!seen.insert(a).second)
        return Error{what + "axis " + num(a) +
                     " shards the tensor more than once"};
    }
    if (dim.axes.empty())
      continue;
    Result<ShardMap> map =
        firstLevel(dim.dist, shape[d], sharding.gridShape[dim.axes[0]]);
    if (!map)
      return Error{what + map.error()};
  }
  return true;
}

Sharding canonicalSharding(const Sharding &sharding, const Shape &shape) {
  Sharding out = sharding;
  for (size_t d = 0; d < out.dims.size() && d < shape.size(); ++d) {
    DimSharding &dim = out.dims[d];
    // An axis of one rank splits nothing: the dim is laid out as without it.
    // A first axis of one rank holds the whole dim whatever its distribution.
    if (!dim.axes.empty() && out.gridShape[dim.axes[0]] == 1)
      dim.dist = Distribution();
    dim.axes.erase(
        std::remove_if(dim.axes.begin(), dim.axes.end(),
                       [&](int64_t a) { return out.gridShape[a] == 1; }),
        dim.axes.end());
    if (dim.axes.empty()) {
      dim.dist = Distribution();
      continue;
    }
    const int64_t size = out.gridShape[dim.axes[0]];
    Result<ShardMap> map = firstLevel(dim.dist, shape[d], size);
    if (!map)
      continue;
    std::vector<Pieces> pieces;
    for (const Pieces &p : map->pieces)
      pieces.push_back(joined(p));
    std::vector<Pieces> even;
    Result<ShardMap> evenMap = firstLevel(Distribution(), shape[d], size);
    for (const Pieces &p : evenMap->pieces)
      even.push_back(joined(p));
    if (pieces == even) {
      dim.dist = Distribution();
      continue;
    }
    bool contiguous = true;
    int64_t at = 0;
    for (const Pieces &p : pieces) {
      if (p.size() > 1 || (p.size() == 1 && p[0].begin != at))
        contiguous = false;
      at += lengthOf(p);
    }
    if (contiguous) {
      dim.dist = Distribution();
      dim.dist.kind = DistKind::Sizes;
      dim.dist.values = map->localSizes();
    }
  }
  return out;
}

Result<std::vector<Pieces>> heldPieces(const Sharding &sharding,
                                       const Shape &shape, int64_t rank) {
  if (Result<bool> ok = verifySharding(sharding, shape); !ok)
    return Error{ok.error()};
  Grid grid{sharding.gridShape};
  if (rank < 0 || rank >= grid.numRanks())
    return Error{"rank " + num(rank) + " is out of range for grid " +
                 str(sharding.gridShape)};
  Shape coords = grid.coords(rank);
  std::vector<Pieces> held;
  for (size_t d = 0; d < shape.size(); ++d) {
    const DimSharding &dim = sharding.dims[d];
    Pieces pieces = {Interval{0, shape[d]}};
    for (size_t level = 0; level < dim.axes.size(); ++level) {
      const int64_t size = sharding.gridShape[dim.axes[level]];
      const int64_t c = coords[dim.axes[level]];
      if (level == 0) {
        pieces = firstLevel(dim.dist, shape[d], size)->pieces[c];
        continue;
      }
      const int64_t n = lengthOf(pieces);
      pieces = subRange(pieces, splitOffset(n, size, c), splitSize(n, size, c));
    }
    held.push_back(std::move(pieces));
  }
  return held;
}

Result<Shape> localShape(const Sharding &sharding, const Shape &shape,
                         int64_t rank) {
  Result<std::vector<Pieces>> held = heldPieces(sharding, shape, rank);
  if (!held)
    return Error{held.error()};
  Shape local;
  for (const Pieces &p : *held)
    local.push_back(lengthOf(p));
  return local;
}

Result<std::vector<int64_t>> dimLengths(const Sharding &sharding,
                                        const Shape &shape, int64_t dim) {
  if (Result<bool> ok = verifySharding(sharding, shape); !ok)
    return Error{ok.error()};
  if (dim < 0 || dim >= int64_t(shape.size()))
    return Error{"dim " + num(dim) + " is out of range for rank " +
                 num(int64_t(shape.size()))};
  const DimSharding &d = sharding.dims[dim];
  std::vector<int64_t> lengths = {shape[dim]};
  for (size_t level = 0; level < d.axes.size(); ++level) {
    const int64_t size = sharding.gridShape[d.axes[level]];
    if (level == 0) {
      lengths = firstLevel(d.dist, shape[dim], size)->localSizes();
      continue;
    }
    std::vector<int64_t> next;
    next.reserve(lengths.size() * size);
    for (int64_t n : lengths)
      for (int64_t c = 0; c < size; ++c)
        next.push_back(splitSize(n, size, c));
    lengths = std::move(next);
  }
  return lengths;
}

namespace {

/// Every rank's local shape from the per-dim tables of dimLengths, without
/// resolving pieces rank by rank.
class LocalShapes {
public:
  LocalShapes(const Sharding &sharding, const Shape &shape)
      : sharding(sharding) {
    for (int64_t d = 0; d < int64_t(shape.size()); ++d)
      tables.push_back(*dimLengths(sharding, shape, d));
  }
  Shape at(const Shape &coords) const {
    Shape local;
    for (size_t d = 0; d < tables.size(); ++d) {
      int64_t index = 0;
      for (int64_t a : sharding.dims[d].axes)
        index = index * sharding.gridShape[a] + coords[a];
      local.push_back(tables[d][index]);
    }
    return local;
  }

private:
  const Sharding &sharding;
  std::vector<std::vector<int64_t>> tables;
};

} // namespace

namespace {

std::string axisName(int64_t axis, const std::vector<std::string> &names) {
  return axis >= 0 && axis < int64_t(names.size()) ? names[axis] : num(axis);
}

std::string distText(const Distribution &dist) {
  switch (dist.kind) {
  case DistKind::Even:
    return "";
  case DistKind::Sizes:
    return " sizes " + str(dist.values);
  case DistKind::Zigzag:
    return " zigzag";
  case DistKind::Packed:
    return " packed " + str(dist.values);
  case DistKind::Replicated:
    return " replicated";
  }
  return "";
}

} // namespace

std::string str(const Sharding &sharding,
                const std::vector<std::string> &axisNames) {
  std::string s = "[";
  for (size_t d = 0; d < sharding.dims.size(); ++d) {
    const DimSharding &dim = sharding.dims[d];
    s += d ? ", {" : "{";
    // The distribution follows the first axis, which it splits by.
    for (size_t i = 0; i < dim.axes.size(); ++i)
      s += (i ? ", " : "") + axisName(dim.axes[i], axisNames) +
           (i ? "" : distText(dim.dist));
    s += "}";
  }
  return s + "]";
}

//===----------------------------------------------------------------------===//
// Steps
//===----------------------------------------------------------------------===//

Result<Sharding> applyStep(const Sharding &before, const ReshardStep &step,
                           const Shape &shape) {
  Sharding after = before;
  const auto rank = static_cast<int64_t>(before.dims.size());
  auto badDim = [&](int64_t d) { return d < 0 || d >= rank; };
  if (badDim(step.dim))
    return Error{"dim " + num(step.dim) + " is out of range for rank " +
                 num(rank)};
  DimSharding &dim = after.dims[step.dim];
  auto appendAxis = [&](DimSharding &target) {
    if (target.axes.empty())
      target.dist = step.dist;
    target.axes.push_back(step.axis);
  };
  switch (step.kind) {
  case OpKind::Split:
    for (const DimSharding &other : before.dims)
      if (std::count(other.axes.begin(), other.axes.end(), step.axis))
        return Error{"axis " + num(step.axis) + " already shards the tensor"};
    appendAxis(dim);
    break;
  case OpKind::Gather:
    if (dim.axes.empty() || dim.axes.back() != step.axis)
      return Error{"axis " + num(step.axis) + " is not the last of dim " +
                   num(step.dim)};
    dim.axes.pop_back();
    if (dim.axes.empty())
      dim.dist = Distribution();
    break;
  case OpKind::AllToAll: {
    if (badDim(step.fromDim) || step.fromDim == step.dim)
      return Error{"an all_to_all moves an axis between two dims, not from " +
                   num(step.fromDim) + " to " + num(step.dim)};
    DimSharding &from = after.dims[step.fromDim];
    if (from.axes.empty() || from.axes.back() != step.axis)
      return Error{"axis " + num(step.axis) + " is not the last of dim " +
                   num(step.fromDim)};
    // The all_to_all's gather and scatter: the split rule or explicit
    // sizes on a first axis (no zigzag, no packed sequences).
    auto movable = [](const DimSharding &d, const Distribution &dist) {
      return !d.axes.empty() || dist.kind == DistKind::Even ||
             dist.kind == DistKind::Sizes;
    };
    DimSharding rest = from;
    rest.axes.pop_back();
    if (!movable(rest, from.dist) || !movable(dim, step.dist))
      return Error{"an all_to_all moves a dim's first axis only when it is "
                   "split by the split rule or explicit sizes"};
    from = rest;
    if (from.axes.empty())
      from.dist = Distribution();
    appendAxis(dim);
    break;
  }
  }
  if (Result<bool> ok = verifySharding(after, shape); !ok)
    return Error{ok.error()};
  return canonicalSharding(after, shape);
}

Result<Op> stepOp(const Sharding &before, const ReshardStep &step,
                  const Shape &shape, int64_t rank) {
  Result<Sharding> after = applyStep(before, step, shape);
  if (!after)
    return Error{after.error()};
  Result<Shape> out = localShape(*after, shape, rank);
  if (!out)
    return Error{out.error()};
  // A first axis moves by its distribution over the whole dim; a further
  // axis by the split rule over what the rank holds.
  auto scattered = [&](int64_t d) {
    Distribution dist;
    if (before.dims[d].axes.empty())
      dist = step.dist;
    return dist;
  };
  auto gathered = [&](int64_t d) {
    const DimSharding &dim = before.dims[d];
    Distribution dist;
    if (dim.axes.size() == 1)
      dist = dim.dist;
    if (dist.kind == DistKind::Even || dist.kind == DistKind::Zigzag)
      dist.length = (*out)[d];
    return dist;
  };
  Op op;
  op.kind = step.kind;
  op.gridShape = before.gridShape;
  op.axes = {step.axis};
  switch (step.kind) {
  case OpKind::Split:
    op.scatter = {step.dim, scattered(step.dim)};
    break;
  case OpKind::Gather:
    op.gather = {step.dim, gathered(step.dim)};
    break;
  case OpKind::AllToAll:
    op.scatter = {step.dim, scattered(step.dim)};
    op.gather = {step.fromDim, gathered(step.fromDim)};
    break;
  }
  return op;
}

Result<bool> priceStep(const Sharding &before, ReshardStep &step,
                       const Shape &shape, int64_t elementBytes,
                       const CostModel &model) {
  Result<Sharding> after = applyStep(before, step, shape);
  if (!after)
    return Error{after.error()};
  const int64_t ranks = numElements(before.gridShape);
  const bool moves = before.gridShape[step.axis] > 1;
  step.bytesSent = step.bytesReceived = step.bytesCopied = 0;
  step.calls = step.kind != OpKind::Split && moves ? 1 : 0;
  step.seconds = 0;
  const Grid grid{before.gridShape};
  const LocalShapes inShapes(before, shape), outShapes(*after, shape);
  for (int64_t r = 0; r < ranks; ++r) {
    const Shape coords = grid.coords(r);
    Shape in = inShapes.at(coords);
    Shape out = outShapes.at(coords);
    const int64_t inElems = numElements(in), outElems = numElements(out);
    int64_t sent = 0, received = 0, copied = outElems;
    if (step.kind == OpKind::Gather) {
      sent = inElems * (before.gridShape[step.axis] - 1);
      received = outElems - inElems;
      copied = inElems;
    } else if (step.kind == OpKind::AllToAll) {
      // The chunk a rank keeps: its input with the scattered dim cut to
      // its own piece.
      Shape own = in;
      own[step.dim] = out[step.dim];
      const int64_t kept = numElements(own);
      sent = inElems - kept;
      received = outElems - kept;
      copied = kept;
    }
    sent *= elementBytes;
    received *= elementBytes;
    copied *= elementBytes;
    step.bytesSent = std::max(step.bytesSent, sent);
    step.bytesReceived = std::max(step.bytesReceived, received);
    step.bytesCopied = std::max(step.bytesCopied, copied);
    const double seconds =
        double(step.calls) * model.latency +
        double(std::max(sent, received)) / model.linkBytesPerSecond +
        double(copied) / model.copyBytesPerSecond;
    step.seconds = std::max(step.seconds, seconds);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// The planner
//===----------------------------------------------------------------------===//

namespace {

/// A sharding as words, for the search's maps.
std::vector<int64_t> key(const Sharding &s) {
  std::vector<int64_t> words;
  for (const DimSharding &d : s.dims) {
    words.push_back(int64_t(d.axes.size()));
    words.insert(words.end(), d.axes.begin(), d.axes.end());
    if (d.axes.empty())
      continue;
    words.push_back(int64_t(d.dist.kind));
    words.push_back(int64_t(d.dist.values.size()));
    words.insert(words.end(), d.dist.values.begin(), d.dist.values.end());
  }
  return words;
}

/// The distributions a dim may take when `axis` becomes its first: the
/// split rule, or what the source or the target has there.
std::vector<Distribution> firstAxisDists(const Sharding &from,
                                         const Sharding &to, int64_t dim,
                                         int64_t axis) {
  std::vector<Distribution> dists = {Distribution()};
  for (const Sharding *s : {&from, &to}) {
    const DimSharding &d = s->dims[dim];
    if (!d.axes.empty() && d.axes[0] == axis && d.dist.kind != DistKind::Even &&
        std::none_of(dists.begin(), dists.end(), [&](const Distribution &x) {
          return sameDist(x, d.dist);
        }))
      dists.push_back(d.dist);
  }
  return dists;
}

ReshardStep makeStep(OpKind kind, int64_t axis, int64_t dim, int64_t fromDim,
                     const Distribution &dist) {
  ReshardStep step;
  step.kind = kind;
  step.axis = axis;
  step.dim = dim;
  step.fromDim = fromDim;
  step.dist = dist;
  return step;
}

/// Every step from `s`.
std::vector<ReshardStep> candidates(const Sharding &s, const Sharding &from,
                                    const Sharding &to) {
  std::vector<ReshardStep> steps;
  const auto rank = static_cast<int64_t>(s.dims.size());
  std::vector<bool> used(s.gridShape.size(), false);
  for (const DimSharding &d : s.dims)
    for (int64_t a : d.axes)
      used[a] = true;
  auto newLevel = [&](int64_t dim, int64_t axis) {
    return s.dims[dim].axes.empty() ? firstAxisDists(from, to, dim, axis)
                                    : std::vector<Distribution>{Distribution()};
  };
  for (int64_t d = 0; d < rank; ++d) {
    if (s.dims[d].axes.empty())
      continue;
    const int64_t x = s.dims[d].axes.back();
    steps.push_back(makeStep(OpKind::Gather, x, d, -1, Distribution()));
    for (int64_t e = 0; e < rank; ++e)
      if (e != d)
        for (const Distribution &dist : newLevel(e, x))
          steps.push_back(makeStep(OpKind::AllToAll, x, e, d, dist));
  }
  // A split over an axis that neither end uses would have to be gathered
  // again: only the axes the two shardings name are split.
  std::vector<bool> named(s.gridShape.size(), false);
  for (const Sharding *end : {&from, &to})
    for (const DimSharding &d : end->dims)
      for (int64_t a : d.axes)
        named[a] = true;
  for (int64_t x = 0; x < int64_t(s.gridShape.size()); ++x)
    if (!used[x] && named[x])
      for (int64_t d = 0; d < rank; ++d)
        for (const Distribution &dist : newLevel(d, x))
          steps.push_back(makeStep(OpKind::Split, x, d, -1, dist));
  return steps;
}

} // namespace

Result<ReshardPlan> planReshard(const Sharding &from, const Sharding &to,
                                const Shape &shape, int64_t elementBytes,
                                const CostModel &model, int64_t searchBudget,
                                const std::vector<std::string> &axisNames) {
  if (from.gridShape != to.gridShape)
    return Error{"the shardings are on different grids, " +
                 str(from.gridShape) + " and " + str(to.gridShape)};
  if (Result<bool> ok = verifySharding(from, shape); !ok)
    return Error{"the source sharding " + str(from, axisNames) + ": " +
                 ok.error()};
  if (Result<bool> ok = verifySharding(to, shape); !ok)
    return Error{"the target sharding " + str(to, axisNames) + ": " +
                 ok.error()};
  if (elementBytes <= 0)
    return Error{"the element size " + num(elementBytes) + " is not positive"};
  if (!elementCount(shape) || !checkedMul(numElements(shape), elementBytes))
    return Error{"the tensor " + str(shape) + " has too many bytes"};
  // The search runs over layouts: shardings in canonical form.
  const Sharding source = canonicalSharding(from, shape);
  const Sharding target = canonicalSharding(to, shape);
  // Dijkstra over the shardings the steps reach; ties keep the plan with
  // fewer steps (then the one found first).
  struct Entry {
    double seconds;
    size_t steps;
    std::vector<int64_t> key;
    bool operator>(const Entry &o) const {
      return seconds != o.seconds ? seconds > o.seconds : steps > o.steps;
    }
  };
  struct Node {
    Sharding sharding;
    double seconds = std::numeric_limits<double>::infinity();
    std::vector<ReshardStep> steps;
    bool done = false;
  };
  std::map<std::vector<int64_t>, Node> nodes;
  const int64_t ranks = numElements(source.gridShape);
  int64_t priced = 0;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  Node &start = nodes[key(source)];
  start.sharding = source;
  start.seconds = 0;
  queue.push({0, 0, key(source)});
  const std::vector<int64_t> goal = key(target);
  while (!queue.empty()) {
    Entry top = queue.top();
    queue.pop();
    Node &node = nodes[top.key];
    if (node.done)
      continue;
    node.done = true;
    if (top.key == goal) {
      ReshardPlan plan;
      plan.from = source;
      plan.to = target;
      plan.shape = shape;
      plan.elementBytes = elementBytes;
      plan.steps = node.steps;
      plan.seconds = node.seconds;
      return plan;
    }
    if (priced > searchBudget)
      return Error{"the search from " + str(from, axisNames) + " to " +
                   str(to, axisNames) + " priced more than " +
                   num(searchBudget) +
                   " steps on ranks without an answer; reshard over fewer "
                   "axes at once"};
    const Sharding here = node.sharding;
    const std::vector<ReshardStep> path = node.steps;
    const double base = node.seconds;
    for (ReshardStep step : candidates(here, source, target)) {
      priced += ranks;
      if (!priceStep(here, step, shape, elementBytes, model))
        continue; // A distribution that does not fit the dim there.
      Sharding next = *applyStep(here, step, shape);
      std::vector<int64_t> k = key(next);
      Node &n = nodes[k];
      const double seconds = base + step.seconds;
      const size_t count = path.size() + 1;
      if (n.done || seconds > n.seconds ||
          (seconds == n.seconds && count >= n.steps.size() && !n.steps.empty()))
        continue;
      n.sharding = next;
      n.seconds = seconds;
      n.steps = path;
      n.steps.push_back(step);
      queue.push({seconds, count, std::move(k)});
    }
  }
  // Every sharding reaches the replicated one and every sharding is reached
  // from it, so this is only reached for distributions no step produces.
  return Error{"no sequence of steps reaches " + str(to, axisNames) + " from " +
               str(from, axisNames)};
}

//===----------------------------------------------------------------------===//
// Explanation
//===----------------------------------------------------------------------===//

namespace {

std::string bytesText(int64_t bytes) {
  char buf[32];
  if (bytes >= int64_t(1) << 20)
    std::snprintf(buf, sizeof(buf), "%.2f MiB", double(bytes) / (1 << 20));
  else if (bytes >= int64_t(1) << 10)
    std::snprintf(buf, sizeof(buf), "%.2f KiB", double(bytes) / (1 << 10));
  else
    std::snprintf(buf, sizeof(buf), "%lld B", static_cast<long long>(bytes));
  return buf;
}

std::string secondsText(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f us", s * 1e6);
  return buf;
}

} // namespace

std::string explain(const ReshardPlan &plan,
                    const std::vector<std::string> &axisNames) {
  std::string text = "reshard " + str(plan.shape) + " from " +
                     str(plan.from, axisNames) + " to " +
                     str(plan.to, axisNames) + ": ";
  if (plan.steps.empty())
    return text + "nothing to do\n";
  text += num(int64_t(plan.steps.size())) +
          (plan.steps.size() == 1 ? " step, " : " steps, ") +
          secondsText(plan.seconds) + "\n";
  Sharding s = plan.from;
  int64_t index = 0;
  for (const ReshardStep &step : plan.steps) {
    const std::string axis = "'" + axisName(step.axis, axisNames) + "' (" +
                             num(s.gridShape[step.axis]) + " ranks)";
    text += "  " + num(++index) + ". ";
    switch (step.kind) {
    case OpKind::Split:
      text += "split dim " + num(step.dim) + " over " + axis +
              distText(step.dist) + ": a local copy";
      break;
    case OpKind::Gather:
      text += "gather dim " + num(step.dim) + " over " + axis;
      break;
    case OpKind::AllToAll:
      text += "all_to_all over " + axis + ": gather dim " + num(step.fromDim) +
              ", scatter dim " + num(step.dim) + distText(step.dist);
      break;
    }
    s = *applyStep(s, step, plan.shape);
    text += "\n     -> " + str(s, axisNames) + "; per rank at most " +
            bytesText(step.bytesSent) + " sent, " +
            bytesText(step.bytesReceived) + " received, " +
            bytesText(step.bytesCopied) + " copied; " + num(step.calls) +
            (step.calls == 1 ? " call; " : " calls; ") +
            secondsText(step.seconds) + "\n";
  }
  return text;
}

} // namespace seqpar::layout

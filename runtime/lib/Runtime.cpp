//===- Runtime.cpp - Execution of the resharding ops
//-----------------------===//
//
// Each op is resolved into a Layout shard map or all-to-all size lists, then
// planned by Layout (planAllToAll, planSplit, planGather) and executed with at
// most one copy call before the collective and one after it.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/Runtime.h"
#include "seqpar/Layout/Layout.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace seqpar::rt {

using layout::Shape;
using layout::StridedBlock;

//===----------------------------------------------------------------------===//
// Op descriptions
//===----------------------------------------------------------------------===//

OpDesc allToAllOp(std::vector<int64_t> axes, int64_t scatterDim,
                  int64_t gatherDim, std::vector<int64_t> scatterSizes,
                  std::vector<int64_t> gatherSizes, int64_t gatherSize) {
  OpDesc op;
  op.kind = OpKind::AllToAll;
  op.axes = std::move(axes);
  op.dim = scatterDim;
  op.gatherDim = gatherDim;
  op.sizes = std::move(scatterSizes);
  op.gatherSizes = std::move(gatherSizes);
  op.globalSize = gatherSize;
  return op;
}

static OpDesc splitGatherOp(OpKind kind, std::vector<int64_t> axes, bool hybrid,
                            MapKind map, int64_t dim,
                            std::vector<int64_t> sizes, int64_t globalSize,
                            GradScale scale) {
  OpDesc op;
  op.kind = kind;
  op.axes = std::move(axes);
  op.hybrid = hybrid;
  op.map = map;
  op.dim = dim;
  op.sizes = std::move(sizes);
  op.globalSize = globalSize;
  op.scale = scale;
  return op;
}

OpDesc splitOp(std::vector<int64_t> axes, int64_t dim,
               std::vector<int64_t> sizes, GradScale scale) {
  return splitGatherOp(OpKind::Split, std::move(axes), false, MapKind::Sizes,
                       dim, std::move(sizes), -1, scale);
}
OpDesc gatherOp(std::vector<int64_t> axes, int64_t dim,
                std::vector<int64_t> sizes, GradScale scale) {
  return splitGatherOp(OpKind::Gather, std::move(axes), false, MapKind::Sizes,
                       dim, std::move(sizes), -1, scale);
}
OpDesc zigzagSplitOp(std::vector<int64_t> axes, int64_t dim, GradScale scale) {
  return splitGatherOp(OpKind::Split, std::move(axes), false, MapKind::Zigzag,
                       dim, {}, -1, scale);
}
OpDesc zigzagGatherOp(std::vector<int64_t> axes, int64_t dim, GradScale scale) {
  return splitGatherOp(OpKind::Gather, std::move(axes), false, MapKind::Zigzag,
                       dim, {}, -1, scale);
}
OpDesc hybridSplitOp(int64_t ringAxis, int64_t ulyssesAxis, int64_t dim,
                     GradScale scale) {
  return splitGatherOp(OpKind::Split, {ringAxis, ulyssesAxis}, true,
                       MapKind::Zigzag, dim, {}, -1, scale);
}
OpDesc hybridGatherOp(int64_t ringAxis, int64_t ulyssesAxis, int64_t dim,
                      int64_t globalLength, GradScale scale) {
  return splitGatherOp(OpKind::Gather, {ringAxis, ulyssesAxis}, true,
                       MapKind::Zigzag, dim, {}, globalLength, scale);
}
OpDesc packedSplitOp(std::vector<int64_t> axes, int64_t dim,
                     std::vector<int64_t> seqLens, GradScale scale) {
  return splitGatherOp(OpKind::Split, std::move(axes), false, MapKind::Packed,
                       dim, std::move(seqLens), -1, scale);
}
OpDesc packedGatherOp(std::vector<int64_t> axes, int64_t dim,
                      std::vector<int64_t> seqLens, GradScale scale) {
  return splitGatherOp(OpKind::Gather, std::move(axes), false, MapKind::Packed,
                       dim, std::move(seqLens), -1, scale);
}
OpDesc packedHybridSplitOp(int64_t ringAxis, int64_t ulyssesAxis, int64_t dim,
                           std::vector<int64_t> seqLens, GradScale scale) {
  return splitGatherOp(OpKind::Split, {ringAxis, ulyssesAxis}, true,
                       MapKind::Packed, dim, std::move(seqLens), -1, scale);
}
OpDesc packedHybridGatherOp(int64_t ringAxis, int64_t ulyssesAxis, int64_t dim,
                            std::vector<int64_t> seqLens, GradScale scale) {
  return splitGatherOp(OpKind::Gather, {ringAxis, ulyssesAxis}, true,
                       MapKind::Packed, dim, std::move(seqLens), -1, scale);
}

std::string opName(const OpDesc &op) {
  if (op.kind == OpKind::AllToAll)
    return "all_to_all";
  std::string base = op.kind == OpKind::Split ? "split" : "gather";
  std::string prefix;
  if (op.map == MapKind::Packed)
    prefix = op.hybrid ? "packed_hybrid_" : "packed_";
  else if (op.hybrid)
    prefix = "hybrid_";
  else if (op.map == MapKind::Zigzag)
    prefix = "zigzag_";
  return prefix + base;
}

//===----------------------------------------------------------------------===//
// Runtime
//===----------------------------------------------------------------------===//

struct Runtime::Resolved {
  OpDesc op;
  std::string name;
  Backend *comm = nullptr;
  int64_t size = 1, rank = 0;
  std::vector<int64_t> scatterSizes, gatherSizes; ///< All-to-all.
  layout::ShardMap map;                           ///< Split and gather.
  Shape outShape;
  /// Per-rank length of the input dim that may differ between ranks (the
  /// gather dim of an all-to-all, the dim of a gather); empty for splits.
  std::vector<int64_t> localLengths;
};

Status Runtime::create(std::shared_ptr<Backend> world,
                       std::vector<int64_t> gridShape,
                       std::unique_ptr<Runtime> &out) {
  if (!world)
    return {StatusCode::InvalidArgument, "init: the world backend is null"};
  if (gridShape.empty() || gridShape.size() > 16)
    return {StatusCode::InvalidArgument,
            "init: the grid must have 1 to 16 axes, got " +
                layout::str(gridShape)};
  for (int64_t s : gridShape)
    if (s < 1)
      return {StatusCode::InvalidArgument,
              "init: grid " + layout::str(gridShape) + " has an axis of size " +
                  std::to_string(s)};
  if (layout::numElements(gridShape) != world->size())
    return {StatusCode::InvalidArgument,
            "init: grid " + layout::str(gridShape) + " has " +
                std::to_string(layout::numElements(gridShape)) +
                " ranks but the " + world->name() + " world has " +
                std::to_string(world->size())};
  out.reset(new Runtime());
  out->world_ = std::move(world);
  out->gridShape_ = std::move(gridShape);
  const char *env = std::getenv("SEQPAR_RT_CHECK");
  out->checkMode_ = env && *env && std::strcmp(env, "0") != 0;
  return Status::ok();
}

Runtime::~Runtime() {
  if (staging_)
    world_->deallocate(staging_);
  groups_.clear();
}

Status Runtime::group(const std::vector<int64_t> &axes, Backend *&out) {
  layout::Grid grid{gridShape_};
  std::string err = grid.checkAxes(axes);
  if (!err.empty())
    return {StatusCode::InvalidArgument,
            "group " + layout::str(axes) + ": " + err};
  auto it = groups_.find(axes);
  if (it != groups_.end()) {
    out = it->second.get();
    return Status::ok();
  }
  int64_t me = world_->rank();
  std::vector<int64_t> members = grid.groupMembers(me, axes);
  bool isWorld = static_cast<int64_t>(members.size()) == world_->size();
  for (size_t i = 0; isWorld && i < members.size(); ++i)
    isWorld = members[i] == static_cast<int64_t>(i);
  std::shared_ptr<Backend> comm = world_;
  if (!isWorld) {
    std::unique_ptr<Backend> sub;
    // The smallest member names the group; the key orders it by group rank.
    if (Status st = world_->split(members[0], grid.groupRank(me, axes), sub);
        !st)
      return {st.code(), "group " + layout::str(axes) + ": " + st.message()};
    comm = std::move(sub);
  }
  out = comm.get();
  groups_[axes] = std::move(comm);
  return Status::ok();
}

Status Runtime::setGroup(const std::vector<int64_t> &axes,
                         std::shared_ptr<Backend> backend) {
  layout::Grid grid{gridShape_};
  std::string err = grid.checkAxes(axes);
  if (!err.empty())
    return {StatusCode::InvalidArgument,
            "group " + layout::str(axes) + ": " + err};
  int64_t expected = grid.groupSize(axes);
  if (!backend || backend->size() != expected)
    return {StatusCode::InvalidArgument,
            "group " + layout::str(axes) + ": the backend must have " +
                std::to_string(expected) + " ranks"};
  groups_[axes] = std::move(backend);
  return Status::ok();
}

Status Runtime::groupSize(const std::vector<int64_t> &axes, int64_t &out) {
  Backend *comm = nullptr;
  if (Status st = group(axes, comm); !st)
    return st;
  out = comm->size();
  return Status::ok();
}

Status Runtime::groupRank(const std::vector<int64_t> &axes, int64_t &out) {
  Backend *comm = nullptr;
  if (Status st = group(axes, comm); !st)
    return st;
  out = comm->rank();
  return Status::ok();
}

Status Runtime::exchangeLengths(const std::vector<int64_t> &axes, int64_t mine,
                                std::vector<int64_t> &all) {
  Backend *comm = nullptr;
  if (Status st = group(axes, comm); !st)
    return {st.code(), "exchange_lengths: " + st.message()};
  if (mine < 0)
    return {StatusCode::InvalidArgument, "exchange_lengths: the length " +
                                             std::to_string(mine) +
                                             " is negative"};
  all.assign(comm->size(), 0);
  if (Status st = comm->allgatherHost(&mine, sizeof(mine), all.data()); !st)
    return {st.code(), "exchange_lengths: " + st.message()};
  return Status::ok();
}

Status Runtime::resolve(const OpDesc &op, const Shape &inShape, Resolved &res) {
  res.op = op;
  res.name = opName(op);
  auto fail = [&](const std::string &msg) {
    return Status(StatusCode::InvalidArgument, res.name + ": " + msg);
  };
  // Descriptions built by hand (not by the builders) may carry any value.
  auto badCode = [](auto v) {
    auto c = static_cast<int32_t>(v);
    return c < 0 || c > 2;
  };
  if (badCode(op.kind) || badCode(op.map) || badCode(op.scale))
    return fail("invalid op description (kind " +
                std::to_string(static_cast<int32_t>(op.kind)) + ", map " +
                std::to_string(static_cast<int32_t>(op.map)) + ", scale " +
                std::to_string(static_cast<int32_t>(op.scale)) + ")");
  if (op.hybrid && op.axes.size() != 2)
    return fail("a hybrid op needs a ring axis and a Ulysses axis, got axes " +
                layout::str(op.axes));
  if (Status st = group(op.axes, res.comm); !st)
    return {st.code(), res.name + ": " + st.message()};
  res.size = res.comm->size();
  res.rank = res.comm->rank();
  const int64_t P = res.size, r = res.rank;
  const int64_t rank = static_cast<int64_t>(inShape.size());
  if (rank < 1 || rank > kMaxRank)
    return fail("the input has rank " + std::to_string(rank) +
                " but ranks 1 to 6 are supported");
  for (int64_t s : inShape)
    if (s < 0)
      return fail("the input shape " + layout::str(inShape) +
                  " has a negative size");
  res.outShape = inShape;

  if (op.kind == OpKind::AllToAll) {
    const int64_t s = op.dim, g = op.gatherDim;
    std::string err = layout::checkDim(s, rank, "scatter dim");
    if (err.empty())
      err = layout::checkDim(g, rank, "gather dim");
    if (!err.empty())
      return fail(err);
    if (s == g)
      return fail("scatter dim and gather dim are both " + std::to_string(s));
    if (op.scale != GradScale::None)
      return fail("an all-to-all takes no gradient scale (its adjoint is an "
                  "all-to-all)");
    res.scatterSizes =
        op.sizes.empty() ? layout::splitSizes(inShape[s], P) : op.sizes;
    err = layout::checkSizes(res.scatterSizes, inShape[s], P);
    if (!err.empty())
      return fail("scatter dim " + std::to_string(s) + ": " + err);
    if (!op.gatherSizes.empty()) {
      res.gatherSizes = op.gatherSizes;
      err =
          layout::checkSizes(res.gatherSizes, layout::sum(res.gatherSizes), P);
      if (!err.empty())
        return fail("gather dim " + std::to_string(g) + ": " + err);
    } else if (op.globalSize >= 0) {
      res.gatherSizes = layout::splitSizes(op.globalSize, P);
    } else {
      res.gatherSizes = layout::splitSizes(inShape[g] * P, P);
    }
    if (inShape[g] != res.gatherSizes[r])
      return fail("the input has " + std::to_string(inShape[g]) +
                  " elements in gather dim " + std::to_string(g) +
                  " but the gather sizes " + layout::str(res.gatherSizes) +
                  " give rank " + std::to_string(r) + " " +
                  std::to_string(res.gatherSizes[r]));
    res.outShape[s] = res.scatterSizes[r];
    res.outShape[g] = layout::sum(res.gatherSizes);
    res.localLengths = res.gatherSizes;
    return Status::ok();
  }

  const int64_t d = op.dim;
  if (std::string err = layout::checkDim(d, rank, "dim"); !err.empty())
    return fail(err);
  const std::string dimText = "dim " + std::to_string(d) + ": ";
  layout::Grid grid{gridShape_};
  // A hybrid map distributes over the ring axis first.
  const int64_t parts = op.hybrid ? grid.groupSize({op.axes[0]}) : P;
  if (op.hybrid && op.map == MapKind::Sizes)
    return fail("a hybrid op needs a zigzag or packed map");
  const bool isSplit = op.kind == OpKind::Split;
  const int64_t local = inShape[d];
  std::string err;
  switch (op.map) {
  case MapKind::Sizes: {
    std::vector<int64_t> sizes = op.sizes;
    if (sizes.empty())
      sizes = isSplit ? layout::splitSizes(local, P)
                      : std::vector<int64_t>(P, local);
    err = layout::checkSizes(sizes, isSplit ? local : layout::sum(sizes), P);
    if (err.empty())
      res.map = layout::explicitShardMap(sizes);
    break;
  }
  case MapKind::Zigzag: {
    int64_t n = local;
    if (!isSplit) {
      if (op.globalSize >= 0)
        n = op.globalSize;
      else if (op.hybrid)
        return fail("the global length of dim " + std::to_string(d) +
                    " is needed to gather over a hybrid group");
      else
        n = local * P;
    }
    err = layout::checkZigzag(n, parts);
    if (err.empty())
      res.map = layout::zigzagShardMap(n, parts);
    break;
  }
  case MapKind::Packed:
    err =
        layout::checkSeqLens(op.sizes, isSplit ? local : layout::sum(op.sizes));
    if (err.empty())
      res.map = layout::packedShardMap(op.sizes, parts);
    break;
  }
  if (!err.empty())
    return fail(dimText + err);
  if (op.hybrid)
    res.map = layout::hybridShardMap(res.map, grid.groupSize({op.axes[1]}));
  if (isSplit) {
    res.outShape[d] = res.map.localSize(r);
    return Status::ok();
  }
  if (res.map.localSize(r) != local)
    return fail("the input has " + std::to_string(local) + " elements in dim " +
                std::to_string(d) + " but the shard map of length " +
                std::to_string(res.map.globalSize) + " over " +
                std::to_string(P) + " ranks gives rank " + std::to_string(r) +
                " " + std::to_string(res.map.localSize(r)));
  res.outShape[d] = res.map.globalSize;
  res.localLengths = res.map.localSizes();
  return Status::ok();
}

Status Runtime::outputShape(const OpDesc &op, const Shape &inShape,
                            Shape &out) {
  Resolved res;
  if (Status st = resolve(op, inShape, res); !st)
    return st;
  out = res.outShape;
  return Status::ok();
}

Status Runtime::adjoint(const OpDesc &op, const Shape &inShape, GradScale scale,
                        OpDesc &out) {
  Resolved res;
  if (Status st = resolve(op, inShape, res); !st)
    return st;
  if (op.kind == OpKind::AllToAll) {
    out = allToAllOp(op.axes, op.gatherDim, op.dim, res.gatherSizes,
                     res.scatterSizes);
    return Status::ok();
  }
  out = op;
  out.kind = op.kind == OpKind::Split ? OpKind::Gather : OpKind::Split;
  out.scale = scale;
  if (op.map == MapKind::Sizes)
    out.sizes = res.map.localSizes();
  if (op.map == MapKind::Zigzag)
    out.globalSize = res.map.globalSize;
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Execution
//===----------------------------------------------------------------------===//

namespace {

Status validateTensor(const std::string &name, const char *what,
                      const TensorRef &t) {
  auto fail = [&](const std::string &msg) {
    return Status(StatusCode::InvalidArgument,
                  name + ": the " + what + " " + msg);
  };
  if (!isValidDType(static_cast<int32_t>(t.dtype)))
    return fail("has the invalid element type code " +
                std::to_string(static_cast<int32_t>(t.dtype)));
  if (t.rank() < 1 || t.rank() > kMaxRank)
    return fail("has rank " + std::to_string(t.rank()) +
                " but ranks 1 to 6 are supported");
  if (t.strides.size() != t.sizes.size())
    return fail("has " + std::to_string(t.sizes.size()) + " sizes but " +
                std::to_string(t.strides.size()) + " strides");
  for (int64_t s : t.sizes)
    if (s < 0)
      return fail("shape " + layout::str(t.sizes) + " has a negative size");
  if (!t.data && layout::numElements(t.sizes) > 0)
    return fail("of shape " + layout::str(t.sizes) +
                " has a null data pointer");
  return Status::ok();
}

/// `box` is a box of a dense row-major tensor of shape `full`; returns the
/// same box in a tensor of shape `full` laid out with `strides`.
StridedBlock rebase(const StridedBlock &box, const Shape &full,
                    const Shape &strides) {
  Shape dense = layout::denseStrides(full);
  StridedBlock b{0, box.shape, strides};
  int64_t rem = box.offset;
  for (size_t i = 0; i < full.size(); ++i) {
    int64_t c = dense[i] ? rem / dense[i] : 0;
    rem -= c * dense[i];
    b.offset += c * strides[i];
  }
  return b;
}

/// The byte range [first, last] a non-empty view touches.
std::pair<uintptr_t, uintptr_t> byteRange(const TensorRef &t) {
  int64_t lo = 0, hi = 0;
  for (size_t i = 0; i < t.sizes.size(); ++i) {
    int64_t extent = (t.sizes[i] - 1) * t.strides[i];
    (extent < 0 ? lo : hi) += extent;
  }
  int64_t es = elementSize(t.dtype);
  auto base = reinterpret_cast<uintptr_t>(t.data);
  return {base + lo * es, base + hi * es + es - 1};
}

char *addr(void *base, int64_t elems, int64_t es) {
  return static_cast<char *>(base) + elems * es;
}

CopyJob makeJob(const void *src, const Shape &srcStrides, void *dst,
                const Shape &dstStrides, const Shape &shape) {
  return {src, dst, shape, srcStrides, dstStrides};
}

int64_t align64(int64_t bytes) { return (bytes + 63) / 64 * 64; }

uint64_t hashList(const std::vector<int64_t> &v) {
  uint64_t h = 1469598103934665603ull ^ v.size();
  for (int64_t x : v) {
    h ^= static_cast<uint64_t>(x);
    h *= 1099511628211ull;
  }
  return h;
}

} // namespace

Status Runtime::reserveStaging(int64_t bytes) {
  if (bytes <= stagingBytes_)
    return Status::ok();
  if (staging_)
    world_->deallocate(staging_);
  staging_ = nullptr;
  stagingBytes_ = 0;
  if (Status st = world_->allocate(bytes, staging_); !st)
    return st;
  stagingBytes_ = bytes;
  return Status::ok();
}

Status Runtime::run(const OpDesc &op, const TensorRef &in,
                    const TensorRef &out) {
  const std::string name = opName(op);
  Backend *comm = nullptr;
  if (Status st = group(op.axes, comm); !st)
    return {st.code(), name + ": " + st.message()};
  Resolved res;
  Status local = validateTensor(name, "input", in);
  if (local)
    local = validateTensor(name, "output", out);
  if (local && in.dtype != out.dtype)
    local = {StatusCode::InvalidArgument,
             name + ": the input is " + dtypeName(in.dtype) +
                 " but the output is " + dtypeName(out.dtype)};
  if (local)
    local = resolve(op, in.sizes, res);
  if (local && out.sizes != res.outShape)
    local = {StatusCode::InvalidArgument,
             name + ": the output has shape " + layout::str(out.sizes) +
                 " but the op produces " + layout::str(res.outShape)};
  if (local && layout::numElements(out.sizes) > 0) {
    for (size_t i = 0; i < out.sizes.size(); ++i)
      if (out.sizes[i] > 1 && out.strides[i] == 0)
        local = {StatusCode::InvalidArgument,
                 name + ": the output has stride 0 in dim " +
                     std::to_string(i) + " of size " +
                     std::to_string(out.sizes[i]) + ", so its elements alias"};
  }
  if (local && layout::numElements(in.sizes) > 0 &&
      layout::numElements(out.sizes) > 0) {
    // Ops are not in place: the output's writes would clobber input that
    // peers have not received yet.
    auto [inLo, inHi] = byteRange(in);
    auto [outLo, outHi] = byteRange(out);
    if (inLo <= outHi && outLo <= inHi)
      local = {StatusCode::InvalidArgument,
               name + ": the input and the output overlap in memory"};
  }
  if (local && op.scale != GradScale::None && !isFloat(in.dtype))
    local = {StatusCode::InvalidArgument,
             name + ": grad scale " + gradScaleName(op.scale) +
                 " needs a floating-point element type, got " +
                 dtypeName(in.dtype)};
  if (checkMode_)
    if (Status st = check(op, in, local, res); !st)
      return st;
  if (!local)
    return local;
  switch (op.kind) {
  case OpKind::AllToAll:
    return runAllToAll(res, in, out);
  case OpKind::Split:
    return runSplit(res, in, out);
  case OpKind::Gather:
    return runGather(res, in, out);
  }
  return {StatusCode::InvalidArgument, name + ": invalid op kind"};
}

namespace {
/// The fixed-size record that check mode gathers from every rank.
enum CheckField : int {
  kOk,
  kKind,
  kMap,
  kDType,
  kRank,
  kDim,
  kGatherDim,
  kScale,
  kSizes,
  kGatherSizes,
  kGlobalSize,
  kAxes,
  kShape,
  kLocal = kShape + kMaxRank,
  kNumFields
};
const char *fieldName(int f) {
  switch (f) {
  case kKind:
    return "op";
  case kMap:
    return "shard map";
  case kDType:
    return "element type";
  case kRank:
    return "tensor rank";
  case kDim:
    return "dim";
  case kGatherDim:
    return "gather dim";
  case kScale:
    return "grad scale";
  case kSizes:
    return "sizes";
  case kGatherSizes:
    return "gather sizes";
  case kGlobalSize:
    return "global size";
  case kAxes:
    return "group axes";
  default:
    return "input shape";
  }
}
std::string shapeText(const int64_t *rec) {
  std::string s = "[";
  for (int i = 0; i < kMaxRank && rec[kShape + i] != -2; ++i) {
    if (i)
      s += ", ";
    s += rec[kShape + i] == -1 ? std::string("?")
                               : std::to_string(rec[kShape + i]);
  }
  return s + "]";
}
} // namespace

Status Runtime::check(const OpDesc &op, const TensorRef &in,
                      const Status &local, const Resolved &res) {
  const std::string name = opName(op);
  Backend *comm = nullptr;
  if (Status st = group(op.axes, comm); !st)
    return {st.code(), name + ": " + st.message()};
  // The dim whose length legitimately differs between ranks.
  int64_t varying = op.kind == OpKind::AllToAll ? op.gatherDim
                    : op.kind == OpKind::Gather ? op.dim
                                                : -1;
  int64_t rec[kNumFields];
  rec[kOk] = local.isOk();
  rec[kKind] = static_cast<int64_t>(op.kind);
  rec[kMap] = static_cast<int64_t>(op.map) | (int64_t(op.hybrid) << 4);
  rec[kDType] = static_cast<int64_t>(in.dtype);
  rec[kRank] = in.rank();
  rec[kDim] = op.dim;
  rec[kGatherDim] = op.kind == OpKind::AllToAll ? op.gatherDim : 0;
  rec[kScale] = static_cast<int64_t>(op.scale);
  rec[kSizes] = static_cast<int64_t>(hashList(op.sizes));
  rec[kGatherSizes] = static_cast<int64_t>(hashList(op.gatherSizes));
  rec[kGlobalSize] = op.globalSize;
  rec[kAxes] = static_cast<int64_t>(hashList(op.axes));
  for (int i = 0; i < kMaxRank; ++i)
    rec[kShape + i] = i >= in.rank() ? -2 : i == varying ? -1 : in.sizes[i];
  rec[kLocal] = varying >= 0 && varying < in.rank() ? in.sizes[varying] : -1;

  const int64_t P = comm->size();
  std::vector<int64_t> all(P * kNumFields);
  if (Status st = comm->allgatherHost(rec, sizeof(rec), all.data()); !st)
    return {st.code(), name + ": check mode: " + st.message()};
  auto mismatch = [&](const std::string &msg) {
    return Status(StatusCode::Mismatch, name + ": check mode: " + msg);
  };
  // A rank that rejected its own arguments reports its own error; the others
  // learn that it gave up instead of waiting for it.
  if (!local)
    return local;
  for (int64_t q = 0; q < P; ++q)
    if (!all[q * kNumFields + kOk])
      return mismatch("rank " + std::to_string(q) + " rejected its arguments");
  const int64_t *first = all.data();
  for (int64_t q = 1; q < P; ++q) {
    const int64_t *other = all.data() + q * kNumFields;
    for (int f = kKind; f < kLocal; ++f) {
      if (first[f] == other[f])
        continue;
      std::string what = "ranks 0 and " + std::to_string(q) +
                         " disagree on the " + fieldName(f);
      if (f >= kShape)
        return mismatch(what + ": " + shapeText(first) + " vs " +
                        shapeText(other));
      if (f == kSizes || f == kGatherSizes || f == kAxes)
        return mismatch(what);
      if (f == kDType)
        return mismatch(what + ": " + dtypeName(DType(first[f])) + " vs " +
                        dtypeName(DType(other[f])));
      return mismatch(what + ": " + std::to_string(first[f]) + " vs " +
                      std::to_string(other[f]));
    }
  }
  // Every rank now holds the same op; each checks the gathered local
  // lengths against the sizes it derived.
  for (int64_t q = 0; q < P && !res.localLengths.empty(); ++q) {
    int64_t have = all[q * kNumFields + kLocal];
    if (have != res.localLengths[q])
      return mismatch("rank " + std::to_string(q) + " has " +
                      std::to_string(have) + " elements in dim " +
                      std::to_string(varying) + " but the sizes " +
                      layout::str(res.localLengths) + " give it " +
                      std::to_string(res.localLengths[q]));
  }
  return Status::ok();
}

Status Runtime::runAllToAll(const Resolved &res, const TensorRef &in,
                            const TensorRef &out) {
  const int64_t P = res.size, r = res.rank, es = elementSize(in.dtype);
  Backend &comm = *res.comm;
  layout::AllToAllPlan plan =
      layout::planAllToAll(in.sizes, in.strides, res.op.dim, res.op.gatherDim,
                           res.scatterSizes, res.gatherSizes, r, out.strides);

  std::vector<int64_t> sendBytes(P, 0), recvBytes(P, 0);
  std::vector<int64_t> sendStage(P, -1), recvStage(P, -1);
  int64_t stage = 0;
  for (int64_t q = 0; q < P; ++q) {
    if (q == r)
      continue;
    sendBytes[q] = plan.sendCounts[q] * es;
    recvBytes[q] = plan.recvCounts[q] * es;
    if (sendBytes[q] && !plan.send[q].isContiguous()) {
      sendStage[q] = stage;
      stage += align64(sendBytes[q]);
    }
    if (recvBytes[q] && !plan.recv[q].isContiguous()) {
      recvStage[q] = stage;
      stage += align64(recvBytes[q]);
    }
  }
  if (Status st = reserveStaging(stage); !st)
    return {st.code(), res.name + ": " + st.message()};

  std::vector<const void *> sendPtr(P, nullptr);
  std::vector<void *> recvPtr(P, nullptr);
  std::vector<CopyJob> pack, unpack;
  for (int64_t q = 0; q < P; ++q) {
    const StridedBlock &sb = plan.send[q], &rb = plan.recv[q];
    if (q == r) {
      if (plan.sendCounts[q])
        pack.push_back(makeJob(addr(in.data, sb.offset, es), sb.strides,
                               addr(out.data, rb.offset, es), rb.strides,
                               sb.shape));
      continue;
    }
    if (sendStage[q] >= 0) {
      char *buf = addr(staging_, sendStage[q], 1);
      pack.push_back(makeJob(addr(in.data, sb.offset, es), sb.strides, buf,
                             layout::denseStrides(sb.shape), sb.shape));
      sendPtr[q] = buf;
    } else if (sendBytes[q]) {
      sendPtr[q] = addr(in.data, sb.offset, es);
    }
    if (recvStage[q] >= 0) {
      char *buf = addr(staging_, recvStage[q], 1);
      unpack.push_back(makeJob(buf, layout::denseStrides(rb.shape),
                               addr(out.data, rb.offset, es), rb.strides,
                               rb.shape));
      recvPtr[q] = buf;
    } else if (recvBytes[q]) {
      recvPtr[q] = addr(out.data, rb.offset, es);
    }
  }
  if (Status st = comm.copy(pack, in.dtype, {}); !st)
    return {st.code(), res.name + ": " + st.message()};
  if (P > 1)
    if (Status st = comm.alltoallv(sendPtr.data(), sendBytes.data(),
                                   recvPtr.data(), recvBytes.data());
        !st)
      return {st.code(), res.name + ": " + st.message()};
  if (Status st = comm.copy(unpack, in.dtype, {}); !st)
    return {st.code(), res.name + ": " + st.message()};
  return Status::ok();
}

Status Runtime::runSplit(const Resolved &res, const TensorRef &in,
                         const TensorRef &out) {
  const int64_t es = elementSize(in.dtype);
  std::vector<CopyJob> jobs;
  for (const layout::CopyStep &step :
       layout::planSplit(in.sizes, in.strides, res.op.dim, res.map, res.rank)) {
    if (step.src.numElements() == 0)
      continue;
    StridedBlock dst = rebase(step.dst, res.outShape, out.strides);
    jobs.push_back(makeJob(addr(in.data, step.src.offset, es), step.src.strides,
                           addr(out.data, dst.offset, es), dst.strides,
                           step.src.shape));
  }
  if (Status st = res.comm->copy(jobs, in.dtype, {res.op.scale, res.size}); !st)
    return {st.code(), res.name + ": " + st.message()};
  return Status::ok();
}

Status Runtime::runGather(const Resolved &res, const TensorRef &in,
                          const TensorRef &out) {
  const int64_t P = res.size, r = res.rank, es = elementSize(in.dtype);
  Backend &comm = *res.comm;
  layout::GatherPlan plan = layout::planGather(in.sizes, res.op.dim, res.map);
  const Scaling scaling{res.op.scale, P};
  const int64_t sendBytes = layout::numElements(in.sizes) * es;
  StridedBlock whole{0, in.sizes, in.strides};

  // Receive-buffer steps per peer, with their destinations in `out`.
  std::vector<std::vector<layout::CopyStep>> steps(P);
  for (const layout::CopyStep &step : plan.unpack) {
    if (step.src.numElements() == 0)
      continue;
    int64_t q = 0;
    while (step.src.offset >= plan.recvDispls[q] + plan.recvCounts[q])
      ++q;
    steps[q].push_back({step.src, rebase(step.dst, res.outShape, out.strides)});
  }

  int64_t stage = 0;
  int64_t sendStage = -1;
  if (P > 1 && sendBytes &&
      (scaling.mode != GradScale::None || !whole.isContiguous())) {
    sendStage = 0;
    stage = align64(sendBytes);
  }
  std::vector<int64_t> recvBytes(P, 0), recvStage(P, -1);
  std::vector<void *> recvPtr(P, nullptr);
  for (int64_t q = 0; q < P; ++q) {
    if (q == r)
      continue;
    recvBytes[q] = plan.recvCounts[q] * es;
    const auto &s = steps[q];
    bool direct = s.size() == 1 && s[0].src.offset == plan.recvDispls[q] &&
                  s[0].src.numElements() == plan.recvCounts[q] &&
                  s[0].dst.isContiguous();
    if (recvBytes[q] && !direct) {
      recvStage[q] = stage;
      stage += align64(recvBytes[q]);
    }
  }
  if (Status st = reserveStaging(stage); !st)
    return {st.code(), res.name + ": " + st.message()};

  std::vector<CopyJob> pack, unpack;
  const void *sendPtr = in.data;
  if (sendStage >= 0) {
    pack.push_back(makeJob(in.data, in.strides, staging_,
                           layout::denseStrides(in.sizes), in.sizes));
    sendPtr = staging_;
  }
  for (const layout::CopyStep &step : steps[r]) {
    // Our own pieces come straight from the input.
    StridedBlock src = step.src;
    src.offset -= plan.recvDispls[r];
    src = rebase(src, in.sizes, in.strides);
    pack.push_back(makeJob(addr(in.data, src.offset, es), src.strides,
                           addr(out.data, step.dst.offset, es),
                           step.dst.strides, src.shape));
  }
  for (int64_t q = 0; q < P; ++q) {
    if (q == r || !recvBytes[q])
      continue;
    if (recvStage[q] < 0) {
      recvPtr[q] = addr(out.data, steps[q][0].dst.offset, es);
      continue;
    }
    char *buf = addr(staging_, recvStage[q], 1);
    recvPtr[q] = buf;
    for (const layout::CopyStep &step : steps[q])
      unpack.push_back(
          makeJob(addr(buf, step.src.offset - plan.recvDispls[q], es),
                  step.src.strides, addr(out.data, step.dst.offset, es),
                  step.dst.strides, step.src.shape));
  }
  if (Status st = comm.copy(pack, in.dtype, scaling); !st)
    return {st.code(), res.name + ": " + st.message()};
  if (P > 1)
    if (Status st = comm.allgatherv(sendPtr, sendBytes, recvPtr.data(),
                                    recvBytes.data());
        !st)
      return {st.code(), res.name + ": " + st.message()};
  if (Status st = comm.copy(unpack, in.dtype, {}); !st)
    return {st.code(), res.name + ": " + st.message()};
  return Status::ok();
}

} // namespace seqpar::rt

//===- Runtime.cpp - Execution of the collectives of the op model ---------===//
//
// Each op is resolved by Layout (layout::resolve: what this rank holds and
// its output shape), planned by Layout (planAllToAll, planSplit, planGather,
// with the input's and the output's strides) and executed with at most one
// copy call before the collective and one after it.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/Runtime.h"
#include "seqpar/Layout/Layout.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

namespace seqpar::rt {

using layout::Shape;
using layout::StridedBlock;

namespace {

Status invalid(std::string message) {
  return {StatusCode::InvalidArgument, std::move(message)};
}

std::string gridText(const Shape &gridShape) {
  return "grid " + layout::str(gridShape);
}

/// The record of the direct path (Runtime::describeOutput): this rank's
/// node, whether its output may be written by the node's peers, the handle
/// of its element [0, ..., 0] and its strides.
enum DirectField : int {
  kNode,
  kPublished,
  kHandle,
  kHandleOffset = kHandle + SharedHandle::kWords,
  kOutStrides,
  kDirectFields = kOutStrides + kMaxRank
};

} // namespace

//===----------------------------------------------------------------------===//
// Set-up and groups
//===----------------------------------------------------------------------===//

/// An op resolved on this rank, with its communicator.
struct Runtime::Prepared {
  layout::Resolved res;
  Backend *comm = nullptr;
  DType type = DType::F32;
};

/// The direct path of one call, per group rank q: whether this rank writes
/// its data for q straight into q's output (at `peerOut[q]`, with q's
/// strides), and whether q writes into this rank's output.
struct Runtime::Direct {
  /// Some rank of the group writes into a peer: the call ends with
  /// finishDirect.
  bool sync = false;
  std::vector<char> pushTo, pushedBy;
  std::vector<char *> peerOut;
  std::vector<Shape> peerStrides;
  /// The bytes of q's buffer before and from peerOut[q]: every push must
  /// stay inside (ranks that disagree on the op with checks off would
  /// otherwise write past it).
  std::vector<int64_t> peerBefore, peerAfter;
  /// A peer's output this rank could not map: reported at finishDirect.
  Status mapError;
};

Status Runtime::create(std::shared_ptr<Backend> world,
                       std::vector<int64_t> gridShape,
                       std::unique_ptr<Runtime> &out) {
  if (!world)
    return invalid("init: the world backend is null");
  layout::Result<layout::Grid> grid = layout::makeGrid(gridShape);
  if (!grid)
    return invalid("init: " + grid.error());
  if (grid->numRanks() != world->size())
    return invalid("init: " + gridText(gridShape) + " has " +
                   std::to_string(grid->numRanks()) + " ranks but the " +
                   world->name() + " world has " +
                   std::to_string(world->size()));
  out.reset(new Runtime());
  out->world_ = std::move(world);
  out->gridShape_ = std::move(gridShape);
  // Safe by default: SEQPAR_RT_CHECK=0 opts out.
  const char *env = std::getenv("SEQPAR_RT_CHECK");
  out->checkMode_ = !(env && std::strcmp(env, "0") == 0);
  env = std::getenv("SEQPAR_RT_DIRECT");
  out->direct_ = !(env && std::strcmp(env, "0") == 0);
  if (const char *min = std::getenv("SEQPAR_RT_SHARED_MIN_BYTES"))
    out->sharedMinBytes_ = std::max<long long>(std::atoll(min), 0);
  return Status::ok();
}

Runtime::~Runtime() {
  if (staging_)
    world_->deallocate(staging_);
  // Buffers the program did not free go with the runtime.
  for (void *ptr : heapBuffers_)
    world_->deallocate(ptr);
  if (SharedMemory *shared = world_->sharedMemory())
    for (void *ptr : sharedBuffers_)
      (void)shared->deallocate(ptr);
  groups_.clear();
}

Status Runtime::allocate(int64_t bytes, void *&out) {
  if (bytes < 0)
    return invalid("alloc: the size " + std::to_string(bytes) + " is negative");
  SharedMemory *shared = world_->sharedMemory();
  if (shared && direct_ && bytes >= sharedMinBytes_ &&
      shared->allocate(bytes, out)) {
    sharedBuffers_.insert(out);
    return Status::ok();
  }
  if (Status st = world_->allocate(bytes, out); !st)
    return {st.code(), "alloc: " + st.message()};
  heapBuffers_.insert(out);
  return Status::ok();
}

Status Runtime::deallocate(void *ptr) {
  if (!ptr)
    return Status::ok();
  if (sharedBuffers_.erase(ptr))
    return world_->sharedMemory()->deallocate(ptr);
  if (heapBuffers_.erase(ptr)) {
    world_->deallocate(ptr);
    return Status::ok();
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%p", ptr);
  return invalid(std::string("free: ") + text +
                 " is not a buffer of seqpar_rt_alloc (or is freed already)");
}

Op Runtime::withGrid(const Op &op) const {
  Op filled = op;
  if (filled.gridShape.empty())
    filled.gridShape = gridShape_;
  return filled;
}

namespace {

/// Checks `axes` of the grid `gridShape` against the limits and the world.
Status checkGroup(const Shape &gridShape, const std::vector<int64_t> &axes,
                  int64_t worldSize, layout::Grid &grid) {
  const std::string what =
      "group " + layout::str(axes) + " of " + gridText(gridShape) + ": ";
  layout::Result<layout::Grid> g = layout::makeGrid(gridShape);
  if (!g)
    return invalid(what + g.error());
  if (g->numRanks() != worldSize)
    return invalid(what + "the grid has " + std::to_string(g->numRanks()) +
                   " ranks but the world has " + std::to_string(worldSize));
  if (layout::Result<layout::Group> group = layout::makeGroup(*g, axes); !group)
    return invalid(what + group.error());
  grid = *g;
  return Status::ok();
}

} // namespace

Status Runtime::group(const std::vector<int64_t> &gridShape,
                      const std::vector<int64_t> &axes, Backend *&out) {
  const Shape &shape = gridOrDefault(gridShape);
  auto key = std::make_pair(shape, axes);
  auto it = groups_.find(key);
  if (it != groups_.end()) {
    out = it->second.get();
    return Status::ok();
  }
  layout::Grid grid;
  if (Status st = checkGroup(shape, axes, world_->size(), grid); !st)
    return st;
  int64_t me = world_->rank();
  std::vector<int64_t> members = grid.groupMembers(me, axes);
  std::shared_ptr<Backend> comm = world_;
  if (!isWorldGroup(grid, axes)) {
    std::unique_ptr<Backend> sub;
    // The smallest member names the group; the key orders it by group rank.
    if (Status st = world_->split(members[0], grid.groupRank(me, axes), sub);
        !st)
      return {st.code(), "group " + layout::str(axes) + " of " +
                             gridText(shape) + ": " + st.message()};
    comm = std::move(sub);
  }
  out = comm.get();
  groups_[key] = std::move(comm);
  return Status::ok();
}

bool Runtime::isWorldGroup(const layout::Grid &grid,
                           const std::vector<int64_t> &axes) const {
  auto it = groups_.find(std::make_pair(grid.shape, axes));
  if (it != groups_.end())
    return it->second.get() == world_.get();
  std::vector<int64_t> members = grid.groupMembers(world_->rank(), axes);
  bool isWorld = static_cast<int64_t>(members.size()) == world_->size();
  for (size_t i = 0; isWorld && i < members.size(); ++i)
    isWorld = members[i] == static_cast<int64_t>(i);
  return isWorld;
}

Status Runtime::locateGroup(const std::vector<int64_t> &gridShape,
                            const std::vector<int64_t> &axes,
                            bool &isWorld) const {
  // A group already made is valid; only a new one is checked.
  auto it = groups_.find(std::make_pair(gridShape, axes));
  if (it != groups_.end()) {
    isWorld = it->second.get() == world_.get();
    return Status::ok();
  }
  layout::Grid grid;
  if (Status st = checkGroup(gridShape, axes, world_->size(), grid); !st)
    return st;
  isWorld = isWorldGroup(grid, axes);
  return Status::ok();
}

Status Runtime::setGroup(const std::vector<int64_t> &gridShape,
                         const std::vector<int64_t> &axes,
                         std::shared_ptr<Backend> backend) {
  const Shape &shape = gridOrDefault(gridShape);
  layout::Grid grid;
  if (Status st = checkGroup(shape, axes, world_->size(), grid); !st)
    return st;
  int64_t expected = grid.groupSize(axes);
  if (!backend || backend->size() != expected)
    return invalid("group " + layout::str(axes) + " of " + gridText(shape) +
                   ": the backend must have " + std::to_string(expected) +
                   " ranks, got " +
                   (backend ? std::to_string(backend->size()) : "none"));
  groups_[std::make_pair(shape, axes)] = std::move(backend);
  return Status::ok();
}

// The queries come from the grid's rank map alone: no communicator is made,
// so a rank may ask on its own (the dialect's group_rank is pure).
Status Runtime::groupSize(const std::vector<int64_t> &gridShape,
                          const std::vector<int64_t> &axes, int64_t &out) {
  layout::Grid grid;
  if (Status st =
          checkGroup(gridOrDefault(gridShape), axes, world_->size(), grid);
      !st)
    return st;
  out = grid.groupSize(axes);
  return Status::ok();
}

Status Runtime::groupRank(const std::vector<int64_t> &gridShape,
                          const std::vector<int64_t> &axes, int64_t &out) {
  layout::Grid grid;
  if (Status st =
          checkGroup(gridOrDefault(gridShape), axes, world_->size(), grid);
      !st)
    return st;
  out = grid.groupRank(world_->rank(), axes);
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Resolution
//===----------------------------------------------------------------------===//

Status Runtime::prepare(const Op &op, const Shape &inShape, Prepared &out) {
  const std::string name = opName(op);
  Op filled = withGrid(op);
  if (Status st = group(filled.gridShape, filled.axes, out.comm); !st)
    return {st.code(), name + ": " + st.message()};
  layout::Result<layout::Resolved> res =
      layout::resolve(filled, inShape, out.comm->rank());
  if (!res)
    return invalid(name + ": " + res.error());
  out.res = std::move(*res);
  return Status::ok();
}

Status Runtime::outputShape(const Op &op, const Shape &inShape, Shape &out) {
  Prepared p;
  if (Status st = prepare(op, inShape, p); !st)
    return st;
  out = p.res.outShape;
  return Status::ok();
}

Status Runtime::adjoint(const Op &op, const Shape &inShape, GradScale scale,
                        Op &out) {
  const std::string name = opName(op);
  Op filled = withGrid(op);
  Backend *comm = nullptr;
  if (Status st = group(filled.gridShape, filled.axes, comm); !st)
    return {st.code(), name + ": " + st.message()};
  layout::Result<Op> adj =
      layout::adjointOp(filled, inShape, comm->rank(), scale);
  if (!adj)
    return invalid(name + ": " + adj.error());
  out = std::move(*adj);
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Execution
//===----------------------------------------------------------------------===//

namespace {

Status validateTensor(const std::string &name, const char *what,
                      const TensorRef &t) {
  auto fail = [&](const std::string &msg) {
    return invalid(name + ": the " + what + " " + msg);
  };
  if (!isValidDType(static_cast<int32_t>(t.dtype)))
    return fail("has the invalid element type code " +
                std::to_string(static_cast<int32_t>(t.dtype)));
  if (t.rank() < 1 || t.rank() > kMaxRank)
    return fail("has rank " + std::to_string(t.rank()) + " but ranks 1 to " +
                std::to_string(kMaxRank) + " are supported");
  if (t.strides.size() != t.sizes.size())
    return fail("has " + std::to_string(t.sizes.size()) + " sizes but " +
                std::to_string(t.strides.size()) + " strides");
  layout::Result<int64_t> count = layout::elementCount(t.sizes);
  if (!count)
    return fail(count.error());
  if (!t.data && *count > 0)
    return fail("of shape " + layout::str(t.sizes) +
                " has a null data pointer");
  return Status::ok();
}

/// The byte range [first, last] a non-empty view touches; an error when the
/// strides reach past the int64 range.
Status byteRange(const std::string &name, const char *what, const TensorRef &t,
                 std::pair<uintptr_t, uintptr_t> &out) {
  const int64_t es = elementSize(t.dtype);
  layout::Result<std::pair<int64_t, int64_t>> span =
      layout::elementSpan(t.sizes, t.strides, es);
  if (!span)
    return invalid(name + ": the " + what + " of " + span.error());
  auto base = reinterpret_cast<uintptr_t>(t.data);
  out = {base + span->first * es, base + span->second * es + es - 1};
  return Status::ok();
}

/// A transport failure named with the call it broke: the op, its dims, the
/// element type and shapes, and this rank's place in the group.
Status transferError(const layout::Resolved &res, DType type, const Status &st,
                     const char *what = "the exchange") {
  std::string dims;
  if (res.op.kind != OpKind::Gather)
    dims += "scatter dim " + std::to_string(res.op.scatter.dim);
  if (res.op.kind != OpKind::Split)
    dims += std::string(dims.empty() ? "" : ", ") + "gather dim " +
            std::to_string(res.op.gather.dim);
  return {st.code(), res.name + " (" + dims + ", " + dtypeName(type) + " " +
                         layout::str(res.inShape) + " -> " +
                         layout::str(res.outShape) + ", group rank " +
                         std::to_string(res.groupRank) + " of " +
                         std::to_string(res.groupSize) + "): " + what + ": " +
                         st.message()};
}

char *addr(void *base, int64_t elems, int64_t es) {
  return static_cast<char *>(base) + elems * es;
}

CopyJob makeJob(const void *src, const Shape &srcStrides, void *dst,
                const Shape &dstStrides, const Shape &shape) {
  return {src, dst, shape, srcStrides, dstStrides};
}

int64_t align64(int64_t bytes) { return (bytes + 63) / 64 * 64; }

/// Appends a staging segment of `bytes` bytes and returns its offset. The
/// total saturates at INT64_MAX, whose allocation then fails with the usual
/// out-of-memory error: only tensors at Layout's element limit on both sides
/// come near it.
int64_t addSegment(int64_t &stage, int64_t bytes) {
  int64_t at = stage;
  std::optional<int64_t> end = layout::checkedAdd(stage, align64(bytes));
  stage = end ? *end : std::numeric_limits<int64_t>::max();
  return at;
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

Status Runtime::run(const Op &op, const TensorRef &in, const TensorRef &out) {
  const std::string name = opName(op);
  Prepared p;
  Op filled = withGrid(op);
  // The group's grid and axes first, without communicating: when the group
  // is not the world, the ranks agree on them over the world before any
  // communicator is made (a rank that disagrees would otherwise wait in a
  // split the others never make).
  bool worldGroup = false;
  Status local = locateGroup(filled.gridShape, filled.axes, worldGroup);
  if (!local)
    local = {local.code(), name + ": " + local.message()};
  if (checkMode_ && !worldGroup)
    if (Status st = agreeOnWorld(filled, in, local); !st)
      return st;
  if (!local)
    return local;
  if (Status st = group(filled.gridShape, filled.axes, p.comm); !st)
    return {st.code(), name + ": " + st.message()};
  local = validateTensor(name, "input", in);
  if (local)
    local = validateTensor(name, "output", out);
  if (local && in.dtype != out.dtype)
    local = invalid(name + ": the input is " + dtypeName(in.dtype) +
                    " but the output is " + dtypeName(out.dtype));
  if (local)
    local = prepare(filled, in.sizes, p);
  p.type = in.dtype;
  if (local && out.sizes != p.res.outShape)
    local = invalid(name + ": the output has shape " + layout::str(out.sizes) +
                    " but the op produces " + layout::str(p.res.outShape));
  const bool inEmpty = local && layout::numElements(in.sizes) == 0;
  const bool outEmpty = local && layout::numElements(out.sizes) == 0;
  if (local && !outEmpty) {
    for (size_t i = 0; i < out.sizes.size(); ++i)
      if (out.sizes[i] > 1 && out.strides[i] == 0)
        local =
            invalid(name + ": the output has stride 0 in dim " +
                    std::to_string(i) + " of size " +
                    std::to_string(out.sizes[i]) + ", so its elements alias");
  }
  // Each non-empty side's strides must stay in the int64 range (the plans
  // offset blocks by them); one side may be empty while the other moves data.
  std::pair<uintptr_t, uintptr_t> inRange, outRange;
  if (local && !inEmpty)
    local = byteRange(name, "input", in, inRange);
  if (local && !outEmpty)
    local = byteRange(name, "output", out, outRange);
  // Ops are not in place: the output's writes would clobber input that peers
  // have not received yet.
  if (local && !inEmpty && !outEmpty && inRange.first <= outRange.second &&
      outRange.first <= inRange.second)
    local = invalid(name + ": the input and the output overlap in memory");
  if (local && op.scale != GradScale::None && !isFloat(in.dtype))
    local = invalid(name + ": grad scale " + layout::gradScaleName(op.scale) +
                    " needs a floating-point element type, got " +
                    dtypeName(in.dtype));
  int64_t direct[kDirectFields];
  std::fill(direct, direct + kDirectFields, int64_t(-3));
  if (local)
    describeOutput(p, out, direct);
  std::vector<int64_t> records;
  if (checkMode_)
    if (Status st = check(filled, in, local, p, direct, records); !st)
      return st;
  if (!local)
    return local;
  // layout::resolve has checked the kind.
  if (p.res.op.kind == OpKind::Split)
    return runSplit(p, in, out);
  Direct d;
  if (Status st = planDirect(p, direct, records, d); !st)
    return st;
  Status st = p.res.op.kind == OpKind::AllToAll ? runAllToAll(p, d, in, out)
                                                : runGather(p, d, in, out);
  return finishDirect(p, d, std::move(st));
}

//===----------------------------------------------------------------------===//
// Check mode
//===----------------------------------------------------------------------===//

namespace {

/// The fixed-size record that check mode gathers from every rank: what the
/// op is (a hash of its encoding and the encoding's length) and what it is
/// applied to; then the direct path's record rides along. A hash keeps the
/// record small whatever the size lists; when two ranks' hashes differ, a
/// second exchange of the encodings explains which field differs.
enum CheckField : int {
  kOk,
  kOpHash,
  kOpWords,
  kDType,
  kRank,
  kShape,
  kLocal = kShape + kMaxRank,
  kDirect,
  kNumFields = kDirect + kDirectFields
};

/// FNV-1a over the words.
int64_t hashWords(const std::vector<int64_t> &words) {
  uint64_t h = 1469598103934665603ull;
  for (int64_t w : words)
    for (int b = 0; b < 8; ++b) {
      h ^= (static_cast<uint64_t>(w) >> (8 * b)) & 0xff;
      h *= 1099511628211ull;
    }
  return static_cast<int64_t>(h);
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

std::string lengthText(int64_t length) {
  if (length == layout::kDefaultLength)
    return "default";
  if (length == layout::kRuntimeLength)
    return "run-time";
  return std::to_string(length);
}

/// The first field in which `a` and `b` differ, with both values, or "".
std::string firstDifference(const Op &a, const Op &b) {
  auto both = [](const std::string &field, const std::string &x,
                 const std::string &y) {
    return "the " + field + ": " + x + " vs " + y;
  };
  if (a.kind != b.kind || opName(a) != opName(b))
    return both("op", opName(a), opName(b));
  if (a.gridShape != b.gridShape)
    return both("grid", layout::str(a.gridShape), layout::str(b.gridShape));
  if (a.axes != b.axes)
    return both("group axes", layout::str(a.axes), layout::str(b.axes));
  if (a.scale != b.scale)
    return both("grad scale", layout::gradScaleName(a.scale),
                layout::gradScaleName(b.scale));
  auto moves = [&](const char *which, const Move &x,
                   const Move &y) -> std::string {
    std::string w = which;
    if (x.dim != y.dim)
      return both(w + " dim", std::to_string(x.dim), std::to_string(y.dim));
    const Distribution &p = x.dist, &q = y.dist;
    if (p.kind != q.kind)
      return both(w + " distribution", layout::distName(p.kind),
                  layout::distName(q.kind));
    if (p.values != q.values)
      return both(w + (p.kind == DistKind::Packed       ? " sequence lengths"
                       : p.kind == DistKind::Replicated ? " slots"
                                                        : " sizes"),
                  layout::str(p.values), layout::str(q.values));
    if (p.length != q.length)
      return both(w + " length", lengthText(p.length), lengthText(q.length));
    if (p.innerAxes != q.innerAxes)
      return both(w + " inner axes", std::to_string(p.innerAxes),
                  std::to_string(q.innerAxes));
    return "";
  };
  std::string d = moves("scatter", a.scatter, b.scatter);
  if (d.empty())
    d = moves("gather", a.gather, b.gather);
  return d;
}

/// The part of `op` that every rank of the world must agree on: what it is
/// and over which group, without the sizes and lengths, which may differ
/// between groups.
std::vector<int64_t> staticWords(const Op &op) {
  Op shape = op;
  for (Move *m : {&shape.scatter, &shape.gather}) {
    m->dist.values.clear();
    m->dist.length = layout::kDefaultLength;
  }
  return layout::encodeOp(shape);
}

/// The words of an exchange_lengths call on a group, in the place of an op's.
constexpr int64_t kExchangeTag = -1;
std::vector<int64_t> exchangeWords(const Shape &gridShape,
                                   const std::vector<int64_t> &axes) {
  std::vector<int64_t> words = {SEQPAR_DESC_MAGIC, kExchangeTag};
  std::vector<int64_t> group = layout::encodeGroup(gridShape, axes);
  words.insert(words.end(), group.begin(), group.end());
  return words;
}

/// The name of the call that `words` describe.
std::string callName(const int64_t *words, int64_t count) {
  if (count >= 2 && words[1] == kExchangeTag)
    return "exchange_lengths";
  layout::Result<Op> op = layout::decodeOp(words, count);
  return op ? opName(*op) : std::string("an unreadable op");
}

/// A record with `words`' hash and this rank's verdict; no tensor fields.
void fillRecord(int64_t *rec, const std::vector<int64_t> &words,
                const Status &local) {
  std::fill(rec, rec + kNumFields, int64_t(-3));
  rec[kOk] = local.isOk();
  rec[kOpHash] = hashWords(words);
  rec[kOpWords] = static_cast<int64_t>(words.size());
}

} // namespace

Status Runtime::agreeOn(const std::string &name,
                        const std::vector<int64_t> &words, const int64_t *rec,
                        const Status &local, Backend &comm, bool compareShapes,
                        std::vector<int64_t> &all) {
  const int64_t P = comm.size();
  all.assign(size_t(P) * kNumFields, 0);
  if (Status st =
          comm.allgatherHost(rec, kNumFields * sizeof(int64_t), all.data());
      !st)
    return {st.code(), name + ": the agreement check's exchange (group of " +
                           std::to_string(P) + " ranks): " + st.message()};
  auto mismatch = [&](const std::string &msg) {
    return Status(StatusCode::Mismatch, name + ": " + msg);
  };
  // A rank that rejected its own arguments reports its own error; the others
  // learn that it gave up instead of waiting for it.
  if (!local)
    return local;
  for (int64_t q = 0; q < P; ++q)
    if (!all[q * kNumFields + kOk])
      return mismatch("rank " + std::to_string(q) +
                      " rejected its arguments (its own error says why)");
  const int64_t *first = all.data();
  // Every rank sees the same records, so every rank takes the same branch
  // (and makes the same second exchange) below.
  for (int64_t q = 1; q < P; ++q) {
    const int64_t *other = all.data() + q * kNumFields;
    if (first[kOpHash] != other[kOpHash] ||
        first[kOpWords] != other[kOpWords]) {
      std::vector<int64_t> lengths(P);
      for (int64_t k = 0; k < P; ++k)
        lengths[k] = all[k * kNumFields + kOpWords];
      return explainMismatch(name, words, comm, q, lengths);
    }
    const std::string ranks =
        "ranks 0 and " + std::to_string(q) + " disagree on the ";
    if (first[kDType] != other[kDType])
      return mismatch(ranks +
                      "element type: " + dtypeName(DType(first[kDType])) +
                      " vs " + dtypeName(DType(other[kDType])));
    if (first[kRank] != other[kRank])
      return mismatch(ranks + "tensor rank: " + std::to_string(first[kRank]) +
                      " vs " + std::to_string(other[kRank]));
    for (int f = kShape; compareShapes && f < kLocal; ++f)
      if (first[f] != other[f])
        return mismatch(ranks + "input shape: " + shapeText(first) + " vs " +
                        shapeText(other));
  }
  return Status::ok();
}

Status Runtime::agreeOnWorld(const Op &op, const TensorRef &in,
                             const Status &local) {
  std::vector<int64_t> words = staticWords(op), all;
  int64_t rec[kNumFields];
  fillRecord(rec, words, local);
  rec[kDType] = static_cast<int64_t>(in.dtype);
  rec[kRank] = in.rank();
  return agreeOn(opName(op), words, rec, local, *world_, false, all);
}

Status Runtime::failCall(const Status &local) {
  if (!checkMode_ || local)
    return local;
  // Takes part in the first exchange of whatever call the other ranks make
  // (it is always over the world), so that they learn of this rank's error.
  int64_t rec[kNumFields];
  fillRecord(rec, {}, local);
  std::vector<int64_t> all(size_t(world_->size()) * kNumFields);
  (void)world_->allgatherHost(rec, sizeof(rec), all.data());
  return local;
}

Status Runtime::check(const Op &op, const TensorRef &in, const Status &local,
                      const Prepared &p, const int64_t *direct,
                      std::vector<int64_t> &records) {
  const std::string name = opName(op);
  // The group's ranks agree on everything, sizes and shapes included.
  Backend &comm = p.comm ? *p.comm : *world_;
  // The dim whose length legitimately differs between ranks.
  const int64_t varying = op.kind == OpKind::Split ? -1 : op.gather.dim;
  const std::vector<int64_t> words = layout::encodeOp(op);
  int64_t rec[kNumFields];
  fillRecord(rec, words, local);
  rec[kDType] = static_cast<int64_t>(in.dtype);
  rec[kRank] = in.rank();
  for (int i = 0; i < kMaxRank; ++i)
    rec[kShape + i] = i >= in.rank() ? -2 : i == varying ? -1 : in.sizes[i];
  rec[kLocal] = varying >= 0 && varying < in.rank() ? in.sizes[varying] : -1;
  std::copy(direct, direct + kDirectFields, rec + kDirect);
  std::vector<int64_t> &all = records;
  if (Status st = agreeOn(name, words, rec, local, comm, true, all); !st)
    return st;
  // Every rank now holds the same op; each checks the gathered local
  // lengths against the ones its resolution gives.
  const int64_t P = comm.size();
  const std::vector<int64_t> &expected = p.res.inLengths;
  for (int64_t q = 0; q < P && !expected.empty(); ++q) {
    int64_t have = all[q * kNumFields + kLocal];
    if (have != expected[q])
      return Status(StatusCode::Mismatch,
                    name + ": rank " + std::to_string(q) + " has " +
                        std::to_string(have) + " elements in dim " +
                        std::to_string(varying) + " but the sizes " +
                        layout::str(expected) + " give it " +
                        std::to_string(expected[q]));
  }
  return Status::ok();
}

Status Runtime::explainMismatch(const std::string &name,
                                const std::vector<int64_t> &words,
                                Backend &comm, int64_t peer,
                                const std::vector<int64_t> &lengths) {
  const std::string prefix =
      name + ": ranks 0 and " + std::to_string(peer) + " disagree on ";
  int64_t longest = 0;
  for (int64_t n : lengths)
    longest = std::max(longest, n);
  std::vector<int64_t> mine = words;
  mine.resize(size_t(longest), 0);
  std::vector<int64_t> all(size_t(longest) * lengths.size());
  if (Status st = comm.allgatherHost(mine.data(), longest * 8, all.data()); !st)
    return {st.code(), name + ": " + st.message()};
  auto decode = [&](int64_t q) {
    return layout::decodeOp(all.data() + q * longest, lengths[q]);
  };
  const std::string callA = callName(all.data(), lengths[0]);
  const std::string callB =
      callName(all.data() + peer * longest, lengths[peer]);
  layout::Result<Op> a = decode(0), b = decode(peer);
  // An op against an exchange of lengths (which no op decodes as).
  if ((!a || !b) && callA != callB)
    return {StatusCode::Mismatch,
            prefix + "the call: " + callA + " vs " + callB};
  std::string diff;
  if (a && b)
    diff = firstDifference(*a, *b);
  if (diff.empty()) // Unreadable descriptions or a hash collision.
    diff = "the op description: " +
           layout::str(
               std::vector<int64_t>(all.begin(), all.begin() + lengths[0])) +
           " vs " +
           layout::str(std::vector<int64_t>(all.begin() + peer * longest,
                                            all.begin() + peer * longest +
                                                lengths[peer]));
  return {StatusCode::Mismatch, prefix + diff};
}

Status Runtime::exchangeLengths(const std::vector<int64_t> &gridShape,
                                const std::vector<int64_t> &axes, int64_t mine,
                                std::vector<int64_t> &all) {
  const Shape &shape = gridOrDefault(gridShape);
  layout::Grid grid;
  Status local = checkGroup(shape, axes, world_->size(), grid);
  if (!local)
    local = {local.code(), "exchange_lengths: " + local.message()};
  if (local && mine < 0)
    local = invalid("exchange_lengths: the length " + std::to_string(mine) +
                    " is negative");
  if (checkMode_) {
    // One exchange over the world: the ranks agree on the call and its
    // group, and every rank's length rides along in the record.
    std::vector<int64_t> words = exchangeWords(shape, axes), records;
    int64_t rec[kNumFields];
    fillRecord(rec, words, local);
    rec[kLocal] = mine;
    if (Status st = agreeOn("exchange_lengths", words, rec, local, *world_,
                            false, records);
        !st)
      return st;
    all.clear();
    for (int64_t q : grid.groupMembers(world_->rank(), axes))
      all.push_back(records[q * kNumFields + kLocal]);
    return Status::ok();
  }
  if (!local)
    return local;
  Backend *comm = nullptr;
  if (Status st = group(shape, axes, comm); !st)
    return {st.code(), "exchange_lengths: " + st.message()};
  all.assign(comm->size(), 0);
  if (Status st = comm->allgatherHost(&mine, sizeof(mine), all.data()); !st)
    return {st.code(), "exchange_lengths: " + st.message()};
  // Every rank sees every length: a negative one is every rank's error.
  for (size_t q = 0; q < all.size(); ++q)
    if (all[q] < 0)
      return invalid("exchange_lengths: rank " + std::to_string(q) +
                     " of the group passed the negative length " +
                     std::to_string(all[q]));
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// The direct path
//===----------------------------------------------------------------------===//

void Runtime::describeOutput(const Prepared &p, const TensorRef &out,
                             int64_t *record) {
  Backend &comm = *p.comm;
  SharedMemory *shared = comm.sharedMemory();
  if (!shared || comm.nodes().empty())
    return;
  record[kNode] = comm.nodes()[comm.rank()];
  record[kPublished] = 0;
  // A sum of replicated blocks is not written by peers, and a split moves
  // nothing between ranks.
  const Op &op = p.res.op;
  if (!direct_ || op.kind == OpKind::Split ||
      op.gather.dist.kind == DistKind::Replicated ||
      layout::numElements(out.sizes) == 0)
    return;
  // The whole range the output spans must lie in one shared buffer.
  std::pair<uintptr_t, uintptr_t> range;
  if (!byteRange(p.res.name, "output", out, range))
    return;
  SharedHandle handle;
  if (!shared->find(reinterpret_cast<const void *>(range.first),
                    int64_t(range.second - range.first + 1), handle))
    return;
  // On a device, the work queued before this call (which may still use the
  // output) ends before peers write into it.
  if (comm.memorySpace() == MemorySpace::Device && !comm.synchronize())
    return;
  record[kPublished] = 1;
  std::copy(handle.words, handle.words + SharedHandle::kWords,
            record + kHandle);
  record[kHandleOffset] =
      handle.offset +
      int64_t(reinterpret_cast<uintptr_t>(out.data) - range.first);
  std::copy(out.strides.begin(), out.strides.end(), record + kOutStrides);
}

Status Runtime::planDirect(const Prepared &p, const int64_t *mine,
                           const std::vector<int64_t> &checkRecords,
                           Direct &d) {
  Backend &comm = *p.comm;
  const int64_t P = comm.size(), r = comm.rank();
  SharedMemory *shared = comm.sharedMemory();
  const std::vector<int64_t> &nodes = comm.nodes();
  if (!shared || P == 1 || static_cast<int64_t>(nodes.size()) != P)
    return Status::ok();
  // Without checks, a rank with the direct path off makes no exchange for
  // it (every rank must then have it off: what unchecked calls promise).
  if (checkRecords.empty() && !direct_)
    return Status::ok();
  // Without checks, the records are exchanged here, in groups where two
  // ranks share a node: every rank of the group has the same node table, so
  // all of them make the exchange or none.
  bool anyLocal = false;
  for (int64_t a = 0; a < P && !anyLocal; ++a)
    for (int64_t b = a + 1; b < P && !anyLocal; ++b)
      anyLocal = nodes[a] == nodes[b];
  if (!anyLocal)
    return Status::ok();
  std::vector<int64_t> own;
  const int64_t *records = nullptr;
  int64_t stride = kNumFields, base = kDirect;
  if (!checkRecords.empty()) {
    records = checkRecords.data();
  } else {
    own.assign(size_t(P) * kDirectFields, 0);
    if (Status st = comm.allgatherHost(mine, kDirectFields * sizeof(int64_t),
                                       own.data());
        !st)
      return transferError(p.res, p.type, st, "the direct path's exchange");
    records = own.data();
    stride = kDirectFields;
    base = 0;
  }
  auto rec = [&](int64_t q) { return records + q * stride + base; };
  d.pushTo.assign(P, 0);
  d.pushedBy.assign(P, 0);
  d.peerOut.assign(P, nullptr);
  d.peerStrides.assign(P, {});
  d.peerBefore.assign(P, 0);
  d.peerAfter.assign(P, 0);
  const int64_t rank = static_cast<int64_t>(p.res.inShape.size());
  for (int64_t q = 0; q < P; ++q) {
    if (q == r || rec(q)[kNode] != rec(r)[kNode])
      continue;
    d.pushedBy[q] = rec(r)[kPublished] == 1;
    d.pushTo[q] = rec(q)[kPublished] == 1;
    if (!d.pushTo[q])
      continue;
    SharedHandle h;
    std::copy(rec(q) + kHandle, rec(q) + kHandle + SharedHandle::kWords,
              h.words);
    h.offset = rec(q)[kHandleOffset];
    d.peerStrides[q].assign(rec(q) + kOutStrides, rec(q) + kOutStrides + rank);
    void *at = nullptr;
    if (Status st = shared->map(h, at); !st) {
      if (d.mapError) // The first failure is reported.
        d.mapError = {st.code(), p.res.name +
                                     ": cannot write into the output "
                                     "of group rank " +
                                     std::to_string(q) + ": " + st.message()};
      continue;
    }
    d.peerOut[q] = static_cast<char *>(at);
    d.peerBefore[q] = h.offset;
    d.peerAfter[q] = h.words[3] - h.offset;
  }
  // Every rank sees the same records, so all agree on whether to finish.
  for (int64_t a = 0; a < P && !d.sync; ++a)
    for (int64_t b = 0; b < P && !d.sync; ++b)
      d.sync =
          a != b && rec(a)[kNode] == rec(b)[kNode] && rec(b)[kPublished] == 1;
  return Status::ok();
}

Status Runtime::finishDirect(const Prepared &p, const Direct &d, Status st) {
  if (st && !d.mapError)
    st = d.mapError;
  if (!d.sync)
    return st;
  Backend &comm = *p.comm;
  const int64_t P = comm.size();
  // On a device, this rank's writes into its peers' outputs end first,
  // failed call or not (some may be queued).
  if (comm.memorySpace() == MemorySpace::Device)
    if (Status sync = comm.synchronize(); !sync && st)
      st = sync;
  int64_t ok = st.isOk();
  std::vector<int64_t> all(P, 0);
  if (Status ex = comm.allgatherHost(&ok, sizeof(ok), all.data()); !ex)
    return st ? transferError(p.res, p.type, ex,
                              "the direct path's closing exchange")
              : st;
  if (!st)
    return st;
  for (int64_t q = 0; q < P; ++q)
    if (!all[q])
      return {StatusCode::BackendError,
              p.res.name + ": group rank " + std::to_string(q) +
                  " failed during the exchange, so this rank's output is "
                  "incomplete (its own error says why)"};
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// The collectives
//===----------------------------------------------------------------------===//

namespace {} // namespace

namespace {

/// The jobs that write this rank's data for peer q straight into q's output
/// (the direct path); adds their bytes to `bytes`.
Status appendPushes(const layout::Resolved &res, const TensorRef &in, int64_t q,
                    char *peerOut, const Shape &peerStrides, int64_t before,
                    int64_t after, std::vector<CopyJob> &jobs, int64_t &bytes) {
  const int64_t es = elementSize(in.dtype);
  layout::Result<std::vector<layout::CopyStep>> steps =
      layout::planPush(res, in.strides, q, peerStrides);
  if (!steps)
    return invalid(res.name + ": the direct path to group rank " +
                   std::to_string(q) + ": " + steps.error());
  for (const layout::CopyStep &step : *steps)
    if (step.src.numElements()) {
      // The block must lie in q's buffer: its first and last element, from
      // q's output element [0, ..., 0].
      layout::Result<std::pair<int64_t, int64_t>> span =
          layout::elementSpan(step.dst.shape, step.dst.strides, es);
      std::optional<int64_t> first, last;
      if (span) {
        first = layout::checkedAdd(step.dst.offset, span->first);
        last = layout::checkedAdd(step.dst.offset, span->second);
      }
      if (!first || !last || *first < -(before / es) || *last >= after / es)
        return invalid(res.name + ": the block for group rank " +
                       std::to_string(q) + " of shape " +
                       layout::str(step.dst.shape) +
                       " does not fit in that rank's output (the ranks "
                       "disagree on the op; the agreement checks would say "
                       "how)");
      jobs.push_back(makeJob(addr(in.data, step.src.offset, es),
                             step.src.strides,
                             addr(peerOut, step.dst.offset, es),
                             step.dst.strides, step.src.shape));
      bytes += step.src.numElements() * es;
    }
  return Status::ok();
}

bool has(const std::vector<char> &flags, int64_t q) {
  return !flags.empty() && flags[q];
}

} // namespace

Status Runtime::runAllToAll(const Prepared &p, const Direct &d,
                            const TensorRef &in, const TensorRef &out) {
  const layout::Resolved &res = p.res;
  const int64_t P = res.groupSize, r = res.groupRank;
  const int64_t es = elementSize(in.dtype);
  Backend &comm = *p.comm;
  layout::AllToAllPlan plan =
      layout::planAllToAll(res, in.strides, out.strides);
  const bool reduce = res.op.gather.dist.kind == layout::DistKind::Replicated;

  // Peers on the direct path exchange nothing through the backend.
  std::vector<int64_t> sendBytes(P, 0), recvBytes(P, 0);
  std::vector<int64_t> sendStage(P, -1), recvStage(P, -1);
  bool anySend = false;
  for (int64_t q = 0; q < P; ++q) {
    if (q == r)
      continue;
    if (!has(d.pushTo, q))
      sendBytes[q] = plan.sendCounts[q] * es;
    if (!has(d.pushedBy, q))
      recvBytes[q] = plan.recvCounts[q] * es;
    anySend = anySend || sendBytes[q];
  }
  int64_t stage = 0;
  // A replicated scatter dim: the input packed once (unless it is already in
  // the wire order), every peer's range read from that one copy.
  int64_t sharedStage = -1;
  if (plan.sendShared && anySend && !plan.sendAll.isContiguous())
    sharedStage =
        addSegment(stage, layout::numElements(plan.sendAll.shape) * es);
  for (int64_t q = 0; q < P; ++q) {
    if (q == r)
      continue;
    if (sendBytes[q] && !plan.sendShared && !plan.send[q].isContiguous())
      sendStage[q] = addSegment(stage, sendBytes[q]);
    // Replicas are summed from the receive buffer, never received in place.
    if (recvBytes[q] && (reduce || !plan.recv[q].isContiguous()))
      recvStage[q] = addSegment(stage, recvBytes[q]);
  }
  if (Status st = reserveStaging(stage); !st)
    return {st.code(), res.name + ": " + st.message()};

  std::vector<const void *> sendPtr(P, nullptr);
  std::vector<void *> recvPtr(P, nullptr);
  std::vector<CopyJob> pack, unpack;
  const char *shared = nullptr;
  if (plan.sendShared && anySend) {
    const StridedBlock &all = plan.sendAll;
    if (sharedStage >= 0) {
      char *buf = addr(staging_, sharedStage, 1);
      if (layout::numElements(all.shape))
        pack.push_back(makeJob(in.data, all.strides, buf,
                               layout::denseStrides(all.shape), all.shape));
      shared = buf;
    } else {
      shared = static_cast<const char *>(in.data);
    }
  }
  for (int64_t q = 0; q < P; ++q) {
    const StridedBlock &sb = plan.send[q], &rb = plan.recv[q];
    if (q == r) {
      // Our own chunk goes straight from the input to the output (after the
      // exchange when it is summed with the peers').
      if (plan.sendCounts[q] && !reduce)
        pack.push_back(makeJob(addr(in.data, sb.offset, es), sb.strides,
                               addr(out.data, rb.offset, es), rb.strides,
                               sb.shape));
      continue;
    }
    if (has(d.pushTo, q)) {
      if (d.peerOut[q])
        if (Status st = appendPushes(res, in, q, d.peerOut[q], d.peerStrides[q],
                                     d.peerBefore[q], d.peerAfter[q], pack,
                                     directBytes_);
            !st)
          return st;
    } else if (shared) {
      if (sendBytes[q])
        sendPtr[q] = shared + plan.sendDispls[q] * es;
    } else if (sendStage[q] >= 0) {
      char *buf = addr(staging_, sendStage[q], 1);
      pack.push_back(makeJob(addr(in.data, sb.offset, es), sb.strides, buf,
                             layout::denseStrides(sb.shape), sb.shape));
      sendPtr[q] = buf;
    } else if (sendBytes[q]) {
      sendPtr[q] = addr(in.data, sb.offset, es);
    }
    if (recvStage[q] >= 0) {
      char *buf = addr(staging_, recvStage[q], 1);
      if (!reduce)
        unpack.push_back(makeJob(buf, layout::denseStrides(rb.shape),
                                 addr(out.data, rb.offset, es), rb.strides,
                                 rb.shape));
      recvPtr[q] = buf;
    } else if (recvBytes[q]) {
      recvPtr[q] = addr(out.data, rb.offset, es);
    }
  }
  // The replicas of a replicated gather dim, summed in group-rank order.
  for (const layout::ReduceStep &step : plan.reduce) {
    if (step.src.numElements() == 0)
      continue;
    const void *base = step.peer == r ? in.data : recvPtr[step.peer];
    CopyJob job = makeJob(addr(const_cast<void *>(base), step.src.offset, es),
                          step.src.strides, addr(out.data, step.dst.offset, es),
                          step.dst.strides, step.src.shape);
    job.accumulate = step.accumulate;
    unpack.push_back(std::move(job));
  }
  if (Status st = comm.copy(pack, in.dtype, {}); !st)
    return {st.code(), res.name + ": " + st.message()};
  if (P > 1)
    if (Status st = comm.alltoallv(sendPtr.data(), sendBytes.data(),
                                   recvPtr.data(), recvBytes.data());
        !st)
      return transferError(res, in.dtype, st);
  if (Status st = comm.copy(unpack, in.dtype, {}); !st)
    return {st.code(), res.name + ": " + st.message()};
  return Status::ok();
}

Status Runtime::runSplit(const Prepared &p, const TensorRef &in,
                         const TensorRef &out) {
  const layout::Resolved &res = p.res;
  const int64_t es = elementSize(in.dtype);
  std::vector<CopyJob> jobs;
  for (const layout::CopyStep &step :
       layout::planSplit(res, in.strides, out.strides)) {
    if (step.src.numElements() == 0)
      continue;
    jobs.push_back(makeJob(addr(in.data, step.src.offset, es), step.src.strides,
                           addr(out.data, step.dst.offset, es),
                           step.dst.strides, step.src.shape));
  }
  if (Status st = p.comm->copy(jobs, in.dtype, {res.op.scale, res.groupSize});
      !st)
    return {st.code(), res.name + ": " + st.message()};
  return Status::ok();
}

Status Runtime::runGather(const Prepared &p, const Direct &d,
                          const TensorRef &in, const TensorRef &out) {
  const layout::Resolved &res = p.res;
  const int64_t P = res.groupSize, r = res.groupRank;
  const int64_t es = elementSize(in.dtype);
  Backend &comm = *p.comm;
  layout::GatherPlan plan = layout::planGather(res, in.strides, out.strides);
  const Scaling scaling{res.op.scale, P};
  const int64_t inBytes = layout::numElements(in.sizes) * es;
  StridedBlock whole{0, in.sizes, in.strides};

  // Peers on the direct path exchange nothing through the backend; with
  // any of them, the backend's part is an alltoallv that skips them.
  // d.sync is the same on every rank, so all pick the same exchange.
  const bool anyDirect = d.sync;
  bool anySend = false;
  for (int64_t q = 0; q < P; ++q)
    anySend = anySend || (q != r && !has(d.pushTo, q));
  int64_t stage = 0;
  int64_t sendStage = -1;
  if (anySend && inBytes &&
      (scaling.mode != GradScale::None || !whole.isContiguous()))
    sendStage = addSegment(stage, inBytes);
  std::vector<int64_t> recvBytes(P, 0), recvStage(P, -1);
  std::vector<void *> recvPtr(P, nullptr);
  std::vector<bool> direct(P, false);
  for (int64_t q = 0; q < P; ++q) {
    if (q == r || has(d.pushedBy, q))
      continue;
    recvBytes[q] = plan.recvCounts[q] * es;
    const std::vector<layout::CopyStep> &s = plan.unpack[q];
    // Peer q's block lands in the output as it is: receive it there.
    direct[q] = s.size() == 1 && s[0].src.offset == 0 &&
                s[0].src.numElements() == plan.recvCounts[q] &&
                s[0].src.isContiguous() && s[0].dst.isContiguous();
    if (recvBytes[q] && !direct[q])
      recvStage[q] = addSegment(stage, recvBytes[q]);
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
  // Our own pieces come straight from the input, and so do the ones we
  // write into peers' outputs.
  for (const layout::CopyStep &step : plan.unpack[r])
    if (step.src.numElements())
      pack.push_back(makeJob(addr(in.data, step.src.offset, es),
                             step.src.strides,
                             addr(out.data, step.dst.offset, es),
                             step.dst.strides, step.src.shape));
  for (int64_t q = 0; q < P; ++q)
    if (q != r && has(d.pushTo, q) && d.peerOut[q])
      if (Status st =
              appendPushes(res, in, q, d.peerOut[q], d.peerStrides[q],
                           d.peerBefore[q], d.peerAfter[q], pack, directBytes_);
          !st)
        return st;
  for (int64_t q = 0; q < P; ++q) {
    if (q == r || !recvBytes[q])
      continue;
    if (direct[q]) {
      recvPtr[q] = addr(out.data, plan.unpack[q][0].dst.offset, es);
      continue;
    }
    char *buf = addr(staging_, recvStage[q], 1);
    recvPtr[q] = buf;
    for (const layout::CopyStep &step : plan.unpack[q])
      if (step.src.numElements())
        unpack.push_back(makeJob(addr(buf, step.src.offset, es),
                                 step.src.strides,
                                 addr(out.data, step.dst.offset, es),
                                 step.dst.strides, step.src.shape));
  }
  if (Status st = comm.copy(pack, in.dtype, scaling); !st)
    return {st.code(), res.name + ": " + st.message()};
  Status st;
  if (P > 1 && anyDirect) {
    std::vector<const void *> sendPtrs(P, nullptr);
    std::vector<int64_t> sendBytes(P, 0);
    for (int64_t q = 0; q < P; ++q)
      if (q != r && !has(d.pushTo, q)) {
        sendPtrs[q] = sendPtr;
        sendBytes[q] = inBytes;
      }
    st = comm.alltoallv(sendPtrs.data(), sendBytes.data(), recvPtr.data(),
                        recvBytes.data());
  } else if (P > 1) {
    st = comm.allgatherv(sendPtr, inBytes, recvPtr.data(), recvBytes.data());
  }
  if (!st)
    return transferError(res, in.dtype, st);
  if (Status st = comm.copy(unpack, in.dtype, {}); !st)
    return {st.code(), res.name + ": " + st.message()};
  return Status::ok();
}

} // namespace seqpar::rt

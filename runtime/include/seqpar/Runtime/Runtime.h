//===- Runtime.h - C++ API of the seqpar runtime ----------------*- C++ -*-===//
//
// A Runtime owns a world of ranks arranged as a default grid, the
// communicators of its groups (cached), one staging buffer, and executes the
// collectives of the op model (seqpar/Layout/OpModel.h) on strided tensor
// views. The op description is layout::Op: a kind, the grid, the group's
// ordered axes, and the distributions of the dims it moves; the builders
// (allToAllOp, splitOp, hybridSplitOp, ...) are Layout's. Every size, offset
// and block plan comes from Layout's resolver and planners; the runtime only
// moves bytes.
//
// Ops and their adjoints (the adjoint of an op runs on the gradient of its
// output and produces the gradient of its input; layout::adjointOp):
//
//   op                            adjoint
//   all_to_all(s, g)              all_to_all(g, s), sizes made explicit
//   split(dist) [scale]           gather(dist), times scale
//   gather(dist) [scale]          split(dist), times scale
//
// where `dist` is how the dim is distributed: the split rule, explicit sizes,
// zigzag, packed sequences, or one of those over the leading axes of the
// group followed by the split rule over its last axes (hybrid ring x Ulysses
// is a two-axis group). The seeds' scales are: split's adjoint scales down,
// gather's up, zigzag split's down, zigzag gather's up.
//
// Data movement per op: at most one pack and one unpack, none where a peer's
// chunk is contiguous (it is sent from the input or received into the output
// directly), no padding, one staging buffer that only grows.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_RUNTIME_H
#define SEQPAR_RUNTIME_RUNTIME_H

#include "seqpar/Layout/OpModel.h"
#include "seqpar/Runtime/Backend.h"
#include "seqpar/Runtime/Types.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace seqpar::rt {

// The op model is Layout's; the runtime speaks it as it is.
using layout::DistKind;
using layout::Distribution;
using layout::Move;
using layout::Op;
using layout::OpKind;
using layout::opName;

using layout::allToAllOp;
using layout::gatherOp;
using layout::hybridGatherOp;
using layout::hybridPackedGatherOp;
using layout::hybridPackedSplitOp;
using layout::hybridSplitOp;
using layout::packedGatherOp;
using layout::packedSplitOp;
using layout::replicatedDist;
using layout::splitOp;
using layout::zigzagGatherOp;
using layout::zigzagSplitOp;

class SEQPAR_RT_EXPORT Runtime {
public:
  /// Creates a runtime over `world` arranged as a default grid of
  /// `gridShape` (ranks row-major, last axis fastest); the grid must have as
  /// many ranks as the world. Check mode starts on when the environment
  /// variable SEQPAR_RT_CHECK is set to a value other than "0".
  static Status create(std::shared_ptr<Backend> world,
                       std::vector<int64_t> gridShape,
                       std::unique_ptr<Runtime> &out);
  ~Runtime();
  Runtime(const Runtime &) = delete;
  Runtime &operator=(const Runtime &) = delete;

  const std::vector<int64_t> &gridShape() const { return gridShape_; }
  Backend &world() { return *world_; }

  /// The communicator of the group of `axes` of the grid `gridShape` (empty:
  /// the default grid; any grid with as many ranks as the world) that
  /// contains this rank. The first use of a group splits the world
  /// (collective over the whole world: every rank must make it, in the same
  /// order); later uses hit a cache keyed by the grid and the ordered axes.
  Status group(const std::vector<int64_t> &gridShape,
               const std::vector<int64_t> &axes, Backend *&out);
  Status group(const std::vector<int64_t> &axes, Backend *&out) {
    return group({}, axes, out);
  }
  /// Registers an externally made communicator for a group (for backends
  /// that cannot split, e.g. a PyTorch ProcessGroup made by the caller).
  Status setGroup(const std::vector<int64_t> &gridShape,
                  const std::vector<int64_t> &axes,
                  std::shared_ptr<Backend> backend);
  Status setGroup(const std::vector<int64_t> &axes,
                  std::shared_ptr<Backend> backend) {
    return setGroup({}, axes, std::move(backend));
  }
  Status groupSize(const std::vector<int64_t> &gridShape,
                   const std::vector<int64_t> &axes, int64_t &out);
  Status groupSize(const std::vector<int64_t> &axes, int64_t &out) {
    return groupSize({}, axes, out);
  }
  Status groupRank(const std::vector<int64_t> &gridShape,
                   const std::vector<int64_t> &axes, int64_t &out);
  Status groupRank(const std::vector<int64_t> &axes, int64_t &out) {
    return groupRank({}, axes, out);
  }

  /// Agreement checks, on by default (SEQPAR_RT_CHECK=0 in the environment
  /// at creation, or setCheckMode(false), turns them off for speed): before
  /// each collective the ranks gather a small fixed-size record (this rank's
  /// verdict on its arguments, a hash of the encoded op, the element type,
  /// the input shape and its own length), first over the world when the
  /// group is not the world (what the op is and over which axes) and then
  /// over the group (sizes, lengths, shapes), so that ranks that disagree on
  /// anything that decides the data movement, or a rank that rejects its
  /// arguments, give every rank an error naming the field and both values
  /// instead of a hang or wrong data.
  void setCheckMode(bool on) { checkMode_ = on; }
  bool checkMode() const { return checkMode_; }

  /// For an entry point that failed before reaching run or exchangeLengths
  /// (a descriptor it could not decode): takes part in the first exchange
  /// of the call the other ranks make, so that they get an error instead of
  /// waiting; returns `local`. A no-op when checks are off or `local` is OK.
  Status failCall(const Status &local);

  /// Gathers every rank's `mine` (e.g. its gather-dim length) in group rank
  /// order. Done once; the result feeds an all-to-all and its adjoint.
  Status exchangeLengths(const std::vector<int64_t> &gridShape,
                         const std::vector<int64_t> &axes, int64_t mine,
                         std::vector<int64_t> &all);
  Status exchangeLengths(const std::vector<int64_t> &axes, int64_t mine,
                         std::vector<int64_t> &all) {
    return exchangeLengths({}, axes, mine, all);
  }

  /// The output shape of `op` on an input of `inShape` on this rank.
  Status outputShape(const Op &op, const std::vector<int64_t> &inShape,
                     std::vector<int64_t> &out);
  /// The adjoint of `op` applied to an input of `inShape`, with the
  /// adjoint's gradient scale `scale` (ignored for all-to-all). Every
  /// implicit size is made explicit, and the grid is filled in.
  Status adjoint(const Op &op, const std::vector<int64_t> &inShape,
                 GradScale scale, Op &out);

  /// Executes `op`: reads `in`, writes every element of `out` (which must
  /// have outputShape's shape and the input's element type; any strides
  /// that do not make two elements alias).
  Status run(const Op &op, const TensorRef &in, const TensorRef &out);

  /// Bytes of the staging buffer now (it only grows).
  int64_t stagingBytes() const { return stagingBytes_; }

  /// Buffers for collective outputs (the C ABI's seqpar_rt_alloc; lowered
  /// programs allocate every collective's output here). Buffers of at least
  /// sharedMinBytes() bytes come from the memory the ranks of a node share
  /// (Backend::sharedMemory) when the backend has it and the direct path is
  /// on; the others, and every buffer when the shared memory is exhausted,
  /// from the backend's allocator. Either kind works with every op.
  Status allocate(int64_t bytes, void *&out);
  /// Frees a buffer of allocate; an error naming the pointer for any other.
  Status deallocate(void *ptr);

  /// The direct path between ranks that share memory (SharedMemory.h): when
  /// an all_to_all's or a gather's output on rank q was allocated by
  /// allocate(), every rank of q's node writes its data straight from its
  /// input into it (layout::planPush; no pack, no message, no unpack), and
  /// ranks on other nodes send through the backend as before; one exchange
  /// of a small record (merged with the agreement check's when checks are
  /// on) and one after the copies make each call. Both paths give the same
  /// bits. On by default; SEQPAR_RT_DIRECT=0 in the environment at creation,
  /// or setDirect(false), keeps this rank's outputs off it (peers then send
  /// to it through the backend). With checks off, the record exchange is
  /// its own (in groups with two ranks on a node) and is skipped when the
  /// direct path is off, which must then be off on every rank. A replicated
  /// gather dim (a sum) always takes the backend.
  void setDirect(bool on) { direct_ = on; }
  bool direct() const { return direct_; }
  /// The smallest buffer allocate() puts in shared memory: 64 KiB, or
  /// SEQPAR_RT_SHARED_MIN_BYTES at creation (0: every buffer). Smaller
  /// transfers are bound by latency, which the backend's path has less of.
  int64_t sharedMinBytes() const { return sharedMinBytes_; }
  void setSharedMinBytes(int64_t bytes) { sharedMinBytes_ = bytes; }
  /// Bytes this rank has written into peers' outputs on the direct path.
  int64_t directBytes() const { return directBytes_; }

private:
  Runtime() = default;
  /// `gridShape`, or the runtime's grid when it is empty.
  const std::vector<int64_t> &
  gridOrDefault(const std::vector<int64_t> &gridShape) const {
    return gridShape.empty() ? gridShape_ : gridShape;
  }
  struct Prepared;
  struct Direct;
  Status prepare(const Op &op, const std::vector<int64_t> &inShape,
                 Prepared &out);
  Status check(const Op &op, const TensorRef &in, const Status &local,
               const Prepared &p, const int64_t *direct,
               std::vector<int64_t> &records);
  /// This rank's record for the direct path: its node, and whether and
  /// where its output can be written by its node's peers.
  void describeOutput(const Prepared &p, const TensorRef &out, int64_t *record);
  /// Which peers this rank writes into and which write into it, from every
  /// rank's record (exchanged here when checks are off).
  Status planDirect(const Prepared &p, const int64_t *mine,
                    const std::vector<int64_t> &checkRecords, Direct &d);
  /// Ends a call that wrote into peers' outputs: every rank waits until its
  /// node's peers are done writing, and learns whether any of them failed.
  Status finishDirect(const Prepared &p, const Direct &d, Status st);
  Status agreeOnWorld(const Op &op, const TensorRef &in, const Status &local);
  Status agreeOn(const std::string &name, const std::vector<int64_t> &words,
                 const int64_t *record, const Status &local, Backend &comm,
                 bool compareShapes, std::vector<int64_t> &all);
  Status explainMismatch(const std::string &name,
                         const std::vector<int64_t> &words, Backend &comm,
                         int64_t peer, const std::vector<int64_t> &lengths);
  /// Whether the group of `axes` is the world in rank order.
  bool isWorldGroup(const layout::Grid &grid,
                    const std::vector<int64_t> &axes) const;
  /// Checks the group of `axes` of `gridShape` (a filled-in grid) without
  /// communicating, unless it was made already, and says whether it is the
  /// world.
  Status locateGroup(const std::vector<int64_t> &gridShape,
                     const std::vector<int64_t> &axes, bool &isWorld) const;
  Status runAllToAll(const Prepared &p, const Direct &d, const TensorRef &in,
                     const TensorRef &out);
  Status runSplit(const Prepared &p, const TensorRef &in, const TensorRef &out);
  Status runGather(const Prepared &p, const Direct &d, const TensorRef &in,
                   const TensorRef &out);
  Status reserveStaging(int64_t bytes);
  /// `op` with the default grid filled in when it names none.
  Op withGrid(const Op &op) const;

  std::shared_ptr<Backend> world_;
  std::vector<int64_t> gridShape_;
  /// Communicators by (grid shape, ordered axes).
  std::map<std::pair<std::vector<int64_t>, std::vector<int64_t>>,
           std::shared_ptr<Backend>>
      groups_;
  bool checkMode_ = true;
  bool direct_ = true;
  int64_t sharedMinBytes_ = int64_t(64) << 10;
  /// The buffers allocate() took from the backend's allocator.
  std::set<void *> heapBuffers_;
  /// The buffers allocate() took from the backend's shared memory.
  std::set<void *> sharedBuffers_;
  int64_t directBytes_ = 0;
  void *staging_ = nullptr;
  int64_t stagingBytes_ = 0;
};

/// The process-wide runtime used by the C ABI. A caller that builds its own
/// Runtime (e.g. over a PyTorch ProcessGroup backend) installs it here so
/// that lowered IR runs on it; installing replaces and destroys the previous
/// one.
SEQPAR_RT_EXPORT void installGlobalRuntime(std::unique_ptr<Runtime> runtime);
/// The installed runtime, or null.
SEQPAR_RT_EXPORT Runtime *globalRuntime();

} // namespace seqpar::rt

#endif // SEQPAR_RUNTIME_RUNTIME_H

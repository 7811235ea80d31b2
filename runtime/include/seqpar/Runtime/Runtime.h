//===- Runtime.h - C++ API of the seqpar runtime -----------------*- C++
//-*-===//
//
// A Runtime owns a grid of ranks, the communicators of its groups (cached),
// one staging buffer, and executes the resharding ops of DESIGN.md on strided
// tensor views. Every size and offset comes from the Layout library.
//
// Ops and their adjoints (the adjoint of an op runs on the gradient of its
// output and produces the gradient of its input):
//
//   op                            adjoint
//   all_to_all(s, g, sc, ga)      all_to_all(g, s, ga, sc)
//   split(map) [scale]            gather(map), times scale
//   gather(map) [scale]           split(map), times scale
//
// where `map` is how the dim is distributed: explicit sizes (the split rule by
// default), zigzag, packed sequences, or one of those over a ring axis
// followed by an even split over a Ulysses axis (hybrid). The seeds' defaults
// are: split's adjoint scales down, gather's up, zigzag split's down, zigzag
// gather's up. Runtime::adjoint builds the adjoint's description.
//
// Data movement per op: at most one pack and one unpack, none where a peer's
// chunk is contiguous (it is sent from the input or received into the output
// directly), no padding, one staging buffer that only grows.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_RUNTIME_RUNTIME_H
#define SEQPAR_RUNTIME_RUNTIME_H

#include "seqpar/Runtime/Backend.h"
#include "seqpar/Runtime/Types.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace seqpar::rt {

enum class OpKind : int32_t { AllToAll = 0, Split = 1, Gather = 2 };

/// How a split or gather distributes its dim over the group.
enum class MapKind : int32_t {
  Sizes = 0,  ///< Rank r holds sizes[r] elements, in rank order.
  Zigzag = 1, ///< Rank r holds chunks r and 2P-1-r of 2P equal chunks.
  Packed = 2, ///< Each packed sequence is split by the split rule.
};

/// One resharding op. Fields not used by `kind` are ignored.
struct OpDesc {
  OpKind kind = OpKind::AllToAll;
  /// Grid axes of the group; the group rank linearizes their coordinates
  /// row-major in this order. Hybrid ops: {ringAxis, ulyssesAxis}.
  std::vector<int64_t> axes;
  /// Split/gather: distribute over axes[0] by `map`, then evenly over axes[1].
  bool hybrid = false;
  MapKind map = MapKind::Sizes;
  /// Split/gather dim; all-to-all scatter dim.
  int64_t dim = 0;
  /// All-to-all gather dim.
  int64_t gatherDim = 1;
  /// Sizes map: per-rank sizes (empty: the split rule for a split, equal
  /// pieces for a gather). Packed map: the sequence lengths. All-to-all: the
  /// scatter sizes (empty: the split rule).
  std::vector<int64_t> sizes;
  /// All-to-all: per-rank gather lengths, e.g. from exchangeLengths (empty:
  /// the split rule of globalSize).
  std::vector<int64_t> gatherSizes;
  /// All-to-all: gather_size N (-1: the input's gather dim times P). Zigzag
  /// gathers: the gathered length (-1: local length times P; required when
  /// hybrid).
  int64_t globalSize = -1;
  GradScale scale = GradScale::None;
};

/// Descriptions of the ops, in the seeds' vocabulary.
SEQPAR_RT_EXPORT OpDesc allToAllOp(std::vector<int64_t> axes,
                                   int64_t scatterDim, int64_t gatherDim,
                                   std::vector<int64_t> scatterSizes = {},
                                   std::vector<int64_t> gatherSizes = {},
                                   int64_t gatherSize = -1);
SEQPAR_RT_EXPORT OpDesc splitOp(std::vector<int64_t> axes, int64_t dim,
                                std::vector<int64_t> sizes = {},
                                GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc gatherOp(std::vector<int64_t> axes, int64_t dim,
                                 std::vector<int64_t> sizes = {},
                                 GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc zigzagSplitOp(std::vector<int64_t> axes, int64_t dim,
                                      GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc zigzagGatherOp(std::vector<int64_t> axes, int64_t dim,
                                       GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc hybridSplitOp(int64_t ringAxis, int64_t ulyssesAxis,
                                      int64_t dim,
                                      GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc hybridGatherOp(int64_t ringAxis, int64_t ulyssesAxis,
                                       int64_t dim, int64_t globalLength,
                                       GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc packedSplitOp(std::vector<int64_t> axes, int64_t dim,
                                      std::vector<int64_t> seqLens,
                                      GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc packedGatherOp(std::vector<int64_t> axes, int64_t dim,
                                       std::vector<int64_t> seqLens,
                                       GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc packedHybridSplitOp(int64_t ringAxis,
                                            int64_t ulyssesAxis, int64_t dim,
                                            std::vector<int64_t> seqLens,
                                            GradScale scale = GradScale::None);
SEQPAR_RT_EXPORT OpDesc packedHybridGatherOp(int64_t ringAxis,
                                             int64_t ulyssesAxis, int64_t dim,
                                             std::vector<int64_t> seqLens,
                                             GradScale scale = GradScale::None);

/// The op's name in diagnostics ("all_to_all", "zigzag_gather", ...).
SEQPAR_RT_EXPORT std::string opName(const OpDesc &op);

class SEQPAR_RT_EXPORT Runtime {
public:
  /// Creates a runtime over `world` arranged as a grid of `gridShape` (ranks
  /// row-major, last axis fastest); the product must equal world->size().
  /// Check mode starts on when the environment variable SEQPAR_RT_CHECK is
  /// set to a value other than "0".
  static Status create(std::shared_ptr<Backend> world,
                       std::vector<int64_t> gridShape,
                       std::unique_ptr<Runtime> &out);
  ~Runtime();
  Runtime(const Runtime &) = delete;
  Runtime &operator=(const Runtime &) = delete;

  const std::vector<int64_t> &gridShape() const { return gridShape_; }
  Backend &world() { return *world_; }

  /// The communicator of the group of `axes` that contains this rank. The
  /// first use of a group splits the world (collective over the whole grid:
  /// every rank must make it, in the same order); later uses hit a cache.
  Status group(const std::vector<int64_t> &axes, Backend *&out);
  /// Registers an externally made communicator for `axes` (for backends that
  /// cannot split, e.g. a PyTorch ProcessGroup made by the caller).
  Status setGroup(const std::vector<int64_t> &axes,
                  std::shared_ptr<Backend> backend);
  Status groupSize(const std::vector<int64_t> &axes, int64_t &out);
  Status groupRank(const std::vector<int64_t> &axes, int64_t &out);

  /// Check mode: before each op, every rank of the group gathers a small
  /// fixed-size record of the op's shapes and parameters, so that ranks that
  /// disagree all get a Mismatch error instead of a hang or wrong data.
  void setCheckMode(bool on) { checkMode_ = on; }
  bool checkMode() const { return checkMode_; }

  /// Gathers every rank's `mine` (e.g. its gather-dim length) in group rank
  /// order. Done once; the result feeds an all-to-all and its adjoint.
  Status exchangeLengths(const std::vector<int64_t> &axes, int64_t mine,
                         std::vector<int64_t> &all);

  /// The output shape of `op` on an input of `inShape` on this rank.
  Status outputShape(const OpDesc &op, const std::vector<int64_t> &inShape,
                     std::vector<int64_t> &out);
  /// The description of the adjoint of `op` applied to an input of
  /// `inShape`, with the adjoint's gradient scale `scale` (ignored for
  /// all-to-all). Every implicit size is made explicit.
  Status adjoint(const OpDesc &op, const std::vector<int64_t> &inShape,
                 GradScale scale, OpDesc &out);

  /// Executes `op`: reads `in`, writes every element of `out` (which must
  /// have outputShape's shape and the input's element type; any strides
  /// that do not make two elements alias).
  Status run(const OpDesc &op, const TensorRef &in, const TensorRef &out);

  /// Bytes of the staging buffer now (it only grows).
  int64_t stagingBytes() const { return stagingBytes_; }

private:
  Runtime() = default;
  struct Resolved;
  Status resolve(const OpDesc &op, const std::vector<int64_t> &inShape,
                 Resolved &res);
  Status check(const OpDesc &op, const TensorRef &in, const Status &local,
               const Resolved &res);
  Status runAllToAll(const Resolved &res, const TensorRef &in,
                     const TensorRef &out);
  Status runSplit(const Resolved &res, const TensorRef &in,
                  const TensorRef &out);
  Status runGather(const Resolved &res, const TensorRef &in,
                   const TensorRef &out);
  Status reserveStaging(int64_t bytes);

  std::shared_ptr<Backend> world_;
  std::vector<int64_t> gridShape_;
  std::map<std::vector<int64_t>, std::shared_ptr<Backend>> groups_;
  bool checkMode_ = false;
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

//===- Layout.cpp - Shard arithmetic of sequence parallelism -----*- C++
//-*-===//

#include "seqpar/Layout/Layout.h"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <sstream>

namespace seqpar::layout {

//===----------------------------------------------------------------------===//
// The split rule
//===----------------------------------------------------------------------===//

int64_t splitSize(int64_t n, int64_t parts, int64_t idx) {
  assert(parts > 0 && idx >= 0 && idx < parts && "bad split");
  return n / parts + (idx < n % parts ? 1 : 0);
}

int64_t splitOffset(int64_t n, int64_t parts, int64_t idx) {
  assert(parts > 0 && idx >= 0 && idx <= parts && "bad split");
  return idx * (n / parts) + std::min(idx, n % parts);
}

std::vector<int64_t> splitSizes(int64_t n, int64_t parts) {
  std::vector<int64_t> sizes(parts);
  for (int64_t i = 0; i < parts; ++i)
    sizes[i] = splitSize(n, parts, i);
  return sizes;
}

std::vector<int64_t> offsetsOf(const std::vector<int64_t> &sizes) {
  std::vector<int64_t> offsets(sizes.size());
  int64_t acc = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    offsets[i] = acc;
    acc += sizes[i];
  }
  return offsets;
}

int64_t sum(const std::vector<int64_t> &values) {
  return std::accumulate(values.begin(), values.end(), int64_t(0));
}

bool allEqual(const std::vector<int64_t> &values) {
  return std::adjacent_find(values.begin(), values.end(),
                            std::not_equal_to<>()) == values.end();
}

int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Shape denseStrides(const Shape &shape) {
  Shape strides(shape.size());
  int64_t acc = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = acc;
    acc *= shape[i];
  }
  return strides;
}

std::string str(const std::vector<int64_t> &values) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < values.size(); ++i)
    os << (i ? ", " : "") << values[i];
  os << ']';
  return os.str();
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

std::string checkSizes(const std::vector<int64_t> &sizes, int64_t n,
                       int64_t parts) {
  std::ostringstream os;
  if (static_cast<int64_t>(sizes.size()) != parts) {
    os << "expected " << parts << " sizes (one per rank) but got "
       << sizes.size() << " " << str(sizes);
    return os.str();
  }
  for (int64_t s : sizes) {
    if (s < 0) {
      os << "sizes " << str(sizes) << " contain a negative size " << s;
      return os.str();
    }
  }
  if (sum(sizes) != n) {
    os << "sizes " << str(sizes) << " sum to " << sum(sizes)
       << " but the dim has size " << n;
    return os.str();
  }
  return {};
}

std::string checkZigzag(int64_t n, int64_t parts) {
  if (parts > 0 && n % (2 * parts) == 0)
    return {};
  std::ostringstream os;
  os << "zigzag length " << n << " is not a multiple of 2 * " << parts << " = "
     << 2 * parts;
  return os.str();
}

std::string checkSeqLens(const std::vector<int64_t> &seqLens, int64_t n) {
  std::ostringstream os;
  for (int64_t l : seqLens) {
    if (l < 0) {
      os << "sequence lengths " << str(seqLens) << " contain a negative length "
         << l;
      return os.str();
    }
  }
  if (sum(seqLens) != n) {
    os << "sequence lengths " << str(seqLens) << " sum to " << sum(seqLens)
       << " but the dim has size " << n;
    return os.str();
  }
  return {};
}

std::string checkDim(int64_t dim, int64_t rank, const char *what) {
  if (dim >= 0 && dim < rank)
    return {};
  std::ostringstream os;
  os << what << " " << dim << " is out of range for a tensor of rank " << rank;
  return os.str();
}

//===----------------------------------------------------------------------===//
// Shard maps
//===----------------------------------------------------------------------===//

int64_t lengthOf(const Pieces &pieces) {
  int64_t n = 0;
  for (const Interval &p : pieces)
    n += p.size;
  return n;
}

Pieces subRange(const Pieces &pieces, int64_t offset, int64_t size) {
  Pieces out;
  int64_t pos = 0; // Local position of the current piece's start.
  int64_t end = offset + size;
  for (const Interval &p : pieces) {
    int64_t lo = std::max(offset, pos), hi = std::min(end, pos + p.size);
    if (lo < hi)
      out.push_back({p.begin + (lo - pos), hi - lo});
    pos += p.size;
  }
  return out;
}

std::vector<int64_t> ShardMap::localSizes() const {
  std::vector<int64_t> sizes;
  sizes.reserve(pieces.size());
  for (const Pieces &p : pieces)
    sizes.push_back(lengthOf(p));
  return sizes;
}

bool ShardMap::isUniform() const { return allEqual(localSizes()); }

bool ShardMap::tilesExactly() const {
  std::vector<Interval> all;
  for (const Pieces &p : pieces)
    for (const Interval &i : p)
      if (i.size > 0)
        all.push_back(i);
  std::sort(all.begin(), all.end(), [](const Interval &a, const Interval &b) {
    return a.begin < b.begin;
  });
  int64_t pos = 0;
  for (const Interval &i : all) {
    if (i.begin != pos || i.size < 0)
      return false;
    pos += i.size;
  }
  return pos == globalSize;
}

ShardMap explicitShardMap(const std::vector<int64_t> &sizes) {
  ShardMap map;
  map.globalSize = sum(sizes);
  std::vector<int64_t> offsets = offsetsOf(sizes);
  for (size_t r = 0; r < sizes.size(); ++r)
    map.pieces.push_back({{offsets[r], sizes[r]}});
  return map;
}

ShardMap evenShardMap(int64_t n, int64_t parts) {
  return explicitShardMap(splitSizes(n, parts));
}

ShardMap zigzagShardMap(int64_t n, int64_t parts) {
  assert(checkZigzag(n, parts).empty() && "bad zigzag length");
  int64_t chunk = n / (2 * parts);
  ShardMap map;
  map.globalSize = n;
  for (int64_t r = 0; r < parts; ++r)
    map.pieces.push_back(
        {{r * chunk, chunk}, {(2 * parts - 1 - r) * chunk, chunk}});
  return map;
}

ShardMap packedShardMap(const std::vector<int64_t> &seqLens, int64_t parts) {
  ShardMap map;
  map.globalSize = sum(seqLens);
  map.pieces.resize(parts);
  int64_t seqStart = 0;
  for (int64_t len : seqLens) {
    for (int64_t r = 0; r < parts; ++r) {
      int64_t size = splitSize(len, parts, r);
      if (size > 0)
        map.pieces[r].push_back({seqStart + splitOffset(len, parts, r), size});
    }
    seqStart += len;
  }
  return map;
}

ShardMap hybridShardMap(const ShardMap &ring, int64_t ulysses) {
  ShardMap map;
  map.globalSize = ring.globalSize;
  for (const Pieces &ringPieces : ring.pieces) {
    int64_t len = lengthOf(ringPieces);
    for (int64_t u = 0; u < ulysses; ++u)
      map.pieces.push_back(subRange(ringPieces, splitOffset(len, ulysses, u),
                                    splitSize(len, ulysses, u)));
  }
  return map;
}

std::vector<std::vector<int64_t>>
packedSizeTable(const std::vector<int64_t> &seqLens, int64_t parts) {
  std::vector<std::vector<int64_t>> table(parts);
  for (int64_t r = 0; r < parts; ++r)
    for (int64_t len : seqLens)
      table[r].push_back(splitSize(len, parts, r));
  return table;
}

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

Shape Grid::coords(int64_t rank) const {
  Shape c(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    c[i] = rank % shape[i];
    rank /= shape[i];
  }
  return c;
}

int64_t Grid::rankOf(const Shape &c) const {
  int64_t rank = 0;
  for (size_t i = 0; i < shape.size(); ++i)
    rank = rank * shape[i] + c[i];
  return rank;
}

int64_t Grid::groupSize(const std::vector<int64_t> &axes) const {
  int64_t n = 1;
  for (int64_t a : axes)
    n *= shape[a];
  return n;
}

int64_t Grid::groupRank(int64_t rank, const std::vector<int64_t> &axes) const {
  Shape c = coords(rank);
  int64_t g = 0;
  for (int64_t a : axes)
    g = g * shape[a] + c[a];
  return g;
}

std::vector<int64_t>
Grid::groupMembers(int64_t rank, const std::vector<int64_t> &axes) const {
  Shape base = coords(rank);
  int64_t n = groupSize(axes);
  std::vector<int64_t> members(n);
  for (int64_t g = 0; g < n; ++g) {
    Shape c = base;
    int64_t rest = g;
    for (size_t i = axes.size(); i-- > 0;) {
      c[axes[i]] = rest % shape[axes[i]];
      rest /= shape[axes[i]];
    }
    members[g] = rankOf(c);
  }
  return members;
}

std::string Grid::checkAxes(const std::vector<int64_t> &axes) const {
  std::ostringstream os;
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= static_cast<int64_t>(shape.size())) {
      os << "axis " << axes[i] << " is out of range for a grid of rank "
         << shape.size();
      return os.str();
    }
    for (size_t j = 0; j < i; ++j) {
      if (axes[j] == axes[i]) {
        os << "axis " << axes[i] << " is listed twice in " << str(axes);
        return os.str();
      }
    }
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Block plans
//===----------------------------------------------------------------------===//

bool StridedBlock::isContiguous() const {
  int64_t expected = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] == 1)
      continue;
    if (shape[i] == 0)
      return true;
    if (strides[i] != expected)
      return false;
    expected *= shape[i];
  }
  return true;
}

StridedBlock StridedBlock::slice(int64_t dim, int64_t start,
                                 int64_t size) const {
  StridedBlock b = *this;
  b.offset += start * strides[dim];
  b.shape[dim] = size;
  return b;
}

StridedBlock denseBlock(const Shape &shape, int64_t offset) {
  return {offset, shape, denseStrides(shape)};
}

bool AllToAllPlan::equalCounts() const {
  return allEqual(sendCounts) && allEqual(recvCounts) &&
         (sendCounts.empty() || sendCounts[0] == recvCounts[0]);
}

AllToAllPlan planAllToAll(const Shape &inShape, const Shape &inStrides,
                          int64_t s, int64_t g,
                          const std::vector<int64_t> &scatterSizes,
                          const std::vector<int64_t> &gatherSizes, int64_t rank,
                          const Shape &outStrides) {
  assert(s != g && inShape[s] == sum(scatterSizes) &&
         inShape[g] == gatherSizes[rank] && "bad all-to-all");
  int64_t parts = static_cast<int64_t>(scatterSizes.size());
  AllToAllPlan plan;
  plan.outShape = inShape;
  plan.outShape[s] = scatterSizes[rank];
  plan.outShape[g] = sum(gatherSizes);

  StridedBlock in{0, inShape, inStrides};
  StridedBlock out{0, plan.outShape,
                   outStrides.empty() ? denseStrides(plan.outShape)
                                      : outStrides};
  std::vector<int64_t> scatterOffsets = offsetsOf(scatterSizes);
  std::vector<int64_t> gatherOffsets = offsetsOf(gatherSizes);
  int64_t sendAcc = 0, recvAcc = 0;
  for (int64_t q = 0; q < parts; ++q) {
    plan.send.push_back(in.slice(s, scatterOffsets[q], scatterSizes[q]));
    plan.recv.push_back(out.slice(g, gatherOffsets[q], gatherSizes[q]));
    plan.sendCounts.push_back(plan.send.back().numElements());
    plan.recvCounts.push_back(plan.recv.back().numElements());
    plan.sendDispls.push_back(sendAcc);
    plan.recvDispls.push_back(recvAcc);
    sendAcc += plan.sendCounts.back();
    recvAcc += plan.recvCounts.back();
  }
  return plan;
}

std::vector<CopyStep> planSplit(const Shape &globalShape,
                                const Shape &globalStrides, int64_t dim,
                                const ShardMap &map, int64_t rank) {
  Shape localShape = globalShape;
  localShape[dim] = map.localSize(rank);
  StridedBlock global{0, globalShape, globalStrides};
  StridedBlock local = denseBlock(localShape);
  std::vector<CopyStep> steps;
  int64_t pos = 0;
  for (const Interval &p : map.pieces[rank]) {
    steps.push_back(
        {global.slice(dim, p.begin, p.size), local.slice(dim, pos, p.size)});
    pos += p.size;
  }
  return steps;
}

GatherPlan planGather(const Shape &localShape, int64_t dim,
                      const ShardMap &map) {
  GatherPlan plan;
  plan.outShape = localShape;
  plan.outShape[dim] = map.globalSize;
  StridedBlock out = denseBlock(plan.outShape);
  int64_t acc = 0;
  for (int64_t q = 0; q < map.numRanks(); ++q) {
    Shape peerShape = localShape;
    peerShape[dim] = map.localSize(q);
    StridedBlock peer = denseBlock(peerShape, acc);
    plan.recvCounts.push_back(peer.numElements());
    plan.recvDispls.push_back(acc);
    acc += peer.numElements();
    int64_t pos = 0;
    for (const Interval &p : map.pieces[q]) {
      plan.unpack.push_back(
          {peer.slice(dim, pos, p.size), out.slice(dim, p.begin, p.size)});
      pos += p.size;
    }
  }
  return plan;
}

} // namespace seqpar::layout

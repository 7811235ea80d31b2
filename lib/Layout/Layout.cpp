//===- Layout.cpp - Shard arithmetic of sequence parallelism ----*- C++ -*-===//
//
// Checked arithmetic, the split rule, shard-map queries, grid rank maps and
// strided blocks. Nothing here asserts: the op model (OpModel.cpp) checks
// every argument before it uses these.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Layout/Layout.h"

#include <algorithm>
#include <sstream>

namespace seqpar::layout {

//===----------------------------------------------------------------------===//
// Checked arithmetic
//===----------------------------------------------------------------------===//

std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out))
    return std::nullopt;
  return out;
}

std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_mul_overflow(a, b, &out))
    return std::nullopt;
  return out;
}

Result<int64_t> checkedSum(const std::vector<int64_t> &values,
                           const char *what) {
  int64_t acc = 0;
  for (int64_t v : values) {
    std::optional<int64_t> next = checkedAdd(acc, v);
    if (!next)
      return Error{std::string(what) + " " + str(values) +
                   " overflow int64 when summed"};
    acc = *next;
  }
  return acc;
}

Result<int64_t> elementCount(const Shape &shape) {
  // The product of the non-zero dims is bounded too, so that the strides of
  // an empty tensor do not overflow either.
  int64_t bound = 1;
  bool empty = false;
  for (int64_t d : shape) {
    if (d < 0)
      return Error{"shape " + str(shape) + " has a negative size " +
                   std::to_string(d)};
    empty |= d == 0;
    std::optional<int64_t> next = checkedMul(bound, std::max<int64_t>(d, 1));
    if (!next || *next > kMaxElements)
      return Error{"shape " + str(shape) + " has more than 2^59 elements"};
    bound = *next;
  }
  return empty ? int64_t(0) : bound;
}

//===----------------------------------------------------------------------===//
// The split rule
//===----------------------------------------------------------------------===//

int64_t splitSize(int64_t n, int64_t parts, int64_t idx) {
  if (n < 0 || parts < 1 || idx < 0 || idx >= parts)
    return 0;
  return n / parts + (idx < n % parts ? 1 : 0);
}

int64_t splitOffset(int64_t n, int64_t parts, int64_t idx) {
  if (n < 0 || parts < 1 || idx < 0 || idx > parts)
    return 0;
  // idx * (n / parts) <= n: no overflow.
  return idx * (n / parts) + std::min(idx, n % parts);
}

Result<std::vector<int64_t>> splitSizes(int64_t n, int64_t parts) {
  if (n < 0)
    return Error{"cannot split the negative size " + std::to_string(n)};
  if (parts < 1 || parts > kMaxGroupSize)
    return Error{"cannot split " + std::to_string(n) + " into " +
                 std::to_string(parts) + " parts (1 to " +
                 std::to_string(kMaxGroupSize) + " are supported)"};
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
  constexpr size_t kShown = 8;
  std::ostringstream os;
  auto put = [&](int64_t v) {
    if (v == kDynamic)
      os << '?';
    else
      os << v;
  };
  os << '[';
  if (values.size() <= 2 * kShown) {
    for (size_t i = 0; i < values.size(); ++i) {
      os << (i ? ", " : "");
      put(values[i]);
    }
    os << ']';
    return os.str();
  }
  for (size_t i = 0; i < kShown; ++i) {
    put(values[i]);
    os << ", ";
  }
  os << "...";
  for (size_t i = values.size() - kShown; i < values.size(); ++i) {
    os << ", ";
    put(values[i]);
  }
  os << "] (" << values.size() << " entries)";
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

Result<std::vector<std::vector<int64_t>>>
packedSizeTable(const std::vector<int64_t> &seqLens, int64_t parts) {
  if (parts < 1 || parts > kMaxGroupSize)
    return Error{"cannot split sequences into " + std::to_string(parts) +
                 " parts (1 to " + std::to_string(kMaxGroupSize) +
                 " are supported)"};
  for (int64_t len : seqLens)
    if (len < 0)
      return Error{"sequence lengths " + str(seqLens) +
                   " contain a negative length " + std::to_string(len)};
  std::vector<std::vector<int64_t>> table(parts);
  for (int64_t r = 0; r < parts; ++r)
    for (int64_t len : seqLens)
      table[r].push_back(splitSize(len, parts, r));
  return table;
}

Result<std::vector<int64_t>>
packedLengths(const std::vector<std::vector<int64_t>> &table, int64_t parts) {
  auto rows = static_cast<int64_t>(table.size());
  if (rows != parts)
    return Error{"the table has " + std::to_string(rows) +
                 " rows but the group has " + std::to_string(parts) +
                 " ranks (one row per rank)"};
  for (size_t i = 1; i < table.size(); ++i)
    if (table[i].size() != table[0].size())
      return Error{"the table's rows have different lengths: row 0 has " +
                   std::to_string(table[0].size()) + ", row " +
                   std::to_string(i) + " has " +
                   std::to_string(table[i].size())};
  // Sequence j is the sum of every rank's piece of it.
  std::vector<int64_t> seqLens;
  for (size_t j = 0; !table.empty() && j < table[0].size(); ++j) {
    std::vector<int64_t> column;
    for (const std::vector<int64_t> &row : table)
      column.push_back(row[j]);
    Result<int64_t> length =
        checkedSum(column, ("column " + std::to_string(j)).c_str());
    if (!length)
      return Error{length.error()};
    seqLens.push_back(*length);
  }
  Result<std::vector<std::vector<int64_t>>> expected =
      packedSizeTable(seqLens, parts);
  if (!expected)
    return Error{expected.error()};
  if (!table.empty() && *expected != table) {
    std::string text;
    for (const std::vector<int64_t> &row : *expected)
      text += (text.empty() ? "" : ", ") + str(row);
    return Error{"the table is not the split rule of the sequence lengths " +
                 str(seqLens) + " over " + std::to_string(parts) + " ranks ([" +
                 text + "])"};
  }
  return seqLens;
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

//===----------------------------------------------------------------------===//
// Strided blocks
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

Result<std::pair<int64_t, int64_t>>
elementSpan(const Shape &sizes, const Shape &strides, int64_t elementBytes) {
  int64_t lo = 0, hi = 0;
  for (size_t i = 0; i < sizes.size() && i < strides.size(); ++i) {
    std::optional<int64_t> extent = checkedMul(sizes[i] - 1, strides[i]);
    std::optional<int64_t> end =
        extent ? checkedAdd(*extent < 0 ? lo : hi, *extent) : std::nullopt;
    if (!end || !checkedMul(*end, elementBytes))
      return Error{"shape " + str(sizes) + " with strides " + str(strides) +
                   " reaches past the int64 range"};
    (*extent < 0 ? lo : hi) = *end;
  }
  return std::make_pair(lo, hi);
}

StridedBlock denseBlock(const Shape &shape, int64_t offset) {
  return {offset, shape, denseStrides(shape)};
}

} // namespace seqpar::layout

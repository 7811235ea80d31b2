//===- Module.cpp - Python bindings of seqpar's torch ops -----------------===//
//
// The extension module `seqpar._C`. Python process groups are cast to their
// c10d ProcessGroup (torch's bindings hold them by intrusive_ptr); the GIL is
// released while the runtime works. Python wrappers with the seeds' names and
// signatures live in seqpar/torch.py.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

#include "seqpar/Layout/Layout.h"
#include "seqpar/Layout/OpModel.h"

#include <pybind11/stl.h>
#include <torch/csrc/utils/pybind.h>
#include <torch/extension.h>

namespace py = pybind11;
using namespace seqpar;
using namespace seqpar::torchext;

namespace {

ProcessGroupPtr toGroup(const py::object &group, const std::string &fn) {
  try {
    return py::cast<ProcessGroupPtr>(group);
  } catch (const py::cast_error &) {
    throw ArgumentError(fn +
                        ": expected a torch.distributed.ProcessGroup, got " +
                        std::string(py::str(py::type::of(group))));
  }
}

rt::GradScale toScale(const py::object &scale, const std::string &fn) {
  if (scale.is_none())
    return rt::GradScale::None;
  if (!py::isinstance<py::str>(scale))
    throw ArgumentError(fn +
                        ": grad_scale must be \"up\", \"down\" or None, "
                        "got " +
                        std::string(py::repr(scale)));
  return parseGradScale(scale.cast<std::string>(), false, fn);
}

/// What the Python wrappers pass to the registered op `seqpar::run`: the
/// descriptor of `op` (Layout's encoding, the one lowered IR passes to the
/// runtime) and the gradient scale of its backward.
std::pair<std::vector<int64_t>, int64_t> describe(const rt::Op &op,
                                                  rt::GradScale backwardScale) {
  return {layout::encodeOp(op), static_cast<int64_t>(backwardScale)};
}

const std::vector<int64_t> kAxes{0};

/// The value of `result`, or an ArgumentError (Python's ValueError) naming
/// `fn` and Layout's message.
template <typename T>
T valueOr(layout::Result<T> result, const std::string &fn) {
  if (!result)
    throw ArgumentError(fn + ": " + result.error());
  return std::move(*result);
}

/// The sequence lengths of `table` if it is their split-rule table over
/// `parts` ranks (what cal_split_sizes_multi makes).
std::vector<int64_t>
packedLengths(const std::vector<std::vector<int64_t>> &table, int64_t parts,
              const std::string &fn) {
  return valueOr(layout::packedLengths(table, parts), fn + ": all_split_sizes");
}

/// Resolves a hybrid split of a dim over a [ring, ulysses] grid (ring axis
/// 0, Ulysses axis 1) on every rank and returns each rank's piece, [ring
/// rank][Ulysses rank].
std::vector<std::vector<int64_t>>
hybridSizes(const std::string &dist, int64_t length,
            const std::vector<int64_t> &seqLens, int64_t ring, int64_t ulysses,
            const std::string &fn) {
  rt::Op op;
  if (dist == "zigzag") {
    op = rt::hybridSplitOp({0}, {1}, 0);
  } else if (dist == "packed") {
    op = rt::hybridPackedSplitOp({0}, {1}, 0, seqLens);
    length = valueOr(layout::checkedSum(seqLens, "sequence lengths"), fn);
  } else {
    throw ArgumentError(fn + ": unknown hybrid distribution \"" + dist + "\"");
  }
  op.gridShape = {ring, ulysses};
  layout::Result<layout::Resolved> res = layout::resolve(op, {length}, 0);
  if (!res)
    throw ArgumentError(fn + ": " + res.error());
  std::vector<int64_t> sizes = res->scatterMap.localSizes();
  std::vector<std::vector<int64_t>> table(ring);
  for (int64_t r = 0; r < ring; ++r)
    table[r].assign(sizes.begin() + r * ulysses,
                    sizes.begin() + (r + 1) * ulysses);
  return table;
}

} // namespace

PYBIND11_MODULE(_C, m) {
  m.doc() = "seqpar's resharding ops on torch.distributed process groups";

  // Argument errors surface as ValueError with the runtime's message.
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error)
        std::rethrow_exception(error);
    } catch (const ArgumentError &e) {
      PyErr_SetString(PyExc_ValueError, e.what_without_backtrace());
    }
  });

  // Op builders: each returns (descriptor, backward grad scale) for
  // torch.ops.seqpar.run (registered in Ops.cpp); the Python wrappers in
  // seqpar/torch.py call them and then the op.
  m.def(
      "all_to_all",
      [](int64_t scatterDim, int64_t gatherDim,
         std::vector<int64_t> scatterSizes, std::vector<int64_t> gatherSizes,
         int64_t gatherSize, std::optional<int64_t> scatterSlots,
         std::optional<int64_t> gatherSlots, const std::string &fn) {
        rt::Op op = rt::allToAllOp(kAxes, scatterDim, gatherDim,
                                   std::move(scatterSizes),
                                   std::move(gatherSizes), gatherSize);
        if (scatterSlots)
          op.scatter.dist = rt::replicatedDist(*scatterSlots);
        if (gatherSlots)
          op.gather.dist = rt::replicatedDist(*gatherSlots, gatherSize);
        return describe(op, rt::GradScale::None);
      },
      py::arg("scatter_dim"), py::arg("gather_dim"), py::arg("scatter_sizes"),
      py::arg("gather_sizes"), py::arg("gather_size"), py::arg("scatter_slots"),
      py::arg("gather_slots"), py::arg("fn"),
      "All-to-all: scatter `scatter_dim` by `scatter_sizes` (empty: the split "
      "rule) or, with `scatter_slots`, by replicated blocks; gather "
      "`gather_dim` by `gather_sizes` (empty: the split rule of "
      "`gather_size`, -1: input size times P) or, with `gather_slots`, by "
      "replicated blocks of `gather_size` entries, summing the copies.");

  m.def(
      "split",
      [](int64_t dim, std::vector<int64_t> sizes, const py::object &scale,
         const std::string &fn) {
        return describe(rt::splitOp(kAxes, dim, std::move(sizes)),
                        toScale(scale, fn));
      },
      py::arg("dim"), py::arg("sizes"), py::arg("grad_scale"), py::arg("fn"),
      "Keeps this rank's piece of `dim` (sizes, empty: the split rule); the "
      "backward gathers and scales.");

  m.def(
      "gather",
      [](int64_t dim, std::vector<int64_t> sizes, const py::object &scale,
         const std::string &fn) {
        return describe(rt::gatherOp(kAxes, dim, std::move(sizes)),
                        toScale(scale, fn));
      },
      py::arg("dim"), py::arg("sizes"), py::arg("grad_scale"), py::arg("fn"),
      "Concatenates every rank's piece along `dim` (sizes, empty: equal "
      "pieces); the backward splits and scales.");

  m.def(
      "zigzag_split",
      [](int64_t dim, const py::object &scale, const std::string &fn) {
        return describe(rt::zigzagSplitOp(kAxes, dim), toScale(scale, fn));
      },
      py::arg("dim"), py::arg("grad_scale"), py::arg("fn"),
      "Keeps chunks r and 2P-1-r of 2P equal chunks of `dim`.");

  m.def(
      "zigzag_gather",
      [](int64_t dim, const py::object &scale, int64_t globalSize,
         const std::string &fn) {
        return describe(rt::zigzagGatherOp(kAxes, dim, globalSize),
                        toScale(scale, fn));
      },
      py::arg("dim"), py::arg("grad_scale"), py::arg("global_size"),
      py::arg("fn"),
      "Inverse of zigzag_split: every rank's two chunks back in order "
      "(global_size: the gathered length, -1: local length times P).");

  m.def(
      "packed_split",
      [](int64_t dim, std::vector<int64_t> seqLens, const py::object &scale,
         const std::string &fn) {
        return describe(rt::packedSplitOp(kAxes, dim, std::move(seqLens)),
                        toScale(scale, fn));
      },
      py::arg("dim"), py::arg("seq_lens"), py::arg("grad_scale"), py::arg("fn"),
      "Splits every packed sequence by the split rule; keeps this rank's "
      "pieces in sequence order.");

  m.def(
      "packed_gather",
      [](int64_t dim, std::vector<int64_t> seqLens, const py::object &scale,
         const std::string &fn) {
        return describe(rt::packedGatherOp(kAxes, dim, std::move(seqLens)),
                        toScale(scale, fn));
      },
      py::arg("dim"), py::arg("seq_lens"), py::arg("grad_scale"), py::arg("fn"),
      "Rebuilds the packed sequences from every rank's pieces.");

  m.def(
      "exchange_lengths",
      [](const py::object &group, int64_t mine, const at::Device &device,
         const std::string &fn) {
        ProcessGroupPtr pg = toGroup(group, fn);
        py::gil_scoped_release release;
        return runtimeFor(pg, device)->exchangeLengths(mine, fn);
      },
      py::arg("group"), py::arg("mine"), py::arg("device"), py::arg("fn"),
      "Every rank's `mine`, in group rank order (one all-gather).");

  m.def(
      "staging_bytes",
      [](const py::object &group, const at::Device &device) {
        return runtimeFor(toGroup(group, "staging_bytes"), device)
            ->stagingBytes();
      },
      py::arg("group"), py::arg("device"),
      "Bytes of the group's staging buffer on `device` (it only grows).");

  m.def(
      "set_check_mode",
      [](const py::object &group, bool on, const at::Device &device) {
        runtimeFor(toGroup(group, "set_check_mode"), device)->setCheckMode(on);
      },
      py::arg("group"), py::arg("on"), py::arg("device"),
      "Turns the runtime's check mode of `group` on `device` on or off.");

  m.def(
      "release_group",
      [](const py::object &group) {
        releaseGroup(toGroup(group, "release_group"));
      },
      py::arg("group"),
      "Drops the cached runtimes and staging buffers of `group`.");

  m.def(
      "split_sizes",
      [](int64_t n, int64_t parts, const std::string &fn) {
        return valueOr(layout::splitSizes(n, parts), fn);
      },
      py::arg("n"), py::arg("parts"), py::arg("fn"),
      "The split rule: n // parts, plus one for the first n % parts parts.");

  m.def(
      "packed_size_table",
      [](std::vector<int64_t> seqLens, int64_t parts, const std::string &fn) {
        return valueOr(layout::packedSizeTable(seqLens, parts), fn);
      },
      py::arg("seq_lens"), py::arg("parts"), py::arg("fn"),
      "The [parts, len(seq_lens)] table of the split rule per sequence.");

  m.def("packed_lengths", &packedLengths, py::arg("table"), py::arg("parts"),
        py::arg("fn"),
        "The sequence lengths whose split-rule table over `parts` ranks is "
        "`table`; an error when there are none.");

  m.def("hybrid_sizes", &hybridSizes, py::arg("dist"), py::arg("length"),
        py::arg("seq_lens"), py::arg("ring"), py::arg("ulysses"), py::arg("fn"),
        "The [ring, ulysses] table of every rank's piece of a dim of `length` "
        "(packed: of the sequences `seq_lens`) split by `dist` (\"zigzag\" "
        "or \"packed\") over the ring, then by the split rule over Ulysses; "
        "a ring of one rank is disabled.");
}

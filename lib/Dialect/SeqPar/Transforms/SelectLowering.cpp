//===- SelectLowering.cpp - Aligned or unaligned lowering -------*- C++ -*-===//
//
// Decides, from static shapes and with the Layout library's split rule,
// whether a collective lowers to the equal-block form, to per-peer counts, or
// leaves the choice to the runtime, and records it on the op.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"

#include "seqpar/Layout/Layout.h"

#include "llvm/ADT/TypeSwitch.h"

namespace seqpar {
#define GEN_PASS_DEF_SEQPARSELECTLOWERING
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

/// What static shapes say about how a length is split over a group.
enum class Pieces { Equal, Unequal, Unknown };

Pieces piecesOf(const std::vector<int64_t> &sizes) {
  return layout::allEqual(sizes) ? Pieces::Equal : Pieces::Unequal;
}

/// The split rule's pieces of `n` over `groupSize` ranks.
Pieces splitPieces(int64_t n, int64_t groupSize) {
  if (ShapedType::isDynamic(n))
    return Pieces::Unknown;
  return piecesOf(layout::splitSizes(n, groupSize));
}

LoweringForm combine(Pieces a, Pieces b) {
  if (a == Pieces::Unknown || b == Pieces::Unknown)
    return LoweringForm::Runtime;
  if (a == Pieces::Equal && b == Pieces::Equal)
    return LoweringForm::Equal;
  return LoweringForm::PerPeer;
}

int64_t inputDim(Value input, int64_t dim) {
  return cast<RankedTensorType>(input.getType()).getDimSize(dim);
}

LoweringForm formOf(AllToAllOp op, int64_t groupSize) {
  // Lengths exchanged at run time: only the runtime knows the counts.
  if (op.getScatterLengths() || op.getGatherLengths())
    return LoweringForm::Runtime;
  Pieces scatter =
      splitPieces(inputDim(op.getInput(), op.getScatterDim()), groupSize);
  // Without a gather size every rank holds the same gather length.
  Pieces gather = Pieces::Equal;
  if (op.getDynamicGatherSize())
    gather = Pieces::Unknown;
  else if (std::optional<int64_t> n = op.getGatherSize())
    gather = splitPieces(*n, groupSize);
  return combine(scatter, gather);
}

LoweringForm formOf(SplitOp op, int64_t groupSize) {
  if (std::optional<ArrayRef<int64_t>> sizes = op.getSizes())
    return combine(piecesOf({sizes->begin(), sizes->end()}), Pieces::Equal);
  return combine(splitPieces(inputDim(op.getInput(), op.getDim()), groupSize),
                 Pieces::Equal);
}

LoweringForm formOf(GatherOp op, int64_t groupSize) {
  if (std::optional<ArrayRef<int64_t>> sizes = op.getSizes())
    return combine(piecesOf({sizes->begin(), sizes->end()}), Pieces::Equal);
  if (op.getDynamicGatherSize())
    return LoweringForm::Runtime;
  if (std::optional<int64_t> n = op.getGatherSize())
    return combine(splitPieces(*n, groupSize), Pieces::Equal);
  return LoweringForm::Equal;
}

struct SeqParSelectLoweringPass
    : public seqpar::impl::SeqParSelectLoweringBase<SeqParSelectLoweringPass> {
  using Base::Base;
  void runOnOperation() override {
    SymbolTableCollection symbolTables;
    Builder b(&getContext());
    WalkResult result = getOperation().walk([&](Operation *op) {
      if (!isa<AllToAllOp, SplitOp, GatherOp>(op))
        return WalkResult::advance();
      FailureOr<LoweringForm> form = chooseLoweringForm(op, symbolTables);
      if (failed(form))
        return WalkResult::interrupt();
      op->setAttr(kLoweringAttrName,
                  b.getStringAttr(stringifyLoweringForm(*form)));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

FailureOr<LoweringForm>
seqpar::chooseLoweringForm(Operation *op, SymbolTableCollection &symbolTables) {
  auto collective = dyn_cast<CollectiveOpInterface>(op);
  if (!collective)
    return LoweringForm::Runtime;
  FailureOr<int64_t> groupSize = getGroupSize(collective, symbolTables);
  if (failed(groupSize))
    return failure();
  return TypeSwitch<Operation *, LoweringForm>(op)
      .Case<AllToAllOp, SplitOp, GatherOp>(
          [&](auto op) { return formOf(op, *groupSize); })
      .Default([](Operation *) { return LoweringForm::Runtime; });
}

StringRef seqpar::stringifyLoweringForm(LoweringForm form) {
  switch (form) {
  case LoweringForm::Equal:
    return "equal";
  case LoweringForm::PerPeer:
    return "per_peer";
  case LoweringForm::Runtime:
    return "runtime";
  }
  llvm_unreachable("unknown lowering form");
}

LoweringForm seqpar::getRecordedLoweringForm(Operation *op) {
  auto attr = op->getAttrOfType<StringAttr>(kLoweringAttrName);
  if (!attr)
    return LoweringForm::Runtime;
  if (attr.getValue() == "equal")
    return LoweringForm::Equal;
  if (attr.getValue() == "per_peer")
    return LoweringForm::PerPeer;
  return LoweringForm::Runtime;
}

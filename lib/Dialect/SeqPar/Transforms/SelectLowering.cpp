//===- SelectLowering.cpp - Aligned or unaligned lowering -------*- C++ -*-===//
//
// Records on every all_to_all, split and gather the lowering form that its op
// model gives from static shapes (seqpar::chooseLoweringForm), as the
// dialect's verified #seqpar.lowering attribute.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"

namespace seqpar {
#define GEN_PASS_DEF_SEQPARSELECTLOWERING
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

struct SeqParSelectLoweringPass
    : public seqpar::impl::SeqParSelectLoweringBase<SeqParSelectLoweringPass> {
  using Base::Base;
  void runOnOperation() override {
    SymbolTableCollection symbolTables;
    MLIRContext *context = &getContext();
    getOperation().walk([&](Operation *op) {
      if (!hasLoweringForm(op))
        return;
      // The verifier guarantees that the model resolves; an op without the
      // attribute is lowered in the runtime form anyway.
      FailureOr<LoweringForm> form = chooseLoweringForm(op, symbolTables);
      if (succeeded(form))
        op->setAttr(kLoweringAttrName, LoweringFormAttr::get(context, *form));
    });
  }
};

} // namespace

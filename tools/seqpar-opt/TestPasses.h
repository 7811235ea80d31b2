//===- TestPasses.h - Test-only passes of seqpar-opt ------------*- C++ -*-===//
//
// Passes that exist only to let lit tests exercise C++ APIs of the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef SEQPAR_TOOLS_SEQPAR_OPT_TESTPASSES_H
#define SEQPAR_TOOLS_SEQPAR_OPT_TESTPASSES_H

namespace seqpar::test {

/// Registers --test-seqpar-adjoint.
void registerTestAdjointPass();

} // namespace seqpar::test

#endif // SEQPAR_TOOLS_SEQPAR_OPT_TESTPASSES_H

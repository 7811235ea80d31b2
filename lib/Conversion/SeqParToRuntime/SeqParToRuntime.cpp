//===- SeqParToRuntime.cpp - Lower seqpar ops to runtime calls --*- C++ -*-===//
//
// Replaces every seqpar op on tensors by calls of libseqpar_runtime's C ABI
// at the tensor boundary (bufferization.to_buffer in, memref.alloc +
// bufferization.to_tensor out), one pattern per op.
//
// A collective passes the runtime its op model (getOpModel) encoded as a
// constant descriptor (layout::encodeOp), so one entry point, seqpar_rt_run,
// runs every kind and the runtime resolves every size with Layout; a result
// dim that the type leaves dynamic comes from one seqpar_rt_output_shape
// query. Nothing here computes a split, an offset or a gathered length. One
// pattern template serves every collective that moves data, the hybrid ones
// included (their model is a two-axis group); exchange_lengths, group_rank
// and group_size have their own. The lowering form that seqpar-select-lowering
// records plays no part: the descriptor gives the runtime every count, so the
// equal and the per-peer forms make the same call.
//
// The patterns are OpRewritePatterns applied greedily, once per existing op,
// rather than OpConversionPatterns: the lowering changes no type (the op's
// tensors stay tensors until One-Shot Bufferize runs), so a type converter
// has nothing to do, and permute fusion replaces and erases ops around the
// collective (the chain of transposes consuming its result, the producers
// that become dead), which a rewriter does at once while a dialect
// conversion defers erasure and keeps the old uses visible.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Conversion/SeqParToRuntime/SeqParToRuntime.h"

#include "FusePermutes.h"

#include "seqpar/Conversion/Passes.h"
#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"
#include "seqpar/Layout/Codes.h"
#include "seqpar/Layout/OpModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <map>

namespace seqpar {
#define GEN_PASS_DEF_CONVERTSEQPARTORUNTIME
#include "seqpar/Conversion/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

/// The runtime's dtype code (Codes.h) of an element type.
std::optional<int32_t> dtypeCode(Type type) {
  if (type.isF64())
    return SEQPAR_DTYPE_F64;
  if (type.isF32())
    return SEQPAR_DTYPE_F32;
  if (type.isF16())
    return SEQPAR_DTYPE_F16;
  if (type.isBF16())
    return SEQPAR_DTYPE_BF16;
  if (type.isInteger(64))
    return SEQPAR_DTYPE_I64;
  if (type.isInteger(32))
    return SEQPAR_DTYPE_I32;
  if (type.isInteger(8))
    return SEQPAR_DTYPE_I8;
  if (type.isInteger(1))
    return SEQPAR_DTYPE_I1;
  return std::nullopt;
}

/// A memref with a fully dynamic strided layout: any buffer casts to it.
MemRefType anyLayoutType(ShapedType type) {
  SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
  return MemRefType::get(
      type.getShape(), type.getElementType(),
      StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, strides));
}

/// The values that a collective passes with the call because its
/// descriptor leaves them to run time: the lengths tensors that fill its
/// Sizes distributions and a dynamic gather size. Null when absent.
struct RuntimeOperands {
  Value scatterValues;
  Value gatherValues;
  Value length;
};

} // namespace

//===----------------------------------------------------------------------===//
// The shared state
//===----------------------------------------------------------------------===//

class seqpar::RuntimeLoweringState::Impl {
public:
  explicit Impl(MLIRContext *ctx)
      : ctx(ctx), i1(IntegerType::get(ctx, 1)), i32(IntegerType::get(ctx, 32)),
        i64(IntegerType::get(ctx, 64)), indexType(IndexType::get(ctx)),
        byteList(UnrankedMemRefType::get(IntegerType::get(ctx, 8), 0)),
        i64List(UnrankedMemRefType::get(i64, 0)),
        ptrType(LLVM::LLVMPointerType::get(ctx)) {}

  SymbolTableCollection &getSymbolTables() { return symbolTables; }
  bool hasFailed() const { return failed; }

  /// Lowers a collective that moves data, described by `model`.
  LogicalResult lowerCollective(PatternRewriter &rewriter, Operation *op,
                                const layout::Op &model,
                                const RuntimeOperands &operands,
                                bool fusePermutes);
  /// Lowers the ops that need only their group: exchange_lengths and
  /// group_rank call the runtime, group_size is a constant.
  LogicalResult lowerGroupOp(PatternRewriter &rewriter, ExchangeLengthsOp op,
                             const ResolvedGroup &group);
  LogicalResult lowerGroupOp(PatternRewriter &rewriter, GroupRankOp op,
                             const ResolvedGroup &group);
  LogicalResult lowerGroupOp(PatternRewriter &rewriter, GroupSizeOp op,
                             const ResolvedGroup &group);
  LogicalResult addInitAndFinalize(func::FuncOp fn,
                                   ArrayRef<int64_t> gridShape);

private:
  /// What one module holds: the runtime's declarations (null where the
  /// name is taken), its descriptor globals and the status check.
  struct ModuleData {
    llvm::StringMap<func::FuncOp> callees;
    std::map<std::vector<int64_t>, memref::GlobalOp> tables;
    std::optional<func::FuncOp> check;
  };

  // Declarations.
  FailureOr<func::FuncOp> declare(ModuleOp module, StringRef name,
                                  FunctionType type, bool cInterface);
  func::FuncOp callee(ModuleOp module, StringRef name, TypeRange args,
                      TypeRange results, bool cInterface);
  func::FuncOp checkFunction(ModuleOp module);
  FailureOr<func::FuncOp> buildCheckFunction(ModuleOp module);

  // Values read once per function, at its entry.
  Block *scopeBlock(OpBuilder &b);
  Value constant(OpBuilder &b, Location loc, TypedAttr value);
  Value i64Const(OpBuilder &b, Location loc, int64_t v);
  Value i32Const(OpBuilder &b, Location loc, int32_t v);
  Value indexConst(OpBuilder &b, Location loc, int64_t v);
  Value table(OpBuilder &b, Location loc, ModuleOp module,
              ArrayRef<int64_t> values);
  Value tableList(OpBuilder &b, Location loc, ModuleOp module,
                  ArrayRef<int64_t> values);
  std::pair<Value, Value> shapeBuffer(OpBuilder &b, Location loc, int64_t rank);

  // Code at the op.
  Value groupDescriptor(OpBuilder &b, Location loc, ModuleOp module,
                        const ResolvedGroup &group);
  void checkStatus(OpBuilder &b, Location loc, func::FuncOp check,
                   Value status);
  Value unranked(OpBuilder &b, Location loc, Value memref);
  Value lengthsList(OpBuilder &b, Location loc, Value tensor);

  MLIRContext *ctx;
  Type i1, i32, i64, indexType;
  Type byteList, i64List, ptrType;
  SymbolTableCollection symbolTables;
  DenseMap<Operation *, ModuleData> modules;
  DenseMap<std::pair<Block *, Attribute>, Value> constants;
  DenseMap<std::pair<Block *, Operation *>, Value> tableValues, tableLists;
  DenseMap<std::pair<Block *, int64_t>, std::pair<Value, Value>> shapeBuffers;
  bool failed = false;
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

FailureOr<func::FuncOp> RuntimeLoweringState::Impl::declare(ModuleOp module,
                                                            StringRef name,
                                                            FunctionType type,
                                                            bool cInterface) {
  SymbolTable &symbolTable = symbolTables.getSymbolTable(module);
  if (auto existing = symbolTable.lookup<func::FuncOp>(name)) {
    if (existing.getFunctionType() != type) {
      existing.emitOpError()
          << "is named like the runtime function '" << name << "' but has type "
          << existing.getFunctionType() << " instead of " << type;
      return failure();
    }
    return existing;
  }
  if (Operation *other = symbolTable.lookup(name)) {
    other->emitOpError() << "is named like the runtime function '" << name
                         << "' but is not a function";
    return failure();
  }
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), name, type);
  fn.setPrivate();
  if (cInterface)
    fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                UnitAttr::get(ctx));
  symbolTable.insert(fn);
  return fn;
}

/// The declaration of a runtime function, null (reported once) when the
/// module uses its name otherwise.
func::FuncOp RuntimeLoweringState::Impl::callee(ModuleOp module, StringRef name,
                                                TypeRange args,
                                                TypeRange results,
                                                bool cInterface) {
  llvm::StringMap<func::FuncOp> &callees = modules[module].callees;
  auto it = callees.find(name);
  if (it != callees.end())
    return it->second;
  FailureOr<func::FuncOp> fn =
      declare(module, name, FunctionType::get(ctx, args, results), cInterface);
  if (::mlir::failed(fn))
    failed = true;
  return callees[name] = ::mlir::failed(fn) ? func::FuncOp() : *fn;
}

func::FuncOp RuntimeLoweringState::Impl::checkFunction(ModuleOp module) {
  std::optional<func::FuncOp> &check = modules[module].check;
  if (!check) {
    FailureOr<func::FuncOp> built = buildCheckFunction(module);
    if (::mlir::failed(built))
      failed = true;
    check = ::mlir::failed(built) ? func::FuncOp() : *built;
  }
  return *check;
}

/// __seqpar_rt_check(%failed: i1): on failure, lets the other ranks learn
/// of a failed local query (seqpar_rt_share_failure: they then fail in their
/// next collective instead of waiting), writes the runtime's last error to
/// stderr and exits with status 1.
FailureOr<func::FuncOp>
RuntimeLoweringState::Impl::buildCheckFunction(ModuleOp module) {
  func::FuncOp share = callee(module, "seqpar_rt_share_failure", {}, {}, false);
  func::FuncOp lastError =
      callee(module, "seqpar_rt_last_error", {}, {ptrType}, false);
  func::FuncOp fputs =
      callee(module, "fputs", {ptrType, ptrType}, {i32}, false);
  func::FuncOp fputc = callee(module, "fputc", {i32, ptrType}, {i32}, false);
  func::FuncOp exitFn = callee(module, "exit", {i32}, {}, false);
  if (!share || !lastError || !fputs || !fputc || !exitFn)
    return failure();
  // C's `FILE *stderr`, a global of the C library.
  SymbolTable &symbolTable = symbolTables.getSymbolTable(module);
  auto stderrGlobal = symbolTable.lookup<LLVM::GlobalOp>("stderr");
  if (!stderrGlobal) {
    if (Operation *other = symbolTable.lookup("stderr"))
      return other->emitOpError()
             << "is named like the C library's 'stderr' but is not an "
                "llvm.mlir.global";
    OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
    stderrGlobal = LLVM::GlobalOp::create(
        mb, module.getLoc(), ptrType, /*isConstant=*/false,
        LLVM::Linkage::External, "stderr", /*value=*/Attribute());
    symbolTable.insert(stderrGlobal);
  }
  FailureOr<func::FuncOp> check = declare(
      module, "__seqpar_rt_check", FunctionType::get(ctx, {i1}, {}), false);
  if (::mlir::failed(check) || !check->isExternal())
    return check;
  Location loc = module.getLoc();
  Block *entry = check->addEntryBlock();
  OpBuilder b = OpBuilder::atBlockBegin(entry);
  auto ifOp = scf::IfOp::create(b, loc, entry->getArgument(0),
                                /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  func::CallOp::create(b, loc, share);
  Value msg = func::CallOp::create(b, loc, lastError).getResult(0);
  Value address = LLVM::AddressOfOp::create(b, loc, stderrGlobal);
  Value file = LLVM::LoadOp::create(b, loc, ptrType, address);
  func::CallOp::create(b, loc, fputs, ValueRange{msg, file});
  Value newline = arith::ConstantIntOp::create(b, loc, i32, '\n');
  func::CallOp::create(b, loc, fputc, ValueRange{newline, file});
  Value one = arith::ConstantIntOp::create(b, loc, i32, 1);
  func::CallOp::create(b, loc, exitFn, ValueRange{one});
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, loc);
  return check;
}

//===----------------------------------------------------------------------===//
// Values read once per function
//===----------------------------------------------------------------------===//

/// The entry block of the function (or other isolated region) that holds
/// the insertion point of `b`.
Block *RuntimeLoweringState::Impl::scopeBlock(OpBuilder &b) {
  Region *region = b.getInsertionBlock()->getParent();
  while (!region->getParentOp()->hasTrait<OpTrait::IsIsolatedFromAbove>())
    region = region->getParentOp()->getParentRegion();
  return &region->front();
}

Value RuntimeLoweringState::Impl::constant(OpBuilder &b, Location loc,
                                           TypedAttr value) {
  Block *scope = scopeBlock(b);
  Value &cached = constants[{scope, value}];
  if (!cached) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(scope);
    cached = arith::ConstantOp::create(b, loc, value);
  }
  return cached;
}

Value RuntimeLoweringState::Impl::i64Const(OpBuilder &b, Location loc,
                                           int64_t v) {
  return constant(b, loc, IntegerAttr::get(i64, v));
}
Value RuntimeLoweringState::Impl::i32Const(OpBuilder &b, Location loc,
                                           int32_t v) {
  return constant(b, loc, IntegerAttr::get(i32, v));
}
Value RuntimeLoweringState::Impl::indexConst(OpBuilder &b, Location loc,
                                             int64_t v) {
  return constant(b, loc, IntegerAttr::get(indexType, v));
}

/// A constant rank-1 i64 global holding `values` (one per distinct list in
/// a module), read once per function.
Value RuntimeLoweringState::Impl::table(OpBuilder &b, Location loc,
                                        ModuleOp module,
                                        ArrayRef<int64_t> values) {
  std::vector<int64_t> key(values.begin(), values.end());
  auto type = MemRefType::get({static_cast<int64_t>(values.size())}, i64);
  memref::GlobalOp &global = modules[module].tables[key];
  if (!global) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto init = DenseIntElementsAttr::get(
        RankedTensorType::get(type.getShape(), i64), values);
    global = memref::GlobalOp::create(
        b, loc, "__seqpar_table", b.getStringAttr("private"), type, init,
        /*constant=*/true, /*alignment=*/IntegerAttr());
    // Renames it uniquely.
    symbolTables.getSymbolTable(module).insert(global);
  }
  Block *scope = scopeBlock(b);
  Value &cached = tableValues[{scope, global.getOperation()}];
  if (!cached) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(scope);
    cached = memref::GetGlobalOp::create(b, loc, type, global.getSymName());
  }
  return cached;
}

/// The table of `values` as the unranked list the runtime takes.
Value RuntimeLoweringState::Impl::tableList(OpBuilder &b, Location loc,
                                            ModuleOp module,
                                            ArrayRef<int64_t> values) {
  Value t = table(b, loc, module, values);
  Value &cached = tableLists[{scopeBlock(b), t.getDefiningOp()}];
  if (!cached) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfterValue(t);
    cached = memref::CastOp::create(b, loc, i64List, t);
  }
  return cached;
}

/// The function's buffer for the output shapes of rank `rank`, allocated on
/// the stack at its entry (not in a loop, where each iteration would grow
/// the stack), and its unranked cast. Each query's dims are read before the
/// next query.
std::pair<Value, Value> RuntimeLoweringState::Impl::shapeBuffer(OpBuilder &b,
                                                                Location loc,
                                                                int64_t rank) {
  Block *scope = scopeBlock(b);
  std::pair<Value, Value> &cached = shapeBuffers[{scope, rank}];
  if (!cached.first) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(scope);
    cached.first =
        memref::AllocaOp::create(b, loc, MemRefType::get({rank}, i64));
    cached.second = memref::CastOp::create(b, loc, i64List, cached.first);
  }
  return cached;
}

//===----------------------------------------------------------------------===//
// Code at the op
//===----------------------------------------------------------------------===//

void RuntimeLoweringState::Impl::checkStatus(OpBuilder &b, Location loc,
                                             func::FuncOp check, Value status) {
  Value failure =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, status,
                            i32Const(b, loc, SEQPAR_STATUS_OK));
  func::CallOp::create(b, loc, check, ValueRange{failure});
}

/// The unranked byte memref the runtime takes for a tensor of any element
/// type: the descriptor is the same for every element type, so the cast to
/// bytes only renames it (seqpar-lower-to-llvm removes it once both sides
/// are LLVM structs).
Value RuntimeLoweringState::Impl::unranked(OpBuilder &b, Location loc,
                                           Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  Value cast = memref::CastOp::create(
      b, loc, UnrankedMemRefType::get(type.getElementType(), 0), memref);
  return UnrealizedConversionCastOp::create(b, loc, byteList, cast)
      .getResult(0);
}

/// A rank-1 i64 lengths tensor as the unranked list the runtime takes.
Value RuntimeLoweringState::Impl::lengthsList(OpBuilder &b, Location loc,
                                              Value tensor) {
  Value buffer = bufferization::ToBufferOp::create(
      b, loc, anyLayoutType(cast<ShapedType>(tensor.getType())), tensor,
      /*read_only=*/true);
  return memref::CastOp::create(b, loc, i64List, buffer);
}

LogicalResult RuntimeLoweringState::Impl::lowerCollective(
    PatternRewriter &rewriter, Operation *op, const layout::Op &model,
    const RuntimeOperands &operands, bool fusePermutes) {
  Location loc = op->getLoc();
  auto module = op->getParentOfType<ModuleOp>();
  Value result = op->getResult(0);
  auto resultType = cast<RankedTensorType>(result.getType());
  std::optional<int32_t> dtype = dtypeCode(resultType.getElementType());
  if (!dtype)
    return rewriter.notifyMatchFailure(op, "no runtime dtype code");

  PermutedInput input = findInputPermutes(op->getOperand(0), fusePermutes);
  PermutedOutput output = findOutputPermutes(result, fusePermutes);
  auto finalType = cast<RankedTensorType>(output.replaced.getType());
  bool queryShape = !finalType.hasStaticShape();

  // Declarations first: a name taken by something else fails the op before
  // anything is built.
  func::FuncOp run =
      callee(module, "seqpar_rt_run",
             {byteList, byteList, i32, i64List, i64List, i64List, i64}, {i32},
             /*cInterface=*/true);
  func::FuncOp outputShape;
  if (queryShape)
    outputShape = callee(module, "seqpar_rt_output_shape",
                         {byteList, i64List, i64List, i64List, i64, i64List},
                         {i32}, /*cInterface=*/true);
  func::FuncOp check = checkFunction(module);
  if (!run || (queryShape && !outputShape) || !check)
    return failure();

  auto sourceType = cast<RankedTensorType>(input.source.getType());
  Value inBuffer = bufferization::ToBufferOp::create(
      rewriter, loc, anyLayoutType(sourceType), input.source,
      /*read_only=*/true);
  Value in = unranked(rewriter, loc,
                      buildPermutedView(rewriter, loc, inBuffer, input.perm));
  Value descriptor = tableList(rewriter, loc, module, layout::encodeOp(model));
  auto listOrEmpty = [&](Value lengths) {
    return lengths ? lengthsList(rewriter, loc, lengths)
                   : tableList(rewriter, loc, module, {});
  };
  Value scatterValues = listOrEmpty(operands.scatterValues);
  Value gatherValues = listOrEmpty(operands.gatherValues);
  Value length =
      operands.length
          ? arith::IndexCastOp::create(rewriter, loc, i64, operands.length)
          : i64Const(rewriter, loc, layout::kDefaultLength);

  // The dims that the type leaves dynamic, in the layout of the buffer
  // (final dim i is result dim perm[i]), from one query.
  SmallVector<Value> dynamicDims;
  if (queryShape) {
    auto [shape, shapeList] = shapeBuffer(rewriter, loc, resultType.getRank());
    Value status =
        func::CallOp::create(rewriter, loc, outputShape,
                             ValueRange{in, descriptor, scatterValues,
                                        gatherValues, length, shapeList})
            .getResult(0);
    checkStatus(rewriter, loc, check, status);
    for (int64_t i = 0; i < finalType.getRank(); ++i) {
      if (!finalType.isDynamicDim(i))
        continue;
      Value dim = memref::LoadOp::create(
          rewriter, loc, shape, indexConst(rewriter, loc, output.perm[i]));
      dynamicDims.push_back(
          arith::IndexCastOp::create(rewriter, loc, indexType, dim));
    }
  }
  // The buffer comes from the runtime's allocator (seqpar-free-outputs
  // swaps the alloc for it), so that ranks of a node write into it
  // directly.
  auto bytes = MemRefType::get({ShapedType::kDynamic}, rewriter.getI8Type());
  if (!callee(module, kAllocFunction, {i64}, {bytes}, /*cInterface=*/true) ||
      !callee(module, kFreeFunction, {bytes}, {i32}, /*cInterface=*/true))
    return failure();
  auto allocType =
      MemRefType::get(finalType.getShape(), finalType.getElementType());
  auto alloc = memref::AllocOp::create(rewriter, loc, allocType, dynamicDims);
  alloc->setAttr(kOutputAttr, rewriter.getUnitAttr());
  Value out = unranked(
      rewriter, loc,
      buildPermutedView(rewriter, loc, alloc, invertPermutation(output.perm)));
  Value status =
      func::CallOp::create(rewriter, loc, run,
                           ValueRange{in, out, i32Const(rewriter, loc, *dtype),
                                      descriptor, scatterValues, gatherValues,
                                      length})
          .getResult(0);
  checkStatus(rewriter, loc, check, status);

  // After the call: the tensor is the buffer the runtime has filled.
  Value replacement = bufferization::ToTensorOp::create(
      rewriter, loc, finalType, alloc, /*restrict=*/true, /*writable=*/true);
  replaceFused(rewriter, op, input, output, replacement);
  return success();
}

/// The group descriptor (layout::encodeGroup) of `group`: its grid's shape
/// and its axes in the listed order.
Value RuntimeLoweringState::Impl::groupDescriptor(OpBuilder &b, Location loc,
                                                  ModuleOp module,
                                                  const ResolvedGroup &group) {
  GridOp grid = group.grid;
  ArrayRef<int64_t> gridShape = grid.getShape();
  return tableList(
      b, loc, module,
      layout::encodeGroup(
          layout::Shape(gridShape.begin(), gridShape.end()),
          std::vector<int64_t>(group.axes.begin(), group.axes.end())));
}

LogicalResult
RuntimeLoweringState::Impl::lowerGroupOp(PatternRewriter &rewriter,
                                         ExchangeLengthsOp op,
                                         const ResolvedGroup &group) {
  Location loc = op.getLoc();
  auto module = op->getParentOfType<ModuleOp>();
  func::FuncOp exchange =
      callee(module, "seqpar_rt_exchange_lengths", {i64List, i64, i64List},
             {i32}, /*cInterface=*/true);
  func::FuncOp check = checkFunction(module);
  if (!exchange || !check)
    return failure();
  Value descriptor = groupDescriptor(rewriter, loc, module, group);
  Value dim = tensor::DimOp::create(rewriter, loc, op.getInput(),
                                    indexConst(rewriter, loc, op.getDim()));
  Value mine = arith::IndexCastOp::create(rewriter, loc, i64, dim);
  auto resultType = cast<RankedTensorType>(op.getType());
  auto alloc = memref::AllocOp::create(
      rewriter, loc,
      MemRefType::get(resultType.getShape(), resultType.getElementType()));
  alloc->setAttr(kOutputAttr, rewriter.getUnitAttr());
  Value out = memref::CastOp::create(rewriter, loc, i64List, alloc);
  Value status = func::CallOp::create(rewriter, loc, exchange,
                                      ValueRange{descriptor, mine, out})
                     .getResult(0);
  checkStatus(rewriter, loc, check, status);
  rewriter.replaceOpWithNewOp<bufferization::ToTensorOp>(
      op, resultType, alloc, /*restrict=*/true, /*writable=*/true);
  return success();
}

LogicalResult RuntimeLoweringState::Impl::lowerGroupOp(
    PatternRewriter &rewriter, GroupRankOp op, const ResolvedGroup &group) {
  Location loc = op.getLoc();
  auto module = op->getParentOfType<ModuleOp>();
  func::FuncOp groupRank = callee(module, "seqpar_rt_group_rank", {i64List},
                                  {i64}, /*cInterface=*/true);
  func::FuncOp check = checkFunction(module);
  if (!groupRank || !check)
    return failure();
  Value descriptor = groupDescriptor(rewriter, loc, module, group);
  Value rank =
      func::CallOp::create(rewriter, loc, groupRank, ValueRange{descriptor})
          .getResult(0);
  // The queries answer -1 on failure.
  Value failure =
      arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, rank,
                            i64Const(rewriter, loc, 0));
  func::CallOp::create(rewriter, loc, check, ValueRange{failure});
  rewriter.replaceOpWithNewOp<arith::IndexCastOp>(op, indexType, rank);
  return success();
}

/// Grids have static shapes: a group's size is a constant. (group_size folds
/// too, but the conversion folds nothing.)
LogicalResult RuntimeLoweringState::Impl::lowerGroupOp(
    PatternRewriter &rewriter, GroupSizeOp op, const ResolvedGroup &group) {
  rewriter.replaceOpWithNewOp<arith::ConstantIndexOp>(op, group.size);
  return success();
}

LogicalResult
RuntimeLoweringState::Impl::addInitAndFinalize(func::FuncOp fn,
                                               ArrayRef<int64_t> gridShape) {
  auto module = fn->getParentOfType<ModuleOp>();
  func::FuncOp init = callee(module, "seqpar_rt_init", {i64List}, {i32},
                             /*cInterface=*/true);
  func::FuncOp finalize =
      callee(module, "seqpar_rt_finalize", {}, {i32}, /*cInterface=*/false);
  func::FuncOp check = checkFunction(module);
  if (!init || !finalize || !check)
    return failure();
  Location loc = fn.getLoc();
  OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
  Value sizes = tableList(b, loc, module, gridShape);
  checkStatus(
      b, loc, check,
      func::CallOp::create(b, loc, init, ValueRange{sizes}).getResult(0));
  SmallVector<func::ReturnOp> returns;
  fn.walk([&](func::ReturnOp ret) { returns.push_back(ret); });
  for (func::ReturnOp ret : returns) {
    b.setInsertionPoint(ret);
    checkStatus(b, loc, check,
                func::CallOp::create(b, loc, finalize).getResult(0));
  }
  return success();
}

seqpar::RuntimeLoweringState::RuntimeLoweringState(MLIRContext *ctx)
    : impl(std::make_unique<Impl>(ctx)) {}
seqpar::RuntimeLoweringState::~RuntimeLoweringState() = default;

bool seqpar::RuntimeLoweringState::hasFailed() const {
  return impl->hasFailed();
}

LogicalResult
seqpar::RuntimeLoweringState::addInitAndFinalize(func::FuncOp fn,
                                                 ArrayRef<int64_t> gridShape) {
  return impl->addInitAndFinalize(fn, gridShape);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

template <typename OpTy>
using ScatterLengthsOf = decltype(std::declval<OpTy>().getScatterLengths());
template <typename OpTy>
using GatherLengthsOf = decltype(std::declval<OpTy>().getGatherLengths());
template <typename OpTy>
using DynamicGatherSizeOf =
    decltype(std::declval<OpTy>().getDynamicGatherSize());

/// The operands of `op` that fill the run-time slots of its descriptor (see
/// getOpModel): lengths tensors and a dynamic gather size, where the op has
/// them.
template <typename OpTy> RuntimeOperands runtimeOperandsOf(OpTy op) {
  RuntimeOperands operands;
  if constexpr (llvm::is_detected<ScatterLengthsOf, OpTy>::value)
    operands.scatterValues = op.getScatterLengths();
  if constexpr (llvm::is_detected<GatherLengthsOf, OpTy>::value)
    operands.gatherValues = op.getGatherLengths();
  if constexpr (llvm::is_detected<DynamicGatherSizeOf, OpTy>::value)
    operands.length = op.getDynamicGatherSize();
  return operands;
}

/// Every collective that moves data: all_to_all, split and gather in every
/// distribution, hybrid ones included, lower alike from their op model.
template <typename OpTy>
struct CollectiveLowering : public OpRewritePattern<OpTy> {
  CollectiveLowering(MLIRContext *ctx, RuntimeLoweringState::Impl &state,
                     bool fusePermutes)
      : OpRewritePattern<OpTy>(ctx), state(state), fusePermutes(fusePermutes) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    FailureOr<layout::Op> model = getOpModel(op, state.getSymbolTables());
    if (failed(model))
      return rewriter.notifyMatchFailure(op, "no op model");
    return state.lowerCollective(rewriter, op, *model, runtimeOperandsOf(op),
                                 fusePermutes);
  }

  RuntimeLoweringState::Impl &state;
  bool fusePermutes;
};

/// The ops that need only their group: exchange_lengths, group_rank and
/// group_size.
template <typename OpTy>
struct GroupOpLowering : public OpRewritePattern<OpTy> {
  GroupOpLowering(MLIRContext *ctx, RuntimeLoweringState::Impl &state)
      : OpRewritePattern<OpTy>(ctx), state(state) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ResolvedGroup> group = resolveGroup(
        op, op.getGridAttr(), op.getGroupAxes(), state.getSymbolTables());
    if (failed(group))
      return failure();
    return state.lowerGroupOp(rewriter, op, *group);
  }

  RuntimeLoweringState::Impl &state;
};

} // namespace

void seqpar::populateSeqParToRuntimePatterns(RewritePatternSet &patterns,
                                             RuntimeLoweringState &state,
                                             bool fusePermutes) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      CollectiveLowering<AllToAllOp>, CollectiveLowering<SplitOp>,
      CollectiveLowering<GatherOp>, CollectiveLowering<ZigzagSplitOp>,
      CollectiveLowering<ZigzagGatherOp>, CollectiveLowering<PackedSplitOp>,
      CollectiveLowering<PackedGatherOp>, CollectiveLowering<HybridSplitOp>,
      CollectiveLowering<HybridGatherOp>,
      CollectiveLowering<HybridPackedSplitOp>,
      CollectiveLowering<HybridPackedGatherOp>>(ctx, state.getImpl(),
                                                fusePermutes);
  patterns.add<GroupOpLowering<ExchangeLengthsOp>, GroupOpLowering<GroupRankOp>,
               GroupOpLowering<GroupSizeOp>>(ctx, state.getImpl());
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {

/// The grid that an op of `module` (not of a nested module) runs on or
/// asks about, if it is one that names a grid for the runtime.
GridOp gridUsedBy(Operation *op, ModuleOp module,
                  SymbolTableCollection &symbolTables) {
  if (op->getParentOfType<ModuleOp>() != module)
    return {};
  FlatSymbolRefAttr name;
  if (auto collective = dyn_cast<CollectiveOpInterface>(op))
    name = collective.getGroupGrid();
  else if (auto query = dyn_cast<GroupRankOp>(op))
    name = query.getGridAttr();
  if (!name)
    return {};
  // The verifier reports a missing grid.
  return symbolTables.lookupNearestSymbolFrom<GridOp>(op, name);
}

int64_t rankCount(GridOp grid) {
  ArrayRef<int64_t> shape = grid.getShape();
  return layout::numElements(layout::Shape(shape.begin(), shape.end()));
}

/// The grid whose shape initializes the runtime for `module`: the grid of
/// its first collective (or group_rank), else its first grid. Every grid
/// used must have as many ranks, since each spans the world.
FailureOr<GridOp> findInitGrid(ModuleOp module,
                               SymbolTableCollection &symbolTables) {
  SmallVector<std::pair<Operation *, GridOp>> uses;
  module.walk([&](Operation *op) {
    if (GridOp grid = gridUsedBy(op, module, symbolTables))
      uses.push_back({op, grid});
  });
  if (uses.empty()) {
    for (GridOp grid : module.getOps<GridOp>())
      return grid;
    return GridOp();
  }
  auto [firstUser, first] = uses.front();
  for (auto [op, grid] : uses) {
    if (rankCount(grid) == rankCount(first))
      continue;
    InFlightDiagnostic diag =
        op->emitOpError()
        << "runs on grid @" << grid.getSymName() << " of " << rankCount(grid)
        << " ranks but the module's first collective runs on grid @"
        << first.getSymName() << " of " << rankCount(first)
        << " ranks; every grid of a module spans all ranks";
    diag.attachNote(firstUser->getLoc()) << "first collective";
    return failure();
  }
  return first;
}

struct ConvertSeqParToRuntimePass
    : public seqpar::impl::ConvertSeqParToRuntimeBase<
          ConvertSeqParToRuntimePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp top = getOperation();
    RuntimeLoweringState state(&getContext());
    SymbolTableCollection &symbolTables = state.getImpl().getSymbolTables();

    // Each module (nested ones too) initializes the runtime in its own
    // init function, before its collectives' constants go above it.
    SmallVector<ModuleOp> modules;
    top.walk([&](ModuleOp module) { modules.push_back(module); });
    for (ModuleOp module : modules) {
      FailureOr<GridOp> grid = findInitGrid(module, symbolTables);
      if (failed(grid))
        return signalPassFailure();
      if (!*grid || initFunction.empty())
        continue;
      auto fn = symbolTables.lookupSymbolIn<func::FuncOp>(
          module, StringAttr::get(&getContext(), initFunction));
      if (fn && !fn.isExternal() &&
          failed(state.addInitAndFinalize(fn, (*grid).getShape())))
        return signalPassFailure();
    }

    RewritePatternSet patterns(&getContext());
    populateSeqParToRuntimePatterns(patterns, state, fusePermutes);
    // Each op is rewritten once: the patterns see only the ops that exist
    // now, nothing is folded, and a second sweep would find nothing.
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal()
        .setStrictness(GreedyRewriteStrictness::ExistingOps)
        .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled)
        .enableFolding(false)
        .enableConstantCSE(false)
        .setMaxIterations(1);
    // "Did not converge" only says that the one sweep changed something.
    (void)applyPatternsGreedily(top, std::move(patterns), config);
    if (state.hasFailed())
      return signalPassFailure();

    // What is left has no lowering.
    WalkResult left = top.walk([&](Operation *op) {
      if (!isa_and_nonnull<SeqParDialect>(op->getDialect()) || isa<GridOp>(op))
        return WalkResult::advance();
      op->emitOpError() << "has no lowering to runtime calls";
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      return signalPassFailure();

    SmallVector<GridOp> grids;
    top.walk([&](GridOp grid) { grids.push_back(grid); });
    for (GridOp grid : grids)
      grid->erase();
  }
};

} // namespace

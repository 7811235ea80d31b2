//===- SeqParToRuntime.cpp - Lower seqpar ops to runtime calls --*- C++ -*-===//
//
// Replaces every seqpar op on tensors by a call of libseqpar_runtime's C ABI
// at the tensor boundary (bufferization.to_buffer in, memref.alloc +
// bufferization.to_tensor out), with the rank-dependent output sizes computed
// from the rank, fusing the transposes around a collective into strided
// views, and with every runtime status checked.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Conversion/Passes.h"

#include "seqpar/Dialect/SeqPar/IR/SeqPar.h"
#include "seqpar/Dialect/SeqPar/Transforms/Passes.h"
#include "seqpar/Layout/Layout.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>

namespace seqpar {
#define GEN_PASS_DEF_CONVERTSEQPARTORUNTIME
#include "seqpar/Conversion/Passes.h.inc"
} // namespace seqpar

using namespace mlir;
using namespace seqpar;

namespace {

/// Map kinds of seqpar_rt_local_length.
constexpr int32_t kMapZigzag = 1;
constexpr int32_t kMapPacked = 2;

/// The runtime's dtype code of a (verified) element type.
int32_t dtypeCode(Type type) {
  if (type.isF64())
    return 0;
  if (type.isF32())
    return 1;
  if (type.isF16())
    return 2;
  if (type.isBF16())
    return 3;
  if (type.isInteger(64))
    return 4;
  if (type.isInteger(32))
    return 5;
  if (type.isInteger(8))
    return 6;
  if (type.isInteger(1))
    return 7;
  return -1;
}

/// The permutation `p` that an op applies to its single tensor input, as
/// `linalg.transpose` defines it (result dim i is input dim p[i]), or none.
/// `linalg.generic` counts when it only copies through a permuted map.
std::optional<SmallVector<int64_t>> permutationOf(Operation *op) {
  if (auto transpose = dyn_cast_or_null<linalg::TransposeOp>(op)) {
    if (!transpose.hasPureTensorSemantics())
      return std::nullopt;
    return SmallVector<int64_t>(transpose.getPermutation());
  }
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return std::nullopt;
  AffineMap inMap = generic.getIndexingMapsArray()[0];
  AffineMap outMap = generic.getIndexingMapsArray()[1];
  if (!outMap.isIdentity() || !inMap.isPermutation())
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 || !yield ||
      yield.getNumOperands() != 1 || yield.getOperand(0) != body.getArgument(0))
    return std::nullopt;
  // Input index k is loop index m[k]: the result is transpose(x, m^-1).
  SmallVector<int64_t> perm(inMap.getNumResults());
  for (auto [k, expr] : llvm::enumerate(inMap.getResults()))
    perm[cast<AffineDimExpr>(expr).getPosition()] = k;
  return perm;
}

SmallVector<int64_t> identityPerm(int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(0, rank));
}

bool isIdentity(ArrayRef<int64_t> perm) {
  for (auto [i, p] : llvm::enumerate(perm))
    if (static_cast<int64_t>(i) != p)
      return false;
  return true;
}

SmallVector<int64_t> inversePerm(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inv(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inv[p] = i;
  return inv;
}

/// The buffer that stands for a tensor operand and the permuting ops it
/// looked through.
struct InputView {
  Value buffer;
  SmallVector<Operation *> peeled;
};

/// The output buffer of an op and the value and ops it replaces.
struct OutputView {
  Value buffer;   ///< What the runtime writes (maybe a transposed view).
  Value alloc;    ///< The allocation, in the final layout.
  Value replaced; ///< The op's result, or the last fused transpose's.
  SmallVector<Operation *> fused; ///< Transposes replaced, last first.
};

/// Lowers the seqpar ops of one module.
class Lowering {
public:
  Lowering(ModuleOp module, bool fusePermutes)
      : module(module), symbolTable(module), fusePermutes(fusePermutes),
        ctx(module.getContext()), i1(IntegerType::get(ctx, 1)),
        i32(IntegerType::get(ctx, 32)), i64(IntegerType::get(ctx, 64)),
        indexType(IndexType::get(ctx)),
        byteList(UnrankedMemRefType::get(IntegerType::get(ctx, 8), 0)),
        i64List(UnrankedMemRefType::get(i64, 0)),
        ptrType(LLVM::LLVMPointerType::get(ctx)) {}

  /// Checks the grids and group orders of every collective, then lowers
  /// them all and erases the grids.
  LogicalResult run(StringRef initFunction);

private:
  LogicalResult checkGroups(ArrayRef<Operation *> ops);
  LogicalResult lowerOp(Operation *op);
  LogicalResult addInitAndFinalize(StringRef name);

  // Declarations and module-level helpers.
  FailureOr<func::FuncOp> declare(StringRef name, FunctionType type,
                                  bool cInterface);
  func::FuncOp callee(StringRef name, TypeRange args, TypeRange results,
                      bool cInterface);
  LogicalResult buildCheckFunction();
  Value table(OpBuilder &b, Location loc, ArrayRef<int64_t> values);
  Value tableList(OpBuilder &b, Location loc, ArrayRef<int64_t> values);
  Block *scopeBlock(OpBuilder &b);
  Value constant(OpBuilder &b, Location loc, TypedAttr value);

  // Code at the op.
  Value call(OpBuilder &b, Location loc, StringRef name, ValueRange args,
             Type result, bool cInterface);
  void checkStatus(OpBuilder &b, Location loc, Value status);
  Value runtimeCall(OpBuilder &b, Location loc, StringRef name,
                    ValueRange args);
  Value i64Const(OpBuilder &b, Location loc, int64_t v);
  Value i32Const(OpBuilder &b, Location loc, int32_t v);
  Value indexConst(OpBuilder &b, Location loc, int64_t v);
  Value toI64(OpBuilder &b, Location loc, Value index);
  Value toIndex(OpBuilder &b, Location loc, Value i64Value);
  Value groupRank(OpBuilder &b, Location loc, int64_t mask);
  Value splitSize(OpBuilder &b, Location loc, Value n, int64_t parts,
                  Value idx);
  Value tableEntry(OpBuilder &b, Location loc, ArrayRef<int64_t> values,
                   Value idx);
  Value dimOf(OpBuilder &b, Location loc, Value buffer, int64_t dim);
  Value unranked(OpBuilder &b, Location loc, Value memref);
  Value unrankedList(OpBuilder &b, Location loc, Value memref);
  InputView inputBuffer(OpBuilder &b, Location loc, Value tensor);
  Value listBuffer(OpBuilder &b, Location loc, Value tensor);
  OutputView outputBuffer(OpBuilder &b, Location loc, Value result,
                          ArrayRef<Value> dims);
  void finish(OpBuilder &b, Location loc, Operation *op, const InputView &in,
              OutputView &out);

  /// The dims of `result`: static ones as constants, `dim` from `special`,
  /// the others as the input's.
  SmallVector<Value> resultDims(OpBuilder &b, Location loc, Value result,
                                Value inBuffer,
                                function_ref<Value(int64_t)> special);

  ModuleOp module;
  SymbolTable symbolTable;
  bool fusePermutes;
  MLIRContext *ctx;
  Type i1, i32, i64, indexType;
  Type byteList, i64List, ptrType;
  llvm::StringMap<func::FuncOp> callees;
  std::map<std::vector<int64_t>, memref::GlobalOp> tables;
  /// Values created once per function (constants, tables, their unranked
  /// casts) at its entry, so that every collective reuses them and later
  /// passes have nothing to hoist or deduplicate.
  DenseMap<std::pair<Block *, Attribute>, Value> constants;
  DenseMap<std::pair<Block *, Operation *>, Value> tableValues, tableLists;
  func::FuncOp checkFunction;
  /// The grid shape every collective runs on, once one is seen.
  std::optional<SmallVector<int64_t>> gridShape;
  /// Group axes and sizes of each collective, from checkGroups.
  DenseMap<Operation *, ResolvedGroup> groups;
  SymbolTableCollection symbolTables;
  bool failedDeclaration = false;
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

FailureOr<func::FuncOp> Lowering::declare(StringRef name, FunctionType type,
                                          bool cInterface) {
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

func::FuncOp Lowering::callee(StringRef name, TypeRange args, TypeRange results,
                              bool cInterface) {
  auto it = callees.find(name);
  if (it != callees.end())
    return it->second;
  FailureOr<func::FuncOp> fn =
      declare(name, FunctionType::get(ctx, args, results), cInterface);
  if (failed(fn)) {
    failedDeclaration = true;
    return {};
  }
  callees[name] = *fn;
  return *fn;
}

/// __seqpar_rt_check(%failed: i1): on failure, writes the runtime's last
/// error to stderr and exits with status 1 (mpirun then stops the other
/// ranks).
LogicalResult Lowering::buildCheckFunction() {
  func::FuncOp lastError = callee("seqpar_rt_last_error", {}, {ptrType}, false);
  func::FuncOp fputs = callee("fputs", {ptrType, ptrType}, {i32}, false);
  func::FuncOp fputc = callee("fputc", {i32, ptrType}, {i32}, false);
  func::FuncOp exitFn = callee("exit", {i32}, {}, false);
  if (!lastError || !fputs || !fputc || !exitFn)
    return failure();
  // C's `FILE *stderr`, a global of the C library.
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
  FailureOr<func::FuncOp> check =
      declare("__seqpar_rt_check", FunctionType::get(ctx, {i1}, {}), false);
  if (failed(check))
    return failure();
  checkFunction = *check;
  if (!checkFunction.isExternal())
    return success();
  Location loc = module.getLoc();
  Block *entry = checkFunction.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockBegin(entry);
  auto ifOp = scf::IfOp::create(b, loc, entry->getArgument(0),
                                /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
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
  return success();
}

/// The entry block of the function (or other isolated region) that holds
/// the insertion point of `b`.
Block *Lowering::scopeBlock(OpBuilder &b) {
  Region *region = b.getInsertionBlock()->getParent();
  while (!region->getParentOp()->hasTrait<OpTrait::IsIsolatedFromAbove>())
    region = region->getParentOp()->getParentRegion();
  return &region->front();
}

Value Lowering::constant(OpBuilder &b, Location loc, TypedAttr value) {
  Block *scope = scopeBlock(b);
  Value &cached = constants[{scope, value}];
  if (!cached) {
    OpBuilder sb = OpBuilder::atBlockBegin(scope);
    cached = arith::ConstantOp::create(sb, loc, value);
  }
  return cached;
}

/// A constant rank-1 i64 global holding `values` (one per distinct list),
/// read once per function.
Value Lowering::table(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  std::vector<int64_t> key(values.begin(), values.end());
  auto type = MemRefType::get({static_cast<int64_t>(values.size())}, i64);
  memref::GlobalOp &global = tables[key];
  if (!global) {
    OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
    auto init = DenseIntElementsAttr::get(
        RankedTensorType::get(type.getShape(), i64), values);
    global = memref::GlobalOp::create(
        mb, loc, "__seqpar_table", mb.getStringAttr("private"), type, init,
        /*constant=*/true, /*alignment=*/IntegerAttr());
    symbolTable.insert(global); // Renames it uniquely.
  }
  Block *scope = scopeBlock(b);
  Value &cached = tableValues[{scope, global.getOperation()}];
  if (!cached) {
    OpBuilder sb = OpBuilder::atBlockBegin(scope);
    cached = memref::GetGlobalOp::create(sb, loc, type, global.getSymName());
  }
  return cached;
}

/// The table of `values` as the unranked list the runtime takes.
Value Lowering::tableList(OpBuilder &b, Location loc,
                          ArrayRef<int64_t> values) {
  Value t = table(b, loc, values);
  Value &cached = tableLists[{scopeBlock(b), t.getDefiningOp()}];
  if (!cached) {
    OpBuilder sb(t.getContext());
    sb.setInsertionPointAfterValue(t);
    cached = memref::CastOp::create(sb, loc, i64List, t);
  }
  return cached;
}

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

Value Lowering::call(OpBuilder &b, Location loc, StringRef name,
                     ValueRange args, Type result, bool cInterface) {
  SmallVector<Type> results;
  if (result)
    results.push_back(result);
  func::FuncOp fn = callee(name, args.getTypes(), results, cInterface);
  if (!fn)
    return {};
  auto op = func::CallOp::create(b, loc, fn, args);
  return result ? op.getResult(0) : Value();
}

void Lowering::checkStatus(OpBuilder &b, Location loc, Value status) {
  Value failed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, status,
                                       i32Const(b, loc, 0));
  func::CallOp::create(b, loc, checkFunction, ValueRange{failed});
}

/// Calls a collective entry point (C interface, i32 status) and checks it.
Value Lowering::runtimeCall(OpBuilder &b, Location loc, StringRef name,
                            ValueRange args) {
  Value status = call(b, loc, name, args, i32, /*cInterface=*/true);
  if (status)
    checkStatus(b, loc, status);
  return status;
}

Value Lowering::i64Const(OpBuilder &b, Location loc, int64_t v) {
  return constant(b, loc, IntegerAttr::get(i64, v));
}
Value Lowering::i32Const(OpBuilder &b, Location loc, int32_t v) {
  return constant(b, loc, IntegerAttr::get(i32, v));
}
Value Lowering::indexConst(OpBuilder &b, Location loc, int64_t v) {
  return constant(b, loc, IntegerAttr::get(indexType, v));
}
Value Lowering::toI64(OpBuilder &b, Location loc, Value index) {
  return arith::IndexCastOp::create(b, loc, i64, index);
}
Value Lowering::toIndex(OpBuilder &b, Location loc, Value i64Value) {
  return arith::IndexCastOp::create(b, loc, indexType, i64Value);
}

/// This process's rank in the group of `mask`; a negative answer (runtime
/// not initialized) is reported like a failed call.
Value Lowering::groupRank(OpBuilder &b, Location loc, int64_t mask) {
  Value rank = call(b, loc, "seqpar_rt_group_rank", {i64Const(b, loc, mask)},
                    i64, /*cInterface=*/false);
  if (!rank)
    return {};
  Value failed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rank,
                                       i64Const(b, loc, 0));
  func::CallOp::create(b, loc, checkFunction, ValueRange{failed});
  return toIndex(b, loc, rank);
}

/// The split rule at run time (the runtime evaluates it with Layout).
Value Lowering::splitSize(OpBuilder &b, Location loc, Value n, int64_t parts,
                          Value idx) {
  Value size =
      call(b, loc, "seqpar_rt_split_size",
           {toI64(b, loc, n), i64Const(b, loc, parts), toI64(b, loc, idx)}, i64,
           /*cInterface=*/false);
  return size ? toIndex(b, loc, size) : Value();
}

/// values[idx], from a constant table.
Value Lowering::tableEntry(OpBuilder &b, Location loc, ArrayRef<int64_t> values,
                           Value idx) {
  Value t = table(b, loc, values);
  return toIndex(b, loc, memref::LoadOp::create(b, loc, t, idx));
}

Value Lowering::dimOf(OpBuilder &b, Location loc, Value buffer, int64_t dim) {
  auto type = cast<ShapedType>(buffer.getType());
  if (!type.isDynamicDim(dim))
    return indexConst(b, loc, type.getDimSize(dim));
  if (isa<TensorType>(type))
    return tensor::DimOp::create(b, loc, buffer, dim);
  return memref::DimOp::create(b, loc, buffer, dim);
}

/// The unranked byte memref the runtime takes for a tensor of any element
/// type: the descriptor is the same for every element type, so the cast to
/// bytes only renames it (seqpar-lower-to-llvm removes it once both
/// sides are LLVM structs).
Value Lowering::unranked(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  Value cast = memref::CastOp::create(
      b, loc, UnrankedMemRefType::get(type.getElementType(), 0), memref);
  return UnrealizedConversionCastOp::create(b, loc, byteList, cast)
      .getResult(0);
}

Value Lowering::unrankedList(OpBuilder &b, Location loc, Value memref) {
  return memref::CastOp::create(b, loc, i64List, memref);
}

/// A memref with a fully dynamic strided layout: any buffer casts to it.
MemRefType anyLayoutType(ShapedType type) {
  SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
  return MemRefType::get(
      type.getShape(), type.getElementType(),
      StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, strides));
}

InputView Lowering::inputBuffer(OpBuilder &b, Location loc, Value tensor) {
  InputView view;
  Value source = tensor;
  auto rank = cast<RankedTensorType>(tensor.getType()).getRank();
  SmallVector<int64_t> perm = identityPerm(rank);
  if (fusePermutes) {
    // Going up the chain, the view's dim i is source dim perm[i].
    while (Operation *def = source.getDefiningOp()) {
      std::optional<SmallVector<int64_t>> p = permutationOf(def);
      if (!p)
        break;
      for (int64_t &d : perm)
        d = (*p)[d];
      view.peeled.push_back(def);
      source = def->getOperand(0);
    }
  }
  auto sourceType = cast<RankedTensorType>(source.getType());
  Value buffer = bufferization::ToBufferOp::create(
      b, loc, anyLayoutType(sourceType), source, /*read_only=*/true);
  if (!isIdentity(perm))
    buffer = memref::TransposeOp::create(
        b, loc, buffer,
        AffineMapAttr::get(AffineMap::getPermutationMap(
            llvm::to_vector_of<unsigned>(perm), ctx)));
  view.buffer = buffer;
  return view;
}

/// A rank-1 i64 lengths tensor as a buffer.
Value Lowering::listBuffer(OpBuilder &b, Location loc, Value tensor) {
  return bufferization::ToBufferOp::create(
      b, loc, anyLayoutType(cast<ShapedType>(tensor.getType())), tensor,
      /*read_only=*/true);
}

OutputView Lowering::outputBuffer(OpBuilder &b, Location loc, Value result,
                                  ArrayRef<Value> dims) {
  OutputView view;
  view.replaced = result;
  auto rank = cast<RankedTensorType>(result.getType()).getRank();
  SmallVector<int64_t> perm = identityPerm(rank);
  if (fusePermutes) {
    // Going down a chain of single-use permutes, final dim i is the
    // result's dim perm[i].
    while (view.replaced.hasOneUse()) {
      OpOperand &use = *view.replaced.use_begin();
      Operation *user = use.getOwner();
      std::optional<SmallVector<int64_t>> p = permutationOf(user);
      if (!p || use.getOperandNumber() != 0)
        break;
      SmallVector<int64_t> next(p->size());
      for (auto [i, d] : llvm::enumerate(*p))
        next[i] = perm[d];
      perm = std::move(next);
      view.fused.push_back(user);
      view.replaced = user->getResult(0);
    }
  }
  auto finalType = cast<RankedTensorType>(view.replaced.getType());
  SmallVector<Value> dynamic;
  for (int64_t i = 0; i < rank; ++i)
    if (finalType.isDynamicDim(i))
      dynamic.push_back(dims[perm[i]]);
  auto allocType =
      MemRefType::get(finalType.getShape(), finalType.getElementType());
  Value alloc = memref::AllocOp::create(b, loc, allocType, dynamic);
  alloc.getDefiningOp()->setAttr(kOutputAttr, UnitAttr::get(ctx));
  view.buffer = alloc;
  if (!isIdentity(perm))
    view.buffer = memref::TransposeOp::create(
        b, loc, alloc,
        AffineMapAttr::get(AffineMap::getPermutationMap(
            llvm::to_vector_of<unsigned>(inversePerm(perm)), ctx)));
  view.alloc = alloc;
  std::reverse(view.fused.begin(), view.fused.end());
  return view;
}

SmallVector<Value> Lowering::resultDims(OpBuilder &b, Location loc,
                                        Value result, Value inBuffer,
                                        function_ref<Value(int64_t)> special) {
  auto type = cast<RankedTensorType>(result.getType());
  SmallVector<Value> dims;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (!type.isDynamicDim(i)) {
      dims.push_back(indexConst(b, loc, type.getDimSize(i)));
      continue;
    }
    Value v = special(i);
    dims.push_back(v ? v : dimOf(b, loc, inBuffer, i));
  }
  return dims;
}

/// Replaces the op (or the last transpose fused into its output) and erases
/// what became dead.
void Lowering::finish(OpBuilder &b, Location loc, Operation *op,
                      const InputView &in, OutputView &out) {
  // After the call: the tensor is the buffer the runtime has filled.
  Value replacement = bufferization::ToTensorOp::create(
      b, loc, out.replaced.getType(), out.alloc, /*restrict=*/true,
      /*writable=*/true);
  out.replaced.replaceAllUsesWith(replacement);
  for (Operation *fused : out.fused)
    fused->erase();
  op->erase();
  // Permutes looked through on the input side may have other users.
  SmallVector<Operation *> worklist(in.peeled.begin(), in.peeled.end());
  while (!worklist.empty()) {
    Operation *dead = worklist.pop_back_val();
    if (!isOpTriviallyDead(dead))
      continue;
    for (Value operand : dead->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.push_back(def);
    dead->erase();
  }
}

//===----------------------------------------------------------------------===//
// Groups
//===----------------------------------------------------------------------===//

int64_t maskOf(ArrayRef<int64_t> axes) {
  int64_t mask = 0;
  for (int64_t a : axes)
    mask |= int64_t(1) << a;
  return mask;
}

LogicalResult Lowering::checkGroups(ArrayRef<Operation *> ops) {
  FlatSymbolRefAttr firstGrid;
  for (Operation *op : ops) {
    auto collective = cast<CollectiveOpInterface>(op);
    SmallVector<StringRef> names = collective.getGroupAxes();
    FailureOr<ResolvedGroup> group =
        resolveGroup(op, collective.getGroupGrid(), names, symbolTables);
    if (failed(group))
      return failure();
    SmallVector<int64_t> shape(group->grid.getShape());
    if (!gridShape) {
      gridShape = shape;
      firstGrid = collective.getGroupGrid();
    } else if (*gridShape != shape) {
      return op->emitOpError()
             << "runs on grid " << collective.getGroupGrid() << " of shape "
             << layout::str(std::vector<int64_t>(shape.begin(), shape.end()))
             << " but other collectives of the module run on grid " << firstGrid
             << " of shape "
             << layout::str(
                    std::vector<int64_t>(gridShape->begin(), gridShape->end()))
             << "; the runtime runs one grid";
    }
    // Hybrid ops name their ring and Ulysses axes to the runtime; a plain
    // group is an axis mask, ordered by increasing axis.
    if (!isa<HybridSplitOp, HybridGatherOp, HybridPackedSplitOp,
             HybridPackedGatherOp>(op) &&
        !llvm::is_sorted(group->axes)) {
      SmallVector<std::pair<int64_t, StringRef>> sorted;
      for (auto [axis, name] : llvm::zip(group->axes, names))
        sorted.push_back({axis, name});
      llvm::sort(sorted);
      std::string listed, wanted;
      llvm::raw_string_ostream l(listed), w(wanted);
      llvm::interleaveComma(names, l,
                            [&](StringRef n) { l << '"' << n << '"'; });
      llvm::interleaveComma(sorted, w,
                            [&](auto &p) { w << '"' << p.second << '"'; });
      return op->emitOpError()
             << "lists its group axes as [" << listed
             << "], not in the order of grid " << collective.getGroupGrid()
             << "; the runtime ranks a group by increasing grid axis, so "
                "list them as ["
             << wanted << "]";
    }
    groups[op] = *group;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The ops
//===----------------------------------------------------------------------===//

LogicalResult Lowering::lowerOp(Operation *op) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  ResolvedGroup group = groups[op];
  const int64_t P = group.size;
  const int64_t mask = maskOf(group.axes);
  Value result = op->getResult(0);
  Type elementType = cast<ShapedType>(result.getType()).getElementType();
  Value dtype = i32Const(b, loc, dtypeCode(elementType));
  Value noScale = i32Const(b, loc, 0);

  // A recorded lowering form must be one the shapes allow.
  LoweringForm recorded = getRecordedLoweringForm(op);
  if (recorded != LoweringForm::Runtime) {
    FailureOr<LoweringForm> possible = chooseLoweringForm(op, symbolTables);
    if (failed(possible))
      return failure();
    if (*possible != recorded)
      return op->emitOpError()
             << "cannot be lowered in the \"" << stringifyLoweringForm(recorded)
             << "\" form recorded in '" << kLoweringAttrName
             << "': its static shapes give the \""
             << stringifyLoweringForm(*possible) << "\" form";
  }
  const bool perPeer = recorded == LoweringForm::PerPeer;

  // The rank in the group, created on first use.
  Value rank;
  auto getRank = [&]() {
    if (!rank)
      rank = groupRank(b, loc, mask);
    return rank;
  };
  auto axisIndex = [&](StringRef name) {
    return *group.grid.getAxisIndex(name);
  };

  if (auto exchange = dyn_cast<ExchangeLengthsOp>(op)) {
    Value mine =
        toI64(b, loc, dimOf(b, loc, exchange.getInput(), exchange.getDim()));
    auto allocType = MemRefType::get({P}, i64);
    Value out = memref::AllocOp::create(b, loc, allocType);
    out.getDefiningOp()->setAttr(kOutputAttr, UnitAttr::get(ctx));
    runtimeCall(b, loc, "seqpar_rt_exchange_lengths",
                {i64Const(b, loc, mask), mine, unrankedList(b, loc, out)});
    OutputView view{out, out, result, {}};
    finish(b, loc, op, InputView(), view);
    return success(!failedDeclaration);
  }

  InputView in = inputBuffer(b, loc, op->getOperand(0));
  Value inBuf = in.buffer;
  std::vector<int64_t> empty;

  auto lowerWith = [&](ArrayRef<Value> dims, StringRef name,
                       auto buildArgs) -> LogicalResult {
    OutputView out = outputBuffer(b, loc, result, dims);
    SmallVector<Value> args = {unranked(b, loc, inBuf),
                               unranked(b, loc, out.buffer), dtype};
    buildArgs(args);
    runtimeCall(b, loc, name, args);
    if (failedDeclaration)
      return failure();
    finish(b, loc, op, in, out);
    return success();
  };

  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](AllToAllOp a2a) {
        int64_t s = a2a.getScatterDim(), g = a2a.getGatherDim();
        auto inType = cast<RankedTensorType>(a2a.getInput().getType());
        int64_t S = inType.getDimSize(s);
        Value scatterLens, gatherLens;
        if (a2a.getScatterLengths())
          scatterLens = listBuffer(b, loc, a2a.getScatterLengths());
        if (a2a.getGatherLengths())
          gatherLens = listBuffer(b, loc, a2a.getGatherLengths());
        auto special = [&](int64_t i) -> Value {
          if (i == s) {
            if (scatterLens)
              return toIndex(
                  b, loc,
                  memref::LoadOp::create(b, loc, scatterLens, getRank()));
            if (perPeer)
              return tableEntry(b, loc, layout::splitSizes(S, P), getRank());
            return splitSize(b, loc, dimOf(b, loc, inBuf, s), P, getRank());
          }
          if (i == g) {
            if (gatherLens) {
              // The gathered length is the sum of the exchanged lengths.
              Value zero = indexConst(b, loc, 0);
              auto loop = scf::ForOp::create(
                  b, loc, zero, indexConst(b, loc, P), indexConst(b, loc, 1),
                  ValueRange{i64Const(b, loc, 0)});
              OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
              Value len = memref::LoadOp::create(lb, loc, gatherLens,
                                                 loop.getInductionVar());
              Value sum = arith::AddIOp::create(
                  lb, loc, loop.getRegionIterArgs()[0], len);
              scf::YieldOp::create(lb, loc, sum);
              return toIndex(b, loc, loop.getResult(0));
            }
            if (Value n = a2a.getDynamicGatherSize())
              return n;
            return arith::MulIOp::create(b, loc, dimOf(b, loc, inBuf, g),
                                         indexConst(b, loc, P));
          }
          return {};
        };
        SmallVector<Value> dims = resultDims(b, loc, result, inBuf, special);
        return lowerWith(dims, "seqpar_rt_all_to_all", [&](auto &args) {
          Value gatherSize = i64Const(b, loc, -1);
          if (std::optional<int64_t> n = a2a.getGatherSize())
            gatherSize = i64Const(b, loc, *n);
          else if (Value n = a2a.getDynamicGatherSize())
            gatherSize = toI64(b, loc, n);
          Value scatterSizes, gatherSizes;
          if (scatterLens)
            scatterSizes = unrankedList(b, loc, scatterLens);
          else if (perPeer)
            scatterSizes = tableList(b, loc, layout::splitSizes(S, P));
          else
            scatterSizes = tableList(b, loc, empty);
          if (gatherLens)
            gatherSizes = unrankedList(b, loc, gatherLens);
          else if (perPeer && a2a.getGatherSize())
            gatherSizes =
                tableList(b, loc, layout::splitSizes(*a2a.getGatherSize(), P));
          else
            gatherSizes = tableList(b, loc, empty);
          args.append({i64Const(b, loc, mask), i64Const(b, loc, s),
                       i64Const(b, loc, g), gatherSize, scatterSizes,
                       gatherSizes});
        });
      })
      .Case([&](SplitOp split) {
        int64_t d = split.getDim();
        int64_t n =
            cast<RankedTensorType>(split.getInput().getType()).getDimSize(d);
        std::optional<std::vector<int64_t>> sizes;
        if (std::optional<ArrayRef<int64_t>> attr = split.getSizes())
          sizes = std::vector<int64_t>(attr->begin(), attr->end());
        else if (perPeer)
          sizes = layout::splitSizes(n, P);
        auto special = [&](int64_t i) -> Value {
          if (i != d)
            return {};
          if (sizes)
            return tableEntry(b, loc, *sizes, getRank());
          return splitSize(b, loc, dimOf(b, loc, inBuf, d), P, getRank());
        };
        SmallVector<Value> dims = resultDims(b, loc, result, inBuf, special);
        return lowerWith(dims, "seqpar_rt_split", [&](auto &args) {
          // The equal form needs no table: the split rule gives it.
          bool passSizes = sizes && recorded != LoweringForm::Equal;
          args.append({i64Const(b, loc, mask), i64Const(b, loc, d),
                       tableList(b, loc, passSizes ? *sizes : empty), noScale});
        });
      })
      .Case([&](GatherOp gather) {
        int64_t d = gather.getDim();
        auto special = [&](int64_t i) -> Value {
          if (i != d)
            return {};
          if (Value n = gather.getDynamicGatherSize())
            return n;
          return arith::MulIOp::create(b, loc, dimOf(b, loc, inBuf, d),
                                       indexConst(b, loc, P));
        };
        SmallVector<Value> dims = resultDims(b, loc, result, inBuf, special);
        return lowerWith(dims, "seqpar_rt_gather", [&](auto &args) {
          // The runtime's default pieces are every rank's own length, the
          // same everywhere; other pieces are passed.
          Value sizes;
          if (recorded == LoweringForm::Equal) {
            sizes = tableList(b, loc, empty);
          } else if (std::optional<ArrayRef<int64_t>> attr =
                         gather.getSizes()) {
            sizes = tableList(b, loc, *attr);
          } else if (std::optional<int64_t> n = gather.getGatherSize()) {
            sizes = tableList(b, loc, layout::splitSizes(*n, P));
          } else if (Value n = gather.getDynamicGatherSize()) {
            // Pieces of a length known at run time, from the split rule.
            sizes = memref::AllocaOp::create(b, loc, MemRefType::get({P}, i64));
            auto loop = scf::ForOp::create(b, loc, indexConst(b, loc, 0),
                                           indexConst(b, loc, P),
                                           indexConst(b, loc, 1));
            OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
            Value q = loop.getInductionVar();
            // Null when the runtime function's name is taken; reported later.
            if (Value piece = splitSize(lb, loc, n, P, q))
              memref::StoreOp::create(lb, loc, toI64(lb, loc, piece), sizes, q);
            sizes = unrankedList(b, loc, sizes);
          } else {
            sizes = tableList(b, loc, empty);
          }
          args.append(
              {i64Const(b, loc, mask), i64Const(b, loc, d), sizes, noScale});
        });
      })
      .Case<ZigzagSplitOp, ZigzagGatherOp>([&](auto zigzag) {
        // The local length is the global one over P (split) or times P
        // (gather): every rank holds two of the 2P equal chunks.
        constexpr bool isSplit =
            std::is_same_v<decltype(zigzag), ZigzagSplitOp>;
        int64_t d = zigzag.getDim();
        auto special = [&](int64_t i) -> Value {
          if (i != d)
            return {};
          Value n = dimOf(b, loc, inBuf, d), p = indexConst(b, loc, P);
          if constexpr (isSplit)
            return arith::DivUIOp::create(b, loc, n, p);
          else
            return arith::MulIOp::create(b, loc, n, p);
        };
        SmallVector<Value> dims = resultDims(b, loc, result, inBuf, special);
        return lowerWith(dims,
                         isSplit ? "seqpar_rt_zigzag_split"
                                 : "seqpar_rt_zigzag_gather",
                         [&](auto &args) {
                           args.append({i64Const(b, loc, mask),
                                        i64Const(b, loc, d), noScale});
                         });
      })
      .Case([&](PackedSplitOp packed) {
        int64_t d = packed.getDim();
        std::vector<int64_t> seqLens(packed.getSeqLens().begin(),
                                     packed.getSeqLens().end());
        auto special = [&](int64_t i) -> Value {
          if (i != d)
            return {};
          return tableEntry(b, loc,
                            layout::packedShardMap(seqLens, P).localSizes(),
                            getRank());
        };
        SmallVector<Value> dims = resultDims(b, loc, result, inBuf, special);
        return lowerWith(dims, "seqpar_rt_packed_split", [&](auto &args) {
          args.append({i64Const(b, loc, mask), i64Const(b, loc, d),
                       tableList(b, loc, seqLens), noScale});
        });
      })
      .Case([&](PackedGatherOp packed) {
        int64_t d = packed.getDim();
        SmallVector<Value> dims =
            resultDims(b, loc, result, inBuf, [](int64_t) { return Value(); });
        return lowerWith(dims, "seqpar_rt_packed_gather", [&](auto &args) {
          args.append({i64Const(b, loc, mask), i64Const(b, loc, d),
                       tableList(b, loc, packed.getSeqLens()), noScale});
        });
      })
      .Case([&](HybridSplitOp hybrid) {
        int64_t d = hybrid.getDim();
        int64_t ring = axisIndex(hybrid.getRingAxis());
        int64_t uly = axisIndex(hybrid.getUlyssesAxis());
        auto special = [&](int64_t i) -> Value {
          if (i != d)
            return {};
          Value len = call(b, loc, "seqpar_rt_local_length",
                           {i32Const(b, loc, kMapZigzag), i64Const(b, loc, 0),
                            i64Const(b, loc, ring), i64Const(b, loc, uly),
                            toI64(b, loc, dimOf(b, loc, inBuf, d)),
                            tableList(b, loc, empty)},
                           i64, /*cInterface=*/true);
          return len ? toIndex(b, loc, len) : Value();
        };
        SmallVector<Value> dims = resultDims(b, loc, result, inBuf, special);
        return lowerWith(dims, "seqpar_rt_hybrid_split", [&](auto &args) {
          args.append({i64Const(b, loc, ring), i64Const(b, loc, uly),
                       i64Const(b, loc, d), noScale});
        });
      })
      .Case([&](HybridGatherOp hybrid) {
        int64_t d = hybrid.getDim();
        int64_t ring = axisIndex(hybrid.getRingAxis());
        int64_t uly = axisIndex(hybrid.getUlyssesAxis());
        Value global;
        if (std::optional<int64_t> n = hybrid.getGatherSize())
          global = indexConst(b, loc, *n);
        else if (Value n = hybrid.getDynamicGatherSize())
          global = n;
        else
          global = arith::MulIOp::create(b, loc, dimOf(b, loc, inBuf, d),
                                         indexConst(b, loc, P));
        SmallVector<Value> dims =
            resultDims(b, loc, result, inBuf,
                       [&](int64_t i) { return i == d ? global : Value(); });
        return lowerWith(dims, "seqpar_rt_hybrid_gather", [&](auto &args) {
          args.append({i64Const(b, loc, ring), i64Const(b, loc, uly),
                       i64Const(b, loc, d), toI64(b, loc, global), noScale});
        });
      })
      .Case([&](HybridPackedSplitOp hybrid) {
        int64_t d = hybrid.getDim();
        int64_t ring = axisIndex(hybrid.getRingAxis());
        int64_t uly = axisIndex(hybrid.getUlyssesAxis());
        auto special = [&](int64_t i) -> Value {
          if (i != d)
            return {};
          Value len = call(b, loc, "seqpar_rt_local_length",
                           {i32Const(b, loc, kMapPacked), i64Const(b, loc, 0),
                            i64Const(b, loc, ring), i64Const(b, loc, uly),
                            toI64(b, loc, dimOf(b, loc, inBuf, d)),
                            tableList(b, loc, hybrid.getSeqLens())},
                           i64, /*cInterface=*/true);
          return len ? toIndex(b, loc, len) : Value();
        };
        SmallVector<Value> dims = resultDims(b, loc, result, inBuf, special);
        return lowerWith(
            dims, "seqpar_rt_packed_hybrid_split", [&](auto &args) {
              args.append({i64Const(b, loc, ring), i64Const(b, loc, uly),
                           i64Const(b, loc, d),
                           tableList(b, loc, hybrid.getSeqLens()), noScale});
            });
      })
      .Case([&](HybridPackedGatherOp hybrid) {
        int64_t d = hybrid.getDim();
        int64_t ring = axisIndex(hybrid.getRingAxis());
        int64_t uly = axisIndex(hybrid.getUlyssesAxis());
        SmallVector<Value> dims =
            resultDims(b, loc, result, inBuf, [](int64_t) { return Value(); });
        return lowerWith(
            dims, "seqpar_rt_packed_hybrid_gather", [&](auto &args) {
              args.append({i64Const(b, loc, ring), i64Const(b, loc, uly),
                           i64Const(b, loc, d),
                           tableList(b, loc, hybrid.getSeqLens()), noScale});
            });
      })
      .Default([&](Operation *) -> LogicalResult {
        // Every collective op has a case above; exchange_lengths is lowered
        // before the switch.
        llvm_unreachable("seqpar collective without a runtime lowering");
      });
}

//===----------------------------------------------------------------------===//
// Init and finalize
//===----------------------------------------------------------------------===//

LogicalResult Lowering::addInitAndFinalize(StringRef name) {
  auto fn = symbolTable.lookup<func::FuncOp>(name);
  if (!fn || fn.isExternal() || !gridShape)
    return success();
  Location loc = fn.getLoc();
  OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
  Value sizes = tableList(b, loc, *gridShape);
  runtimeCall(b, loc, "seqpar_rt_init", {sizes});
  SmallVector<func::ReturnOp> returns;
  fn.walk([&](func::ReturnOp ret) { returns.push_back(ret); });
  for (func::ReturnOp ret : returns) {
    b.setInsertionPoint(ret);
    Value status =
        call(b, loc, "seqpar_rt_finalize", {}, i32, /*cInterface=*/false);
    if (status)
      checkStatus(b, loc, status);
  }
  return success(!failedDeclaration);
}

LogicalResult Lowering::run(StringRef initFunction) {
  SmallVector<Operation *> ops;
  SmallVector<GridOp> grids;
  // Ops of nested modules are lowered with their own module's declarations.
  module.walk([&](Operation *op) {
    if (op->getParentOfType<ModuleOp>() != module)
      return;
    if (auto grid = dyn_cast<GridOp>(op))
      grids.push_back(grid);
    else if (isa<CollectiveOpInterface>(op))
      ops.push_back(op);
  });
  if (failed(checkGroups(ops)))
    return failure();
  // A module with a grid but no collective still initializes the runtime.
  if (!gridShape && !grids.empty())
    gridShape = SmallVector<int64_t>(grids.front().getShape());
  if (!gridShape)
    return success();
  if (failed(buildCheckFunction()))
    return failure();
  // Init first: the collectives' constants then go above it.
  if (!initFunction.empty() && failed(addInitAndFinalize(initFunction)))
    return failure();
  for (Operation *op : ops)
    if (failed(lowerOp(op)))
      return failure();
  for (GridOp grid : grids) {
    if (grid->getParentOp() == module)
      symbolTable.erase(grid);
    else
      grid->erase();
  }
  return success();
}

struct ConvertSeqParToRuntimePass
    : public seqpar::impl::ConvertSeqParToRuntimeBase<
          ConvertSeqParToRuntimePass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<ModuleOp> modules;
    getOperation().walk([&](ModuleOp module) { modules.push_back(module); });
    for (ModuleOp module : modules) {
      Lowering lowering(module, fusePermutes);
      if (failed(lowering.run(initFunction)))
        return signalPassFailure();
    }
  }
};

} // namespace

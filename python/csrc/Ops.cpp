//===- Ops.cpp - seqpar's resharding ops as LibTorch autograd ops ---------===//

#include "Ops.h"

#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/distributed/c10d/GroupRegistry.hpp>
#include <torch/library.h>

#include <map>
#include <tuple>
#include <utility>

namespace seqpar::torchext {

namespace {

/// Throws the status as the matching C++ exception (ValueError for bad
/// arguments and for ranks that disagree, RuntimeError for the rest).
void throwIfError(const rt::Status &status, const std::string &fn) {
  if (status)
    return;
  // Runtime messages start with the op's name; the user-facing function's
  // name goes first unless it is that same name.
  const std::string &text = status.message();
  std::string message = text.rfind(fn + ":", 0) == 0 ? text : fn + ": " + text;
  switch (status.code()) {
  case rt::StatusCode::InvalidArgument:
  case rt::StatusCode::Mismatch:
    throw ArgumentError(message);
  default:
    throw std::runtime_error(message);
  }
}

int64_t normalizeDim(int64_t dim, int64_t rank) {
  return dim < 0 && dim >= -rank ? dim + rank : dim;
}

struct CacheKey {
  const c10d::ProcessGroup *group;
  std::string device;
  bool operator<(const CacheKey &o) const {
    return std::tie(group, device) < std::tie(o.group, o.device);
  }
};

std::mutex &cacheMutex() {
  static std::mutex mutex;
  return mutex;
}

// Deliberately never destroyed: tearing down process groups during static
// destruction, after Python has finalized, can block on their threads.
std::map<CacheKey, std::shared_ptr<GroupRuntime>> &cache() {
  static auto *map = new std::map<CacheKey, std::shared_ptr<GroupRuntime>>();
  return *map;
}

} // namespace

GroupRuntime::GroupRuntime(ProcessGroupPtr group, c10::Device device)
    : backend_(std::make_shared<rt::TorchBackend>(std::move(group), device)) {
  throwIfError(rt::Runtime::create(backend_, {backend_->size()}, runtime_),
               "seqpar.torch");
}

at::Tensor GroupRuntime::run(const at::Tensor &x, const rt::Op &op,
                             const std::string &fn) {
  rt::DType dtype;
  if (!rt::dtypeOf(x.scalar_type(), dtype)) {
    throw ArgumentError(fn + ": element type " +
                        std::string(c10::toString(x.scalar_type())) +
                        " is not supported (float64, float32, float16, "
                        "bfloat16, int64, int32, int8, uint8 and bool are)");
  }
  std::vector<int64_t> inShape = x.sizes().vec();
  std::lock_guard<std::mutex> lock(mutex_);
  rt::TensorRef in{x.data_ptr(), dtype, inShape, x.strides().vec()};
  std::vector<int64_t> outShape;
  rt::Status shape = runtime_->outputShape(op, inShape, outShape);
  if (!shape && runtime_->checkMode()) {
    // Take part in the check-mode exchange, so that the other ranks learn of
    // this rank's error instead of waiting for it in the collective. The
    // input stands in for the output: the local error stops the op before
    // anything is written.
    rt::Status st = runtime_->run(op, in, in);
    throwIfError(st ? shape : st, fn);
  }
  throwIfError(shape, fn);
  at::Tensor out = at::empty(outShape, x.options());
  rt::TensorRef res{out.data_ptr(), dtype, outShape, out.strides().vec()};
  throwIfError(runtime_->run(op, in, res), fn);
  return out;
}

std::vector<int64_t>
GroupRuntime::outputShape(const rt::Op &op, const std::vector<int64_t> &inShape,
                          const std::string &fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<int64_t> out;
  throwIfError(runtime_->outputShape(op, inShape, out), fn);
  return out;
}

rt::Op GroupRuntime::adjoint(const rt::Op &op,
                             const std::vector<int64_t> &inShape,
                             rt::GradScale scale, const std::string &fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  rt::Op out;
  throwIfError(runtime_->adjoint(op, inShape, scale, out), fn);
  return out;
}

std::vector<int64_t> GroupRuntime::exchangeLengths(int64_t mine,
                                                   const std::string &fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<int64_t> all;
  throwIfError(runtime_->exchangeLengths({0}, mine, all), fn);
  return all;
}

void GroupRuntime::setCheckMode(bool on) {
  std::lock_guard<std::mutex> lock(mutex_);
  runtime_->setCheckMode(on);
}

int64_t GroupRuntime::stagingBytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return runtime_->stagingBytes();
}

std::shared_ptr<GroupRuntime> runtimeFor(const ProcessGroupPtr &group,
                                         c10::Device device) {
  std::lock_guard<std::mutex> lock(cacheMutex());
  CacheKey key{group.get(), device.str()};
  auto it = cache().find(key);
  if (it != cache().end())
    return it->second;
  auto runtime = std::make_shared<GroupRuntime>(group, device);
  cache().emplace(key, runtime);
  return runtime;
}

void releaseGroup(const ProcessGroupPtr &group) {
  std::lock_guard<std::mutex> lock(cacheMutex());
  for (auto it = cache().begin(); it != cache().end();) {
    if (it->first.group == group.get())
      it = cache().erase(it);
    else
      ++it;
  }
}

//===----------------------------------------------------------------------===//
// The registered op seqpar::run
//===----------------------------------------------------------------------===//

namespace {

/// The runtime, for tensors on `device`, of the process group registered
/// under `name` (ProcessGroup.group_name).
std::shared_ptr<GroupRuntime>
runtimeNamed(c10::string_view name, c10::Device device, const std::string &fn) {
  ProcessGroupPtr group;
  try {
    group = c10d::resolve_process_group(std::string(name));
  } catch (const std::exception &e) {
    throw ArgumentError(fn + ": no process group named \"" + std::string(name) +
                        "\" is registered (" + e.what() + ")");
  }
  return runtimeFor(group, device);
}

/// The op of descriptor `desc` for an input of rank `rank`: negative dims
/// count from the end, as in torch.
rt::Op decodeFor(at::IntArrayRef desc, int64_t rank, const std::string &fn) {
  layout::Result<rt::Op> decoded =
      layout::decodeOp(desc.data(), static_cast<int64_t>(desc.size()));
  if (!decoded)
    throw ArgumentError(fn + ": " + decoded.error());
  rt::Op op = std::move(*decoded);
  if (op.kind != rt::OpKind::Gather)
    op.scatter.dim = normalizeDim(op.scatter.dim, rank);
  if (op.kind != rt::OpKind::Split)
    op.gather.dim = normalizeDim(op.gather.dim, rank);
  return op;
}

/// The kernel of every device with data: runs the op on the runtime of the
/// group for the input's device.
at::Tensor runKernel(const at::Tensor &x, c10::string_view groupName,
                     at::IntArrayRef desc, int64_t /*backwardScale*/,
                     c10::string_view fnView) {
  std::string fn(fnView);
  rt::Op op = decodeFor(desc, x.dim(), fn);
  return runtimeNamed(groupName, x.device(), fn)->run(x, op, fn);
}

/// The kernel of the meta device (and of torch.compile's fake tensors): the
/// output's shape from the Layout library, with no communication.
at::Tensor metaKernel(const at::Tensor &x, c10::string_view groupName,
                      at::IntArrayRef desc, int64_t /*backwardScale*/,
                      c10::string_view fnView) {
  std::string fn(fnView);
  rt::Op op = decodeFor(desc, x.dim(), fn);
  // Symbolic sizes (torch.compile with dynamic shapes) are specialized: the
  // pieces of a split depend on the exact length.
  std::vector<int64_t> inShape;
  for (const c10::SymInt &size : x.sym_sizes())
    inShape.push_back(size.guard_int(__FILE__, __LINE__));
  std::vector<int64_t> shape =
      runtimeNamed(groupName, x.device(), fn)->outputShape(op, inShape, fn);
  return at::empty(shape, x.options());
}

at::Tensor callRun(const at::Tensor &x, const std::string &groupName,
                   const std::vector<int64_t> &desc, int64_t backwardScale,
                   const std::string &fn) {
  static auto op =
      c10::Dispatcher::singleton()
          .findSchemaOrThrow("seqpar::run", "")
          .typed<at::Tensor(const at::Tensor &, c10::string_view,
                            at::IntArrayRef, int64_t, c10::string_view)>();
  return op.call(x, groupName, desc, backwardScale, fn);
}

/// Autograd of seqpar::run: the gradient goes back through the runtime's
/// adjoint of the op (scaled by the op's backward scale), itself a
/// seqpar::run whose backward is the original op: double backward works.
struct RunFunction : torch::autograd::Function<RunFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext *ctx,
                            const at::Tensor &x, const std::string &groupName,
                            const std::vector<int64_t> &desc,
                            int64_t backwardScale, const std::string &fn) {
    ctx->saved_data["group"] = groupName;
    ctx->saved_data["desc"] = desc;
    ctx->saved_data["scale"] = backwardScale;
    ctx->saved_data["fn"] = fn;
    ctx->saved_data["shape"] = x.sizes().vec();
    ctx->saved_data["device"] = x.device();
    at::AutoDispatchBelowADInplaceOrView guard;
    return callRun(x, groupName, desc, backwardScale, fn);
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    torch::autograd::variable_list none(5);
    if (!grads[0].defined())
      return none;
    std::string groupName = ctx->saved_data["group"].toStringRef();
    std::string fn = ctx->saved_data["fn"].toStringRef();
    std::vector<int64_t> shape = ctx->saved_data["shape"].toIntVector();
    int64_t scale = ctx->saved_data["scale"].toInt();
    rt::Op op =
        decodeFor(ctx->saved_data["desc"].toIntVector(), shape.size(), fn);
    rt::Op adj =
        runtimeNamed(groupName, ctx->saved_data["device"].toDevice(), fn)
            ->adjoint(op, shape, static_cast<rt::GradScale>(scale), fn);
    none[0] = callRun(grads[0], groupName, layout::encodeOp(adj),
                      static_cast<int64_t>(op.scale), fn + " (backward)");
    return none;
  }
};

at::Tensor autogradKernel(const at::Tensor &x, c10::string_view groupName,
                          at::IntArrayRef desc, int64_t backwardScale,
                          c10::string_view fn) {
  return RunFunction::apply(x, std::string(groupName), desc.vec(),
                            backwardScale, std::string(fn));
}

} // namespace

TORCH_LIBRARY(seqpar, m) {
  m.def("run(Tensor x, str group_name, int[] op, int backward_scale, "
        "str fn) -> Tensor");
}

TORCH_LIBRARY_IMPL(seqpar, CompositeExplicitAutograd, m) {
  m.impl("run", &runKernel);
}

TORCH_LIBRARY_IMPL(seqpar, Meta, m) { m.impl("run", &metaKernel); }

TORCH_LIBRARY_IMPL(seqpar, Autograd, m) { m.impl("run", &autogradKernel); }

rt::GradScale parseGradScale(const std::string &scale, bool isNone,
                             const std::string &fn) {
  if (isNone)
    return rt::GradScale::None;
  if (scale == "up")
    return rt::GradScale::Up;
  if (scale == "down")
    return rt::GradScale::Down;
  throw ArgumentError(fn +
                      ": grad_scale must be \"up\", \"down\" or None, "
                      "got \"" +
                      scale + "\"");
}

} // namespace seqpar::torchext

//===- Ops.cpp - seqpar's resharding ops as LibTorch autograd ops ---------===//

#include "Ops.h"

#include <torch/csrc/autograd/custom_function.h>

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

/// What an op's autograd node keeps: the runtime, the op, the input shape and
/// the scale of the op's adjoint.
struct OpState : torch::CustomClassHolder {
  std::shared_ptr<GroupRuntime> runtime;
  rt::Op op;
  rt::GradScale backwardScale = rt::GradScale::None;
  std::string fn;
};

struct SeqParFunction : torch::autograd::Function<SeqParFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext *ctx,
                            const at::Tensor &x,
                            const c10::intrusive_ptr<OpState> &state) {
    ctx->saved_data["state"] = c10::IValue::make_capsule(state);
    ctx->saved_data["shape"] = x.sizes().vec();
    return state->runtime->run(x, state->op, state->fn);
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto state = c10::static_intrusive_pointer_cast<OpState>(
        ctx->saved_data["state"].toCapsule());
    std::vector<int64_t> shape = ctx->saved_data["shape"].toIntVector();
    if (!grads[0].defined())
      return {at::Tensor(), at::Tensor()};
    // The adjoint runs as an op of its own, so that its gradient (double
    // backward) is the original op with the original op's scale.
    auto adj = c10::make_intrusive<OpState>();
    adj->runtime = state->runtime;
    adj->op = state->runtime->adjoint(state->op, shape, state->backwardScale,
                                      state->fn);
    adj->backwardScale = state->op.scale;
    adj->fn = state->fn + " (backward)";
    return {SeqParFunction::apply(grads[0], adj), at::Tensor()};
  }
};

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

at::Tensor applyOp(const at::Tensor &x, const ProcessGroupPtr &group, rt::Op op,
                   rt::GradScale backwardScale, const std::string &fn) {
  if (op.kind != rt::OpKind::Gather)
    op.scatter.dim = normalizeDim(op.scatter.dim, x.dim());
  if (op.kind != rt::OpKind::Split)
    op.gather.dim = normalizeDim(op.gather.dim, x.dim());
  auto state = c10::make_intrusive<OpState>();
  state->runtime = runtimeFor(group, x.device());
  state->op = std::move(op);
  state->backwardScale = backwardScale;
  state->fn = fn;
  return SeqParFunction::apply(x, state);
}

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

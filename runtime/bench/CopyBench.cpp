//===- CopyBench.cpp - Pack kernel bandwidth against memcpy ---------------===//
//
// The pack of a Ulysses all-to-all copies every other run of `run` bytes of a
// strided source into a dense buffer. Compared with one memcpy of the same
// total bytes, and with a plain loop of per-run memcpy calls.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/Copy.h"

#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

using namespace seqpar::rt;

namespace {

constexpr int64_t kTotal = int64_t(64) << 20; // Bytes written per iteration.

struct Buffers {
  std::vector<char> src, dst;
  Buffers() : src(size_t(2 * kTotal), 1), dst(size_t(kTotal), 0) {}
};
Buffers &buffers() {
  static Buffers b;
  return b;
}

void BM_Memcpy(benchmark::State &state) {
  Buffers &b = buffers();
  for (auto _ : state) {
    std::memcpy(b.dst.data(), b.src.data(), size_t(kTotal));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * kTotal);
}

void BM_PackRuns(benchmark::State &state) {
  Buffers &b = buffers();
  int64_t total = state.range(1) << 20;
  int64_t run = state.range(0), rows = total / run;
  // Runs of `run` bytes at a stride of two runs: [rows, 2, run] -> [rows, run].
  CopyJob job{b.src.data(), b.dst.data(), {rows, run}, {2 * run, 1}, {run, 1}};
  for (auto _ : state) {
    copyOnHost({job}, DType::I8, {});
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * total);
}

void BM_PerRunMemcpy(benchmark::State &state) {
  Buffers &b = buffers();
  int64_t run = state.range(0), rows = kTotal / run;
  for (auto _ : state) {
    for (int64_t i = 0; i < rows; ++i)
      std::memcpy(b.dst.data() + i * run, b.src.data() + 2 * i * run,
                  size_t(run));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * kTotal);
}

/// The sum of replicated blocks (CopyJob::accumulate): dst += src over
/// kTotal bytes of float32 (state.range(0) == 1) or bfloat16 (0), beside
/// BM_Memcpy of the same bytes.
void BM_Accumulate(benchmark::State &state) {
  Buffers &b = buffers();
  DType type = state.range(0) ? DType::F32 : DType::BF16;
  int64_t n = kTotal / elementSize(type);
  std::memset(b.src.data(), 0, size_t(kTotal));
  std::memset(b.dst.data(), 0, size_t(kTotal));
  CopyJob job{b.src.data(), b.dst.data(), {n}, {1}, {1}};
  job.accumulate = true;
  for (auto _ : state) {
    copyOnHost({job}, type, {});
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * kTotal);
}

BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Accumulate)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// {run bytes, MiB written}: the run lengths at 64 MiB, and the sizes around
// the streaming threshold (kStreamingMinTotal) at 2 KiB runs.
BENCHMARK(BM_PackRuns)
    ->Args({256, 64})
    ->Args({1024, 64})
    ->Args({2048, 64})
    ->Args({8192, 64})
    ->Args({65536, 64})
    ->Args({2048, 1})
    ->Args({2048, 4})
    ->Args({2048, 16})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PerRunMemcpy)
    ->Arg(256)
    ->Arg(1024)
    ->Arg(2048)
    ->Arg(8192)
    ->Arg(65536)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();

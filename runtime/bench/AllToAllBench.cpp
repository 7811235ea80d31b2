//===- AllToAllBench.cpp - Ulysses all-to-all: seqpar, seeds, MPI ---------===//
//
// Run under mpirun (2 or 4 ranks). For the Ulysses pattern
// [S/P, H, D] -> [S, H/P, D] (bf16, D = 128) at several sizes per rank,
// aligned (H = 32, S = P * s) and unaligned (H = 31, S = P * s + 1), times:
//   direct  Runtime::run into an output from Runtime::allocate (shared
//           memory): each rank writes its chunks straight into its peers'
//           outputs (no pack, no message), as lowered programs run;
//   seqpar  Runtime::run into a plain buffer: one pack, MPI, direct
//           receives (the path for buffers the runtime did not allocate);
//   seed    the seeds' path in C++: permute + contiguous copy into
//           [P, S/P, H/P, D], MPI_Alltoall(v), then the contiguous copy of
//           the received pieces into the output (the seeds' cat/contiguous);
//   bare    MPI_Alltoall (equal counts) or MPI_Alltoallv alone on contiguous
//           buffers of the same bytes; MPI_Alltoallv is also timed in the
//           aligned case;
//   MPI datatypes  MPI_Alltoallw with an hvector type per peer chunk: the
//           alternative to packing (MPI packs internally);
//   pack    the pack alone (copyOnHost of every peer's chunk) and a memcpy of
//           the same bytes, on one rank.
// Each timing is the slowest rank's time of one call (barrier before); the
// methods take turns in each round; medians over the rounds. Prints one
// markdown table row per case.
//
//===----------------------------------------------------------------------===//

#include "BenchUtil.h"
#include "seqpar/Runtime/Copy.h"
#include "seqpar/Runtime/Runtime.h"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace seqpar::rt;
using namespace seqpar::rt::bench;

namespace {

constexpr int64_t kD = 128, kElem = 2;

// The seed path's piece sizes come from the split rule too.
using seqpar::layout::splitSize;

} // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int P = 0, r = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  std::vector<int64_t> mibs = {4, 64, 256};
  if (argc > 1) {
    mibs.clear();
    for (int i = 1; i < argc; ++i)
      mibs.push_back(std::atoll(argv[i]));
  }
  std::unique_ptr<Backend> world;
  if (Status st = createMpiWorldBackend(world); !st)
    fail("init", st.message());
  std::unique_ptr<Runtime> rt;
  if (Status st = Runtime::create(std::move(world), {P}, rt); !st)
    fail("init", st.message());

  if (r == 0)
    std::printf(
        "| ranks | MiB/rank | case | seqpar ms | seed ms | bare "
        "MPI_Alltoall ms | bare MPI_Alltoallv ms | seqpar/bare | "
        "seqpar/Alltoallv | seqpar/seed | MPI datatypes ms | pack GB/s | "
        "memcpy GB/s | direct ms | direct/bare | direct/seed |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int64_t mib : mibs) {
    for (bool aligned : {true, false}) {
      const int64_t H = aligned ? 32 : 31;
      // Rows per rank so that the input is about `mib` MiB.
      const int64_t rows = (mib << 20) / (H * kD * kElem);
      const int64_t S = P * rows + (aligned ? 0 : 1);
      const int64_t Sr = splitSize(S, P, r), Hr = splitSize(H, P, r);
      std::vector<int64_t> hOff(P + 1, 0), sOff(P + 1, 0);
      for (int q = 0; q < P; ++q) {
        hOff[q + 1] = hOff[q] + splitSize(H, P, q);
        sOff[q + 1] = sOff[q] + splitSize(S, P, q);
      }
      const int64_t inBytes = Sr * H * kD * kElem;
      const int64_t outBytes = S * Hr * kD * kElem;
      std::vector<char> in(static_cast<size_t>(inBytes)),
          out(static_cast<size_t>(outBytes));
      for (size_t i = 0; i < in.size(); ++i)
        in[i] = char(i * 7 + r);
      std::memset(out.data(), 0, out.size()); // Fault the pages in.
      // Per-peer byte counts and displacements of a contiguous exchange.
      std::vector<int> sendCounts(P), sendDispls(P), recvCounts(P),
          recvDispls(P);
      int64_t sAcc = 0, rAcc = 0;
      for (int q = 0; q < P; ++q) {
        sendCounts[q] = int(Sr * splitSize(H, P, q) * kD * kElem);
        recvCounts[q] = int(splitSize(S, P, q) * Hr * kD * kElem);
        sendDispls[q] = int(sAcc);
        recvDispls[q] = int(rAcc);
        sAcc += sendCounts[q];
        rAcc += recvCounts[q];
      }
      std::vector<char> packed(static_cast<size_t>(inBytes)),
          recv(static_cast<size_t>(outBytes));
      std::memset(packed.data(), 0, packed.size());
      std::memset(recv.data(), 0, recv.size());
      const int reps = mib <= 4 ? 41 : mib <= 64 ? 25 : 15;

      Op op = allToAllOp({0}, /*scatter=*/1, /*gather=*/0, {}, {}, S);
      TensorRef inT = denseTensor(in.data(), DType::BF16, {Sr, H, kD});
      TensorRef outT = denseTensor(out.data(), DType::BF16, {S, Hr, kD});
      auto seqpar = [&] {
        if (Status st = rt->run(op, inT, outT); !st)
          fail("seqpar", st.message());
      };
      seqpar();
      std::vector<char> expected = out;

      // The direct path: the output in the runtime's shared memory.
      void *shared = nullptr;
      if (Status st = rt->allocate(outBytes, shared); !st)
        fail("direct", st.message());
      std::memset(shared, 0, size_t(outBytes)); // Fault the pages in.
      TensorRef sharedT = denseTensor(shared, DType::BF16, {S, Hr, kD});
      auto direct = [&] {
        if (Status st = rt->run(op, inT, sharedT); !st)
          fail("direct", st.message());
      };
      const int64_t pushedBefore = rt->directBytes();
      direct();
      if (std::memcmp(shared, expected.data(), size_t(outBytes)) != 0)
        fail("direct", "the direct path and seqpar disagree");
      if (P > 1 && rt->directBytes() == pushedBefore)
        fail("direct", "the call did not take the direct path");

      // The seed path: permute + contiguous ([Sr, H, D] -> [P, Sr, H/P, D]),
      // the collective, and the contiguous copy of the result.
      auto seedPack = [&] {
        for (int q = 0; q < P; ++q) {
          int64_t run = splitSize(H, P, q) * kD * kElem;
          char *dst = packed.data() + sendDispls[q];
          for (int64_t s = 0; s < Sr; ++s)
            std::memcpy(dst + s * run,
                        in.data() + (s * H + hOff[q]) * kD * kElem,
                        size_t(run));
        }
      };
      // The bare collective: MPI_Alltoall where the counts are equal,
      // MPI_Alltoallv otherwise (and also timed when aligned, because Open
      // MPI's two collectives do not take the same time for the same bytes).
      auto exchangeV = [&] {
        MPI_Alltoallv(packed.data(), sendCounts.data(), sendDispls.data(),
                      MPI_BYTE, recv.data(), recvCounts.data(),
                      recvDispls.data(), MPI_BYTE, MPI_COMM_WORLD);
      };
      auto exchange = [&] {
        if (aligned)
          MPI_Alltoall(packed.data(), sendCounts[0], MPI_BYTE, recv.data(),
                       recvCounts[0], MPI_BYTE, MPI_COMM_WORLD);
        else
          exchangeV();
      };
      auto seed = [&] {
        seedPack();
        exchange();
        std::memcpy(out.data(), recv.data(), size_t(outBytes));
      };
      seed();
      if (out != expected)
        fail("seed", "the seed path and seqpar disagree");

      // The alternative to packing: MPI derived datatypes describe each
      // peer's strided chunk and MPI_Alltoallw moves it (MPI packs inside).
      std::vector<MPI_Datatype> sendTypes(P), recvTypes(P, MPI_BYTE);
      std::vector<int> typeCounts(P, 1), typeDispls(P), byteCounts(P),
          byteDispls(P);
      for (int q = 0; q < P; ++q) {
        int64_t run = (hOff[q + 1] - hOff[q]) * kD * kElem;
        MPI_Type_create_hvector(int(Sr), int(run), H * kD * kElem, MPI_BYTE,
                                &sendTypes[q]);
        MPI_Type_commit(&sendTypes[q]);
        typeDispls[q] = int(hOff[q] * kD * kElem);
        byteCounts[q] = recvCounts[q];
        byteDispls[q] = recvDispls[q];
      }
      auto datatypes = [&] {
        MPI_Alltoallw(in.data(), typeCounts.data(), typeDispls.data(),
                      sendTypes.data(), out.data(), byteCounts.data(),
                      byteDispls.data(), recvTypes.data(), MPI_COMM_WORLD);
      };
      std::fill(out.begin(), out.end(), 0);
      datatypes();
      if (out != expected)
        fail("datatypes", "the MPI datatype path and seqpar disagree");

      std::vector<std::function<void()>> methods = {seqpar, seed, exchangeV,
                                                    datatypes, direct};
      if (aligned)
        methods.push_back(exchange);
      std::vector<double> t = timeRounds(reps, methods);
      double tSeqpar = t[0], tSeed = t[1], tBareV = t[2], tTypes = t[3],
             tDirect = t[4];
      double tBare = aligned ? t[5] : tBareV;
      if (Status st = rt->deallocate(shared); !st)
        fail("direct", st.message());
      for (MPI_Datatype &type : sendTypes)
        MPI_Type_free(&type);

      // Pack bandwidth against memcpy, on this rank alone.
      std::vector<CopyJob> jobs;
      for (int q = 0; q < P; ++q)
        jobs.push_back({in.data() + hOff[q] * kD * kElem,
                        packed.data() + sendDispls[q],
                        {Sr, (hOff[q + 1] - hOff[q]) * kD},
                        {H * kD, 1},
                        {(hOff[q + 1] - hOff[q]) * kD, 1}});
      std::vector<double> tp, tm;
      for (int i = 0; i <= reps; ++i) {
        double t0 = MPI_Wtime();
        copyOnHost(jobs, DType::BF16, {});
        double t1 = MPI_Wtime();
        std::memcpy(packed.data(), in.data(), size_t(inBytes));
        double t2 = MPI_Wtime();
        if (i > 0) {
          tp.push_back(t1 - t0);
          tm.push_back(t2 - t1);
        }
      }
      double gbPack = double(inBytes) / median(tp) / 1e9;
      double gbCopy = double(inBytes) / median(tm) / 1e9;
      char bareText[32] = "-";
      if (aligned)
        std::snprintf(bareText, sizeof(bareText), "%.2f", tBare * 1e3);
      if (r == 0)
        std::printf("| %d | %lld | %s | %.2f | %.2f | %s | %.2f | %.2f | "
                    "%.2f | %.2f | %.2f | %.1f | %.1f | %.2f | %.2f | %.2f |\n",
                    P, static_cast<long long>(mib),
                    aligned ? "aligned" : "unaligned", tSeqpar * 1e3,
                    tSeed * 1e3, bareText, tBareV * 1e3, tSeqpar / tBare,
                    tSeqpar / tBareV, tSeqpar / tSeed, tTypes * 1e3, gbPack,
                    gbCopy, tDirect * 1e3, tDirect / tBare, tDirect / tSeed);
      std::fflush(stdout);
    }
  }
  rt.reset();
  MPI_Finalize();
  return 0;
}

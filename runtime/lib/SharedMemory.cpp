//===- SharedMemory.cpp - Host buffers the ranks of a node can map --------===//
//
// Each buffer is a memfd of its own, mapped MAP_SHARED; a peer maps it by
// opening /proc/<pid>/fd/<fd> of the owner (the same user's process, the
// access Open MPI's single-copy transport needs too) and checks that the file
// it opened has the buffer's inode. A handle is {pid, fd, serial, buffer
// bytes, token, inode} and an offset; the token (random per process) tells
// processes apart where process ids repeat, and serials are never reused, so
// a peer's cache of mappings, keyed by (pid, token, serial), never goes
// stale: a freed buffer keeps its memfd and serial and is handed out again.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/SharedMemory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <tuple>
#include <utility>

namespace seqpar::rt {

SharedMemory::~SharedMemory() = default;

namespace {

Status systemError(const std::string &what) {
  return {StatusCode::BackendError,
          "shared memory: " + what + ": " + std::strerror(errno)};
}

int64_t pageRound(int64_t bytes) {
  const int64_t page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
  return (std::max<int64_t>(bytes, 1) + page - 1) / page * page;
}

class HostSharedMemory final : public SharedMemory {
public:
  HostSharedMemory() {
    std::random_device device;
    token_ = (int64_t(device()) << 32 | int64_t(device())) ^ int64_t(getpid());
  }
  ~HostSharedMemory() override {
    for (auto &[base, seg] : own_) {
      munmap(reinterpret_cast<void *>(base), size_t(seg.bytes));
      close(seg.fd);
    }
    for (auto &[key, m] : peers_)
      munmap(m.base, size_t(m.bytes));
  }

  Status allocate(int64_t bytes, void *&out) override {
    if (bytes < 0 || bytes > (int64_t(1) << 60))
      return {bytes < 0 ? StatusCode::InvalidArgument : StatusCode::OutOfMemory,
              "shared memory: cannot allocate " + std::to_string(bytes) +
                  " bytes"};
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t want = pageRound(bytes);
    // The smallest free buffer that fits without wasting more than half.
    Segment *best = nullptr;
    for (auto &[base, seg] : own_)
      if (!seg.live && seg.bytes >= want && seg.bytes <= 2 * want &&
          (!best || seg.bytes < best->bytes))
        best = &seg;
    if (best) {
      best->live = true;
      out = best->base;
      return Status::ok();
    }
    if (int64_t(own_.size()) >= kMaxBuffers)
      return {StatusCode::OutOfMemory,
              "shared memory: " + std::to_string(kMaxBuffers) +
                  " buffers are taken (each holds a file descriptor)"};
    int fd = memfd_create("seqpar", MFD_CLOEXEC);
    if (fd < 0)
      return systemError("memfd_create");
    if (ftruncate(fd, off_t(want)) != 0) {
      Status st =
          systemError("ftruncate to " + std::to_string(want) + " bytes");
      close(fd);
      return {StatusCode::OutOfMemory, st.message()};
    }
    void *p =
        mmap(nullptr, size_t(want), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      Status st = systemError("mmap of " + std::to_string(want) + " bytes");
      close(fd);
      return {StatusCode::OutOfMemory, st.message()};
    }
    struct stat info;
    if (fstat(fd, &info) != 0) {
      Status st = systemError("fstat");
      munmap(p, size_t(want));
      close(fd);
      return st;
    }
    Segment seg{p, want, fd, ++serial_, true, int64_t(info.st_ino)};
    own_[reinterpret_cast<uintptr_t>(p)] = seg;
    reserved_ += want;
    out = p;
    return Status::ok();
  }

  Status deallocate(void *ptr) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = own_.find(reinterpret_cast<uintptr_t>(ptr));
    if (it == own_.end() || !it->second.live)
      return {StatusCode::InvalidArgument,
              "shared memory: " + pointerText(ptr) +
                  " is not a live shared buffer"};
    it->second.live = false;
    return Status::ok();
  }

  bool find(const void *ptr, int64_t bytes, SharedHandle &out) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto at = reinterpret_cast<uintptr_t>(ptr);
    auto it = own_.upper_bound(at);
    if (it == own_.begin())
      return false;
    --it;
    const Segment &seg = it->second;
    const auto offset = static_cast<int64_t>(at - it->first);
    if (!seg.live || offset >= seg.bytes || bytes > seg.bytes - offset)
      return false;
    out = SharedHandle();
    out.words[0] = static_cast<int64_t>(getpid());
    out.words[1] = seg.fd;
    out.words[2] = seg.serial;
    out.words[3] = seg.bytes;
    out.words[4] = token_;
    out.words[5] = seg.inode;
    out.offset = offset;
    return true;
  }

  Status map(const SharedHandle &h, void *&out) override {
    const int64_t pid = h.words[0], fd = h.words[1], serial = h.words[2],
                  bytes = h.words[3], token = h.words[4], inode = h.words[5];
    if (h.offset < 0 || h.offset >= bytes)
      return {StatusCode::InvalidArgument,
              "shared memory: offset " + std::to_string(h.offset) +
                  " is outside a buffer of " + std::to_string(bytes) +
                  " bytes"};
    std::lock_guard<std::mutex> lock(mu_);
    if (token == token_) {
      for (auto &[base, seg] : own_)
        if (seg.serial == serial) {
          out = static_cast<char *>(seg.base) + h.offset;
          return Status::ok();
        }
      return {StatusCode::InvalidArgument,
              "shared memory: this process has no buffer " +
                  std::to_string(serial)};
    }
    auto key = std::make_tuple(pid, token, serial);
    auto it = peers_.find(key);
    if (it == peers_.end()) {
      const std::string path =
          "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
      int f = open(path.c_str(), O_RDWR | O_CLOEXEC);
      if (f < 0)
        return systemError("cannot open " + path + " (the buffer of process " +
                           std::to_string(pid) + ")");
      struct stat st;
      if (fstat(f, &st) != 0 || st.st_size < bytes ||
          int64_t(st.st_ino) != inode) {
        close(f);
        return {StatusCode::BackendError, "shared memory: " + path +
                                              " is not a buffer of " +
                                              std::to_string(bytes) + " bytes"};
      }
      void *p = mmap(nullptr, size_t(bytes), PROT_READ | PROT_WRITE, MAP_SHARED,
                     f, 0);
      close(f);
      if (p == MAP_FAILED)
        return systemError("mmap of " + path);
      it = peers_.emplace(key, Mapping{p, bytes}).first;
    }
    out = static_cast<char *>(it->second.base) + h.offset;
    return Status::ok();
  }

  int64_t reservedBytes() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return reserved_;
  }

private:
  static std::string pointerText(const void *p) {
    char text[32];
    std::snprintf(text, sizeof(text), "%p", p);
    return text;
  }

  struct Segment {
    void *base = nullptr;
    int64_t bytes = 0;
    int fd = -1;
    int64_t serial = 0;
    bool live = false;
    int64_t inode = 0;
  };
  struct Mapping {
    void *base = nullptr;
    int64_t bytes = 0;
  };
  mutable std::mutex mu_;
  std::map<uintptr_t, Segment> own_;
  std::map<std::tuple<int64_t, int64_t, int64_t>, Mapping> peers_;
  int64_t token_ = 0;
  int64_t serial_ = 0;
  int64_t reserved_ = 0;
};

} // namespace

SharedMemory *hostSharedMemory() {
  // Never destroyed: buffers may be freed after static destruction begins
  // (the kernel reclaims the memory at exit).
  static SharedMemory *memory = new HostSharedMemory();
  return memory;
}

} // namespace seqpar::rt

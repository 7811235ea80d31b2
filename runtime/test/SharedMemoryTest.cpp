//===- SharedMemoryTest.cpp - Buffers the ranks of a node share -----------===//
//
// The host shared memory on its own: allocation and reuse, handles of byte
// ranges, errors, and a second process (forked) writing into a buffer
// through a handle, as a peer rank on the direct path does.
//
//===----------------------------------------------------------------------===//

#include "seqpar/Runtime/SharedMemory.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

using namespace seqpar::rt;

namespace {

std::string text(const void *p) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%p", p);
  return buf;
}

TEST(SharedMemory, HandlesNameRangesOfLiveBuffers) {
  SharedMemory *shm = hostSharedMemory();
  ASSERT_NE(shm, nullptr);
  void *p = nullptr;
  ASSERT_TRUE(shm->allocate(10000, p));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
  char *c = static_cast<char *>(p);
  SharedHandle h;
  ASSERT_TRUE(shm->find(c + 100, 9000, h));
  EXPECT_EQ(h.offset, 100);
  EXPECT_EQ(h.words[0], int64_t(getpid()));
  EXPECT_GE(h.words[3], 10000); // Buffer bytes, page-rounded.
  // A range past the buffer, or memory it does not own: no handle.
  EXPECT_FALSE(shm->find(c + 100, h.words[3], h));
  int local = 0;
  EXPECT_FALSE(shm->find(&local, 4, h));
  // This process's own handle maps to the buffer itself.
  ASSERT_TRUE(shm->find(c + 64, 1, h));
  void *at = nullptr;
  ASSERT_TRUE(shm->map(h, at));
  EXPECT_EQ(at, c + 64);
  // Freed buffers have no handles and are handed out again.
  ASSERT_TRUE(shm->deallocate(p));
  EXPECT_FALSE(shm->find(c, 1, h));
  Status twice = shm->deallocate(p);
  EXPECT_EQ(twice.message(),
            "shared memory: " + text(p) + " is not a live shared buffer");
  void *again = nullptr;
  int64_t reserved = shm->reservedBytes();
  ASSERT_TRUE(shm->allocate(9000, again));
  EXPECT_EQ(again, p);
  EXPECT_EQ(shm->reservedBytes(), reserved);
  // Four times the size does not reuse it.
  void *big = nullptr;
  ASSERT_TRUE(shm->allocate(40000, big));
  EXPECT_NE(big, p);
  EXPECT_TRUE(shm->deallocate(again));
  EXPECT_TRUE(shm->deallocate(big));
  EXPECT_EQ(shm->allocate(-1, big).message(),
            "shared memory: cannot allocate -1 bytes");
}

TEST(SharedMemory, AnotherProcessWritesThroughAHandle) {
  SharedMemory *shm = hostSharedMemory();
  void *p = nullptr;
  ASSERT_TRUE(shm->allocate(1 << 16, p));
  std::memset(p, 0, 1 << 16);
  SharedHandle h;
  ASSERT_TRUE(shm->find(static_cast<char *>(p) + 4096, 8, h));
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child is another process, but a fork's copy of the parent's
    // allocator: another token makes it map the parent's buffer as a peer
    // does, through /proc/<parent>/fd.
    h.words[4] ^= 1;
    void *at = nullptr;
    if (!shm->map(h, at) || at == static_cast<char *>(p) + 4096)
      _exit(1);
    std::memcpy(at, "seqpar!", 8);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_STREQ(static_cast<char *>(p) + 4096, "seqpar!");
  EXPECT_TRUE(shm->deallocate(p));
}

TEST(SharedMemory, BadHandlesAreErrors) {
  SharedMemory *shm = hostSharedMemory();
  SharedHandle h;
  h.words[0] = 2147483600; // No such process.
  h.words[1] = 3;
  h.words[2] = 1;
  h.words[3] = 4096;
  void *at = nullptr;
  EXPECT_EQ(shm->map(h, at).message(),
            "shared memory: cannot open /proc/2147483600/fd/3 (the buffer of "
            "process 2147483600): No such file or directory");
  h.offset = 4096;
  EXPECT_EQ(shm->map(h, at).message(),
            "shared memory: offset 4096 is outside a buffer of 4096 bytes");
  // This process's own handles, with a serial it never made, and a
  // descriptor that is not the buffer's file (another inode).
  void *p = nullptr;
  ASSERT_TRUE(shm->allocate(4096, p));
  SharedHandle own;
  ASSERT_TRUE(shm->find(p, 1, own));
  h = own;
  h.words[2] = 1 << 30;
  EXPECT_EQ(shm->map(h, at).message(),
            "shared memory: this process has no buffer 1073741824");
  h = own;
  h.words[4] ^= 1; // As a peer would see it.
  h.words[5] += 1;
  const std::string path = "/proc/" + std::to_string(getpid()) + "/fd/" +
                           std::to_string(own.words[1]);
  EXPECT_EQ(shm->map(h, at).message(),
            "shared memory: " + path + " is not a buffer of " +
                std::to_string(own.words[3]) + " bytes");
  EXPECT_TRUE(shm->deallocate(p));
}

} // namespace

#pragma once
/// @file buffer_pool.hpp
/// A per-shard free list of read buffers, lent to a request for the duration of its response read, so idle
/// connections hold no read buffer.
///
/// Buffers live in mmap'ed slabs, never in the malloc heap: a burst of concurrent requests cannot leave freed
/// buffers stranded in a fragmented heap. Buffers returned while many are already free give their pages back
/// to the kernel (MADV_DONTNEED), so memory after a burst returns to what the idle connections need.

#include <cstddef>
#include <memory>
#include <vector>

namespace accurate::http {

/// Free list of fixed-size read buffers. Threading: the shard's thread only.
class BufferPool {
 public:
  /// Size of a pooled buffer in bytes.
  static constexpr std::size_t kBufferSize = 8192;
  /// Buffers per mmap'ed slab (512 KiB of address space; pages become resident only when used).
  static constexpr std::size_t kSlabBuffers = 64;
  /// Free buffers kept resident; beyond this count the least recently returned ones have their pages released.
  static constexpr std::size_t kMaxResidentFree = 256;

  /// A buffer on loan; returns it to the pool when destroyed. May grow beyond kBufferSize (a grown buffer is a
  /// heap allocation freed with the lease). The pool must outlive the lease.
  class Lease {
   public:
    explicit Lease(BufferPool& pool) : pool_(pool), pooled_(pool.take()), data_(pooled_) {}
    ~Lease() { pool_.give(pooled_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    /// Start of the buffer.
    char* data() const noexcept { return data_; }
    /// Size of the buffer in bytes.
    std::size_t size() const noexcept { return size_; }
    /// Replaces the buffer by one of @p new_size bytes keeping the first @p keep bytes.
    void grow(std::size_t new_size, std::size_t keep);

   private:
    BufferPool& pool_;               ///< where the pooled buffer goes back
    char* pooled_;                   ///< the pooled buffer (returned even after grow)
    char* data_;                     ///< the buffer in use: pooled_ or grown_
    std::size_t size_ = kBufferSize; ///< size of data_ in bytes
    std::unique_ptr<char[]> grown_;  ///< larger buffer for an oversized response header, or null
  };

  BufferPool();
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  /// Number of buffers on the free list (for tests).
  std::size_t freeCount() const noexcept { return free_.size(); }
  /// Number of buffers ever created (slabs × kSlabBuffers).
  std::size_t capacity() const noexcept { return slabs_.size() * kSlabBuffers; }

 private:
  char* take();
  void give(char* buffer) noexcept;

  std::vector<char*> slabs_;  ///< mmap'ed regions of kSlabBuffers buffers each
  std::vector<char*> free_;   ///< idle buffers, most recently returned last
  std::size_t released_below_ = 0;  ///< free_[0, released_below_) had their pages released
};

}  // namespace accurate::http

#include "http/buffer_pool.hpp"

#include <accurate/sdk/errors.hpp>

#include <sys/mman.h>

#include <cstring>

namespace accurate::http {

namespace {
constexpr std::size_t kSlabBytes = BufferPool::kBufferSize * BufferPool::kSlabBuffers;
}

BufferPool::BufferPool() { free_.reserve(kSlabBuffers); }

BufferPool::~BufferPool() {
  for (char* slab : slabs_) munmap(slab, kSlabBytes);
}

char* BufferPool::take() {
  if (free_.empty()) {
    void* slab = mmap(nullptr, kSlabBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (slab == MAP_FAILED) throw sdk::Error("HTTP read buffers: cannot map 512 KiB: " + std::string(strerror(errno)));
    slabs_.push_back(static_cast<char*>(slab));
    free_.reserve(capacity());  // give() then never allocates
    for (std::size_t i = kSlabBuffers; i-- > 0;) free_.push_back(static_cast<char*>(slab) + i * kBufferSize);
  }
  char* buffer = free_.back();
  free_.pop_back();
  if (released_below_ > free_.size()) released_below_ = free_.size();
  return buffer;
}

void BufferPool::give(char* buffer) noexcept {
  free_.push_back(buffer);  // on top: the next take() reuses it while its pages are warm
  while (free_.size() - released_below_ > kMaxResidentFree) {
    madvise(free_[released_below_], kBufferSize, MADV_DONTNEED);  // the coldest resident free buffer
    ++released_below_;
  }
}

void BufferPool::Lease::grow(std::size_t new_size, std::size_t keep) {
  auto bigger = std::make_unique_for_overwrite<char[]>(new_size);
  std::memcpy(bigger.get(), data_, keep);
  grown_ = std::move(bigger);
  data_ = grown_.get();
  size_ = new_size;
}

}  // namespace accurate::http

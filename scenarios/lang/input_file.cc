// scenarios/lang/input_file.cc: see input_file.h.
#include "scenarios/lang/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ravel::lang {

bool read_input_file(const std::string& path, size_t max_bytes, std::string* text,
                     std::string* reason) {
  // O_NONBLOCK: opening a FIFO without a writer must not wait; it is refused by fstat below.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *reason = std::strerror(errno);
    return false;
  }
  struct stat st {};
  bool ok = false;
  if (::fstat(fd, &st) != 0) {
    *reason = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    *reason = S_ISDIR(st.st_mode) ? "is a folder" : "not a regular file";
  } else if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    *reason = "larger than " + std::to_string(max_bytes) + " bytes";
  } else {
    text->assign(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    ok = true;
    // The file may shrink or grow while read: read what fits, stop at end of file.
    while (got < text->size()) {
      ssize_t n = ::read(fd, text->data() + got, text->size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        *reason = std::strerror(errno);
        ok = false;
        break;
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    text->resize(got);
  }
  ::close(fd);
  return ok;
}

}  // namespace ravel::lang

//go:build unix

package boundedio

import "syscall"

// openNonblock makes opening a named pipe return at once, without waiting
// for a writer; it changes nothing for a regular file.
const openNonblock = syscall.O_NONBLOCK

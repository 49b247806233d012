//go:build !unix

package boundedio

// openNonblock is 0 where the system has no O_NONBLOCK; the check of the
// path's type before opening still refuses a named pipe.
const openNonblock = 0

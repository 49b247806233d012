// Package atomicfile writes domino's output files so that a path holds
// either its old content or the complete new one, never a torn file: the
// output goes to a temporary file in the same directory, is flushed and
// fsynced, and is renamed over the target (rename(2) is atomic within a
// file system). A Pending tracks the writes of one command, so that an
// interrupted command removes its temporary files even when it cannot
// wait for them to finish. Only regular files (or links to one) and new
// paths are replaced: a device, a named pipe or a directory is refused
// before anything is written.
package atomicfile

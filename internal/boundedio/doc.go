// Package boundedio reads the files domino is given — platform and scenario
// files, importer sources, results, rank and part files — with one set of
// rules: only regular files, checked before and after opening so that a
// named pipe or a device is refused at once instead of blocking or reading
// forever, and never more than a size cap, checked on the file's size
// before anything is read and again while reading.
package boundedio

// Package layering holds no code: its test checks that the project's
// packages import each other only in the one direction docs/architecture.md
// draws (cmd → output → sim → graph), so that a cycle or a shortcut is
// caught when it is written, not in review.
package layering

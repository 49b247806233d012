package main

// The images under docs/img/ that README.md shows are drawn by domino
// itself (run, plot, graph, trace on the embedded Kakao example). Redraw
// them after changing the model, a built-in scenario or the drawing code:
//
//	go generate ./cmd/domino
//
// go generate runs in this directory; the script finds the repository root.
//go:generate bash ../../scripts/docs-images.sh

// Package output renders domino's results as text: tables (fitted to the
// terminal), Markdown, CSV and JSON of results, comparisons, compliance,
// rank, advice, annual risk and traces, and the number formats they share.
// Figures are drawn by the subpackage chart and the HTML report is written
// by report; both build on the rows and formats here.
//
// Diagrams are written as Graphviz DOT text by DOT (no Graphviz needed) and
// laid out by Graphviz 12 compiled to WebAssembly (github.com/goccy/go-graphviz,
// run by wazero): RenderSVG emits its SVG. RenderPNG does not use Graphviz's
// own PNG renderer, which draws edges as black blobs in go-graphviz v0.2.10;
// it asks Graphviz for its JSON output, which carries the xdot drawing
// operations of every node, edge, cluster and label (the xdot format,
// https://graphviz.org/docs/outputs/canon/#xdot), and paints them with a
// pure-Go 2D rasterizer (git.sr.ht/~sbinet/gg) and the Liberation fonts.
//
// Graphviz is not safe for concurrent use, so every call into it is
// serialised by one package-level mutex.
package output

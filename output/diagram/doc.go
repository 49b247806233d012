// Package diagram draws domino's Graphviz diagrams: the service graph of a
// platform (DOT: sites as clusters, services and their replicas, every kind
// of link, coloured by results or rank when given; collapsed into one node
// per site above CollapseAbove services, or cut to one service's
// neighbourhood) and the cascade of one traced trial (Cascade).
//
// Diagrams are written as Graphviz DOT text (no Graphviz needed) and laid
// out by Graphviz 12 compiled to WebAssembly (github.com/goccy/go-graphviz,
// run by wazero): RenderSVG emits its SVG. RenderPNG does not use Graphviz's
// own PNG renderer, which draws edges as black blobs in go-graphviz v0.2.10;
// it asks Graphviz for its JSON output, which carries the xdot drawing
// operations of every node, edge, cluster and label (the xdot format,
// https://graphviz.org/docs/outputs/canon/#xdot), and paints them with a
// pure-Go 2D rasterizer (git.sr.ht/~sbinet/gg) and the Liberation fonts.
//
// Graphviz is not safe for concurrent use, so every call into it is
// serialised by one package-level mutex.
package diagram

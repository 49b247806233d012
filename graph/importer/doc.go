// Package importer turns a service graph kept elsewhere (a Backstage catalog,
// Jaeger dependencies, a Kiali graph, a Graphviz DOT file, or the
// OpenTelemetry servicegraph connector's Prometheus metrics) into a domino
// platform file (docs/model.md §2–§5).
//
// Every format reads into one builder that normalises names into domino ids
// (lower case, other characters → "-", the original kept as the service's
// name), qualifies names that collide (namespace, then kind or node type,
// then cluster) and gives a stable numeric suffix to those that still do,
// merges duplicate pairs, and sorts services and edges, so the output
// depends only on the set of inputs, never on their order. An edge points
// from the dependent to what it needs: a caller depends on its callee.
// Whatever is dropped (self-links, empty names, unknown references, edges
// below the call threshold) is reported as a warning, never silently.
package importer

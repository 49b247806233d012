// Package output renders domino's results as text: tables (fitted to the
// terminal), Markdown, CSV and JSON of results, comparisons, compliance,
// rank, advice, annual risk and traces, and the number formats they share.
// Its subpackages do the other jobs, on the rows and formats here: chart
// draws the figures, diagram the Graphviz diagrams, report the HTML page.
package output

// Package sim provides domino's Monte Carlo engine: each trial is a
// discrete-event simulation, in integer milliseconds, of one scenario on a
// compiled platform (docs/model.md §6), and trials are aggregated by streaming
// into exact integer sums and mergeable histograms (docs/model.md §8).
//
// Every random draw comes from a stream keyed by (seed, trial, entity,
// purpose, occurrence) (docs/model.md §7), so a trial's outcome depends on
// nothing but its key: not on the worker count, nor on other trials, nor on
// unrelated services (common random numbers).
//
// The set of up services is the greatest fixed point of docs/model.md §6.5. It is
// kept incrementally: a service that goes down knocks out its dependents; a
// service that regains its placement comes up once its hard dependencies
// are up, which propagates along reverse edges; and the members of a
// dependency cycle (a strongly connected component, found at compile time)
// are raised together, tentatively, then knocked out again while one lacks
// a dependency, which leaves the greatest fixed point of the cycle. No event
// recomputes the whole graph.
package sim

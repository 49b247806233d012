// Package sim provides domino's Monte Carlo engine: each trial is a
// discrete-event simulation, in integer milliseconds, of one scenario on a
// compiled platform (MODEL.md §6), and trials are aggregated by streaming
// into exact integer sums and mergeable histograms (MODEL.md §8).
//
// Every random draw comes from a stream keyed by (seed, trial, entity,
// purpose, occurrence) (MODEL.md §7), so a trial's outcome depends on
// nothing but its key: not on the worker count, nor on other trials, nor on
// unrelated services (common random numbers).
//
// The set of up services is the greatest fixed point of MODEL.md §6.5. It is
// kept incrementally: a service that goes down knocks out its dependents;
// services that may come up are tentatively raised as a region and the ones
// that cannot hold are knocked out again, which finds the greatest fixed
// point of the region, cycles included.
package sim

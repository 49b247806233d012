package sim

import (
	"math"
	"math/rand/v2"
	"unsafe"

	"github.com/dominosim/domino/graph"
)

// sample draws d from the stream keyed by (trial, entity, purpose, n),
// exactly as d.Sample would from that stream, with shortcuts measured on
// the engine's hot path: a fixed duration derives no key (nothing is drawn
// from it) and costs no call, for sample inlines into its callers (about
// half the restarts and failovers of a generated platform are fixed); and
// a lognormal or an exponential takes its ziggurat's fast path inline
// instead of through math/rand/v2 and gonum's interface calls.
func (t *Trial) sample(d *graph.Dist, entity, purpose, n uint64) int64 {
	if d.Kind == graph.Fixed {
		return int64(d.A)
	}
	return t.sampleDrawn(d, entity, purpose, n)
}

// sampleDrawn is sample for the families that draw from the stream.
func (t *Trial) sampleDrawn(d *graph.Dist, entity, purpose, n uint64) int64 {
	g := &t.src
	g.s = key(t.key, entity, purpose, n)
	// Ifs, not a switch, which tested the rarer exponential first.
	if d.Kind == graph.LogNormal {
		// gonum's LogNormal.Rand, with the same expression.
		rnd, ok := zigguratNormal(g.Uint64())
		if !ok {
			rnd = g.normalSlow()
		}
		return graph.RoundSample(math.Exp(rnd*d.B + d.A))
	}
	if d.Kind == graph.Exponential {
		// gonum's Exponential.Rand at the rate Dist.Sample gives it,
		// with the same expressions.
		rnd, ok := zigguratExp(g.Uint64())
		if !ok {
			rnd = g.expSlow()
		}
		return graph.RoundSample(rnd / (1 / d.A))
	}
	return d.Sample(g)
}

// zigguratNormal is the first test of the ziggurat of math/rand/v2's
// NormFloat64 on the stream's next value u: the standard normal draw and
// true when u falls inside a strip's core, as more than 99% of values do.
// For the others normalSlow rewinds the stream by the one value read and
// lets the standard library draw again from there, so that the draw and
// the values consumed are NormFloat64's.
func zigguratNormal(u uint64) (float64, bool) {
	j := int32(u) // possibly negative
	i := u >> 32 & 0x7F
	a := uint32(j)
	if j < 0 {
		a = uint32(-j)
	}
	return float64(j) * float64(wn[i]), a < kn[i]
}

// normalSlow draws the standard normal from the stream's previous value
// on, by the standard library: the way out of zigguratNormal.
//
//go:noinline
func (g *stream) normalSlow() float64 {
	g.s -= 0x9e3779b97f4a7c15
	return rand.New(g).NormFloat64()
}

// zigguratExp is zigguratNormal for the standard exponential draw of
// math/rand/v2's ExpFloat64.
func zigguratExp(u uint64) (float64, bool) {
	j := uint32(u)
	i := uint8(u >> 32)
	return float64(j) * float64(we[i]), j < ke[i]
}

// expSlow draws the standard exponential from the stream's previous value
// on, by the standard library: the way out of zigguratExp.
//
//go:noinline
func (g *stream) expSlow() float64 {
	g.s -= 0x9e3779b97f4a7c15
	return rand.New(g).ExpFloat64()
}

// drawSpec is what a restart or failover time is drawn from, as
// recoveryDist resolves it: a copy of the distribution, the factor on the
// draw and whether it is drawn for the manual purpose. Restarts and
// failovers of a trial start by the hundred, each the first touch of its
// service's record in the compiled graph (four cache lines, the manual
// distribution behind a pointer on another): the specs, shared by every
// service with the same distribution, and their indices by replica and
// service are a few kilobytes instead.
type drawSpec struct {
	d      graph.Dist
	times  int32
	manual bool
}

// recoveryTables are the drawSpecs of the compiled scenario's restarts and
// failovers (newRecoveryTables); nothing changes them after.
type recoveryTables struct {
	specs []drawSpec
	// failoverSpec indexes specs by service: its failover's, [automated,
	// manual].
	failoverSpec [][2]int32
	// repCrew is what the gates and crews read of each replica.
	repCrew []repCrew
}

// repCrew is a replica's service, the crew queue's rank of its restart
// (graph.Compiled.JobRank), its restart's specs, [automated, manual], and
// the key of its draws: 24 bytes a replica, where the gates and crews read
// a cache line of its compiled record, one of its service's and the rank
// by job number, twelve bytes apart, each cold since the last trial.
type repCrew struct {
	svc, restartRank int32
	restartSpec      [2]int32
	key              uint64
}

// newRecoveryTables resolves every service's restart and failover, both
// ways, into specs, one spec for equal ones.
func newRecoveryTables(c *graph.Compiled) recoveryTables {
	type specKey struct {
		kind    graph.DistKind
		a, b, c uint64 // the bits: -0 and NaN as they are
		values  *int64
		nValues int
		times   int64
		manual  bool
	}
	var rt recoveryTables
	seen := map[specKey]int32{}
	add := func(rc *graph.Recovery, manual bool) int32 {
		d, purpose, times := recoveryDist(rc, manual, 0, 1)
		k := specKey{d.Kind, math.Float64bits(d.A), math.Float64bits(d.B), math.Float64bits(d.C),
			unsafe.SliceData(d.Values), len(d.Values), times, purpose == 1}
		i, ok := seen[k]
		if !ok {
			i = int32(len(rt.specs))
			seen[k] = i
			rt.specs = append(rt.specs, drawSpec{d: *d, times: int32(times), manual: purpose == 1})
		}
		return i
	}
	rt.failoverSpec = make([][2]int32, len(c.Services))
	for s := range c.Services {
		cs := &c.Services[s]
		rt.failoverSpec[s] = [2]int32{add(&cs.Failover, false), add(&cs.Failover, true)}
	}
	rt.repCrew = make([]repCrew, len(c.Replicas))
	for r := range c.Replicas {
		cs := &c.Services[c.Replicas[r].Service]
		rt.repCrew[r] = repCrew{
			svc:         c.Replicas[r].Service,
			restartRank: c.JobRank[graph.JobRestart(int32(r))],
			restartSpec: [2]int32{add(&cs.Restart, false), add(&cs.Restart, true)},
			key:         c.Replicas[r].Key,
		}
	}
	return rt
}

// fixed returns the time of a spec with a fixed distribution, which
// draws nothing, and true; or false.
func (sp *drawSpec) fixed() (int64, bool) {
	return int64(sp.times) * int64(sp.d.A), sp.d.Kind == graph.Fixed
}

// drawn returns the n-th time of a spec that draws (not fixed), for
// the entity's key and the purposes of the automated and manual draws,
// as times × sample of recoveryDist's distribution and purpose.
func (t *Trial) drawn(sp *drawSpec, entity, pAuto, pManual, n uint64) int64 {
	p := pAuto
	if sp.manual {
		p = pManual
	}
	return int64(sp.times) * t.sampleDrawn(&sp.d, entity, p, n)
}

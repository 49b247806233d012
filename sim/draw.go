package sim

import (
	"math"
	"math/rand/v2"

	"github.com/dominosim/domino/graph"
)

// sample draws d from the stream keyed by (trial, entity, purpose, n),
// exactly as d.Sample would from that stream, with two shortcuts measured
// on the engine's hot path: a fixed duration derives no key (nothing is
// drawn from it) and costs no call, for sample inlines into its callers
// (about half the restarts and failovers of a generated platform are
// fixed); and a lognormal takes the ziggurat's fast path inline instead of
// through math/rand/v2 and gonum's interface calls.
func (t *Trial) sample(d *graph.Dist, entity, purpose, n uint64) int64 {
	if d.Kind == graph.Fixed {
		return int64(d.A)
	}
	return t.sampleDrawn(d, entity, purpose, n)
}

// sampleDrawn is sample for the families that draw from the stream.
func (t *Trial) sampleDrawn(d *graph.Dist, entity, purpose, n uint64) int64 {
	t.src.s = key(t.key, entity, purpose, n)
	if d.Kind == graph.LogNormal {
		// gonum's LogNormal.Rand, with the same expression.
		g := &t.src
		rnd, ok := zigguratFast(g.Uint64())
		if !ok {
			rnd = g.normalSlow()
		}
		return graph.RoundSample(math.Exp(rnd*d.B + d.A))
	}
	return d.Sample(&t.src)
}

// normal returns the standard normal draw that
// rand.New(g).NormFloat64() would return, consuming the same values of the
// stream. More than 99% of draws take the ziggurat's first test, which
// zigguratFast inlines; the others rewind the stream by the one value read
// and let the standard library draw again from there (normalSlow).
func (g *stream) normal() float64 {
	if x, ok := zigguratFast(g.Uint64()); ok {
		return x
	}
	return g.normalSlow()
}

// zigguratFast is the first test of NormFloat64's ziggurat on the stream's
// value u: the normal draw and true when u falls inside a strip's core.
func zigguratFast(u uint64) (float64, bool) {
	j := int32(u) // possibly negative
	i := u >> 32 & 0x7F
	a := uint32(j)
	if j < 0 {
		a = uint32(-j)
	}
	return float64(j) * float64(wn[i]), a < kn[i]
}

// normalSlow draws the standard normal of the stream's previous value
// by the standard library: normal's way out of the ziggurat's first test.
//
//go:noinline
func (g *stream) normalSlow() float64 {
	g.s -= 0x9e3779b97f4a7c15
	return rand.New(g).NormFloat64()
}

package sim

import (
	"math"
	"math/rand/v2"

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

package sim

import (
	"math"
	"math/rand/v2"

	"github.com/dominosim/domino/graph"
)

// sample draws d from the stream keyed by (trial, entity, purpose, n),
// exactly as d.Sample would from that stream, with two shortcuts measured
// on the engine's hot path: a fixed duration derives no key (nothing is
// drawn from it), and a lognormal takes the ziggurat's fast path inline
// instead of through math/rand/v2 and gonum's interface calls.
func (t *Trial) sample(d *graph.Dist, entity, purpose, n uint64) int64 {
	switch d.Kind {
	case graph.Fixed:
		return int64(d.A)
	case graph.LogNormal:
		t.src.s = key(t.key, entity, purpose, n)
		// gonum's LogNormal.Rand, with the same expression.
		rnd := t.src.normal()
		return graph.RoundSample(math.Exp(rnd*d.B + d.A))
	}
	t.src.s = key(t.key, entity, purpose, n)
	return d.Sample(&t.src)
}

// normal returns the standard normal draw that
// rand.New(g).NormFloat64() would return, consuming the same values of the
// stream. More than 99% of draws take the ziggurat's first test, which
// this inlines; the others rewind the stream by the one value read and let
// the standard library draw again from there.
func (g *stream) normal() float64 {
	u := g.Uint64()
	j := int32(u) // possibly negative
	i := u >> 32 & 0x7F
	x := float64(j) * float64(wn[i])
	a := uint32(j)
	if j < 0 {
		a = uint32(-j)
	}
	if a < kn[i] {
		return x
	}
	g.s -= 0x9e3779b97f4a7c15
	return rand.New(g).NormFloat64()
}

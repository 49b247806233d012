package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// normal is the standard normal draw sampleDrawn makes for a lognormal.
func (g *stream) normal() float64 {
	if x, ok := zigguratNormal(g.Uint64()); ok {
		return x
	}
	return g.normalSlow()
}

// exp is the standard exponential draw sampleDrawn makes for an
// exponential.
func (g *stream) exp() float64 {
	if x, ok := zigguratExp(g.Uint64()); ok {
		return x
	}
	return g.expSlow()
}

// TestZigguratsSameAsStdlib checks the inlined ziggurats against
// math/rand/v2's NormFloat64 and ExpFloat64 from the same stream state,
// draw by draw, and that both leave the stream in the same state. A
// million draws reach every strip of a ziggurat and its slow paths (about
// 1% of draws), so a mistyped table entry would show.
func TestZigguratsSameAsStdlib(t *testing.T) {
	const draws = 1_000_000
	for _, tc := range []struct {
		name      string
		fast, ref func(*stream) float64
	}{
		{"normal", (*stream).normal, func(g *stream) float64 { return rand.New(g).NormFloat64() }},
		{"exponential", (*stream).exp, func(g *stream) float64 { return rand.New(g).ExpFloat64() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slow := 0
			for k := range uint64(draws) {
				s := key(trialKey(1, int(k)), 7, pRestartAuto, k)
				fast, ref := stream{s}, stream{s}
				got := tc.fast(&fast)
				want := tc.ref(&ref)
				require.Equal(t, want, got, "key %#x", s)
				require.Equal(t, ref.s, fast.s, "key %#x: state", s)
				if ref.s != s+0x9e3779b97f4a7c15 {
					slow++
				}
			}
			assert.Greater(t, slow, draws/1000, "the slow path was hardly taken: the test proves little")
		})
	}
}

// TestSampleSameAsDist checks Trial.sample against graph.Dist.Sample on
// the keyed stream, for every family, including the rounding and clamping
// at both ends.
func TestSampleSameAsDist(t *testing.T) {
	must := func(d graph.Dist, err error) graph.Dist {
		require.NoError(t, err)
		return d
	}
	dists := map[string]graph.Dist{
		"fixed":             graph.NewFixed(90 * graph.Minute),
		"fixed-0":           graph.NewFixed(0),
		"uniform":           must(graph.NewUniform(graph.Hour, 3*graph.Hour)),
		"triangular":        must(graph.NewTriangular(0, graph.Hour, 5*graph.Hour)),
		"exponential":       must(graph.NewExponential(5 * graph.Hour)),
		"lognormal":         must(graph.NewLogNormalQuantiles(6*graph.Hour, 24*graph.Hour)),
		"lognormal-tiny":    must(graph.NewLogNormalQuantiles(1, 3)), // rounds to 0 often
		"lognormal-huge":    must(graph.NewLogNormal(40, 30)),        // clamps at the longest duration
		"lognormal-ln-hour": must(graph.NewLogNormal(0.5, 1.5)),      // the mu, sigma form
		"weibull":           must(graph.NewWeibull(1.5, 4*graph.Hour)),
		"gamma":             must(graph.NewGamma(0.7, 2*graph.Hour)),
		"empirical":         must(graph.NewEmpirical([]int64{5, 0, 7_000})),
	}
	tr := &Trial{}
	for name, d := range dists {
		t.Run(name, func(t *testing.T) {
			for k := range uint64(20000) {
				tr.key = trialKey(3, int(k))
				got := tr.sample(&d, 11, pTTR, k)
				want := d.Sample(&stream{key(tr.key, 11, pTTR, k)})
				require.Equal(t, want, got, "draw %d", k)
			}
		})
	}
}

// BenchmarkDraw times one keyed draw per family, the engine's way.
func BenchmarkDraw(b *testing.B) {
	ln, err := graph.NewLogNormalQuantiles(6*graph.Hour, 24*graph.Hour)
	require.NoError(b, err)
	for _, tc := range []struct {
		name string
		d    graph.Dist
	}{{"fixed", graph.NewFixed(graph.Hour)}, {"lognormal", ln}} {
		b.Run(tc.name, func(b *testing.B) {
			tr := &Trial{clock: clock{key: 1}}
			var sum int64
			for i := 0; i < b.N; i++ {
				sum += tr.draw(&tc.d, 5, pRestartAuto, uint64(i))
			}
			sinkInt = sum
		})
	}
}

var sinkInt int64

// BenchmarkDrawDist times the same draws through graph.Dist.Sample, the
// engine's way before sample.
func BenchmarkDrawDist(b *testing.B) {
	ln, err := graph.NewLogNormalQuantiles(6*graph.Hour, 24*graph.Hour)
	require.NoError(b, err)
	var src stream
	var sum int64
	for i := 0; i < b.N; i++ {
		src.s = key(1, 5, pRestartAuto, uint64(i))
		sum += ln.Sample(&src)
	}
	sinkInt = sum
}

// TestRecoveryTablesSameAsDist checks the restart and failover times drawn
// through newRecoveryTables' specs against recoveryDist and sample, which
// the engine drew from before, for every family, with and without a
// manual time, both ways; and that equal distributions share a spec and
// no other do (-0 is not 0).
func TestRecoveryTablesSameAsDist(t *testing.T) {
	must := func(d graph.Dist, err error) graph.Dist {
		require.NoError(t, err)
		return d
	}
	ln := must(graph.NewLogNormalQuantiles(6*graph.Hour, 24*graph.Hour))
	dists := []graph.Dist{
		graph.NewFixed(90 * graph.Minute),
		graph.NewFixed(0),
		{Kind: graph.Fixed, A: math.Copysign(0, -1)},
		must(graph.NewUniform(graph.Hour, 3*graph.Hour)),
		must(graph.NewTriangular(0, graph.Hour, 5*graph.Hour)),
		must(graph.NewExponential(5 * graph.Hour)),
		ln,
		must(graph.NewWeibull(1.5, 4*graph.Hour)),
		must(graph.NewGamma(0.7, 2*graph.Hour)),
		must(graph.NewEmpirical([]int64{5, 0, 7_000})),
	}
	c := &graph.Compiled{}
	for i, d := range dists {
		for j, m := range []*graph.Dist{nil, &ln, &dists[(i+3)%len(dists)]} {
			c.Replicas = append(c.Replicas, graph.CReplica{Service: int32(len(c.Services))})
			c.Services = append(c.Services, graph.CService{
				Key:      uint64(100*i + j),
				Restart:  graph.Recovery{Auto: d, Manual: m},
				Failover: graph.Recovery{Auto: dists[(i+1)%len(dists)], Manual: m},
			})
		}
	}
	c.JobRank = make([]int32, graph.JobRestart(int32(len(c.Replicas))))
	rt := newRecoveryTables(c) // replica r is of service r
	drawTime := func(tr *Trial, i int32, entity, pAuto, pManual, n uint64) int64 {
		sp := &rt.specs[i]
		if d, ok := sp.fixed(); ok {
			return d
		}
		return tr.drawn(sp, entity, pAuto, pManual, n)
	}
	tr := &Trial{}
	for s := range c.Services {
		cs := &c.Services[s]
		for m, manual := range []bool{false, true} {
			for k := range uint64(300) {
				tr.key = trialKey(5, int(k))
				d, p, times := recoveryDist(&cs.Restart, manual, pRestartAuto, pRestartManual)
				require.Equal(t, times*tr.sample(d, cs.Key, p, k), drawTime(tr, rt.repCrew[s].restartSpec[m], cs.Key, pRestartAuto, pRestartManual, k), "restart of %d, manual %v, draw %d", s, manual, k)
				d, p, times = recoveryDist(&cs.Failover, manual, pFailoverAuto, pFailoverManual)
				require.Equal(t, times*tr.sample(d, cs.Key, p, k), drawTime(tr, rt.failoverSpec[s][m], cs.Key, pFailoverAuto, pFailoverManual, k), "failover of %d, manual %v, draw %d", s, manual, k)
			}
		}
	}
	// Each distinct (distribution, factor, purpose) once: every
	// distribution automated, manual, and 10× automated for no manual.
	assert.Len(t, rt.specs, 3*len(dists), "specs shared")
	assert.Equal(t, rt.repCrew[0].restartSpec[0], rt.failoverSpec[27][0], "a restart's and a failover's equal automated times")
	assert.NotEqual(t, rt.repCrew[3].restartSpec[0], rt.repCrew[6].restartSpec[0], "0 and -0")
}

package sim

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

var sinkRanking *Ranking

var rankBenchCases = []struct {
	name string
	c    func(b *testing.B) *graph.Compiled
}{
	{"kakao", benchCases[0].c},
	{"gen-200", func(b *testing.B) *graph.Compiled { return generated(b, 200, 6) }},
}

// allWorlds lists the failed and perfect world of every service and site.
func allWorlds(c *graph.Compiled) []World {
	var ws []World
	for s := range c.Services {
		ws = append(ws, World{ServiceFailed, int32(s)}, World{ServicePerfect, int32(s)})
	}
	for x := range c.Sites {
		ws = append(ws, World{SiteFailed, int32(x)}, World{SitePerfect, int32(x)})
	}
	return ws
}

// BenchmarkWorldTrial times one trial in a what-if world, cycling through
// every world of rank: ns/op is ns per world-trial, to hold against
// BenchmarkTrial's ns per plain trial (the same trials, no world).
func BenchmarkWorldTrial(b *testing.B) {
	for _, tc := range rankBenchCases {
		b.Run(tc.name, func(b *testing.B) {
			c := tc.c(b)
			ws := allWorlds(c)
			tr := NewTrial(c, nil)
			for i, w := range ws {
				tr.SetWorld(w)
				tr.Run(1, i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tr.SetWorld(ws[i%len(ws)])
				sinkOutcome = tr.Run(1, i%100000)
			}
		})
		b.Run(tc.name+"/plain", func(b *testing.B) {
			c := tc.c(b)
			tr := NewTrial(c, nil)
			for i := range 50 {
				tr.Run(1, i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkOutcome = tr.Run(1, i%100000)
			}
		})
	}
}

// BenchmarkRank times a whole rank of every service and site, 100 trials
// per world, on 2 workers.
func BenchmarkRank(b *testing.B) {
	for _, tc := range rankBenchCases {
		b.Run(tc.name, func(b *testing.B) {
			c := tc.c(b)
			items, err := ParseItems(c, "")
			require.NoError(b, err)
			m, _ := ParseMeasure("user-hours", nil)
			const trials = 100
			for i := 0; i < b.N; i++ {
				if sinkRanking, err = Rank(context.Background(), c, items, m, Options{Trials: trials, Seed: 1, Workers: 2}); err != nil {
					b.Fatal(err)
				}
			}
			worldTrials := float64((1 + 2*len(items)) * trials)
			b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(b.N)*worldTrials), "ns/world-trial")
		})
	}
}

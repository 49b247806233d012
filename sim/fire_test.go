package sim

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFireRowsSameAsDirect checks that deferring a fire's services into
// fire rows (fire.go) aggregates exactly what recording each trial at once
// does: the same accumulators and results, with rows drained at every
// flush or every few trials, whole or merged from two halves (against
// halves merged without rows: a merge may leave empty histogram rows
// where adding does not), on the embedded scenarios and generated
// platforms.
func TestFireRowsSameAsDirect(t *testing.T) {
	deferred := 0
	for name, c := range snapshotCases(t) {
		trials := 300
		if len(c.Services) > 500 {
			trials = 40
		}
		grid := Grid(c.Horizon, 10)
		tr := NewTrial(c, grid)
		n := len(c.Services)
		rows := map[string]func() fireRows{
			"direct":  func() fireRows { return fireRows{} },
			"pendCap": func() fireRows { return fireRowsOf(n, pendCap) },
			"3 rows":  func() fireRows { return fireRowsOf(n, 3) },
		}
		aggs, halves := map[string]*Aggregator{}, map[string][2]*Aggregator{}
		for way, f := range rows {
			h := [3]*Aggregator{NewAggregator(c, grid), NewAggregator(c, grid), NewAggregator(c, grid)}
			for _, a := range h {
				a.fire = f()
			}
			aggs[way], halves[way] = h[0], [2]*Aggregator{h[1], h[2]}
		}
		for k := range trials {
			o := tr.Run(1, k)
			for way := range rows {
				aggs[way].Add(o)
				halves[way][k%2].Add(o)
			}
			for _, m := range aggs["3 rows"].fire.marks {
				deferred += int(b2i(m))
			}
		}
		want, wantMerged := aggs["direct"], halves["direct"][0]
		wantMerged.Merge(halves["direct"][1])
		for _, way := range []string{"pendCap", "3 rows"} {
			sameAccumulators(t, want, aggs[way], name+", "+way)
			h := halves[way]
			h[0].Merge(h[1])
			sameAccumulators(t, wantMerged, h[0], name+", "+way+", merged halves")
		}
		require.Equalf(t, want.Results(1), aggs["3 rows"].Results(1), "%s: results", name)
	}
	require.Positive(t, deferred, "no service was ever deferred: the test compares nothing")
}

// sameAccumulators checks that a and b hold the same services'
// accumulators once settled and flushed, their pending values aside (none
// then, but one may have a buffer where the other has none).
func sameAccumulators(t *testing.T, a, b *Aggregator, what string) {
	t.Helper()
	for _, x := range []*Aggregator{a, b} {
		x.settle()
		x.flush()
	}
	require.Equal(t, a.trials, b.trials, what)
	for s := range a.svc {
		x, y := a.svc[s], b.svc[s]
		for _, acc := range []*svcAcc{&x, &y} {
			for _, st := range [...]*stat{&acc.down, &acc.recovery, &acc.degraded, &acc.loss, &acc.shed, &acc.restored,
				&acc.joint[0], &acc.joint[1], &acc.joint[2], &acc.joint[3]} {
				require.Empty(t, st.pend, what)
				st.pend = nil
			}
		}
		if !reflect.DeepEqual(x, y) {
			require.Equalf(t, x, y, "%s: service %d", what, s)
		}
	}
}

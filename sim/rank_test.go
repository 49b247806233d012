package sim

import (
	"context"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rankOf ranks every item of c on metric spec with n trials.
func rankOf(t *testing.T, yaml, spec string, n, workers int) *Ranking {
	t.Helper()
	c := compile(t, yaml, "")
	items, err := ParseItems(c, "")
	require.NoError(t, err)
	var ids []string
	for _, s := range c.Services {
		ids = append(ids, s.ID)
	}
	m, err := ParseMeasure(spec, ids)
	require.NoError(t, err)
	r, err := Rank(context.Background(), c, items, m, Options{Trials: n, Seed: 1, Workers: workers})
	require.NoError(t, err)
	return r
}

func item(t *testing.T, r *Ranking, kind, id string) RankItem {
	t.Helper()
	i := slices.IndexFunc(r.Items, func(it RankItem) bool { return it.Kind == kind && it.ID == id })
	require.GreaterOrEqual(t, i, 0, "no %s %q in the ranking", kind, id)
	return r.Items[i]
}

// A static fault tree: each component is a service that a service-fault
// with a probability takes down for the whole horizon; a train is down when
// its valve or its pump is (two hard dependencies); the top event is both
// trains down (an any-group of the trains, need 1).
const twoTrain = `
version: 1
platform:
  name: two-train
  sites: [{id: a}]
  services:
    - {id: valve1, placement: {a: 1}}
    - {id: pump1, placement: {a: 1}}
    - {id: valve2, placement: {a: 1}}
    - {id: pump2, placement: {a: 1}}
    - {id: train1, placement: {a: 1}, depends_on: [valve1, pump1]}
    - {id: train2, placement: {a: 1}, depends_on: [valve2, pump2]}
    - {id: top, placement: {a: 1}, depends_on: [{any: [train1, train2], need: 1}]}
scenarios:
  - id: static
    horizon: 1h
    events:
      - {kind: service-fault, services: [valve1], probability: 0.5, duration: 2h}
      - {kind: service-fault, services: [valve2], probability: 0.5, duration: 2h}
      - {kind: service-fault, services: [pump1], probability: 0.7, duration: 2h}
      - {kind: service-fault, services: [pump2], probability: 0.7, duration: 2h}
`

// within checks got against want within k standard errors se.
func within(t *testing.T, what string, got, want, se float64) {
	t.Helper()
	const k = 4
	assert.InDelta(t, want, got, k*se, "%s: want within %d standard errors (± %.4f)", what, k, k*se)
}

// checkMeasures compares an item's measures with textbook values. P0, P1
// and Pp are the top event's probability in the baseline, with the item
// failed and with it perfect; b is the Birnbaum importance P1 − Pp, which
// per trial is a Bernoulli(b) difference of the paired worlds (the top
// fails with the item failed but not with it perfect), so its standard
// error is √(b(1−b)/n). The ratios' standard errors are propagated to
// first order from the means', ignoring the worlds' positive correlation,
// which only widens the bound.
func checkMeasures(t *testing.T, r *Ranking, id string, n int, p0, p1, pp float64) {
	t.Helper()
	it := item(t, r, "service", id)
	se := func(p float64) float64 { return math.Sqrt(p * (1 - p) / float64(n)) }
	rel := func(a, b float64) float64 { return math.Hypot(se(a)/a, se(b)/b) }
	b := p1 - pp
	within(t, id+" P(top)", r.Baseline.Mean, p0, se(p0))
	within(t, id+" failed", it.Failed.Mean, p1, se(p1))
	within(t, id+" perfect", it.Perfect.Mean, pp, se(pp))
	within(t, id+" Birnbaum", it.Birnbaum, b, se(b))
	within(t, id+" RAW", *it.RAW, p1/p0, p1/p0*rel(p1, p0))
	within(t, id+" RRW", *it.RRW, p0/pp, p0/pp*rel(p0, pp))
	// FV = 1 − Pp/P0.
	within(t, id+" FV", *it.FV, (p0-pp)/p0, pp/p0*rel(pp, p0))
}

func TestRankTwoTrainFaultTree(t *testing.T) {
	const n = 20000
	r := rankOf(t, twoTrain, "affected:top", n, 2)
	// A train fails with P(valve ∪ pump) = 1 − 0.5 × 0.3 = 0.85; the top
	// event needs both: 0.85² = 0.7225.
	// valve1 failed: train1 surely fails, top = P(train2) = 0.85.
	// valve1 perfect: train1 fails only by its pump, top = 0.7 × 0.85 = 0.595.
	// Birnbaum 0.255, RAW 0.85/0.7225 = 1.1765, RRW 0.7225/0.595 = 1.2143,
	// FV (0.7225 − 0.595)/0.7225 = 0.1765 (docs/model.md §10).
	checkMeasures(t, r, "valve1", n, 0.7225, 0.85, 0.595)
	// pump1 failed: top = 0.85 as for the valve; pump1 perfect: train1
	// fails only by its valve, top = 0.5 × 0.85 = 0.425. Birnbaum 0.425,
	// RAW 1.1765, RRW 0.7225/0.425 = 1.7, FV 0.2975/0.7225 = 0.4118.
	checkMeasures(t, r, "pump1", n, 0.7225, 0.85, 0.425)
	// The top event failed is certain; perfect, impossible: RRW has a
	// zero denominator.
	if top := item(t, r, "service", "top"); top.RRW != nil || top.Failed.Mean != 1 || top.Perfect.Mean != 0 {
		t.Errorf("top: got failed %v perfect %v rrw %v, want 1, 0, null", top.Failed.Mean, top.Perfect.Mean, top.RRW)
	}
	// Ranked by saving: a perfect top or a perfect train both leave the top
	// event impossible, so they save exactly the baseline's mean (0.7225)
	// and tie, broken by id: top first. Then the pumps (0.2975) before the
	// valves (0.1275), far apart at this n.
	pos := map[string]int{}
	for i, it := range r.Items {
		pos[it.ID] = i
	}
	if pos["top"] != 0 {
		t.Errorf("top ranked %d, want 0", pos["top"])
	}
	for _, pair := range [][2]string{{"train1", "pump1"}, {"train2", "pump2"}, {"pump1", "valve1"}, {"pump2", "valve2"}, {"pump1", "valve2"}, {"pump2", "valve1"}} {
		if pos[pair[0]] > pos[pair[1]] {
			t.Errorf("%s ranked after %s: %v", pair[0], pair[1], r.Items)
		}
	}
}

func TestRankTwoOfThreeVote(t *testing.T) {
	// The top event fails when at least 2 of 3 components, each failing with
	// p = 0.2, have failed: an any-group of the three with need 2.
	// P0 = 3p²(1−p) + p³ = 0.096 + 0.008 = 0.104.
	// a failed: top iff b or c fails, 1 − (1−p)² = 0.36.
	// a perfect: top iff b and c fail, p² = 0.04.
	// Birnbaum 2p(1−p) = 0.32, RAW 0.36/0.104 = 3.4615,
	// RRW 0.104/0.04 = 2.6, FV 0.064/0.104 = 0.6154.
	const n = 20000
	r := rankOf(t, `
version: 1
platform:
  name: vote
  sites: [{id: x}]
  services:
    - {id: a, placement: {x: 1}}
    - {id: b, placement: {x: 1}}
    - {id: c, placement: {x: 1}}
    - {id: top, placement: {x: 1}, depends_on: [{any: [a, b, c], need: 2}]}
scenarios:
  - id: static
    horizon: 1h
    events:
      - {kind: service-fault, services: [a], probability: 0.2, duration: 2h}
      - {kind: service-fault, services: [b], probability: 0.2, duration: 2h}
      - {kind: service-fault, services: [c], probability: 0.2, duration: 2h}
`, "affected:top", n, 2)
	checkMeasures(t, r, "a", n, 0.104, 0.36, 0.04)
}

func TestRankDeterministicAcrossWorkers(t *testing.T) {
	a := rankOf(t, twoTrain, "affected:top", 500, 1)
	b := rankOf(t, twoTrain, "affected:top", 500, 3)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("1 worker and 3 workers differ:\n%+v\n%+v", a, b)
	}
}

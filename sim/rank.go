package sim

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dominosim/domino/graph"
)

// RankSchema names the version of the rank format.
const RankSchema = "domino.rank/v1"

// Item is a service or a site whose importance domino rank measures.
type Item struct {
	Kind  string // "service" or "site"
	ID    string
	Index int32
}

// ParseItems reads --items: "services", "sites", or a comma-separated list
// of ids, each naming a service, a site or both; "" means every service and
// every site. Items come in platform order, services first.
func ParseItems(c *graph.Compiled, spec string) ([]Item, error) {
	var svcs, sites []string
	for _, s := range c.Services {
		svcs = append(svcs, s.ID)
	}
	for _, x := range c.Sites {
		sites = append(sites, x.ID)
	}
	want := map[string]bool{}
	allSvcs, allSites := spec == "" || spec == "services", spec == "" || spec == "sites"
	if !allSvcs && !allSites {
		for _, id := range strings.Split(spec, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				return nil, fmt.Errorf("--items %q has an empty id", spec)
			}
			if !slices.Contains(svcs, id) && !slices.Contains(sites, id) {
				return nil, fmt.Errorf("--items: no service or site %q%s (or write services or sites)", id, graph.Suggest(id, append(svcs, sites...)))
			}
			want[id] = true
		}
	}
	var items []Item
	for i, id := range svcs {
		if allSvcs || want[id] {
			items = append(items, Item{Kind: "service", ID: id, Index: int32(i)})
		}
	}
	for i, id := range sites {
		if allSites || want[id] {
			items = append(items, Item{Kind: "site", ID: id, Index: int32(i)})
		}
	}
	return items, nil
}

// Ranking is the result of domino rank (docs/model.md §10).
type Ranking struct {
	Schema   string     `json:"schema"`
	Scenario string     `json:"scenario"`
	Metric   string     `json:"metric"`
	Unit     string     `json:"unit"`
	Seed     uint64     `json:"seed"`
	Trials   int        `json:"trials"`
	Baseline Diff       `json:"baseline"`
	Items    []RankItem `json:"items"`
}

// RankItem is one row: the failed and perfect worlds' means, the saving
// (baseline − perfect, paired), and the importance measures; a ratio whose
// denominator is zero is nil (null in JSON).
type RankItem struct {
	Kind     string   `json:"kind"`
	ID       string   `json:"id"`
	Failed   Diff     `json:"failed"`
	Perfect  Diff     `json:"perfect"`
	Saving   Diff     `json:"saving"`
	Birnbaum float64  `json:"birnbaum"`
	RAW      *float64 `json:"raw"`
	RRW      *float64 `json:"rrw"`
	FV       *float64 `json:"fv"`
}

// Rank runs, for every item, the world where it has failed and the one
// where it is perfect over the baseline's trials, and derives the measures
// of docs/model.md §10. Rows are sorted by saving (largest first), then kind,
// then id.
func Rank(ctx context.Context, c *graph.Compiled, items []Item, m Measure, opt Options) (*Ranking, error) {
	if opt.Trials <= 0 {
		opt.Trials = c.Scenario.Trials
	}
	vs := make([]Variant, 0, 2*len(items))
	for _, it := range items {
		failed, perfect := ServiceFailed, ServicePerfect
		if it.Kind == "site" {
			failed, perfect = SiteFailed, SitePerfect
		}
		vs = append(vs, Variant{C: c, World: World{Kind: failed, Index: it.Index}},
			Variant{C: c, World: World{Kind: perfect, Index: it.Index}})
	}
	base, ps, err := RunPaired(ctx, c, vs, m, opt)
	if err != nil {
		return nil, err
	}
	r := &Ranking{Schema: RankSchema, Scenario: c.Scenario.ID, Metric: m.ID, Unit: m.Unit,
		Seed: opt.Seed, Trials: opt.Trials, Baseline: base}
	for i, it := range items {
		f, p := ps[2*i], ps[2*i+1]
		m0, m1, mp := base.Mean, f.Value.Mean, p.Value.Mean
		r.Items = append(r.Items, RankItem{
			Kind: it.Kind, ID: it.ID, Failed: f.Value, Perfect: p.Value, Saving: p.Saving,
			Birnbaum: m1 - mp, RAW: ratio(m1, m0), RRW: ratio(m0, mp), FV: ratio(m0-mp, m0),
		})
	}
	sort.SliceStable(r.Items, func(i, j int) bool {
		a, b := &r.Items[i], &r.Items[j]
		if a.Saving.Mean != b.Saving.Mean {
			return a.Saving.Mean > b.Saving.Mean
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.ID < b.ID
	})
	return r, nil
}

// ratio returns a/b, or nil when b is 0.
func ratio(a, b float64) *float64 {
	if b == 0 {
		return nil
	}
	v := a / b
	return &v
}

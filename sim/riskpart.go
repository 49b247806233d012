package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/dominosim/domino/graph"
)

// RiskPartSchema names the format of a risk run's part file: the
// aggregate of one shard of `domino risk`, stratum by stratum, which
// MergeRiskParts combines with the other shards into the results a single
// run gives, to the byte (docs/model.md §13).
const RiskPartSchema = "domino.risk-part/v1"

// RiskPart is the aggregate of trials [From, To) of a risk run of Trials
// trials. Its fields mean what Part's do; Meta holds what rebuilds the
// plan of strata and the results.
type RiskPart struct {
	Schema         string            `json:"schema"`
	DominoVersion  string            `json:"domino_version"`
	Build          string            `json:"build"`
	ScenarioSHA256 string            `json:"scenario_sha256"`
	Scenario       string            `json:"scenario"`
	Seed           uint64            `json:"seed"`
	Trials         int               `json:"trials"`
	Shard          int               `json:"shard"`
	Shards         int               `json:"shards"`
	From           int               `json:"from"`
	To             int               `json:"to"`
	Meta           RiskPartMeta      `json:"meta"`
	Strata         []RiskStratumPart `json:"strata"`
	BodySHA256     string            `json:"body_sha256"`

	// Name is where the part was read from, for error messages.
	Name string `json:"-"`
}

// RiskPartMeta is what a risk part keeps of the compiled scenario and of
// the plan: the strata are rebuilt from Occurrences, OnlyRates, Plain and
// the run's Trials, as the shards built them.
type RiskPartMeta struct {
	Platform    string        `json:"platform_name,omitempty"`
	Currency    string        `json:"currency,omitempty"`
	HorizonMs   int64         `json:"horizon_ms"`
	Services    []PartService `json:"services"`
	Occurrences float64       `json:"occurrences"`
	// OnlyRates: every event has a rate, so the stratum without
	// occurrences is exact.
	OnlyRates bool `json:"only_rates"`
	Plain     bool `json:"plain"`
}

// RiskStratumPart is one stratum's trials in a part: their losses, and
// the services' downtimes above 0.
type RiskStratumPart struct {
	Trials    int64       `json:"trials"`
	UserHours StatState   `json:"user_milli_hours"`
	Cost      StatState   `json:"cost"`
	CrewMs    StatState   `json:"crew_ms"`
	Downtime  []StatState `json:"downtime_ms"`
}

// Part returns the aggregate as a part of a risk run; the caller sets the
// provenance (version, build, digest) and the range.
func (a *RiskAggregator) Part(seed uint64, opt RiskOptions) (*RiskPart, error) {
	c := a.c
	p := &RiskPart{Schema: RiskPartSchema, Scenario: c.Scenario.ID, Seed: seed, Trials: a.plan.trials,
		Meta: RiskPartMeta{HorizonMs: c.Horizon, Occurrences: a.plan.lambda, OnlyRates: onlyRates(c), Plain: opt.Plain}}
	if c.Platform != nil {
		p.Meta.Platform, p.Meta.Currency = c.Platform.Name, c.Platform.Currency
	}
	for _, s := range c.Services {
		p.Meta.Services = append(p.Meta.Services, PartService{ID: s.ID, Users: s.Users, Priority: s.Priority, CostPerHour: s.CostPerHour})
	}
	for i := range a.acc {
		r := &a.acc[i]
		sp := RiskStratumPart{Trials: r.n, Downtime: make([]StatState, len(r.down))}
		refs := []statRef{{&sp.UserHours, &r.user}, {&sp.Cost, &r.cost}, {&sp.CrewMs, &r.crew}}
		for s := range r.down {
			refs = append(refs, statRef{&sp.Downtime[s], &r.down[s]})
		}
		if err := encodeStats(refs...); err != nil {
			return nil, err
		}
		p.Strata = append(p.Strata, sp)
	}
	return p, nil
}

// onlyRates reports whether every event of c has a rate.
func onlyRates(c *graph.Compiled) bool {
	for i := range c.Events {
		if !(c.Events[i].Rate > 0) {
			return false
		}
	}
	return true
}

// WriteRiskPart writes p as indented JSON ending with a newline, setting
// its BodySHA256.
func WriteRiskPart(w io.Writer, p *RiskPart) error {
	p.BodySHA256 = ""
	b, err := encodeIndented(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	p.BodySHA256 = hex.EncodeToString(sum[:])
	if b, err = encodeIndented(p); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func encodeIndented(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode part: %w", err)
	}
	return buf.Bytes(), nil
}

// ReadRiskPart reads a risk part file; name is used in errors. Unknown
// fields are errors, and so is a body whose checksum is not its own.
func ReadRiskPart(data []byte, name string) (*RiskPart, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	p := &RiskPart{}
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("%s: bad risk part file: %w", name, err)
	}
	if p.Schema != RiskPartSchema {
		return nil, fmt.Errorf("%s: schema %q, want %q", name, p.Schema, RiskPartSchema)
	}
	q := *p
	q.BodySHA256 = ""
	b, err := encodeIndented(&q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); p.BodySHA256 != got {
		return nil, fmt.Errorf("%s: the part's body_sha256 %q is not that of its contents (%s): it was changed after domino wrote it",
			name, p.BodySHA256, got)
	}
	p.Name = name
	return p, nil
}

// ReadRiskPartFile reads a risk part file from path ("-": stdin).
func ReadRiskPartFile(path string) (*RiskPart, error) {
	data, err := graph.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read part: %w", err)
	}
	return ReadRiskPart(data, path)
}

// MergeRiskParts checks that parts are the shards of one risk run (same
// build, scenario file, scenario, seed, trials and plan) holding every
// trial exactly once, each stratum's counts those of its trials, and
// returns the results of the run: the bytes a single run writes.
func MergeRiskParts(parts []*RiskPart) (*RiskResults, error) {
	if len(parts) == 0 {
		return nil, errors.New("no parts to merge")
	}
	ps := slices.Clone(parts)
	slices.SortStableFunc(ps, func(a, b *RiskPart) int {
		if a.From != b.From {
			return a.From - b.From
		}
		return cmpString(a.Name, b.Name)
	})
	first := ps[0]
	m := &first.Meta
	if !(m.Occurrences >= 0) || math.IsInf(m.Occurrences, 0) || m.HorizonMs < 1 || first.Trials < 1 || first.Trials > graph.MaxTrials {
		return nil, fmt.Errorf("%s: bad risk part: occurrences %v, horizon %d ms, %d trials", first.Name, m.Occurrences, m.HorizonMs, first.Trials)
	}
	c := first.compiled()
	var plan *riskPlan
	if m.Plain || m.Occurrences == 0 {
		plan = plainPlan(m.Occurrences, first.Trials)
	} else {
		plan = &riskPlan{lambda: m.Occurrences, trials: first.Trials}
		if err := plan.stratify(m.OnlyRates); err != nil {
			return nil, fmt.Errorf("%s: %w", first.Name, err)
		}
	}
	// The tiling is checked as a run's parts' is.
	shadow := make([]*Part, len(ps))
	total := newRiskAggregator(c, plan)
	for i, p := range ps {
		if p.From < 0 || p.From > p.To || p.To > p.Trials {
			return nil, fmt.Errorf("%s: trials [%d, %d) of %d is not a range of the run", p.Name, p.From, p.To, p.Trials)
		}
		if err := sameRiskRun(first, p); err != nil {
			return nil, err
		}
		shadow[i] = &Part{Name: p.Name, From: p.From, To: p.To, Trials: p.Trials}
		a, err := p.aggregator(c, plan)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		total.Merge(a)
	}
	if err := checkTiling(shadow); err != nil {
		return nil, err
	}
	return total.Results(first.Seed), nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sameRiskRun returns an error naming the first difference between the
// risk runs a and b are parts of.
func sameRiskRun(a, b *RiskPart) error {
	ida := runIdentity{a.Name, a.DominoVersion, a.Build, a.ScenarioSHA256, a.Scenario, a.Seed, a.Trials}
	idb := runIdentity{b.Name, b.DominoVersion, b.Build, b.ScenarioSHA256, b.Scenario, b.Seed, b.Trials}
	if err := ida.differ(idb); err != nil {
		return err
	}
	differ := func(what string, x, y any) error {
		return fmt.Errorf("%s and %s are parts of different runs: %s %v and %v", a.Name, b.Name, what, x, y)
	}
	switch {
	case a.Meta.HorizonMs != b.Meta.HorizonMs:
		return differ("horizon (ms)", a.Meta.HorizonMs, b.Meta.HorizonMs)
	case a.Meta.Plain != b.Meta.Plain:
		return differ("plain sampling", a.Meta.Plain, b.Meta.Plain)
	case !slices.Equal(a.Meta.Services, b.Meta.Services) || a.Meta.Occurrences != b.Meta.Occurrences ||
		a.Meta.OnlyRates != b.Meta.OnlyRates || a.Meta.Platform != b.Meta.Platform || a.Meta.Currency != b.Meta.Currency:
		return fmt.Errorf("%s and %s are parts of different runs: their platforms or events differ", a.Name, b.Name)
	}
	return nil
}

// compiled returns the part's scenario with what RiskAggregator.Results
// reads from it.
func (p *RiskPart) compiled() *graph.Compiled {
	m := &p.Meta
	c := &graph.Compiled{
		Scenario: &graph.Scenario{ID: p.Scenario, Horizon: m.HorizonMs},
		Platform: &graph.Platform{Name: m.Platform, Currency: m.Currency},
		Horizon:  m.HorizonMs,
	}
	for _, s := range m.Services {
		c.Services = append(c.Services, graph.CService{ID: s.ID, Users: s.Users, Priority: s.Priority, CostPerHour: s.CostPerHour, RTO: -1, RPO: -1})
	}
	return c
}

// aggregator rebuilds the RiskAggregator the part was written from,
// checking that each stratum holds as many trials as the part's range
// has in it, each loss once a trial and each downtime at most once.
func (p *RiskPart) aggregator(c *graph.Compiled, plan *riskPlan) (*RiskAggregator, error) {
	if len(p.Strata) != len(plan.strata) {
		return nil, fmt.Errorf("bad risk part: %d strata, the plan has %d", len(p.Strata), len(plan.strata))
	}
	a := newRiskAggregator(c, plan)
	for i := range p.Strata {
		sp, st, r := &p.Strata[i], &plan.strata[i], &a.acc[i]
		want := int64(max(0, min(p.To, st.off+st.trials)-max(p.From, st.off)))
		if sp.Trials != want {
			return nil, fmt.Errorf("bad risk part: stratum %d holds %d trials, its range [%d, %d) has %d in it", i, sp.Trials, p.From, p.To, want)
		}
		if len(sp.Downtime) != len(c.Services) {
			return nil, fmt.Errorf("bad risk part: stratum %d has %d downtimes for %d services", i, len(sp.Downtime), len(c.Services))
		}
		r.n = sp.Trials
		for _, x := range []struct {
			what string
			st   *StatState
			s    *stat
		}{{"user_milli_hours", &sp.UserHours, &r.user}, {"cost", &sp.Cost, &r.cost}, {"crew_ms", &sp.CrewMs, &r.crew}} {
			if err := checkStat(x.what, x.st, want, math.MaxInt64); err != nil {
				return nil, err
			}
			if err := x.s.load(x.st); err != nil {
				return nil, fmt.Errorf("bad risk part: %s: %w", x.what, err)
			}
		}
		for s := range sp.Downtime {
			d := &sp.Downtime[s]
			if d.N > want || d.Zeros != 0 {
				return nil, fmt.Errorf("bad risk part: stratum %d: service %s: %d downtimes (%d zero) for %d trials, want at most one above 0 a trial",
					i, c.Services[s].ID, d.N, d.Zeros, want)
			}
			if err := checkStat("downtime_ms of "+c.Services[s].ID, d, d.N, c.Horizon); err != nil {
				return nil, err
			}
			if err := r.down[s].load(d); err != nil {
				return nil, fmt.Errorf("bad risk part: downtime of %s: %w", c.Services[s].ID, err)
			}
		}
	}
	return a, nil
}

package sim

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"

	"github.com/dominosim/domino/graph"
)

// MergeParts checks that parts are the shards of one run (same domino
// version, scenario file, scenario, seed and number of trials), that none
// is partial and that together they hold every trial of the run exactly
// once, and returns the results of the run. Aggregation is exact, so the
// results are those of the same run in a single process, to the byte.
func MergeParts(parts []*Part) (*Results, error) {
	if len(parts) == 0 {
		return nil, errors.New("no parts to merge")
	}
	ps := slices.Clone(parts)
	sortParts(ps)
	for _, p := range ps {
		if err := p.checkRange(); err != nil {
			return nil, err
		}
		if err := sameRun(ps[0], p); err != nil {
			return nil, err
		}
	}
	if err := checkTiling(ps); err != nil {
		return nil, err
	}
	c := ps[0].compiled()
	var total *Aggregator
	for _, p := range ps {
		a, err := p.aggregator(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		if total == nil {
			total = a
		} else {
			total.Merge(a)
		}
	}
	return total.Results(ps[0].Seed), nil
}

func (p *Part) checkRange() error {
	switch {
	case p.Trials < 1 || p.From < 0 || p.From > p.To || p.To > p.Trials:
		return fmt.Errorf("%s: trials [%d, %d) of %d is not a range of the run", p.Name, p.From, p.To, p.Trials)
	case p.Partial:
		return fmt.Errorf("%s is partial: its run was interrupted after %d of its trials [%d, %d); run that shard again",
			p.Name, p.TrialsDone, p.From, p.To)
	case p.TrialsDone != p.To-p.From:
		return fmt.Errorf("%s: %d trials done, but its range [%d, %d) has %d", p.Name, p.TrialsDone, p.From, p.To, p.To-p.From)
	}
	return nil
}

// sameRun returns an error naming the first difference between the runs
// a and b are parts of.
func sameRun(a, b *Part) error {
	differ := func(what string, x, y any) error {
		return fmt.Errorf("%s and %s are parts of different runs: %s %v and %v", a.Name, b.Name, what, x, y)
	}
	switch {
	case a.DominoVersion != b.DominoVersion:
		return differ("domino version", a.DominoVersion, b.DominoVersion)
	case a.ScenarioSHA256 != b.ScenarioSHA256:
		return differ("scenario file sha256", a.ScenarioSHA256, b.ScenarioSHA256)
	case a.Scenario != b.Scenario:
		return differ("scenario", a.Scenario, b.Scenario)
	case a.Seed != b.Seed:
		return differ("seed", a.Seed, b.Seed)
	case a.Trials != b.Trials:
		return differ("trials", a.Trials, b.Trials)
	case !reflect.DeepEqual(a.Meta, b.Meta):
		// Same file and version, yet another platform: the file named a
		// platform file that changed between the shards.
		return fmt.Errorf("%s and %s are parts of different runs: their platforms differ", a.Name, b.Name)
	}
	return nil
}

// checkTiling checks that parts, sorted by From, cover [0, Trials) with
// neither a gap nor an overlap.
func checkTiling(ps []*Part) error {
	if ps[0].From > 0 {
		return fmt.Errorf("trials [0, %d) are in no part (the first part, %s, starts at trial %d)", ps[0].From, ps[0].Name, ps[0].From)
	}
	for i := 1; i < len(ps); i++ {
		prev, p := ps[i-1], ps[i]
		if p.From < prev.To {
			return fmt.Errorf("%s (trials [%d, %d)) and %s (trials [%d, %d)) overlap on trials [%d, %d)",
				prev.Name, prev.From, prev.To, p.Name, p.From, p.To, p.From, min(prev.To, p.To))
		}
		if p.From > prev.To {
			return fmt.Errorf("trials [%d, %d) are in no part: %s ends at trial %d and %s starts at trial %d",
				prev.To, p.From, prev.Name, prev.To, p.Name, p.From)
		}
	}
	if last := ps[len(ps)-1]; last.To < last.Trials {
		return fmt.Errorf("trials [%d, %d) are in no part (the last part, %s, ends at trial %d of %d)",
			last.To, last.Trials, last.Name, last.To, last.Trials)
	}
	return nil
}

// compiled returns the part's scenario with what Aggregator.Results reads
// from it, and only that: it summarises, it cannot simulate.
func (p *Part) compiled() *graph.Compiled {
	m := &p.Meta
	c := &graph.Compiled{
		Scenario:   &graph.Scenario{ID: p.Scenario, Description: m.Description, Horizon: m.HorizonMs, SoftWeight: m.SoftWeight},
		Platform:   &graph.Platform{Name: m.Platform, Currency: m.Currency},
		Horizon:    m.HorizonMs,
		SoftWeight: m.SoftWeight,
	}
	for _, id := range m.Sites {
		c.Sites = append(c.Sites, graph.CSite{ID: id})
	}
	for _, s := range m.Services {
		c.Services = append(c.Services, graph.CService{ID: s.ID, Users: s.Users, Priority: s.Priority, CostPerHour: s.CostPerHour, RTO: -1, RPO: -1})
	}
	return c
}

// aggregator rebuilds the Aggregator the part was written from.
func (p *Part) aggregator(c *graph.Compiled) (*Aggregator, error) {
	st := &p.State
	grid := p.Meta.GridMs
	if c.Horizon < 1 || len(grid) == 0 {
		return nil, errors.New("bad part: no horizon or no curve grid")
	}
	if len(st.Services) != len(c.Services) || len(st.CurveUpSum) != len(grid) || len(st.CurveUsersSum) != len(grid) ||
		len(st.CurveUpBins) != len(grid) || len(st.CurveUserBins) != len(grid) {
		return nil, errors.New("bad part: its state does not match its services and curve grid")
	}
	// Every trial records one full_restored_ms: a part without them was
	// written before domino measured it, and would merge as zeros.
	if st.FullRestored.N != int64(p.TrialsDone) {
		return nil, fmt.Errorf("bad part: %d trials but %d full_restored_ms values (written by an older domino? run its shard again)",
			p.TrialsDone, st.FullRestored.N)
	}
	a := NewAggregator(c, grid)
	a.trials = int64(p.TrialsDone)
	codes := causeCodes(c)
	for s := range a.svc {
		if err := a.svc[s].load(&st.Services[s], codes); err != nil {
			return nil, fmt.Errorf("bad part: service %s: %w", c.Services[s].ID, err)
		}
	}
	err := loadStats(statRef{&st.FullRecovery, &a.full}, statRef{&st.UserMilliHours, &a.userMilliHours},
		statRef{&st.Cost, &a.cost}, statRef{&st.PeakDown, &a.peak}, statRef{&st.CrewMs, &a.crew},
		statRef{&st.FullRestored, &a.fullRestored})
	if err != nil {
		return nil, fmt.Errorf("bad part: %w", err)
	}
	a.deadlock, a.unrecovered, a.rtoP1, a.unrestored = st.Deadlock, st.Unrecovered, st.RTOBreachP1, st.Unrestored
	copy(a.curveUpSum, st.CurveUpSum)
	copy(a.curveUsersSum, st.CurveUsersSum)
	for i := range grid {
		if !unsparse(&a.curveUpBins[i], st.CurveUpBins[i]) || !unsparse(&a.curveUserBins[i], st.CurveUserBins[i]) {
			return nil, fmt.Errorf("bad part: curve bins at grid point %d out of range", i)
		}
	}
	return a, nil
}

func (acc *svcAcc) load(ss *ServiceState, codes map[string]int32) error {
	if len(ss.DowntimeBins) != HistBins {
		return fmt.Errorf("%d downtime bins, want %d", len(ss.DowntimeBins), HistBins)
	}
	acc.touched, acc.affected, acc.allLost, acc.unrecovered = ss.Touched, ss.Affected, ss.AllLost, ss.Unrecovered
	acc.rto, acc.rpo, acc.partial, acc.degShed, acc.unrestored = ss.RTOBreach, ss.RPOBreach, ss.Partial, ss.DegShedMs, ss.Unrestored
	copy(acc.downBins[:], ss.DowntimeBins)
	names := make([]string, 0, len(ss.Causes))
	for name := range ss.Causes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		code, ok := codes[name]
		if !ok {
			return fmt.Errorf("unknown cause %q", name)
		}
		acc.causes = append(acc.causes, causeCount{code, ss.Causes[name]})
	}
	return loadStats(statRef{&ss.Downtime, &acc.down}, statRef{&ss.Recovery, &acc.recovery},
		statRef{&ss.Degraded, &acc.degraded}, statRef{&ss.DataLoss, &acc.loss}, statRef{&ss.Shed, &acc.shed},
		statRef{&ss.Restored, &acc.restored})
}

// causeCodes maps every cause c can report to its code.
func causeCodes(c *graph.Compiled) map[string]int32 {
	codes := map[string]int32{}
	add := func(code int32) { codes[CauseString(c, code)] = code }
	for _, k := range []int32{causeNone, causeFault, causeOverload} {
		add(k)
	}
	for s := range c.Services {
		add(causeWaiting | int32(s))
		add(causeDependency | int32(s))
	}
	for x := range c.Sites {
		add(causeFailure | int32(x))
		add(causeSite | int32(x))
		add(causeIsolated | int32(x))
	}
	return codes
}

func loadStats(refs ...statRef) error {
	for _, r := range refs {
		if err := r.s.load(r.st); err != nil {
			return err
		}
	}
	return nil
}

// load restores a stat from its state. The histogram must have the
// geometry this stat would have given it, and hold exactly the values
// above 0, or merging it would not be exact.
func (s *stat) load(st *StatState) error {
	var ok1, ok2 bool
	s.sumHi, s.sumLo, ok1 = parseU128(st.Sum)
	s.sqHi, s.sqLo, ok2 = parseU128(st.SumSq)
	if !ok1 || !ok2 || st.N < 0 || st.Zeros < 0 || st.Zeros > st.N {
		return errors.New("bad statistic: counts or sums out of range")
	}
	s.n, s.zeros, s.min, s.max = st.N, st.Zeros, st.Min, st.Max
	var positive int64
	if st.Hist != "" {
		h, err := decodeHist([]byte(st.Hist), s.high)
		if err != nil {
			return fmt.Errorf("bad histogram: %w", err)
		}
		s.hist = h
		positive = h.total
	}
	if positive != s.n-s.zeros {
		return fmt.Errorf("bad statistic: %d values above 0, but the histogram holds %d", s.n-s.zeros, positive)
	}
	return nil
}

// unsparse fills bins from (bin, count) pairs; it is false when a pair is
// out of range.
func unsparse(bins *[curveBins]int64, pairs [][2]int64) bool {
	for _, p := range pairs {
		if p[0] < 0 || p[0] >= curveBins || p[1] < 0 {
			return false
		}
		bins[p[0]] += p[1]
	}
	return true
}

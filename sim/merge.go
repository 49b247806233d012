package sim

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"sort"

	"github.com/dominosim/domino/graph"
)

// MergeOptions are the choices of MergeParts.
type MergeOptions struct {
	// AllowPartial merges partial parts (of interrupted shards): the
	// results are then marked partial, over the trials the parts hold.
	AllowPartial bool
}

// MergeParts checks that parts are the shards of one run (same build,
// scenario file, scenario, seed and number of trials), that none is
// partial (unless opt.AllowPartial), that each one's counts agree with
// its trials and that together they hold every trial of the run exactly
// once, and returns the results of the run. Aggregation is exact, so the
// results are those of the same run in a single process, to the byte.
func MergeParts(parts []*Part, opt MergeOptions) (*Results, error) {
	if len(parts) == 0 {
		return nil, errors.New("no parts to merge")
	}
	ps := slices.Clone(parts)
	sortParts(ps)
	partial := false
	for _, p := range ps {
		if err := p.checkRange(opt.AllowPartial); err != nil {
			return nil, err
		}
		if err := sameRun(ps[0], p); err != nil {
			return nil, err
		}
		if err := p.checkCounts(); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		partial = partial || p.Partial
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
	r := total.Results(ps[0].Seed)
	if partial {
		r.Partial, r.TrialsDone, r.TrialsRequested = true, int(total.Trials()), ps[0].Trials
	}
	if ps[0].Uncertainty != nil {
		u, err := mergeUncertainty(ps)
		if err != nil {
			return nil, err
		}
		r.Uncertainty = u
	}
	return r, nil
}

// mergeUncertainty gathers the outer draws of the parts of an uncertainty
// run, after checking that they are draws of one run, hold every draw once,
// and have the shape the summary reads.
func mergeUncertainty(ps []*Part) (*Uncertainty, error) {
	u0 := ps[0].Uncertainty
	figures := len(headline)
	if ps[0].Meta.People == 0 {
		figures -= 2
	}
	us := make([]*PartUncertainty, len(ps))
	for i, p := range ps {
		u := p.Uncertainty
		switch {
		case u == nil:
			return nil, fmt.Errorf("%s and %s are parts of different runs: one has outer draws of uncertain inputs (--uncertainty), the other not", ps[0].Name, p.Name)
		case u.Draws != u0.Draws || u.TrialsPerDraw != u0.TrialsPerDraw:
			return nil, fmt.Errorf("%s and %s are parts of different runs: %d outer draws of %d trials and %d of %d",
				ps[0].Name, p.Name, u0.Draws, u0.TrialsPerDraw, u.Draws, u.TrialsPerDraw)
		case !reflect.DeepEqual(u.Inputs, u0.Inputs):
			return nil, fmt.Errorf("%s and %s are parts of different runs: their uncertain inputs differ", ps[0].Name, p.Name)
		case u.From < 0 || u.From > u.To || u.To > u.Draws || len(u.Results) != u.To-u.From:
			return nil, fmt.Errorf("%s: outer draws [%d, %d) of %d with %d results is not a range of the run", p.Name, u.From, u.To, u.Draws, len(u.Results))
		}
		for k, d := range u.Results {
			if d.Index != u.From+k || len(d.Values) != len(u.Inputs) || len(d.Means) != figures || len(d.Censored) != figures ||
				len(d.ServicesUp) != len(p.Meta.GridMs) || len(d.UsersServed) != len(p.Meta.GridMs) {
				return nil, fmt.Errorf("%s: outer draw %d is not a draw of this run (its index or the number of its values is wrong)", p.Name, u.From+k)
			}
		}
		us[i] = u
	}
	slices.SortStableFunc(us, func(a, b *PartUncertainty) int { return a.From - b.From })
	var draws []Draw
	for i, u := range us {
		if i > 0 && u.From != us[i-1].To || i == 0 && u.From != 0 {
			return nil, fmt.Errorf("the parts' outer draws do not tile [0, %d): a part starts at draw %d", u0.Draws, u.From)
		}
		draws = append(draws, u.Results...)
	}
	if len(draws) != u0.Draws {
		return nil, fmt.Errorf("the parts hold %d of the run's %d outer draws", len(draws), u0.Draws)
	}
	return Summarise(u0.Inputs, draws, u0.Draws, u0.TrialsPerDraw, ps[0].Meta.People > 0), nil
}

func (p *Part) checkRange(allowPartial bool) error {
	switch {
	case p.Trials < 1 || p.Trials > graph.MaxTrials || p.From < 0 || p.From > p.To || p.To > p.Trials:
		return fmt.Errorf("%s: trials [%d, %d) of %d is not a range of the run", p.Name, p.From, p.To, p.Trials)
	case p.Partial && !allowPartial:
		return fmt.Errorf("%s is partial: its run was interrupted after %d of its trials [%d, %d); run that shard again, "+
			"or merge with --allow-partial for results marked partial", p.Name, p.TrialsDone, p.From, p.To)
	case p.Partial && (p.TrialsDone < 0 || p.TrialsDone > p.To-p.From):
		return fmt.Errorf("%s: %d trials done, but its range [%d, %d) has %d", p.Name, p.TrialsDone, p.From, p.To, p.To-p.From)
	case !p.Partial && p.TrialsDone != p.To-p.From:
		return fmt.Errorf("%s: %d trials done, but its range [%d, %d) has %d and the part is not partial",
			p.Name, p.TrialsDone, p.From, p.To, p.To-p.From)
	}
	return nil
}

// runIdentity is what every kind of part (run's, risk's) records of the
// run it belongs to: parts merge only when all of it is equal.
type runIdentity struct {
	name                                     string // where the part was read from
	version, build, scenarioSHA256, scenario string
	seed                                     uint64
	trials                                   int
}

// differ returns an error naming the first difference between the runs
// of a and b, nil when they are the same.
func (a runIdentity) differ(b runIdentity) error {
	differ := func(what string, x, y any) error {
		return fmt.Errorf("%s and %s are parts of different runs: %s %v and %v", a.name, b.name, what, x, y)
	}
	switch {
	case a.version != b.version:
		return differ("domino version", a.version, b.version)
	case a.build != b.build:
		return differ("build", a.build, b.build)
	case a.scenarioSHA256 != b.scenarioSHA256:
		return differ("scenario file sha256", a.scenarioSHA256, b.scenarioSHA256)
	case a.scenario != b.scenario:
		return differ("scenario", a.scenario, b.scenario)
	case a.seed != b.seed:
		return differ("seed", a.seed, b.seed)
	case a.trials != b.trials:
		return differ("trials", a.trials, b.trials)
	}
	return nil
}

func (p *Part) identity() runIdentity {
	return runIdentity{p.Name, p.DominoVersion, p.Build, p.ScenarioSHA256, p.Scenario, p.Seed, p.Trials}
}

// sameRun returns an error naming the first difference between the runs
// a and b are parts of.
func sameRun(a, b *Part) error {
	if err := a.identity().differ(b.identity()); err != nil {
		return err
	}
	switch {
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
		Platform:   &graph.Platform{Name: m.Platform, Currency: m.Currency, People: m.People, Compliance: m.Compliance},
		Horizon:    m.HorizonMs,
		SoftWeight: m.SoftWeight,
	}
	for _, id := range m.Sites {
		c.Sites = append(c.Sites, graph.CSite{ID: id})
	}
	for _, s := range m.Services {
		cs := graph.CService{ID: s.ID, Users: s.Users, Priority: s.Priority, CostPerHour: s.CostPerHour, RTO: -1, RPO: -1}
		if s.RTOMs != nil {
			cs.RTO = *s.RTOMs
		}
		if s.RPOMs != nil {
			cs.RPO = *s.RPOMs
		}
		c.Services = append(c.Services, cs)
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
	a := NewAggregator(c, grid)
	a.trials = int64(p.TrialsDone)
	if x := p.Meta.Occurrences; x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, fmt.Errorf("bad part: occurrences %v, want a number ≥ 0", x)
	}
	a.lambda = p.Meta.Occurrences
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
	a.deadlock, a.unrecovered, a.rtoP1 = st.Deadlock, st.Unrecovered, st.RTOBreachP1
	a.fullCens = loadCensored(a.unrecovered, st.FullRecoveryCensored, &a.full)
	a.unrestored = st.Unrestored
	a.fullRestCens = loadCensored(a.unrestored, st.FullRestoredCensored, &a.fullRestored)
	if a.people > 0 {
		if st.PeakPeople == nil || st.PersonMilliHours == nil {
			return nil, errors.New("bad part: the platform declares people but the part has no people figures")
		}
		if err := loadStats(statRef{st.PeakPeople, &a.peakPeople}, statRef{st.PersonMilliHours, &a.personMilliHours}); err != nil {
			return nil, fmt.Errorf("bad part: %w", err)
		}
	}
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
	acc.rto, acc.rpo, acc.partial, acc.degShed = ss.RTOBreach, ss.RPOBreach, ss.Partial, ss.DegShedMs
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
	err := loadStats(statRef{&ss.Downtime, &acc.down}, statRef{&ss.Recovery, &acc.recovery},
		statRef{&ss.Degraded, &acc.degraded}, statRef{&ss.DataLoss, &acc.loss}, statRef{&ss.Shed, &acc.shed},
		statRef{&ss.Restored, &acc.restored})
	acc.downCens = loadCensored(acc.unrecovered, ss.DowntimeCensored, &acc.down)
	acc.recCens = loadCensored(acc.unrecovered, ss.RecoveryCensored, &acc.recovery)
	acc.unrestored = ss.Unrestored
	acc.restCens = loadCensored(acc.unrestored, ss.RestoredCensored, &acc.restored)
	return err
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
	var sumTop uint64
	sumTop, s.sumHi, s.sumLo, ok1 = parseU192(st.Sum)
	s.sqTop, s.sqHi, s.sqLo, ok2 = parseU192(st.SumSq)
	if !ok1 || !ok2 || sumTop != 0 || st.N < 0 || st.Zeros < 0 || st.Zeros > st.N {
		return errors.New("bad statistic: counts or sums out of range")
	}
	s.n, s.min, s.max = st.N, st.Min, st.Max
	var positive int64
	if st.Hist != "" {
		h, err := decodeHist([]byte(st.Hist), s.high)
		if err != nil {
			return fmt.Errorf("bad histogram: %w", err)
		}
		s.hist = h
		positive = h.total
	}
	if positive != s.n-st.Zeros {
		return fmt.Errorf("bad statistic: %d values above 0, but the histogram holds %d", s.n-st.Zeros, positive)
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

// checkCounts checks that the part's counts agree with its trials done, as
// they do in every part domino writes: each trial gives every platform
// figure one value and every curve point one bin; a service has one
// downtime, degraded and shed value for each trial that touched it, one
// data loss unless all was lost, one recovery time and one cause for each
// trial that affected it; every counter counts trials. A part edited by
// hand, with its checksum recomputed, would otherwise merge into
// probabilities above 1 or a trial count its statistics do not hold.
func (p *Part) checkCounts() error {
	n := int64(p.TrialsDone)
	st := &p.State
	H := p.Meta.HorizonMs
	// Every trial records one full_restored_ms: a part without any was
	// written before domino measured it, and would merge as zeros.
	if st.FullRestored.N == 0 && n > 0 {
		return fmt.Errorf("bad part: %d trials but %d full_restored_ms values (written by an older domino? run its shard again)",
			n, st.FullRestored.N)
	}
	within := func(what string, k, most int64) error {
		if k < 0 || k > most {
			return fmt.Errorf("bad part: %s is %d, want 0 to %d (of %d trials done)", what, k, most, n)
		}
		return nil
	}
	for _, c := range []struct {
		what string
		k    int64
	}{{"deadlock", st.Deadlock}, {"unrecovered", st.Unrecovered}, {"rto_breach_p1", st.RTOBreachP1}, {"unrestored", st.Unrestored}} {
		if err := within(c.what, c.k, n); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		what string
		st   *StatState
		high int64
	}{{"full_recovery_ms", &st.FullRecovery, H}, {"user_milli_hours", &st.UserMilliHours, math.MaxInt64},
		{"cost", &st.Cost, math.MaxInt64}, {"peak_down", &st.PeakDown, int64(len(p.Meta.Services))}, {"crew_ms", &st.CrewMs, math.MaxInt64},
		{"full_restored_ms", &st.FullRestored, H}} {
		if err := checkStat(c.what, c.st, n, c.high); err != nil {
			return err
		}
	}
	if err := checkCensored("full_recovery_censored_ms", st.FullRecoveryCensored, H); err != nil {
		return err
	}
	if err := checkCensored("full_restored_censored_ms", st.FullRestoredCensored, H); err != nil {
		return err
	}
	ns := int64(len(p.Meta.Services))
	for i := range st.CurveUpBins {
		if i >= len(st.CurveUserBins) || i >= len(st.CurveUpSum) || i >= len(st.CurveUsersSum) {
			break // aggregator reports the mismatch of lengths
		}
		for _, c := range []struct {
			what  string
			pairs [][2]int64
		}{{"curve_up_bins", st.CurveUpBins[i]}, {"curve_user_bins", st.CurveUserBins[i]}} {
			var sum int64
			for _, pr := range c.pairs {
				if pr[1] < 0 || pr[1] > n {
					return fmt.Errorf("bad part: %s at grid point %d: a bin counts %d trials, of %d done", c.what, i, pr[1], n)
				}
				sum += pr[1]
			}
			if sum != n {
				return fmt.Errorf("bad part: %s at grid point %d count %d trials, want the %d done", c.what, i, sum, n)
			}
		}
		if err := within(fmt.Sprintf("curve_up_sum at grid point %d", i), st.CurveUpSum[i], n*ns); err != nil {
			return err
		}
		if err := within(fmt.Sprintf("curve_users_sum at grid point %d", i), st.CurveUsersSum[i], n*1e9); err != nil {
			return err
		}
	}
	for s := range st.Services {
		ss := &st.Services[s]
		id := fmt.Sprint(s)
		if s < len(p.Meta.Services) {
			id = p.Meta.Services[s].ID
		}
		if err := ss.checkCounts(n, H); err != nil {
			return fmt.Errorf("service %s: %w", id, err)
		}
	}
	return nil
}

func (ss *ServiceState) checkCounts(n, H int64) error {
	within := func(what string, k, most int64) error {
		if k < 0 || k > most {
			return fmt.Errorf("bad part: %s is %d, want 0 to %d", what, k, most)
		}
		return nil
	}
	t, a := ss.Touched, ss.Affected
	for _, c := range []struct {
		what    string
		k, most int64
	}{{"touched", t, n}, {"affected", a, t}, {"unrecovered", ss.Unrecovered, a}, {"all_lost", ss.AllLost, t},
		{"rto_breach", ss.RTOBreach, t}, {"rpo_breach", ss.RPOBreach, t}, {"partial", ss.Partial, t},
		{"degraded_shed_ms", ss.DegShedMs, math.MaxInt64}, {"unrestored", ss.Unrestored, ss.Restored.N}} {
		if err := within(c.what, c.k, c.most); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		what string
		st   *StatState
		want int64
		high int64
	}{{"downtime_ms", &ss.Downtime, t, H}, {"degraded_ms", &ss.Degraded, t, H}, {"shed_ms", &ss.Shed, t, H},
		{"data_loss_ms", &ss.DataLoss, t - ss.AllLost, math.MaxInt64}, {"recovery_ms", &ss.Recovery, a, H},
		// One restored time a trial it left normal: at least each it was
		// down in, at most each it was touched in.
		{"restored_ms", &ss.Restored, min(max(ss.Restored.N, a), t), H}} {
		if err := checkStat(c.what, c.st, c.want, c.high); err != nil {
			return err
		}
	}
	if err := checkCensored("downtime_censored_ms", ss.DowntimeCensored, H); err != nil {
		return err
	}
	if err := checkCensored("recovery_censored_ms", ss.RecoveryCensored, H); err != nil {
		return err
	}
	if err := checkCensored("restored_censored_ms", ss.RestoredCensored, H); err != nil {
		return err
	}
	var bins, causes int64
	for _, k := range ss.DowntimeBins {
		if err := within("a downtime bin", k, t); err != nil {
			return err
		}
		bins += k
	}
	if bins != t {
		return fmt.Errorf("bad part: downtime_bins count %d trials, want the %d that touched it", bins, t)
	}
	for name, k := range ss.Causes {
		if err := within(fmt.Sprintf("cause %q", name), k, a); err != nil {
			return err
		}
		causes += k
	}
	if causes != a {
		return fmt.Errorf("bad part: causes count %d trials, want the %d that affected it", causes, a)
	}
	return nil
}

// checkStat checks that a stat holds want values, each in [0, high], and
// that its extremes and sums could be those of such values: with k values
// above 0, max ≤ sum ≤ k·max and sum ≤ sum of squares ≤ k·max².
func checkStat(what string, st *StatState, want, high int64) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("bad part: %s: %s", what, fmt.Sprintf(format, args...))
	}
	if st.N != want {
		return bad("%d values, want %d", st.N, want)
	}
	if st.Zeros < 0 || st.Zeros > st.N {
		return bad("%d zeros of %d values", st.Zeros, st.N)
	}
	_, _, _, ok1 := parseU192(st.Sum)
	_, _, _, ok2 := parseU192(st.SumSq)
	if !ok1 || !ok2 {
		return bad("sums out of range")
	}
	sum, _ := new(big.Int).SetString(st.Sum, 10)
	sq, _ := new(big.Int).SetString(st.SumSq, 10)
	k := st.N - st.Zeros
	if k == 0 {
		if sum.Sign() != 0 || sq.Sign() != 0 {
			return bad("sums above 0 with no value above 0")
		}
		return nil
	}
	switch {
	case st.Max < 1 || st.Max > high:
		return bad("largest value %d, want 1 to %d", st.Max, high)
	case st.Min < 0 || st.Min > st.Max || (st.Zeros > 0) != (st.Min == 0):
		return bad("smallest value %d with %d zeros and largest %d", st.Min, st.Zeros, st.Max)
	}
	mx := big.NewInt(st.Max)
	kMax := new(big.Int).Mul(big.NewInt(k), mx)
	if sum.Cmp(mx) < 0 || sum.Cmp(kMax) > 0 || sq.Cmp(sum) < 0 || sq.Cmp(kMax.Mul(kMax, mx)) > 0 {
		return bad("sums %s and %s cannot be those of %d values from 1 to %d", st.Sum, st.SumSq, k, st.Max)
	}
	return nil
}

// checkCensored checks that a censored value, when given, is a time
// within the horizon.
func checkCensored(what string, v *int64, H int64) error {
	if v != nil && (*v < 0 || *v > H) {
		return fmt.Errorf("bad part: %s is %d, want 0 to the horizon, %d", what, *v, H)
	}
	return nil
}

package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/boundedio"
)

// PartSchema names the version of the part file format: the aggregate of
// one shard of a run, which MergeParts combines with the other shards.
//
// v2 added the build identity and the checksum: v1 parts are refused, as
// nothing says which build wrote them.
const PartSchema = "domino.part/v2"

// Part is the aggregate of trials [From, To) of a run of Trials trials: the
// exact integer sums and the encoded histograms of an Aggregator, and what
// a results file needs to know about the scenario, so that merging parts
// needs no scenario file and gives the bytes a single run would.
type Part struct {
	Schema string `json:"schema"`
	// DominoVersion and ScenarioSHA256 identify the engine and the input
	// (the SHA-256 of the scenario file and of the platform file it refers
	// to, graph.File.Digest): parts of different versions or files must not
	// be merged.
	DominoVersion string `json:"domino_version"`
	// Build identifies the build that wrote the part, finer than its
	// version (see 'domino version'): a change to the engine may change
	// every number, so parts of different builds do not merge.
	Build          string `json:"build"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	Scenario       string `json:"scenario"`
	Seed           uint64 `json:"seed"`
	Trials         int    `json:"trials"` // of the whole run
	Shard          int    `json:"shard"`  // this part is shard Shard of Shards
	Shards         int    `json:"shards"`
	From           int    `json:"from"` // the shard's trials are [From, To)
	To             int    `json:"to"`
	// TrialsDone is the number of trials aggregated, [From, From+TrialsDone);
	// it is less than To − From only in a Partial part (an interrupted run).
	TrialsDone int       `json:"trials_done"`
	Partial    bool      `json:"partial,omitempty"`
	Meta       PartMeta  `json:"meta"`
	State      PartState `json:"state"`
	// Uncertainty holds the outer draws this shard ran of an uncertainty
	// run (run --uncertainty N), absent in a plain run.
	Uncertainty *PartUncertainty `json:"uncertainty,omitempty"`
	// BodySHA256 is the SHA-256 of the part as WritePart encodes it with
	// this field empty: a part edited or damaged after it was written is
	// refused. It guards against accidents, not forgery, which checkCounts
	// limits: a part's counts must agree with its trials.
	BodySHA256 string `json:"body_sha256"`

	// Name is where the part was read from, for error messages.
	Name string `json:"-"`
}

// PartUncertainty is a shard's share of an uncertainty run: outer draws
// [From, To) of Draws, each over TrialsPerDraw trials. A shard holds whole
// draws, so merging only gathers them.
type PartUncertainty struct {
	Draws         int              `json:"draws"`
	TrialsPerDraw int              `json:"trials_per_draw"`
	From          int              `json:"from"`
	To            int              `json:"to"`
	Inputs        []UncertainInput `json:"inputs"`
	Results       []Draw           `json:"results"`
}

// PartMeta is what a results file shows of the compiled scenario.
type PartMeta struct {
	Description string        `json:"description,omitempty"`
	Platform    string        `json:"platform_name,omitempty"`
	Currency    string        `json:"currency,omitempty"`
	People      int64         `json:"people,omitempty"`
	HorizonMs   int64         `json:"horizon_ms"`
	SoftWeight  float64       `json:"soft_weight"`
	GridMs      []int64       `json:"grid_ms"`
	Sites       []string      `json:"sites"`
	Services    []PartService `json:"services"`
	// Compliance is the platform's required confidence for its targets,
	// absent for the default.
	Compliance float64 `json:"compliance,omitempty"`
	// Occurrences is Λ, the expected rate-event occurrences over the
	// horizon; absent without rate events, else the results carry the
	// risk of a horizon.
	Occurrences float64 `json:"occurrences,omitempty"`
}

// PartService is what a results file shows of one compiled service.
type PartService struct {
	ID          string  `json:"id"`
	Users       int64   `json:"users"`
	Priority    int32   `json:"priority"`
	CostPerHour float64 `json:"cost_per_hour"`
	RTOMs       *int64  `json:"rto_ms,omitempty"`
	RPOMs       *int64  `json:"rpo_ms,omitempty"`
}

// PartState is an Aggregator's state. Curve bins are sparse: the
// (bin, count) pairs of the non-zero bins of each grid point.
type PartState struct {
	Services       []ServiceState `json:"services"`
	FullRecovery   StatState      `json:"full_recovery_ms"`
	UserMilliHours StatState      `json:"user_milli_hours"`
	Cost           StatState      `json:"cost"`
	PeakDown       StatState      `json:"peak_down"`
	CrewMs         StatState      `json:"crew_ms"`
	// With people declared: people cut off at the peak, person-ms/3600.
	PeakPeople       *StatState `json:"people_cut_off_peak,omitempty"`
	PersonMilliHours *StatState `json:"person_milli_hours,omitempty"`
	Deadlock         int64      `json:"deadlock"`
	Unrecovered      int64      `json:"unrecovered"`
	// FullRecoveryCensored is the smallest full recovery of the
	// unrecovered trials; absent when there are none.
	FullRecoveryCensored *int64 `json:"full_recovery_censored_ms,omitempty"`
	RTOBreachP1          int64  `json:"rto_breach_p1"`
	// Back to normal: one value a trial; the trials something was not
	// back to normal at H, and the smallest of their times.
	FullRestored         StatState    `json:"full_restored_ms"`
	Unrestored           int64        `json:"unrestored"`
	FullRestoredCensored *int64       `json:"full_restored_censored_ms,omitempty"`
	CurveUpSum           []int64      `json:"curve_up_sum"`
	CurveUsersSum        []int64      `json:"curve_users_sum"`
	CurveUpBins          [][][2]int64 `json:"curve_up_bins"`
	CurveUserBins        [][][2]int64 `json:"curve_user_bins"`
}

// ServiceState is one service's aggregate. Causes are keyed by their
// report spelling, not by the engine's internal codes.
type ServiceState struct {
	Touched     int64 `json:"touched"`
	Affected    int64 `json:"affected"`
	AllLost     int64 `json:"all_lost"`
	Unrecovered int64 `json:"unrecovered"`
	// The smallest downtime and recovery time of the unrecovered trials
	// (censored by the horizon); absent when there are none.
	DowntimeCensored *int64    `json:"downtime_censored_ms,omitempty"`
	RecoveryCensored *int64    `json:"recovery_censored_ms,omitempty"`
	RTOBreach        int64     `json:"rto_breach"`
	RPOBreach        int64     `json:"rpo_breach"`
	Partial          int64     `json:"partial"`
	DegShedMs        int64     `json:"degraded_shed_ms"`
	Downtime         StatState `json:"downtime_ms"`
	Recovery         StatState `json:"recovery_ms"`
	// Back to normal, over the trials it left normal; the trials it was
	// not back at H, and the smallest of their times.
	Restored         StatState        `json:"restored_ms"`
	Unrestored       int64            `json:"unrestored"`
	RestoredCensored *int64           `json:"restored_censored_ms,omitempty"`
	Degraded         StatState        `json:"degraded_ms"`
	DataLoss         StatState        `json:"data_loss_ms"`
	Shed             StatState        `json:"shed_ms"`
	DowntimeBins     []int64          `json:"downtime_bins"`
	Causes           map[string]int64 `json:"causes"`
}

// StatState is a stat: the 128-bit sums as decimal strings, and the
// HdrHistogram of the values above 0 in its V2 compressed encoding
// (base64), which is lossless.
type StatState struct {
	N     int64  `json:"n"`
	Zeros int64  `json:"zeros"`
	Min   int64  `json:"min"`
	Max   int64  `json:"max"`
	Sum   string `json:"sum"`
	SumSq string `json:"sum_sq"`
	Hist  string `json:"hist,omitempty"`
}

// Part returns the aggregate as a part of the run with the given seed;
// the caller fills in what the engine cannot know (version, file digest,
// the shard and its range).
func (a *Aggregator) Part(seed uint64) (*Part, error) {
	a.settle()
	c := a.c
	p := &Part{
		Schema: PartSchema, Scenario: c.Scenario.ID, Seed: seed, TrialsDone: int(a.trials),
		Meta: PartMeta{
			Description: c.Scenario.Description, Platform: c.Platform.Name, Currency: c.Platform.Currency, People: c.Platform.People,
			HorizonMs: c.Horizon, SoftWeight: c.SoftWeight, GridMs: append([]int64{}, a.grid...),
		},
	}
	for _, x := range c.Sites {
		p.Meta.Sites = append(p.Meta.Sites, x.ID)
	}
	for _, s := range c.Services {
		ps := PartService{ID: s.ID, Users: s.Users, Priority: s.Priority, CostPerHour: s.CostPerHour}
		if s.RTO >= 0 {
			ps.RTOMs = &s.RTO
		}
		if s.RPO >= 0 {
			ps.RPOMs = &s.RPO
		}
		p.Meta.Services = append(p.Meta.Services, ps)
	}
	p.Meta.Compliance = c.Platform.Compliance
	p.Meta.Occurrences = a.lambda
	st := &p.State
	for s := range a.svc {
		ss, err := a.svc[s].state(c)
		if err != nil {
			return nil, err
		}
		st.Services = append(st.Services, ss)
	}
	err := encodeStats(
		statRef{&st.FullRecovery, &a.full}, statRef{&st.UserMilliHours, &a.userMilliHours},
		statRef{&st.Cost, &a.cost}, statRef{&st.PeakDown, &a.peak}, statRef{&st.CrewMs, &a.crew},
		statRef{&st.FullRestored, &a.fullRestored})
	if err != nil {
		return nil, err
	}
	st.Unrestored, st.FullRestoredCensored = a.unrestored, censoredState(a.unrestored, a.fullRestCens)
	st.Deadlock, st.Unrecovered, st.RTOBreachP1 = a.deadlock, a.unrecovered, a.rtoP1
	if a.people > 0 {
		st.PeakPeople, st.PersonMilliHours = &StatState{}, &StatState{}
		if err := encodeStats(statRef{st.PeakPeople, &a.peakPeople}, statRef{st.PersonMilliHours, &a.personMilliHours}); err != nil {
			return nil, err
		}
	}
	st.FullRecoveryCensored = censoredState(a.unrecovered, a.fullCens)
	st.CurveUpSum = append([]int64{}, a.curveUpSum...)
	st.CurveUsersSum = append([]int64{}, a.curveUsersSum...)
	for i := range a.grid {
		st.CurveUpBins = append(st.CurveUpBins, sparse(&a.curveUpBins[i]))
		st.CurveUserBins = append(st.CurveUserBins, sparse(&a.curveUserBins[i]))
	}
	return p, nil
}

// statRef pairs a stat with its state, to convert several alike.
type statRef struct {
	st *StatState
	s  *stat
}

func encodeStats(refs ...statRef) error {
	for _, r := range refs {
		var err error
		if *r.st, err = r.s.state(); err != nil {
			return err
		}
	}
	return nil
}

func (acc *svcAcc) state(c *graph.Compiled) (ServiceState, error) {
	acc.fillZeros()
	ss := ServiceState{
		Touched: acc.touched, Affected: acc.affected, AllLost: acc.allLost, Unrecovered: acc.unrecovered,
		RTOBreach: acc.rto, RPOBreach: acc.rpo, Partial: acc.partial, DegShedMs: acc.degShed,
		DowntimeBins: append([]int64{}, acc.downBins[:]...),
		Causes:       map[string]int64{},
	}
	ss.DowntimeCensored = censoredState(acc.unrecovered, acc.downCens)
	ss.RecoveryCensored = censoredState(acc.unrecovered, acc.recCens)
	ss.Unrestored, ss.RestoredCensored = acc.unrestored, censoredState(acc.unrestored, acc.restCens)
	for _, cc := range acc.causes {
		ss.Causes[CauseString(c, cc.code)] += cc.count
	}
	err := encodeStats(statRef{&ss.Downtime, &acc.down}, statRef{&ss.Recovery, &acc.recovery},
		statRef{&ss.Degraded, &acc.degraded}, statRef{&ss.DataLoss, &acc.loss}, statRef{&ss.Shed, &acc.shed},
		statRef{&ss.Restored, &acc.restored})
	return ss, err
}

// censoredState is the smallest censored value for a part file: nil when
// no trial was censored.
func censoredState(k, least int64) *int64 {
	if k == 0 {
		return nil
	}
	return &least
}

// loadCensored reads censoredState back; a part without it (written
// before it existed) falls back to the stat's minimum, which is at most
// the censored one: quantiles are then flagged as lower bounds too often,
// never too rarely.
func loadCensored(k int64, least *int64, s *stat) int64 {
	switch {
	case k == 0:
		return math.MaxInt64
	case least != nil:
		return *least
	}
	return s.min
}

func (s *stat) state() (StatState, error) {
	s.flush(nil)
	st := StatState{
		N: s.n, Zeros: s.zeros(), Min: s.min, Max: s.max,
		Sum: u128(s.sumHi, s.sumLo).String(), SumSq: u192(s.sqTop, s.sqHi, s.sqLo).String(),
	}
	if s.hist.rows != nil {
		b, err := s.hist.encode(s.high)
		if err != nil {
			return st, fmt.Errorf("encode histogram: %w", err)
		}
		st.Hist = string(b)
	}
	return st, nil
}

func sparse(bins *[curveBins]int64) [][2]int64 {
	out := [][2]int64{}
	for j, n := range bins {
		if n != 0 {
			out = append(out, [2]int64{int64(j), n})
		}
	}
	return out
}

// WritePart writes p as indented JSON ending with a newline, setting its
// BodySHA256.
func WritePart(w io.Writer, p *Part) error {
	sum, err := p.bodySHA256()
	if err != nil {
		return err
	}
	p.BodySHA256 = sum
	b, err := p.encode()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func (p *Part) encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encode part: %w", err)
	}
	return buf.Bytes(), nil
}

// bodySHA256 is the hex SHA-256 of p's encoding with BodySHA256 empty.
// The encoding is canonical (fields in order, map keys sorted, floats in
// their shortest form), so a part read back encodes to the same bytes.
func (p *Part) bodySHA256() (string, error) {
	q := *p
	q.BodySHA256 = ""
	b, err := q.encode()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// ReadPart reads a part file; name is used in errors. Unknown fields are
// errors: a part is only ever written by domino. Like every input, it
// reads at most graph.MaxFileSize bytes: memory is bounded by the input.
func ReadPart(r io.Reader, name string) (*Part, error) {
	data, err := boundedio.ReadLimited(r, graph.MaxFileSize, 0)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.Schema == nil {
		return nil, fmt.Errorf("%s: not a part file (want the JSON written by 'domino run --shard')", name)
	}
	switch *head.Schema {
	case PartSchema:
	case "domino.part/v1":
		return nil, fmt.Errorf("%s: a part of an older domino (%s), which recorded no build nor checksum: run its shard again", name, *head.Schema)
	case Schema:
		return nil, fmt.Errorf("%s: a results file, not a part (merge takes the files of 'domino run --shard')", name)
	default:
		return nil, fmt.Errorf("%s: schema %q, want %q", name, *head.Schema, PartSchema)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	p := &Part{}
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("%s: bad part file: %w", name, err)
	}
	sum, err := p.bodySHA256()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if p.BodySHA256 != sum {
		return nil, fmt.Errorf("%s: the part's body_sha256 %q is not that of its contents (%s): it was changed after domino wrote it",
			name, p.BodySHA256, sum)
	}
	p.Name = name
	return p, nil
}

// sortParts orders parts by their first trial, then by name.
func sortParts(parts []*Part) {
	sort.SliceStable(parts, func(i, j int) bool {
		if parts[i].From != parts[j].From {
			return parts[i].From < parts[j].From
		}
		return parts[i].Name < parts[j].Name
	})
}

// parseU192 parses a decimal 192-bit unsigned integer.
func parseU192(s string) (top, hi, lo uint64, ok bool) {
	x, ok := new(big.Int).SetString(s, 10)
	if !ok || x.Sign() < 0 || x.BitLen() > 192 {
		return 0, 0, 0, false
	}
	mask := new(big.Int).SetUint64(^uint64(0))
	lo = new(big.Int).And(x, mask).Uint64()
	x.Rsh(x, 64)
	hi = new(big.Int).And(x, mask).Uint64()
	top = x.Rsh(x, 64).Uint64()
	return top, hi, lo, true
}

package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"

	"github.com/dominosim/domino/graph"
)

// PartSchema names the version of the part file format: the aggregate of
// one shard of a run, which MergeParts combines with the other shards.
const PartSchema = "domino.part/v1"

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
	DominoVersion  string `json:"domino_version"`
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

	// Name is where the part was read from, for error messages.
	Name string `json:"-"`
}

// PartMeta is what a results file shows of the compiled scenario.
type PartMeta struct {
	Description string        `json:"description,omitempty"`
	Platform    string        `json:"platform_name,omitempty"`
	Currency    string        `json:"currency,omitempty"`
	HorizonMs   int64         `json:"horizon_ms"`
	SoftWeight  float64       `json:"soft_weight"`
	GridMs      []int64       `json:"grid_ms"`
	Sites       []string      `json:"sites"`
	Services    []PartService `json:"services"`
}

// PartService is what a results file shows of one compiled service.
type PartService struct {
	ID          string  `json:"id"`
	Users       int64   `json:"users"`
	Priority    int32   `json:"priority"`
	CostPerHour float64 `json:"cost_per_hour"`
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
	Deadlock       int64          `json:"deadlock"`
	Unrecovered    int64          `json:"unrecovered"`
	RTOBreachP1    int64          `json:"rto_breach_p1"`
	FullRestored   StatState      `json:"full_restored_ms"`
	Unrestored     int64          `json:"unrestored"`
	CurveUpSum     []int64        `json:"curve_up_sum"`
	CurveUsersSum  []int64        `json:"curve_users_sum"`
	CurveUpBins    [][][2]int64   `json:"curve_up_bins"`
	CurveUserBins  [][][2]int64   `json:"curve_user_bins"`
}

// ServiceState is one service's aggregate. Causes are keyed by their
// report spelling, not by the engine's internal codes.
type ServiceState struct {
	Touched      int64            `json:"touched"`
	Affected     int64            `json:"affected"`
	AllLost      int64            `json:"all_lost"`
	Unrecovered  int64            `json:"unrecovered"`
	RTOBreach    int64            `json:"rto_breach"`
	RPOBreach    int64            `json:"rpo_breach"`
	Partial      int64            `json:"partial"`
	DegShedMs    int64            `json:"degraded_shed_ms"`
	Downtime     StatState        `json:"downtime_ms"`
	Recovery     StatState        `json:"recovery_ms"`
	Degraded     StatState        `json:"degraded_ms"`
	DataLoss     StatState        `json:"data_loss_ms"`
	Shed         StatState        `json:"shed_ms"`
	Restored     StatState        `json:"restored_ms"`
	Unrestored   int64            `json:"unrestored"`
	DowntimeBins []int64          `json:"downtime_bins"`
	Causes       map[string]int64 `json:"causes"`
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
	c := a.c
	p := &Part{
		Schema: PartSchema, Scenario: c.Scenario.ID, Seed: seed, TrialsDone: int(a.trials),
		Meta: PartMeta{
			Description: c.Scenario.Description, Platform: c.Platform.Name, Currency: c.Platform.Currency,
			HorizonMs: c.Horizon, SoftWeight: c.SoftWeight, GridMs: append([]int64{}, a.grid...),
		},
	}
	for _, x := range c.Sites {
		p.Meta.Sites = append(p.Meta.Sites, x.ID)
	}
	for _, s := range c.Services {
		p.Meta.Services = append(p.Meta.Services, PartService{ID: s.ID, Users: s.Users, Priority: s.Priority, CostPerHour: s.CostPerHour})
	}
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
	st.Deadlock, st.Unrecovered, st.RTOBreachP1, st.Unrestored = a.deadlock, a.unrecovered, a.rtoP1, a.unrestored
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
		RTOBreach: acc.rto, RPOBreach: acc.rpo, Partial: acc.partial, DegShedMs: acc.degShed, Unrestored: acc.unrestored,
		DowntimeBins: append([]int64{}, acc.downBins[:]...),
		Causes:       map[string]int64{},
	}
	for _, cc := range acc.causes {
		ss.Causes[CauseString(c, cc.code)] += cc.count
	}
	err := encodeStats(statRef{&ss.Downtime, &acc.down}, statRef{&ss.Recovery, &acc.recovery},
		statRef{&ss.Degraded, &acc.degraded}, statRef{&ss.DataLoss, &acc.loss}, statRef{&ss.Shed, &acc.shed},
		statRef{&ss.Restored, &acc.restored})
	return ss, err
}

func (s *stat) state() (StatState, error) {
	s.flush(nil)
	st := StatState{
		N: s.n, Zeros: s.zeros, Min: s.min, Max: s.max,
		Sum: u128(s.sumHi, s.sumLo).String(), SumSq: u128(s.sqHi, s.sqLo).String(),
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

// WritePart writes p as indented JSON ending with a newline.
func WritePart(w io.Writer, p *Part) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("encode part: %w", err)
	}
	return nil
}

// ReadPart reads a part file; name is used in errors. Unknown fields are
// errors: a part is only ever written by domino.
func ReadPart(r io.Reader, name string) (*Part, error) {
	data, err := io.ReadAll(r)
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

// parseU128 parses a decimal 128-bit unsigned integer.
func parseU128(s string) (hi, lo uint64, ok bool) {
	x, ok := new(big.Int).SetString(s, 10)
	if !ok || x.Sign() < 0 || x.BitLen() > 128 {
		return 0, 0, false
	}
	lo = new(big.Int).And(x, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi = new(big.Int).Rsh(x, 64).Uint64()
	return hi, lo, true
}

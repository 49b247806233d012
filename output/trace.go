package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// TraceFormats lists the formats WriteTrace accepts.
var TraceFormats = []string{"table", "json", "dot", "svg", "png"}

// TraceFormatFor returns the trace format a file name's extension implies
// (".txt", ".json", ".dot" or ".gv", ".svg", ".png"), or "" when it implies
// none.
func TraceFormatFor(path string) string {
	name := strings.ToLower(path)
	switch {
	case strings.HasSuffix(name, ".txt"):
		return "table"
	case strings.HasSuffix(name, ".json"):
		return "json"
	case strings.HasSuffix(name, ".dot"), strings.HasSuffix(name, ".gv"):
		return "dot"
	case strings.HasSuffix(name, ".svg"):
		return "svg"
	case strings.HasSuffix(name, ".png"):
		return "png"
	}
	return ""
}

// TraceInfo identifies a traced trial and carries the platform figures of
// its outcome, copied (an Outcome is reused from trial to trial).
type TraceInfo struct {
	Scenario    string
	Description string
	Platform    string
	Seed        uint64
	Trial       int
	// SelectedBy is "" when the trial was given by its index, else "median"
	// or "worst": the trial was picked by user-hours lost among Trials.
	SelectedBy string
	Trials     int

	UserMilliHours int64
	FullRecovery   int64
	Unrecovered    bool
	Deadlock       bool
}

// NewTraceInfo fills the outcome figures of a TraceInfo from o.
func NewTraceInfo(c *graph.Compiled, seed uint64, o *sim.Outcome) TraceInfo {
	info := TraceInfo{
		Scenario: c.Scenario.ID, Description: c.Scenario.Description, Seed: seed, Trial: o.Trial,
		UserMilliHours: o.UserMilliHours, FullRecovery: o.FullRecovery, Unrecovered: o.Unrecovered, Deadlock: o.Deadlock,
	}
	if c.Platform != nil {
		info.Platform = c.Platform.Name
	}
	return info
}

// TraceOptions control the table format of a trace.
type TraceOptions struct {
	// Verbose lists every record on its own line; otherwise records of one
	// instant that belong together are summarised on one line and
	// per-replica bookkeeping (a replica running again, a failover waiting
	// for a crew it gets at once) is left out.
	Verbose bool
}

// span is a half-open time interval [from, to) in ms.
type span struct{ from, to int64 }

// TraceService is what one service went through in a traced trial, derived
// from the trial's records alone. Times are in ms from the start.
type TraceService struct {
	ID string
	// Downtime is the time down within the horizon: the sum of Down.
	Downtime int64
	// Degraded is the time up with a soft dependency down.
	Degraded int64
	// Partial is the time up with less served capacity than the service's
	// load, and Shed ∫ (1 − φ) dt over that time, rounded to the ms
	// (docs/model.md §11).
	Partial int64
	Shed    int64
	Outages int
	// FirstDown is the time of the first outage, -1 if none; LastUp the
	// time of the last down→up, 0 if none.
	FirstDown  int64
	LastUp     int64
	DownAtEnd  bool
	FirstCause int32 // cause code of the first outage (sim.SplitCause)
	// EndedBy says what ended the last outage, when it ended: "talk-db up"
	// (a hard dependency came up at that instant), "failover to gasan",
	// "restart at pangyo", "fault fixed", "pangyo reconnected"; "" when
	// none of these happened at that instant.
	EndedBy  string
	DataLoss int64
	AllLost  bool
	DataHit  bool // some outage destroyed data the service keeps

	Down, Deg, Part []span
}

// TraceReport is a traced trial: its records with the per-service figures
// derived from them.
type TraceReport struct {
	TraceInfo
	C        *graph.Compiled
	Records  []sim.Record
	Services []TraceService // indexed like C.Services

	// repairSite[i] is true when Records[i] is a RecRepair of a site rather
	// than of a replica (the record does not say: both leave the other
	// index 0).
	repairSite []bool
	// upAfter[i] is the length of the outage a RecUp at Records[i] ends;
	// phi[i] the served fraction of that service, in percent, after the
	// instant of Records[i] (-1 without a load).
	upAfter map[int]int64
	phi     map[int]int64
	// softDown[i] names the soft dependency whose outage degraded the
	// service of a RecDegraded at Records[i].
	softDown map[int]string
	// failBack[i] is true when the failover of Records[i] goes back to the
	// primary of a service that is up (docs/model.md §11).
	failBack map[int]bool
	// onSchedule[i] is true when the RecFailedOver at Records[i] completes
	// a fail-back at the time its start said; heldBy[i] names the first
	// hard dependency still down when a RecFailedOver at Records[i] leaves
	// its service down.
	onSchedule map[int]bool
	heldBy     map[int]string
	// outageLabel[i] is the cause label of the scenario event behind a
	// power cut, isolation or fault record, when only one event can be it.
	outageLabel map[int]string
}

// NewTraceReport replays the records of one trial of c (a Trial's Trace
// after Run) and derives what each service went through. Downtime, Degraded
// and Shed follow the engine's accounting exactly: they equal the trial's
// Outcome.Downtime, Outcome.Degraded and Outcome.Shed.
func NewTraceReport(c *graph.Compiled, info TraceInfo, recs []sim.Record) *TraceReport {
	r := &TraceReport{
		TraceInfo: info, C: c, Records: recs,
		Services:    make([]TraceService, len(c.Services)),
		repairSite:  make([]bool, len(recs)),
		upAfter:     map[int]int64{},
		phi:         map[int]int64{},
		softDown:    map[int]string{},
		failBack:    map[int]bool{},
		onSchedule:  map[int]bool{},
		heldBy:      map[int]string{},
		outageLabel: map[int]string{},
	}
	r.replay()
	return r
}

// replay walks the records in time order, keeping the part of the engine's
// state that the records reveal: which services are up and degraded, which
// replicas run, which sites are isolated, and each active-standby service's
// active replica. From those it rebuilds the served capacity at the end of
// every instant, as the engine does after settling it.
func (r *TraceReport) replay() {
	c := r.C
	H := c.Horizon
	ns := len(c.Services)
	up := make([]bool, ns)
	deg := make([]bool, ns)
	downSince := make([]int64, ns)
	degSince := make([]int64, ns)
	running := make([]bool, len(c.Replicas))
	isolated := make([]int32, len(c.Sites))
	active := make([]int32, ns)
	lack := make([]int64, ns)
	lackSince := make([]int64, ns)
	shedNum := make([]int64, ns)
	siteFailPending := make([]bool, len(c.Sites))
	repFailPending := make([]bool, len(c.Replicas))
	lastFailover := make([]int, ns)
	for s := range lastFailover {
		lastFailover[s] = -1
	}
	dirty := make([]bool, ns)
	var dirtyList []int32
	mark := func(s int32) {
		if !dirty[s] {
			dirty[s] = true
			dirtyList = append(dirtyList, s)
		}
	}
	for s := range c.Services {
		up[s] = true
		active[s] = c.Services[s].Primary
		r.Services[s] = TraceService{ID: c.Services[s].ID, FirstDown: -1}
	}
	for i := range running {
		running[i] = true
	}
	serves := func(rep int32) bool { return running[rep] && isolated[c.Replicas[rep].Site] == 0 }
	capacity := func(s int32) int64 {
		cs := &c.Services[s]
		switch cs.Mode {
		case graph.ActiveStandby, graph.Single:
			rep := active[s]
			if cs.Mode == graph.Single {
				rep = c.RepOff[s]
			}
			if serves(rep) {
				return c.Replicas[rep].Servers
			}
			return 0
		}
		var sum int64
		for rep := c.RepOff[s]; rep < c.RepOff[s+1]; rep++ {
			if serves(rep) {
				sum += c.Replicas[rep].Servers
			}
		}
		return sum
	}
	lackOf := func(s int32) int64 {
		load := c.Services[s].Load
		if load <= 0 || !up[s] {
			return 0
		}
		return max(0, load-capacity(s))
	}
	// closeLack ends s's current lack segment at now.
	closeLack := func(s int32, now int64) {
		if lack[s] > 0 && now > lackSince[s] {
			shedNum[s] += lack[s] * (now - lackSince[s])
			ts := &r.Services[s]
			ts.Partial += now - lackSince[s]
			ts.Part = append(ts.Part, span{lackSince[s], now})
		}
	}
	markSite := func(x int32) {
		for _, rep := range c.SiteReps[c.SiteRepOff[x]:c.SiteRepOff[x+1]] {
			mark(c.Replicas[rep].Service)
		}
	}
	firstSoftDown := func(s int32) string {
		for _, d := range c.Deps[c.DepOff[s]:c.DepOff[s+1]] {
			if !d.Soft {
				continue
			}
			if d.Service >= 0 {
				if !up[d.Service] {
					return c.Services[d.Service].ID
				}
				continue
			}
			n := int32(0)
			first := ""
			for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
				if up[m] {
					n++
				} else if first == "" {
					first = c.Services[m].ID
				}
			}
			if n < d.Need && first != "" {
				return first
			}
		}
		return ""
	}

	firstHardDown := func(s int32) string {
		for _, d := range c.Deps[c.DepOff[s]:c.DepOff[s+1]] {
			if d.Soft {
				continue
			}
			if d.Service >= 0 {
				if !up[d.Service] {
					return c.Services[d.Service].ID
				}
				continue
			}
			n := int32(0)
			for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
				if up[m] {
					n++
				}
			}
			if n < d.Need {
				for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
					if !up[m] {
						return c.Services[m].ID
					}
				}
			}
		}
		return ""
	}

	recs := r.Records
	lo := 0 // first record of the current instant
	for i := 0; i < len(recs); i++ {
		rec := &recs[i]
		now := rec.T
		if i > 0 && recs[i-1].T != now {
			lo = i
		}
		switch rec.Kind {
		case sim.RecPower:
			if rec.Value == 0 {
				r.outageLabel[i] = r.eventLabel(rec.Kind, rec.Site, -1)
			}
		case sim.RecIsolate:
			isolated[rec.Site] += int32(rec.Value)
			markSite(rec.Site)
			if rec.Value > 0 {
				r.outageLabel[i] = r.eventLabel(rec.Kind, rec.Site, -1)
			}
		case sim.RecFault:
			if rec.Value > 0 {
				r.outageLabel[i] = r.eventLabel(rec.Kind, -1, rec.Service)
			}
		case sim.RecUnpowered:
			running[rec.Replica] = false
			mark(c.Replicas[rec.Replica].Service)
		case sim.RecRunning:
			running[rec.Replica] = true
			mark(c.Replicas[rec.Replica].Service)
		case sim.RecFail:
			repFailPending[rec.Replica] = true
		case sim.RecSiteFail:
			siteFailPending[rec.Site] = true
		case sim.RecRepair:
			// A site repair leaves Replica 0, a replica repair Site 0.
			site := rec.Site != 0 || rec.Replica == 0 && siteFailPending[0] && !repFailPending[0]
			r.repairSite[i] = site
			if site {
				siteFailPending[rec.Site] = false
			} else {
				repFailPending[rec.Replica] = false
			}
		case sim.RecFailover:
			// A fail-back goes to the primary while the active site still
			// serves; a failover toward the primary after the active site
			// stopped serving is an ordinary one.
			s := rec.Service
			r.failBack[i] = rec.Replica == c.Services[s].Primary && active[s] != rec.Replica && serves(active[s])
			lastFailover[s] = i
		case sim.RecFailedOver:
			if j := lastFailover[rec.Service]; j >= 0 && r.failBack[j] && recs[j].T+recs[j].Value == now {
				r.onSchedule[i] = true
			}
			active[rec.Service] = rec.Replica
			mark(rec.Service)
		case sim.RecDown:
			s := rec.Service
			ts := &r.Services[s]
			up[s] = false
			downSince[s] = now
			if ts.FirstDown < 0 {
				ts.FirstDown = now
				ts.FirstCause = rec.Cause
			}
			ts.Outages++
			mark(s)
		case sim.RecUp:
			s := rec.Service
			ts := &r.Services[s]
			up[s] = true
			ts.Downtime += now - downSince[s]
			ts.Down = append(ts.Down, span{downSince[s], now})
			ts.LastUp = now
			r.upAfter[i] = now - downSince[s]
			mark(s)
		case sim.RecDegraded:
			s := rec.Service
			ts := &r.Services[s]
			if rec.Value != 0 {
				deg[s], degSince[s] = true, now
				r.softDown[i] = firstSoftDown(s)
			} else if deg[s] {
				deg[s] = false
				ts.Degraded += now - degSince[s]
				ts.Deg = append(ts.Deg, span{degSince[s], now})
			}
		case sim.RecDataLoss:
			ts := &r.Services[rec.Service]
			ts.DataHit = true
			ts.DataLoss += rec.Value
			ts.AllLost = ts.AllLost || rec.Manual
		}
		if i+1 < len(recs) && recs[i+1].T == now {
			continue
		}
		// The instant is over: the capacity it leaves holds until the next.
		for _, s := range dirtyList {
			dirty[s] = false
			if l := lackOf(s); l != lack[s] {
				closeLack(s, now)
				lack[s], lackSince[s] = l, now
			}
		}
		dirtyList = dirtyList[:0]
		for j := lo; j <= i; j++ {
			if recs[j].Kind == sim.RecUp {
				r.Services[recs[j].Service].EndedBy = r.endedBy(recs[lo:i+1], recs[j].Service)
			}
		}
		for j := i; j >= 0 && recs[j].T == now; j-- {
			if k := recs[j].Kind; k == sim.RecUp || k == sim.RecFailedOver {
				if s := recs[j].Service; !up[s] {
					r.heldBy[j] = firstHardDown(s)
				}
				if load := c.Services[recs[j].Service].Load; load > 0 {
					r.phi[j] = 100 * (load - lack[recs[j].Service]) / load
				} else {
					r.phi[j] = -1
				}
			}
		}
	}
	for s := range c.Services {
		ts := &r.Services[s]
		if !up[s] {
			ts.Downtime += H - downSince[s]
			ts.Down = append(ts.Down, span{downSince[s], H})
			ts.DownAtEnd = true
		}
		if deg[s] {
			ts.Degraded += H - degSince[s]
			ts.Deg = append(ts.Deg, span{degSince[s], H})
		}
		closeLack(int32(s), H)
		if load := c.Services[s].Load; load > 0 {
			ts.Shed = int64(math.Round(float64(shedNum[s]) / float64(load)))
		}
	}
}

// endedBy says what, among the records of one instant, brought service s
// up: the first of its hard dependencies (file order) that came up too,
// else its own failover, restart, fault's end or site's reconnection. A
// dependency goes first: a replica restarting at the same instant may not
// have been missing (another site served).
func (r *TraceReport) endedBy(instant []sim.Record, s int32) string {
	c := r.C
	cameUp := func(d int32) bool {
		for i := range instant {
			if instant[i].Kind == sim.RecUp && instant[i].Service == d {
				return true
			}
		}
		return false
	}
	for _, d := range c.Deps[c.DepOff[s]:c.DepOff[s+1]] {
		if d.Soft {
			continue
		}
		if d.Service >= 0 {
			if cameUp(d.Service) {
				return c.Services[d.Service].ID + " up"
			}
			continue
		}
		for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
			if cameUp(m) {
				return c.Services[m].ID + " up"
			}
		}
	}
	for i := range instant {
		rec := &instant[i]
		switch rec.Kind {
		case sim.RecFailedOver:
			if rec.Service == s {
				return "failover to " + c.Sites[c.Replicas[rec.Replica].Site].ID
			}
		case sim.RecRunning:
			if c.Replicas[rec.Replica].Service == s {
				return "restart at " + c.Sites[c.Replicas[rec.Replica].Site].ID
			}
		case sim.RecFault:
			if rec.Service == s && rec.Value < 0 {
				return "fault fixed"
			}
		case sim.RecIsolate:
			if rec.Value < 0 {
				for rep := c.RepOff[s]; rep < c.RepOff[s+1]; rep++ {
					if c.Replicas[rep].Site == rec.Site {
						return c.Sites[rec.Site].ID + " reconnected"
					}
				}
			}
		}
	}
	return ""
}

// eventLabel returns the cause label of the one scenario event that can
// have produced a power cut or isolation of site x, or a fault of service
// s; "" when none or several can.
func (r *TraceReport) eventLabel(kind sim.RecordKind, x, s int32) string {
	label, n := "", 0
	for _, e := range r.C.Events {
		var ok bool
		switch kind {
		case sim.RecPower:
			ok = (e.Kind == graph.SiteOutage || e.Kind == graph.RegionOutage) && contains(e.Sites, x)
		case sim.RecIsolate:
			ok = e.Kind == graph.Isolate && contains(e.Sites, x)
		case sim.RecFault:
			ok = e.Kind == graph.ServiceFault && contains(e.Services, s)
		}
		if ok {
			label = e.Cause
			n++
		}
	}
	if n != 1 {
		return ""
	}
	return label
}

func contains(list []int32, x int32) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// WriteTrace writes r in one of TraceFormats; opt matters to the table only.
func WriteTrace(w io.Writer, r *TraceReport, format string, opt TraceOptions) error {
	switch format {
	case "table":
		return TraceTable(w, r, opt)
	case "json":
		return TraceJSON(w, r)
	case "dot":
		return TraceDOT(w, r)
	case "svg", "png":
		// The cascade diagram, laid out by Graphviz like graph's.
		var dot bytes.Buffer
		if err := TraceDOT(&dot, r); err != nil {
			return err
		}
		if format == "png" {
			return RenderPNG(dot.Bytes(), w)
		}
		return RenderSVG(dot.Bytes(), w)
	}
	return fmt.Errorf("unknown trace format %q (want %s)", format, strings.Join(TraceFormats, ", "))
}

// TraceSchema names the version of the trace JSON format.
const TraceSchema = "domino.trace/v1"

// kindNames are the JSON names of the record kinds, indexed by kind.
var kindNames = [...]string{
	sim.RecPower:             "power",
	sim.RecIsolate:           "isolate",
	sim.RecFault:             "fault",
	sim.RecUnpowered:         "unpowered",
	sim.RecPowered:           "powered",
	sim.RecWaitStart:         "wait-start",
	sim.RecBreakGlass:        "break-glass",
	sim.RecRestart:           "restart",
	sim.RecRunning:           "running",
	sim.RecFail:              "fail",
	sim.RecRepair:            "repair",
	sim.RecRepaired:          "repaired",
	sim.RecSiteFail:          "site-fail",
	sim.RecSiteRepaired:      "site-repaired",
	sim.RecFailoverQueued:    "failover-queued",
	sim.RecFailover:          "failover",
	sim.RecFailoverCancelled: "failover-cancelled",
	sim.RecFailedOver:        "failed-over",
	sim.RecDown:              "down",
	sim.RecUp:                "up",
	sim.RecDegraded:          "degraded",
	sim.RecDataLoss:          "data-loss",
}

// KindName returns the name of a record kind as written in trace JSON.
func KindName(k sim.RecordKind) string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind-%d", k)
}

type traceJSON struct {
	Schema         string             `json:"schema"`
	Scenario       string             `json:"scenario"`
	Platform       string             `json:"platform_name,omitempty"`
	Seed           uint64             `json:"seed"`
	Trial          int                `json:"trial"`
	SelectedBy     string             `json:"selected_by,omitempty"`
	Trials         int                `json:"trials,omitempty"`
	HorizonMs      int64              `json:"horizon_ms"`
	UserHours      float64            `json:"user_hours"`
	FullRecoveryMs int64              `json:"full_recovery_ms"`
	Unrecovered    bool               `json:"unrecovered"`
	Deadlock       bool               `json:"deadlock"`
	Services       []traceServiceJSON `json:"services"`
	Records        []traceRecordJSON  `json:"records"`
}

type traceServiceJSON struct {
	ID          string `json:"id"`
	DowntimeMs  int64  `json:"downtime_ms"`
	Outages     int    `json:"outages"`
	FirstDownMs *int64 `json:"first_down_ms"`
	LastUpMs    *int64 `json:"last_up_ms"`
	DownAtEnd   bool   `json:"down_at_end"`
	FirstCause  string `json:"first_cause,omitempty"`
	EndedBy     string `json:"ended_by,omitempty"`
	DegradedMs  int64  `json:"degraded_ms"`
	PartialMs   int64  `json:"partial_ms"`
	ShedMs      int64  `json:"shed_ms"`
	DataLossMs  *int64 `json:"data_loss_ms,omitempty"`
	AllDataLost bool   `json:"all_data_lost,omitempty"`
}

type traceRecordJSON struct {
	TMs        int64    `json:"t_ms"`
	Kind       string   `json:"kind"`
	Service    string   `json:"service,omitempty"`
	Site       string   `json:"site,omitempty"`
	Cause      string   `json:"cause,omitempty"`
	Label      string   `json:"label,omitempty"`
	Fraction   *float64 `json:"fraction,omitempty"`
	On         *bool    `json:"on,omitempty"`
	DurationMs *int64   `json:"duration_ms,omitempty"`
	Manual     *bool    `json:"manual,omitempty"`
	FailBack   bool     `json:"fail_back,omitempty"`
	LossMs     *int64   `json:"loss_ms,omitempty"`
	AllLost    bool     `json:"all_lost,omitempty"`
}

// TraceJSON writes r as an indented JSON document (schema domino.trace/v1,
// docs/trace.md): the trial's identification and outcome, per service the
// figures derived from the records (every service, in file order), and the
// records with kinds, services, sites and causes by name.
func TraceJSON(w io.Writer, r *TraceReport) error {
	c := r.C
	doc := traceJSON{
		Schema: TraceSchema, Scenario: r.Scenario, Platform: r.Platform, Seed: r.Seed, Trial: r.Trial,
		SelectedBy: r.SelectedBy, HorizonMs: c.Horizon, UserHours: float64(r.UserMilliHours) / 1000,
		FullRecoveryMs: r.FullRecovery, Unrecovered: r.Unrecovered, Deadlock: r.Deadlock,
		Services: make([]traceServiceJSON, len(r.Services)),
		Records:  make([]traceRecordJSON, len(r.Records)),
	}
	if r.SelectedBy != "" {
		doc.Trials = r.Trials
	}
	for s := range r.Services {
		ts := &r.Services[s]
		js := traceServiceJSON{
			ID: ts.ID, DowntimeMs: ts.Downtime, Outages: ts.Outages, DownAtEnd: ts.DownAtEnd,
			DegradedMs: ts.Degraded, PartialMs: ts.Partial, ShedMs: ts.Shed, AllDataLost: ts.AllLost,
		}
		if ts.FirstDown >= 0 {
			js.FirstDownMs = ptr(ts.FirstDown)
			js.FirstCause = sim.CauseString(c, ts.FirstCause)
			if !ts.DownAtEnd {
				js.LastUpMs = ptr(ts.LastUp)
				js.EndedBy = ts.EndedBy
			}
		}
		if ts.DataHit && !ts.AllLost {
			js.DataLossMs = ptr(ts.DataLoss)
		}
		doc.Services[s] = js
	}
	for i := range r.Records {
		doc.Records[i] = r.recordJSON(i)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode trace: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// recordJSON resolves the ids of record i; only the fields its kind uses
// are set.
func (r *TraceReport) recordJSON(i int) traceRecordJSON {
	c := r.C
	rec := &r.Records[i]
	j := traceRecordJSON{TMs: rec.T, Kind: KindName(rec.Kind)}
	replica := func() {
		rep := &c.Replicas[rec.Replica]
		j.Service, j.Site = c.Services[rep.Service].ID, c.Sites[rep.Site].ID
	}
	switch rec.Kind {
	case sim.RecPower:
		j.Site = c.Sites[rec.Site].ID
		j.Fraction = ptr(float64(rec.Value) / float64(rec.Value2))
		j.Label = r.outageLabel[i]
	case sim.RecIsolate:
		j.Site = c.Sites[rec.Site].ID
		j.On = ptr(rec.Value > 0)
		j.Label = r.outageLabel[i]
	case sim.RecFault:
		j.Service = c.Services[rec.Service].ID
		j.On = ptr(rec.Value > 0)
		j.Label = r.outageLabel[i]
	case sim.RecUnpowered:
		replica()
		j.Cause = sim.CauseString(c, rec.Cause)
	case sim.RecWaitStart:
		replica()
		j.Cause = sim.CauseString(c, rec.Cause)
		j.DurationMs = ptr(rec.Value) // break_glass
	case sim.RecRestart:
		replica()
		j.DurationMs, j.Manual = ptr(rec.Value), ptr(rec.Manual)
	case sim.RecPowered, sim.RecBreakGlass, sim.RecRunning, sim.RecFail, sim.RecRepaired:
		replica()
	case sim.RecRepair:
		if r.repairSite[i] {
			j.Site = c.Sites[rec.Site].ID
		} else {
			replica()
		}
		j.DurationMs, j.Manual = ptr(rec.Value), ptr(rec.Manual)
	case sim.RecSiteFail, sim.RecSiteRepaired:
		j.Site = c.Sites[rec.Site].ID
	case sim.RecFailoverQueued, sim.RecFailedOver:
		j.Service = c.Services[rec.Service].ID
		j.Site = c.Sites[c.Replicas[rec.Replica].Site].ID
	case sim.RecFailover:
		j.Service = c.Services[rec.Service].ID
		j.Site = c.Sites[c.Replicas[rec.Replica].Site].ID
		j.DurationMs, j.Manual = ptr(rec.Value), ptr(rec.Manual)
		j.FailBack = r.failBack[i]
	case sim.RecFailoverCancelled, sim.RecUp:
		j.Service = c.Services[rec.Service].ID
	case sim.RecDown:
		j.Service = c.Services[rec.Service].ID
		j.Cause = sim.CauseString(c, rec.Cause)
	case sim.RecDegraded:
		j.Service = c.Services[rec.Service].ID
		j.On = ptr(rec.Value != 0)
	case sim.RecDataLoss:
		j.Service = c.Services[rec.Service].ID
		j.LossMs = ptr(rec.Value)
		j.AllLost = rec.Manual
	}
	return j
}

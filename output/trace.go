package output

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// TraceFormats lists the formats WriteTrace accepts. The trace's cascade
// diagram (dot, svg, png) is drawn by the package output/diagram.
var TraceFormats = []string{"table", "json"}

// TraceFormatFor returns the trace format a file name's extension implies
// (".txt" or ".json"), or "" when it implies none.
func TraceFormatFor(path string) string {
	name := strings.ToLower(path)
	switch {
	case strings.HasSuffix(name, ".txt"):
		return "table"
	case strings.HasSuffix(name, ".json"):
		return "json"
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
	// FullRecovery counts from Start, the first outage (sim.Outcome).
	FullRecovery int64
	Start        int64
	Unrecovered  bool
	Deadlock     bool
}

// NewTraceInfo fills the outcome figures of a TraceInfo from o.
func NewTraceInfo(c *graph.Compiled, seed uint64, o *sim.Outcome) TraceInfo {
	info := TraceInfo{
		Scenario: c.Scenario.ID, Description: c.Scenario.Description, Seed: seed, Trial: o.Trial,
		UserMilliHours: o.UserMilliHours, FullRecovery: o.FullRecovery, Unrecovered: o.Unrecovered, Deadlock: o.Deadlock,
		Start: o.Start,
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

// TraceService is what one service went through in a traced trial. Its
// figures are the engine's for that trial (the Outcome that run adds to
// its statistics) and its intervals those the engine recorded while adding
// them up; nothing here is computed again. Times are in ms from the start.
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

	Down, Deg, Part []sim.Span
}

// TraceReport is a traced trial: its records with the per-service figures
// the engine computed for it.
type TraceReport struct {
	TraceInfo
	C        *graph.Compiled
	Records  []sim.Record
	Services []TraceService // indexed like C.Services
}

// NewTraceReport gathers trial o of c and its trace tr, both from the same
// Trial.Run with Trial.Trace set to tr. It reads o at once (the Trial
// reuses it) and keeps tr's records and intervals.
func NewTraceReport(c *graph.Compiled, info TraceInfo, o *sim.Outcome, tr *sim.Trace) *TraceReport {
	r := &TraceReport{
		TraceInfo: info, C: c, Records: tr.Records,
		Services: make([]TraceService, len(c.Services)),
	}
	for s := range c.Services {
		st := &tr.Services[s]
		r.Services[s] = TraceService{
			ID: c.Services[s].ID, Downtime: o.Downtime[s], Degraded: o.Degraded[s],
			Partial: st.PartialMs, Shed: o.Shed[s], Outages: len(st.Down),
			FirstDown: o.FirstDown[s], LastUp: o.LastUp[s], DownAtEnd: o.DownAtEnd[s], FirstCause: o.Cause[s],
			DataLoss: o.DataLoss[s], AllLost: o.AllLost[s],
			Down: st.Down, Deg: st.Degraded, Part: st.Partial,
		}
	}
	for i := range r.Records {
		rec := &r.Records[i]
		switch rec.Kind {
		case sim.RecUp:
			r.Services[rec.Service].EndedBy = r.endedBy(rec.End)
		case sim.RecDataLoss:
			r.Services[rec.Service].DataHit = true
		}
	}
	return r
}

// endedBy renders an end code (sim.SplitEnd).
func (r *TraceReport) endedBy(code int32) string {
	c := r.C
	kind, arg := sim.SplitEnd(code)
	switch kind {
	case sim.EndDependency:
		return c.Services[arg].ID + " up"
	case sim.EndFailover:
		return "failover to " + c.Sites[arg].ID
	case sim.EndRestart:
		return "restart at " + c.Sites[arg].ID
	case sim.EndFaultFixed:
		return "fault fixed"
	case sim.EndReconnected:
		return c.Sites[arg].ID + " reconnected"
	}
	return ""
}

// Label is the cause label of the scenario event behind a power cut,
// isolation or fault record i; "" for any other record.
func (r *TraceReport) Label(i int) string {
	rec := &r.Records[i]
	switch {
	case rec.Kind == sim.RecPower && rec.Value == 0,
		rec.Kind == sim.RecIsolate && rec.Value > 0,
		rec.Kind == sim.RecFault && rec.Value > 0:
		return r.C.Events[rec.Event].Cause
	}
	return ""
}

// servedFraction is the share of its load the service of a RecUp or
// RecFailedOver record i serves at the end of its instant, nil when all of
// it or without a load.
func (r *TraceReport) servedFraction(i int) *float64 {
	rec := &r.Records[i]
	load := r.C.Services[rec.Service].Load
	if load <= 0 || rec.Lack <= 0 {
		return nil
	}
	return ptr(float64(load-rec.Lack) / float64(load))
}

// served is the share of its load, in whole percent rounded down, that the
// service of a RecUp or RecFailedOver record i serves at the end of its
// instant; ok is false when it serves all of it or has no load.
func (r *TraceReport) served(i int) (pct int64, ok bool) {
	rec := &r.Records[i]
	load := r.C.Services[rec.Service].Load
	if load <= 0 || rec.Lack <= 0 {
		return 0, false
	}
	return int64(math.Floor(100 * float64(load-rec.Lack) / float64(load))), true
}

// WriteTrace writes r in one of TraceFormats; opt matters to the table only.
func WriteTrace(w io.Writer, r *TraceReport, format string, opt TraceOptions) error {
	switch format {
	case "table":
		return TraceTable(w, r, opt)
	case "json":
		return TraceJSON(w, r)
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
	StartMs        int64              `json:"start_ms,omitempty"`
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
	EndedBy    string   `json:"ended_by,omitempty"`
	Served     *float64 `json:"served,omitempty"`
	LossMs     *int64   `json:"loss_ms,omitempty"`
	AllLost    bool     `json:"all_lost,omitempty"`
}

// TraceJSON writes r as an indented JSON document (schema domino.trace/v1,
// docs/trace.md): the trial's identification and outcome, per service the
// engine's figures for the trial (every service, in file order), and the
// records with kinds, services, sites and causes by name.
func TraceJSON(w io.Writer, r *TraceReport) error {
	c := r.C
	doc := traceJSON{
		Schema: TraceSchema, Scenario: r.Scenario, Platform: r.Platform, Seed: r.Seed, Trial: r.Trial,
		SelectedBy: r.SelectedBy, HorizonMs: c.Horizon, UserHours: float64(r.UserMilliHours) / 1000,
		FullRecoveryMs: r.FullRecovery, StartMs: r.Start, Unrecovered: r.Unrecovered, Deadlock: r.Deadlock,
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
		j.Label = r.Label(i)
	case sim.RecIsolate:
		j.Site = c.Sites[rec.Site].ID
		j.On = ptr(rec.Value > 0)
		j.Label = r.Label(i)
	case sim.RecFault:
		j.Service = c.Services[rec.Service].ID
		j.On = ptr(rec.Value > 0)
		j.Label = r.Label(i)
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
		if rec.Replica < 0 {
			j.Site = c.Sites[rec.Site].ID
		} else {
			replica()
		}
		j.DurationMs, j.Manual = ptr(rec.Value), ptr(rec.Manual)
	case sim.RecSiteFail, sim.RecSiteRepaired:
		j.Site = c.Sites[rec.Site].ID
	case sim.RecFailoverQueued:
		j.Service = c.Services[rec.Service].ID
		j.Site = c.Sites[c.Replicas[rec.Replica].Site].ID
	case sim.RecFailedOver:
		j.Service = c.Services[rec.Service].ID
		j.Site = c.Sites[c.Replicas[rec.Replica].Site].ID
		j.FailBack = rec.Back
		if rec.Cause != 0 {
			j.Cause = sim.CauseString(c, rec.Cause) // still down
		}
		j.Served = r.servedFraction(i)
	case sim.RecFailover:
		j.Service = c.Services[rec.Service].ID
		j.Site = c.Sites[c.Replicas[rec.Replica].Site].ID
		j.DurationMs, j.Manual = ptr(rec.Value), ptr(rec.Manual)
		j.FailBack = rec.Back
	case sim.RecFailoverCancelled:
		j.Service = c.Services[rec.Service].ID
	case sim.RecUp:
		j.Service = c.Services[rec.Service].ID
		j.DurationMs = ptr(rec.Value) // the outage it ends
		j.EndedBy = r.endedBy(rec.End)
		j.Served = r.servedFraction(i)
	case sim.RecDown:
		j.Service = c.Services[rec.Service].ID
		j.Cause = sim.CauseString(c, rec.Cause)
	case sim.RecDegraded:
		j.Service = c.Services[rec.Service].ID
		j.On = ptr(rec.Value != 0)
		if rec.Value != 0 && rec.Cause != 0 {
			j.Cause = sim.CauseString(c, rec.Cause)
		}
	case sim.RecDataLoss:
		j.Service = c.Services[rec.Service].ID
		j.LossMs = ptr(rec.Value)
		j.AllLost = rec.Manual
	}
	return j
}

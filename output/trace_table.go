package output

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// Layout of the table format.
const (
	ganttWidth    = 72  // columns of the Gantt chart's time axis
	timelineWidth = 100 // timeline lines wrap after this many columns
	ganttTicks    = 8   // at most this many labelled ticks on the axis
)

// TraceTable writes r for a terminal: a header naming the trial and its
// outcome, the timeline of what happened, a Gantt chart of the services
// that went down, and a per-service summary.
func TraceTable(w io.Writer, r *TraceReport, opt TraceOptions) error {
	ew := &errWriter{w: w}
	for _, kv := range r.headerBlock() {
		fmt.Fprintf(ew, "%-14s %s\n", kv[0]+":", TermText(kv[1]))
	}

	fmt.Fprintf(ew, "\nTimeline\n\n")
	lines := r.timeline(opt.Verbose)
	if len(lines) == 0 {
		fmt.Fprintln(ew, "  nothing happened in this trial")
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(TimeLabel(l.t)))
	}
	for _, l := range lines {
		for i, part := range wrap(l.text, timelineWidth-width-4) {
			label := ""
			if i == 0 {
				label = TimeLabel(l.t)
			}
			fmt.Fprintf(ew, "  %-*s  %s\n", width, label, part)
		}
	}

	fmt.Fprintf(ew, "\nServices down\n\n")
	r.gantt(ew)

	rows, header, align := r.summaryRows()
	if len(rows) > 0 {
		fmt.Fprintln(ew)
		if err := renderTable(ew, header, rows, align, false); err != nil {
			return err
		}
		fmt.Fprintln(ew, traceNote)
		if header[6] == partialHeader {
			fmt.Fprintln(ew, partialNote)
		}
	}
	return ew.err
}

// TimeLabel writes a time from the start of the trial: "+0", "+22h21m".
func TimeLabel(t int64) string {
	return "+" + graph.FormatDuration(t)
}

func (r *TraceReport) headerBlock() [][2]string {
	scenario := r.Scenario
	if r.Description != "" {
		scenario += " — " + r.Description
	}
	platform := r.Platform
	if platform == "" {
		platform = Dash
	}
	trial := fmt.Sprintf("%d (seed %d)", r.Trial, r.Seed)
	switch r.SelectedBy {
	case "median", "worst":
		trial += fmt.Sprintf(", the %s of %s trials by user-hours lost", r.SelectedBy, Count(float64(r.Trials)))
	}
	recovery := graph.FormatDuration(r.FullRecovery)
	if r.Start > 0 {
		recovery += " after the first outage, at " + graph.FormatDuration(r.Start)
	}
	switch {
	case r.Unrecovered:
		recovery = "not by the horizon (" + graph.FormatDuration(r.C.Horizon) + ")"
	case r.FullRecovery == 0 && !r.anyDown():
		recovery = "nothing went down"
	}
	kv := [][2]string{
		{"Scenario", scenario},
		{"Platform", platform},
		{"Trial", trial},
		{"User-hours", Count(float64(r.UserMilliHours)/1000) + " lost, summed over services"},
		{"Full recovery", recovery},
		{"Horizon", graph.FormatDuration(r.C.Horizon)},
	}
	if r.Deadlock {
		kv = append(kv, [2]string{"Deadlock", "a blocked start was forced by break-glass"})
	}
	return kv
}

func (r *TraceReport) anyDown() bool {
	for i := range r.Services {
		if r.Services[i].FirstDown >= 0 {
			return true
		}
	}
	return false
}

// tlLine is one line of the timeline.
type tlLine struct {
	t    int64
	text string
}

// tlEntry is a record, or a record with the replica power records it
// absorbed, on its way to becoming a line. Entries of one instant with the
// same non-empty key are merged into one line listing their names.
type tlEntry struct {
	t     int64
	text  string // the line when alone
	key   string
	name  string
	group func(names []string) string
}

// timeline turns the records into lines: with verbose one per record,
// otherwise summarised (see TraceOptions).
func (r *TraceReport) timeline(verbose bool) []tlLine {
	recs := r.Records
	var lines []tlLine
	if verbose {
		for i := range recs {
			lines = append(lines, tlLine{recs[i].T, r.describe(i)})
		}
		return lines
	}
	var entries []tlEntry
	for i := 0; i < len(recs); i++ {
		e, skip := r.entry(i)
		i += skip
		if e.text != "" {
			entries = append(entries, e)
		}
	}
	// Merge the entries of each instant that share a key, at the place of
	// the first.
	for lo := 0; lo < len(entries); {
		hi := lo
		for hi < len(entries) && entries[hi].t == entries[lo].t {
			hi++
		}
		done := make([]bool, hi-lo)
		for i := lo; i < hi; i++ {
			if done[i-lo] {
				continue
			}
			e := entries[i]
			if e.key == "" {
				lines = append(lines, tlLine{e.t, e.text})
				continue
			}
			names := []string{e.name}
			for j := i + 1; j < hi; j++ {
				if !done[j-lo] && entries[j].key == e.key {
					done[j-lo] = true
					names = append(names, entries[j].name)
				}
			}
			if len(names) == 1 {
				lines = append(lines, tlLine{e.t, e.text})
			} else {
				lines = append(lines, tlLine{e.t, e.group(names)})
			}
		}
		lo = hi
	}
	return lines
}

// entry builds the timeline entry of record i, and says how many of the
// records after it it absorbed. An entry with empty text is left out.
func (r *TraceReport) entry(i int) (tlEntry, int) {
	c := r.C
	recs := r.Records
	rec := &recs[i]
	e := tlEntry{t: rec.T, text: r.describe(i)}
	svc := c.Services[rec.Service].ID
	// absorbSite counts the replica power records of site x that follow at
	// the same instant.
	absorbSite := func(x int32) (on, off, n int) {
		for j := i + 1; j < len(recs) && recs[j].T == rec.T; j++ {
			k := recs[j].Kind
			if k != sim.RecPowered && k != sim.RecUnpowered || c.Replicas[recs[j].Replica].Site != x {
				break
			}
			if k == sim.RecPowered {
				on++
			} else {
				off++
			}
			n++
		}
		return on, off, n
	}
	replicaCounts := func(on, off int) string {
		var parts []string
		if off > 0 {
			parts = append(parts, fmt.Sprintf("%d replica%s lose%s power", off, Plural(off), verbS(off)))
		}
		if on > 0 {
			parts = append(parts, fmt.Sprintf("%d replica%s powered", on, Plural(on)))
		}
		if len(parts) == 0 {
			return ""
		}
		return ": " + strings.Join(parts, ", ")
	}
	switch rec.Kind {
	case sim.RecPower, sim.RecSiteFail, sim.RecSiteRepaired:
		on, off, n := absorbSite(rec.Site)
		e.text += replicaCounts(on, off)
		if rec.Kind == sim.RecPower && on == 0 && off == 0 && rec.Value > 0 && rec.Value < rec.Value2 {
			e.text += " (no further replica fits yet)"
		}
		return e, n
	case sim.RecFail, sim.RecRepaired:
		if j := i + 1; j < len(recs) && recs[j].T == rec.T && recs[j].Replica == rec.Replica &&
			(recs[j].Kind == sim.RecUnpowered || recs[j].Kind == sim.RecPowered) {
			return e, 1
		}
		return e, 0
	case sim.RecUnpowered, sim.RecPowered:
		rep := &c.Replicas[rec.Replica]
		site := c.Sites[rep.Site].ID
		e.key = fmt.Sprintf("power|%d|%d|%d", rec.Kind, rep.Site, rec.Cause)
		e.name = c.Services[rep.Service].ID
		cause := ""
		if rec.Kind == sim.RecUnpowered {
			cause = " (" + sim.CauseString(c, rec.Cause) + ")"
		}
		e.group = func(names []string) string {
			if rec.Kind == sim.RecPowered {
				return fmt.Sprintf("%d replicas at %s powered: %s", len(names), site, strings.Join(names, ", "))
			}
			return fmt.Sprintf("%d replicas at %s lose power%s: %s", len(names), site, cause, strings.Join(names, ", "))
		}
	case sim.RecRunning:
		e.text = ""
	case sim.RecFailoverQueued:
		for j := i + 1; j < len(recs) && recs[j].T == rec.T; j++ {
			if recs[j].Kind == sim.RecFailover && recs[j].Service == rec.Service {
				e.text = "" // it got a crew at once: the failover line says so
				break
			}
		}
	case sim.RecRestart:
		if !rec.Manual {
			rep := &c.Replicas[rec.Replica]
			site, d := c.Sites[rep.Site].ID, graph.FormatDuration(rec.Value)
			e.key = fmt.Sprintf("restart|%d|%d", rep.Site, rec.Value)
			e.name = c.Services[rep.Service].ID
			e.group = func(names []string) string {
				return fmt.Sprintf("automated restarts at %s (%s each): %s", site, d, strings.Join(names, ", "))
			}
		}
	case sim.RecFailover:
		if !rec.Manual {
			site, d := c.Sites[c.Replicas[rec.Replica].Site].ID, graph.FormatDuration(rec.Value)
			what := "failovers"
			if rec.Back {
				what = "fail-backs"
			}
			e.key = fmt.Sprintf("failover|%d|%d|%v", c.Replicas[rec.Replica].Site, rec.Value, rec.Back)
			e.name = svc
			e.group = func(names []string) string {
				return fmt.Sprintf("automated %s → %s (%s each): %s", what, site, d, strings.Join(names, ", "))
			}
		}
	case sim.RecFailedOver:
		for j := i + 1; j < len(recs) && recs[j].T == rec.T; j++ {
			if recs[j].Kind == sim.RecUp && recs[j].Service == rec.Service {
				e.text = "" // the UP line says where it is served from
				return e, 0
			}
		}
		if rec.Back {
			e.text = "" // the fail-back line said when it would be done
			return e, 0
		}
		site := c.Sites[c.Replicas[rec.Replica].Site].ID
		back := rec.Replica == c.Services[rec.Service].Primary
		e.key = fmt.Sprintf("failedover|%d|%v", c.Replicas[rec.Replica].Site, back)
		e.name = svc + r.failedOverNote(i)
		e.group = func(names []string) string {
			if back {
				return fmt.Sprintf("back on %s: %s", site, strings.Join(names, ", "))
			}
			return fmt.Sprintf("now served from %s: %s", site, strings.Join(names, ", "))
		}
	case sim.RecDown:
		cause := sim.CauseString(c, rec.Cause)
		e.key = "down|" + cause
		e.name = svc
		e.group = func(names []string) string {
			return fmt.Sprintf("DOWN (%s): %s", cause, strings.Join(names, ", "))
		}
	case sim.RecUp:
		after := graph.FormatDuration(rec.Value)
		var notes []string
		for j := i - 1; j >= 0 && recs[j].T == rec.T; j-- {
			if recs[j].Kind == sim.RecFailedOver && recs[j].Service == rec.Service {
				notes = append(notes, "via "+c.Sites[c.Replicas[recs[j].Replica].Site].ID)
				break
			}
		}
		if n := r.loadNote(i, "", ""); n != "" {
			notes = append(notes, n)
		}
		note := ""
		if len(notes) > 0 {
			note = " (" + strings.Join(notes, ", ") + ")"
		}
		e.text = fmt.Sprintf("%s UP after %s%s", svc, after, note)
		e.key = "up|" + after
		e.name = svc + note
		e.group = func(names []string) string {
			return fmt.Sprintf("UP after %s: %s", after, strings.Join(names, ", "))
		}
	case sim.RecDegraded:
		if rec.Value != 0 {
			why := r.softDown(rec)
			e.key = "degraded|" + why
			e.name = svc
			e.group = func(names []string) string {
				if why == "" {
					return "degraded: " + strings.Join(names, ", ")
				}
				return fmt.Sprintf("degraded (%s down): %s", why, strings.Join(names, ", "))
			}
		} else {
			e.key = "undegraded"
			e.name = svc
			e.group = func(names []string) string { return "no longer degraded: " + strings.Join(names, ", ") }
		}
	case sim.RecDataLoss:
		what := dataLossText(rec)
		e.key = "loss|" + what
		e.name = svc
		e.group = func(names []string) string { return what + ": " + strings.Join(names, ", ") }
	case sim.RecFault:
		label := r.Label(i)
		e.key = fmt.Sprintf("fault|%d|%s", rec.Value, label)
		e.name = svc
		e.group = func(names []string) string {
			if rec.Value < 0 {
				return "fault fixed: " + strings.Join(names, ", ")
			}
			return "fault" + paren(label) + ": " + strings.Join(names, ", ")
		}
	}
	return e, 0
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// loadNote says what share of its load the service of record i serves
// after its instant, when less than all of it; "" otherwise.
func (r *TraceReport) loadNote(i int, pre, post string) string {
	p, ok := r.served(i)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s%d%% of its load%s", pre, p, post)
}

// failedOverNote says why a service just failed over is still down, or
// what share of its load it serves.
func (r *TraceReport) failedOverNote(i int) string {
	rec := &r.Records[i]
	if rec.Cause == 0 {
		return r.loadNote(i, " (", ")")
	}
	if kind, d := sim.SplitCause(rec.Cause); kind == sim.CauseDependency {
		return " (still down: " + r.C.Services[d].ID + " is down)"
	}
	return " (still down: " + sim.CauseString(r.C, rec.Cause) + ")"
}

// softDown names the soft dependency down that a RecDegraded record of a
// service becoming degraded gives, or "".
func (r *TraceReport) softDown(rec *sim.Record) string {
	if kind, d := sim.SplitCause(rec.Cause); kind == sim.CauseDependency {
		return r.C.Services[d].ID
	}
	return ""
}

func dataLossText(rec *sim.Record) string {
	switch {
	case rec.Manual:
		return "all data lost"
	case rec.Value == 0:
		return "no data lost"
	}
	return "lost " + graph.FormatDuration(rec.Value) + " of data"
}

// describe is the one-line account of record i, on its own.
func (r *TraceReport) describe(i int) string {
	c := r.C
	rec := &r.Records[i]
	rep := func() string {
		x := &c.Replicas[rec.Replica]
		return c.Services[x.Service].ID + "@" + c.Sites[x.Site].ID
	}
	site := func() string { return c.Sites[rec.Site].ID }
	svc := func() string { return c.Services[rec.Service].ID }
	target := func() string { return c.Sites[c.Replicas[rec.Replica].Site].ID }
	how := func() string {
		if rec.Manual {
			return "manual, " + graph.FormatDuration(rec.Value) + " (crew)"
		}
		return "automated " + graph.FormatDuration(rec.Value)
	}
	switch rec.Kind {
	case sim.RecPower:
		switch {
		case rec.Value == 0:
			return site() + " loses power" + paren(r.Label(i))
		case rec.Value >= rec.Value2:
			return site() + " fully powered again"
		}
		pct := strconv.FormatFloat(100*float64(rec.Value)/float64(rec.Value2), 'f', -1, 64)
		return fmt.Sprintf("%s powered to %s%%", site(), pct)
	case sim.RecIsolate:
		if rec.Value > 0 {
			return site() + " isolated" + paren(r.Label(i))
		}
		return site() + " reconnected"
	case sim.RecFault:
		if rec.Value > 0 {
			return "fault in " + svc() + paren(r.Label(i))
		}
		return "fault in " + svc() + " fixed"
	case sim.RecUnpowered:
		return fmt.Sprintf("%s loses power (%s)", rep(), sim.CauseString(c, rec.Cause))
	case sim.RecPowered:
		return rep() + " powered"
	case sim.RecWaitStart:
		_, need := sim.SplitCause(rec.Cause)
		return fmt.Sprintf("%s waits for %s to start (break-glass after %s)", rep(), c.Services[need].ID, graph.FormatDuration(rec.Value))
	case sim.RecBreakGlass:
		return "deadlock broken: " + rep() + " started by hand after break-glass"
	case sim.RecRestart:
		return "restart of " + rep() + ": " + how()
	case sim.RecRunning:
		return rep() + " running"
	case sim.RecFail:
		return rep() + " fails at random"
	case sim.RecRepair:
		if rec.Replica < 0 {
			return "repair of site " + site() + ": " + how()
		}
		return "repair of " + rep() + ": " + how()
	case sim.RecRepaired:
		return rep() + " repaired"
	case sim.RecSiteFail:
		return site() + " fails at random"
	case sim.RecSiteRepaired:
		return site() + " repaired"
	case sim.RecFailoverQueued:
		return fmt.Sprintf("failover of %s → %s waits for a crew", svc(), target())
	case sim.RecFailover:
		what := "failover"
		if rec.Back {
			what = "fail-back"
		}
		return fmt.Sprintf("%s of %s → %s: %s", what, svc(), target(), how())
	case sim.RecFailoverCancelled:
		return "failover of " + svc() + " cancelled: its active site serves again"
	case sim.RecFailedOver:
		if rec.Replica == c.Services[rec.Service].Primary {
			return svc() + " back on " + target() + r.failedOverNote(i)
		}
		return svc() + " now served from " + target() + r.failedOverNote(i)
	case sim.RecDown:
		return fmt.Sprintf("%s DOWN (%s)", svc(), sim.CauseString(c, rec.Cause))
	case sim.RecUp:
		return fmt.Sprintf("%s UP after %s%s", svc(), graph.FormatDuration(rec.Value), r.loadNote(i, " (", ")"))
	case sim.RecDegraded:
		if rec.Value != 0 {
			if why := r.softDown(rec); why != "" {
				return fmt.Sprintf("%s degraded (%s down)", svc(), why)
			}
			return svc() + " degraded"
		}
		return svc() + " no longer degraded"
	case sim.RecDataLoss:
		return svc() + ": " + dataLossText(rec)
	}
	return KindName(rec.Kind)
}

// wrap breaks s into lines of at most width columns at spaces; a word
// longer than width gets a line of its own.
func wrap(s string, width int) []string {
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	var lines []string
	line := ""
	for _, word := range strings.Split(s, " ") {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = "  " + word
		}
	}
	return append(lines, line)
}

// gantt draws one row per service that went down, in order of first
// outage: █ down, ▒ degraded or serving only part of its load, · up; then
// a time axis.
func (r *TraceReport) gantt(w io.Writer) {
	var rows []int
	for s := range r.Services {
		if r.Services[s].FirstDown >= 0 {
			rows = append(rows, s)
		}
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "  no service went down")
		return
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := &r.Services[rows[i]], &r.Services[rows[j]]
		if a.FirstDown != b.FirstDown {
			return a.FirstDown < b.FirstDown
		}
		return a.Downtime > b.Downtime
	})
	end, step := r.ganttSpan(rows)
	idw := 0
	for _, s := range rows {
		idw = max(idw, len(r.Services[s].ID))
	}
	overlaps := func(spans []sim.Span, a, b int64) bool {
		for _, sp := range spans {
			if sp.From < b && sp.To > a {
				return true
			}
		}
		return false
	}
	for _, s := range rows {
		ts := &r.Services[s]
		var b strings.Builder
		for col := 0; col < ganttWidth; col++ {
			a, z := end*int64(col)/ganttWidth, end*int64(col+1)/ganttWidth
			switch {
			case overlaps(ts.Down, a, z):
				b.WriteString("█")
			case overlaps(ts.Deg, a, z) || overlaps(ts.Part, a, z):
				b.WriteString("▒")
			default:
				b.WriteString("·")
			}
		}
		down := graph.FormatDuration(ts.Downtime)
		if ts.DownAtEnd {
			down += "+"
		}
		fmt.Fprintf(w, "  %-*s %s %s\n", idw, ts.ID, b.String(), down)
	}
	// The axis: a tick under the column where each multiple of step falls,
	// and its label below when it does not run into the previous one.
	axis := []rune(strings.Repeat("─", ganttWidth))
	labels := []rune(strings.Repeat(" ", ganttWidth+12))
	free := 0
	for t := int64(0); t <= end; t += step {
		col := int(t * ganttWidth / end)
		if col >= ganttWidth {
			col = ganttWidth - 1
		}
		axis[col] = '┬'
		label := []rune(graph.FormatDuration(t))
		if col >= free && col+len(label) <= len(labels) {
			copy(labels[col:], label)
			free = col + len(label) + 1
		}
	}
	fmt.Fprintf(w, "  %-*s %s\n", idw, "", string(axis))
	fmt.Fprintf(w, "  %-*s %s\n", idw, "", strings.TrimRight(string(labels), " "))
	fmt.Fprintf(w, "  %-*s █ down  ▒ degraded or partial  · up; 1 column = %s\n", idw, "", graph.FormatDuration((end+ganttWidth/2)/ganttWidth))
}

// ganttSpan picks the chart's time span, [0, end], and its tick step: a bit
// past the end of the last outage, degradation or partial service, rounded
// up to a whole step, and never past the horizon.
func (r *TraceReport) ganttSpan(rows []int) (end, step int64) {
	H := r.C.Horizon
	var last int64
	for _, s := range rows {
		ts := &r.Services[s]
		for _, spans := range [][]sim.Span{ts.Down, ts.Deg, ts.Part} {
			for _, sp := range spans {
				last = max(last, sp.To)
			}
		}
	}
	last = max(last+last/20, graph.Minute)
	steps := []int64{graph.Minute, 5 * graph.Minute, 10 * graph.Minute, 15 * graph.Minute, 30 * graph.Minute,
		graph.Hour, 2 * graph.Hour, 3 * graph.Hour, 6 * graph.Hour, 12 * graph.Hour, graph.Day, 2 * graph.Day,
		graph.Week, 2 * graph.Week, 4 * graph.Week, 13 * graph.Week, 26 * graph.Week, 52 * graph.Week}
	target := min(last, H)
	step = steps[len(steps)-1]
	for _, st := range steps {
		if target/st < ganttTicks {
			step = st
			break
		}
	}
	for step > 1 && target/step >= ganttTicks {
		step *= 2
	}
	end = min((target+step-1)/step*step, H)
	return max(end, 1), step
}

const (
	traceNote = `Downtime: time down within the horizon. Back up: the end of the last outage; Ended by: what ended it.
Degraded: time up with a soft dependency down. First cause: the cause of the first outage.`
	partialHeader = "Partial (shed)"
	partialNote   = `Partial: time up with less capacity than its load; (shed): that time weighted by the share of the load not served.`
)

// summaryRows is the per-service summary: the services that went down,
// were degraded, served part of their load or lost data, by downtime (most
// first), then id. The Partial and Data lost columns appear only when some
// service has them.
func (r *TraceReport) summaryRows() (rows [][]string, header []string, align []tw.Align) {
	var list []int
	anyPartial, anyData := false, false
	for s := range r.Services {
		ts := &r.Services[s]
		if ts.FirstDown >= 0 || ts.Degraded > 0 || ts.Partial > 0 || ts.DataHit {
			list = append(list, s)
		}
		anyPartial = anyPartial || ts.Partial > 0
		anyData = anyData || ts.DataHit
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := &r.Services[list[i]], &r.Services[list[j]]
		if a.Downtime != b.Downtime {
			return a.Downtime > b.Downtime
		}
		return a.ID < b.ID
	})
	header = []string{"Service", "Downtime", "Outages", "First down", "Back up", "Degraded"}
	align = []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight}
	if anyPartial {
		header = append(header, partialHeader)
		align = append(align, tw.AlignRight)
	}
	if anyData {
		header = append(header, "Data lost")
		align = append(align, tw.AlignRight)
	}
	header = append(header, "First cause", "Ended by")
	align = append(align, tw.AlignLeft, tw.AlignLeft)
	for _, s := range list {
		ts := &r.Services[s]
		first, back, cause, ended := Dash, Dash, Dash, Dash
		if ts.FirstDown >= 0 {
			first = TimeLabel(ts.FirstDown)
			back = TimeLabel(ts.LastUp)
			if ts.DownAtEnd {
				back = "still down"
			} else if ts.EndedBy != "" {
				ended = ts.EndedBy
			}
			cause = sim.CauseString(r.C, ts.FirstCause)
		}
		row := []string{ts.ID, graph.FormatDuration(ts.Downtime), strconv.Itoa(ts.Outages), first, back,
			graph.FormatDuration(ts.Degraded)}
		if anyPartial {
			p := graph.FormatDuration(ts.Partial)
			if ts.Partial > 0 {
				p += " (" + graph.FormatDuration(ts.Shed) + ")"
			}
			row = append(row, p)
		}
		if anyData {
			lost := Dash
			switch {
			case ts.AllLost:
				lost = "all"
			case ts.DataHit:
				lost = graph.FormatDuration(ts.DataLoss)
			}
			row = append(row, lost)
		}
		rows = append(rows, append(row, cause, ended))
	}
	return rows, header, align
}

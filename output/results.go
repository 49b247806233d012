package output

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// ResultsFormats lists the formats WriteResults accepts.
var ResultsFormats = []string{"table", "markdown", "csv", "json"}

// ResultsFormatFor returns the results format a file name's extension
// implies (".json", ".md" or ".markdown", ".csv", ".txt"), or "" when it
// implies none.
func ResultsFormatFor(path string) string {
	name := strings.ToLower(path)
	switch {
	case strings.HasSuffix(name, ".json"):
		return "json"
	case strings.HasSuffix(name, ".md"), strings.HasSuffix(name, ".markdown"):
		return "markdown"
	case strings.HasSuffix(name, ".csv"):
		return "csv"
	case strings.HasSuffix(name, ".txt"):
		return "table"
	}
	return ""
}

// WriteResults writes r in one of ResultsFormats.
func WriteResults(w io.Writer, r *sim.Results, format string) error {
	switch format {
	case "table":
		return ResultsTable(w, r)
	case "markdown":
		return ResultsMarkdown(w, r)
	case "csv":
		return ResultsCSV(w, r)
	case "json":
		return ResultsJSON(w, r)
	}
	return fmt.Errorf("unknown results format %q (want %s)", format, strings.Join(ResultsFormats, ", "))
}

// ResultsJSON writes r as an indented results file (docs/model.md §8,
// docs/results.schema.json), ending with a newline.
func ResultsJSON(w io.Writer, r *sim.Results) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return nil
}

// ResultsTable writes r for a terminal: a header block naming the scenario,
// then a table of platform figures and a table of services, the services
// ordered by expected user-hours lost (most first).
func ResultsTable(w io.Writer, r *sim.Results) error {
	ew := &errWriter{w: w}
	for _, kv := range HeaderBlock(r) {
		fmt.Fprintln(ew, fitText(w, fmt.Sprintf("%-9s %s", kv[0]+":", TermText(kv[1])), 10))
	}
	fmt.Fprintln(ew)
	if err := renderTable(ew, PlatformHeader, PlatformRows(r), nil, false); err != nil {
		return err
	}
	if note := CensoredNote(r); note != "" {
		fmt.Fprintln(ew, note)
	}
	fmt.Fprintln(ew)
	if err := renderTable(ew, ServiceHeader, ServiceRows(r), serviceAlign, false); err != nil {
		return err
	}
	fmt.Fprintln(ew, fitText(w, ServiceNote(r), 0))
	if rr := RunRisk(r); rr != nil && ew.err == nil {
		fmt.Fprintf(ew, "\n%s\n", fitText(w, runRiskIntro(rr), 0))
		if ew.err != nil {
			return ew.err
		}
		if err := riskBody(w, rr, false); err != nil {
			return err
		}
	}
	if r.Uncertainty != nil && ew.err == nil {
		return uncertaintyTables(ew, r, false)
	}
	return ew.err
}

// ResultsMarkdown writes the same content as ResultsTable as Markdown: a
// heading and a list for the header block, then two pipe tables.
func ResultsMarkdown(w io.Writer, r *sim.Results) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "## Scenario `%s`\n\n", mdEscape(r.Scenario))
	for _, kv := range HeaderBlock(r) {
		if kv[0] == "Scenario" {
			if r.Description != "" {
				fmt.Fprintf(ew, "%s\n\n", mdEscape(r.Description))
			}
			continue
		}
		fmt.Fprintf(ew, "- **%s:** %s\n", kv[0], mdEscape(kv[1]))
	}
	fmt.Fprintf(ew, "\n### Platform\n\n")
	if err := renderTable(ew, PlatformHeader, mdEscapeRows(PlatformRows(r)), nil, true); err != nil {
		return err
	}
	if note := CensoredNote(r); note != "" {
		fmt.Fprintf(ew, "\n%s\n", mdEscape(note))
	}
	fmt.Fprintf(ew, "\n### Services\n\n")
	if err := renderTable(ew, ServiceHeader, mdEscapeRows(ServiceRows(r)), serviceAlign, true); err != nil {
		return err
	}
	fmt.Fprintf(ew, "\n%s\n", ServiceNote(r))
	if rr := RunRisk(r); rr != nil && ew.err == nil {
		fmt.Fprintf(ew, "\n### Annual risk\n\n%s\n\n", mdEscape(runRiskIntro(rr)))
		if ew.err != nil {
			return ew.err
		}
		if err := riskBody(w, rr, true); err != nil {
			return err
		}
	}
	if r.Uncertainty != nil && ew.err == nil {
		return uncertaintyTables(ew, r, true)
	}
	return ew.err
}

// csvHeader names the CSV columns. The first row after the header is the
// platform's (scope "platform"), then one row per service (scope
// "service"): the service columns are empty on the platform row, the
// platform_* columns empty on service rows; then, when some event has a
// rate, one row per risk figure (scope "risk", only the risk_* columns). Times are in milliseconds,
// probabilities in [0, 1], user-hours in hours, money in currency units.
var csvHeader = []string{
	"scope", "scenario", "service", "users", "priority", "user_hours", "p_affected",
	"downtime_mean_ms", "downtime_ci95_low_ms", "downtime_ci95_high_ms",
	"downtime_p50_ms", "downtime_p90_ms", "downtime_p99_ms",
	"downtime_censored", "downtime_censored_from_ms",
	"recovery_mean_ms", "recovery_p50_ms", "recovery_p90_ms", "recovery_p99_ms",
	"recovery_censored", "recovery_censored_from_ms",
	"degraded_mean_ms", "shed_mean_ms", "p_partial", "p_unrecovered",
	"data_loss_mean_ms", "data_loss_p99_ms", "p_all_data_lost",
	"p_rto_breach", "p_rpo_breach", "top_cause", "p_top_cause",
	// Back to normal, after the others, so that a reader of the older
	// columns by position still reads them.
	"restored_mean_ms", "restored_p50_ms", "restored_p90_ms", "restored_p99_ms",
	"restored_censored", "restored_censored_from_ms", "p_unrestored",
}

// csvPlatformColumns are the platform figures of the CSV's platform row:
// the five per-trial summaries with their CI and percentiles (user-hours
// summed over services; docs/model.md §8.1), the people cut off at the
// peak and person-hours (empty unless the platform declares people:),
// people, the share of trials in which full recovery was cut by the
// horizon and the smallest cut value, then the shares and counts of the
// run table's platform figures, and last the trials the figures are over:
// the trials done, whether the run was interrupted (a partial run's CSV
// says so, as its table and JSON do) and the trials asked for.
var csvPlatformColumns = func() []string {
	var cols []string
	for _, f := range [][2]string{{"full_recovery", "_ms"}, {"user_hours_summed_over_services", ""}, {"cost", ""}, {"peak_down", ""}, {"crew_hours", ""}} {
		for _, stat := range []string{"mean", "ci95_low", "ci95_high", "p50", "p90", "p99"} {
			cols = append(cols, "platform_"+f[0]+"_"+stat+f[1])
		}
	}
	for _, f := range []string{"people_cut_off_peak", "person_hours"} {
		for _, stat := range []string{"mean", "ci95_low", "ci95_high", "p50", "p90", "p99"} {
			cols = append(cols, "platform_"+f+"_"+stat)
		}
	}
	cols = append(cols, "platform_people", "platform_full_recovery_censored", "platform_full_recovery_censored_from_ms", "platform_currency", "platform_services_all_data_lost", "platform_services_rpo_breach",
		"platform_p_deadlock", "platform_p_unrecovered", "platform_p_rto_breach_p1")
	// Back to normal, after the older figures like the services' columns.
	for _, stat := range []string{"mean", "ci95_low", "ci95_high", "p50", "p90", "p99"} {
		cols = append(cols, "platform_full_restored_"+stat+"_ms")
	}
	cols = append(cols, "platform_full_restored_censored", "platform_full_restored_censored_from_ms", "platform_p_unrestored",
		"platform_trials", "platform_partial", "platform_trials_requested")
	// The risk of a horizon, when some event has a rate: rows of scope
	// risk, one a figure, as 'domino risk --format csv' writes them.
	for _, c := range riskCSVColumns {
		cols = append(cols, "risk_"+c)
	}
	return cols
}()

// ResultsCSV writes one header row, the platform's row and one row per
// service, in the order of ResultsTable, with machine-readable numbers:
// milliseconds, user-hours and money as plain decimals, probabilities as
// fractions. A column that does not apply to a row's scope is empty.
func ResultsCSV(w io.Writer, r *sim.Results) error {
	cw := newCSVWriter(w)
	header := append(slices.Clone(csvHeader), csvPlatformColumns...)
	var uempty []string // an uncertainty run's columns, on a service row
	if u := r.Uncertainty; u != nil {
		ucols := uncertaintyCSVColumns(r)
		header = append(header, ucols...)
		uempty = make([]string, len(ucols))
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	p := &r.Summary
	platform := make([]string, len(csvHeader), len(csvHeader)+len(csvPlatformColumns))
	platform[0], platform[1] = "platform", r.Scenario
	for _, sum := range []sim.Summary{p.FullRecovery, p.UserHours, p.Cost, p.PeakDown, p.CrewHours} {
		platform = append(platform, num(sum.Mean), ciNum(sum.NoCI, sum.CI95[0]), ciNum(sum.NoCI, sum.CI95[1]), num(sum.P50), num(sum.P90), num(sum.P99))
	}
	for _, sum := range []*sim.Summary{p.PeakPeople, p.PersonHours} {
		if sum == nil || r.People == 0 { // no people: declared: empty cells
			platform = append(platform, "", "", "", "", "", "")
			continue
		}
		platform = append(platform, num(sum.Mean), ciNum(sum.NoCI, sum.CI95[0]), ciNum(sum.NoCI, sum.CI95[1]), num(sum.P50), num(sum.P90), num(sum.P99))
	}
	people := ""
	if r.People > 0 {
		people = strconv.FormatInt(r.People, 10)
	}
	platform = append(platform, people, num(p.FullRecovery.Censored), censoredFrom(p.FullRecovery), r.Currency, num(allLost(r)), num(rpoBreaches(r)),
		num(p.PDeadlock), num(p.PUnrecovered), num(p.PRTOBreachP1))
	requested := r.Trials
	if r.Partial {
		requested = r.TrialsRequested
	}
	fr := p.FullRestored
	platform = append(platform, num(fr.Mean), ciNum(fr.NoCI, fr.CI95[0]), ciNum(fr.NoCI, fr.CI95[1]), num(fr.P50), num(fr.P90), num(fr.P99),
		num(fr.Censored), censoredFrom(fr), num(p.PUnrestored))
	platform = append(platform, strconv.FormatInt(int64(r.Trials), 10), strconv.FormatBool(r.Partial), strconv.FormatInt(int64(requested), 10))
	platform = append(platform, make([]string, len(riskCSVColumns))...)
	if r.Uncertainty != nil {
		platform = append(platform, uncertaintyPlatformCells(r.Uncertainty)...)
	}
	if err := cw.Write(platform); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	empty := make([]string, len(csvPlatformColumns))
	for _, s := range SortedServices(r) {
		row := []string{
			"service", r.Scenario, s.ID, strconv.FormatInt(s.Users, 10), strconv.Itoa(s.Priority),
			num(s.UserHours), num(s.PAffected),
			num(s.Downtime.Mean), ciNum(s.Downtime.NoCI, s.Downtime.CI95[0]), ciNum(s.Downtime.NoCI, s.Downtime.CI95[1]),
			num(s.Downtime.P50), num(s.Downtime.P90), num(s.Downtime.P99),
			num(s.Downtime.Censored), censoredFrom(s.Downtime),
			num(s.Recovery.Mean), num(s.Recovery.P50), num(s.Recovery.P90), num(s.Recovery.P99),
			num(s.Recovery.Censored), censoredFrom(s.Recovery),
			num(s.Degraded.Mean), num(s.Shed.Mean), num(s.PPartial), num(s.PUnrecovered),
			num(s.DataLoss.Mean), num(s.DataLoss.P99), num(s.PAllDataLost),
			num(s.PRTOBreach), num(s.PRPOBreach), s.TopCause, num(s.Causes[s.TopCause]),
			num(s.Restored.Mean), num(s.Restored.P50), num(s.Restored.P90), num(s.Restored.P99),
			num(s.Restored.Censored), censoredFrom(s.Restored), num(s.PUnrestored),
		}
		if err := cw.Write(append(append(row, empty...), uempty...)); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	if r.Risk != nil {
		width := len(csvHeader) + len(csvPlatformColumns)
		for _, fig := range riskCSVRows(r.Risk) {
			row := make([]string, width-len(fig), width+len(uempty))
			row[0], row[1] = "risk", r.Scenario
			row = append(row, fig[:]...)
			if err := cw.Write(append(row, uempty...)); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	if u := r.Uncertainty; u != nil {
		// One row of scope "input" per uncertain input.
		for _, in := range u.Inputs {
			row := make([]string, len(csvHeader)+len(csvPlatformColumns))
			row[0], row[1] = "input", r.Scenario
			if err := cw.Write(append(row, uncertaintyInputCells(u, in)...)); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// censoredFrom is a CSV cell: the smallest value cut by the horizon, empty
// when none was (any figure at or above it is a lower bound).
func censoredFrom(s sim.Summary) string {
	if s.Censored == 0 {
		return ""
	}
	return num(s.CensoredFrom)
}

// ciNum writes a bound of a 95% CI for a CSV cell: empty when there is no
// interval (fewer than 2 trials).
func ciNum(noCI bool, x float64) string {
	if noCI {
		return ""
	}
	return num(x)
}

// num writes a float in the shortest form that reads back exactly, without
// an exponent (a spreadsheet reads "12000000", not always "1.2e+07").
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// HeaderBlock is the scenario's identification as label/value pairs.
func HeaderBlock(r *sim.Results) [][2]string {
	scenario := r.Scenario
	if r.Description != "" {
		scenario += " — " + r.Description
	}
	platform := r.Platform
	if platform == "" {
		platform = Dash
	}
	trials := fmt.Sprintf("%s (seed %d)", Count(float64(r.Trials)), r.Seed)
	if r.Partial {
		trials += fmt.Sprintf(" — PARTIAL: interrupted after %s of the %s trials asked for",
			Count(float64(r.TrialsDone)), Count(float64(r.TrialsRequested)))
	}
	return [][2]string{
		{"Scenario", scenario},
		{"Platform", platform},
		{"Trials", trials},
		{"Horizon", graph.FormatDuration(r.HorizonMs)},
	}
}

// PlatformHeader is the header of the platform table: one row per
// headline figure (PlatformRows).
var PlatformHeader = []string{"Platform", "Mean", "95% CI", "p50", "p90", "p99"}

// PlatformRows are the per-trial platform figures; a cell that does not
// apply is Dash.
func PlatformRows(r *sim.Results) [][]string {
	p := &r.Summary
	ci := func(s sim.Summary, f func(float64) string) string {
		if s.NoCI {
			return Dash // fewer than 2 trials: no interval
		}
		return f(s.CI95[0]) + " – " + f(s.CI95[1])
	}
	moneyLabel := "Money lost"
	if r.Currency != "" {
		moneyLabel += " (" + r.Currency + ")"
	}
	one := func(x float64) string { return Decimal(x, 1) }
	full := p.FullRecovery
	fullCI := ci(full, Duration)
	if full.MeanLowerBound() {
		fullCI = Dash // an interval for a lower bound says nothing of the mean
	}
	fr := p.FullRestored
	frCI := ci(fr, Duration)
	if fr.MeanLowerBound() {
		frCI = Dash
	}
	rows := [][]string{
		{"Time to full recovery", censoredMean(full), fullCI,
			CensoredQuantile(full, full.P50), CensoredQuantile(full, full.P90), CensoredQuantile(full, full.P99)},
		{"Time to everything back to normal", censoredMean(fr), frCI,
			CensoredQuantile(fr, fr.P50), CensoredQuantile(fr, fr.P90), CensoredQuantile(fr, fr.P99)},
		{"User-hours lost (summed over services)", Count(p.UserHours.Mean), ci(p.UserHours, Count),
			Count(p.UserHours.P50), Count(p.UserHours.P90), Count(p.UserHours.P99)},
	}
	if pk, ph := p.PeakPeople, p.PersonHours; pk != nil && ph != nil {
		// Each person once, however many services they lost (people:).
		rows = append(rows,
			[]string{"People cut off at the peak (of " + Count(float64(r.People)) + ")", Count(pk.Mean), ci(*pk, Count),
				Count(pk.P50), Count(pk.P90), Count(pk.P99)},
			[]string{"Person-hours lost (each person once)", Count(ph.Mean), ci(*ph, Count),
				Count(ph.P50), Count(ph.P90), Count(ph.P99)})
	}
	return append(rows, [][]string{
		{moneyLabel, Count(p.Cost.Mean), ci(p.Cost, Count),
			Count(p.Cost.P50), Count(p.Cost.P90), Count(p.Cost.P99)},
		{"Peak services down", one(p.PeakDown.Mean), ci(p.PeakDown, one),
			Count(p.PeakDown.P50), Count(p.PeakDown.P90), Count(p.PeakDown.P99)},
		{"Crew-hours", one(p.CrewHours.Mean), ci(p.CrewHours, one),
			one(p.CrewHours.P50), one(p.CrewHours.P90), one(p.CrewHours.P99)},
		{"Services losing all data", Decimal(allLost(r), 2), Dash, Dash, Dash, Dash},
		{"Services breaching their RPO", Decimal(rpoBreaches(r), 2), Dash, Dash, Dash, Dash},
		{"P(deadlock: break-glass forced a start)", Percent(p.PDeadlock), Dash, Dash, Dash, Dash},
		{"P(not fully recovered by horizon)", Percent(p.PUnrecovered), Dash, Dash, Dash, Dash},
		{"P(not all back to normal by horizon)", Percent(p.PUnrestored), Dash, Dash, Dash, Dash},
	}...)
}

// allLost is the mean number of services a trial that lose all their
// data: Σ p_all_data_lost, the mean of a sum of indicators (no CI: the
// services' losses are correlated). compare's services_all_data_lost.
func allLost(r *sim.Results) float64 {
	var n float64
	for _, s := range r.Services {
		n += s.PAllDataLost
	}
	return n
}

// rpoBreaches is the mean number of services a trial that lose more data
// than their rpo: Σ p_rpo_breach. compare's services_rpo_breach.
func rpoBreaches(r *sim.Results) float64 {
	var n float64
	for _, s := range r.Services {
		n += s.PRPOBreach
	}
	return n
}

// ServiceHeader is the header of the per-service table (ServiceRows).
var ServiceHeader = []string{
	"Service", "User-hours", "P(affected)", "Down mean", "p50", "p90", "p99", "Back to normal p50", "Shed mean",
	"P(unrecovered)", "Data lost", "P(RTO breach)", "P(RPO breach)", "Top cause",
}

var serviceAlign = []tw.Align{
	tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight,
	tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft,
}

// backToNormal is the median time a service was back to normal: Dash when
// it never left normal (or was back at once), "> X" when that median is
// cut by the horizon.
func backToNormal(s sim.Summary) string {
	if s.P99 == 0 {
		return Dash
	}
	return CensoredQuantile(s, s.P50)
}

// censoredMean formats a time's mean: "> 30d (100% of trials)" when
// some trials were cut by the horizon, with their share.
func censoredMean(s sim.Summary) string {
	if !s.MeanLowerBound() {
		return Duration(s.Mean)
	}
	return "> " + Duration(s.Mean) + " (" + Percent(s.Censored) + " of trials)"
}

// CensoredQuantile formats a quantile of a time: "> 30d" when it is only a
// lower bound (some trial at or below it was cut by the horizon).
func CensoredQuantile(s sim.Summary, v float64) string {
	if s.LowerBound(v) {
		return "> " + Duration(v)
	}
	return Duration(v)
}

// CensoredNote explains "> " in the platform table, or is "" when nothing
// was cut by the horizon.
func CensoredNote(r *sim.Results) string {
	p := r.Summary.FullRecovery
	if p.Censored == 0 {
		return ""
	}
	return fmt.Sprintf("> X (p%% of trials): in p%% of the trials a service was still down at the horizon (%s), so the time to full\n"+
		"recovery is at least X; a quantile marked > is a lower bound too. Times to recovery count from the first outage of the trial.",
		graph.FormatDuration(r.HorizonMs))
}

// ServiceNote is serviceColumnsNote, with a first line explaining "> X" when
// some service was still down at the horizon.
func ServiceNote(r *sim.Results) string {
	for _, s := range r.Services {
		if s.Downtime.Censored > 0 {
			return "> X: the service was still down at the horizon in some trials (P(unrecovered)): its downtime is at least X.\n" + serviceColumnsNote
		}
	}
	return serviceColumnsNote
}

// serviceColumnsNote explains the columns that need it.
const serviceColumnsNote = `User-hours: this service's users × its time down (plus shed and degraded parts); the platform's
user-hours are these summed over services, so a person cut off from three services counts three times.
Down mean, p50, p90, p99: a service's downtime within the horizon, over all trials.
Back to normal p50: median time from the first outage until the service is up, carries its whole load and is
not degraded, for good, over the trials it was not ("> X" when not back to normal by the horizon).
Shed mean: time-equivalent of the load not carried while up on too little capacity (load, docs/model.md §11).
P(unrecovered): still down at the horizon. Data lost: mean loss when finite (with the chance that all was lost).
P(RTO breach), P(RPO breach): an outage longer than the service's rto; data lost beyond its rpo, all data lost included.
Top cause: the commonest cause of the service's first outage, with its share of the trials it went down in.`

// ServiceRows are the per-service figures, in SortedServices order.
func ServiceRows(r *sim.Results) [][]string {
	var rows [][]string
	for _, s := range SortedServices(r) {
		lost := Duration(s.DataLoss.Mean)
		if s.PAllDataLost > 0 {
			lost += " (all: " + Percent(s.PAllDataLost) + ")"
		}
		cause := Dash
		if s.TopCause != "" {
			cause = s.TopCause + " (" + Percent(s.Causes[s.TopCause]) + ")"
		}
		shed := Dash
		if s.PPartial > 0 {
			shed = Duration(s.Shed.Mean)
		}
		d := s.Downtime
		mean := Duration(d.Mean)
		if d.MeanLowerBound() {
			mean = "> " + mean
		}
		rows = append(rows, []string{
			s.ID, Count(s.UserHours), Percent(s.PAffected),
			mean, CensoredQuantile(d, d.P50), CensoredQuantile(d, d.P90), CensoredQuantile(d, d.P99),
			backToNormal(s.Restored), shed,
			Percent(s.PUnrecovered), lost, Percent(s.PRTOBreach), Percent(s.PRPOBreach), cause,
		})
	}
	return rows
}

// SortedServices returns the services by expected user-hours lost, most
// first, then by id.
func SortedServices(r *sim.Results) []*sim.ServiceResult {
	out := make([]*sim.ServiceResult, len(r.Services))
	for i := range r.Services {
		out[i] = &r.Services[i]
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].UserHours != out[j].UserHours {
			return out[i].UserHours > out[j].UserHours
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// renderTable draws one table with tablewriter, as a boxed terminal table
// or as Markdown. Header cells are printed as written (tablewriter's
// auto-format would upper-case "p50" and mangle "P(affected)"), and cells
// never wrap. align gives per-column alignment; nil means the first column
// left and the others right.
//
// Written through FitWidth, a terminal table is made to fit its width
// (fitTable), with a line under it saying what was left out.
func renderTable(w io.Writer, header []string, rows [][]string, align []tw.Align, markdown bool) error {
	if !markdown { // Markdown's callers escape their cells with mdEscape
		header, rows = termRow(header), termRows(rows)
	}
	note := ""
	if width := tableWidth(w); width > 0 && !markdown {
		f := fitTable(header, rows, width)
		if align != nil {
			kept := make([]tw.Align, len(f.keep))
			for i, c := range f.keep {
				kept[i] = align[c]
			}
			align = kept
		}
		header, rows, note = f.header, f.rows, f.note(width)
	}
	if align == nil {
		align = make([]tw.Align, len(header))
		for i := range align {
			align[i] = tw.AlignRight
		}
		align[0] = tw.AlignLeft
	}
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	}
	if markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	}
	t := tablewriter.NewTable(w, opts...)
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	t.Header(cells...)
	if err := t.Bulk(rows); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	if note != "" {
		if _, err := fmt.Fprintln(w, note); err != nil {
			return err
		}
	}
	return nil
}

// mdEscape escapes the characters that would break a Markdown table cell
// (|) or start markup inside it (*, `). Underscores are left alone: inside
// a word, as in ids, they never start emphasis in CommonMark.
func mdEscape(s string) string { return MarkdownText(s) }

func mdEscapeRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = make([]string, len(row))
		for j, c := range row {
			out[i][j] = mdEscape(c)
		}
	}
	return out
}

// errWriter remembers the first write error so that a sequence of Fprintf
// calls can be checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// termRow and termRows escape cells for a terminal with TermText.
func termRow(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = TermText(c)
	}
	return out
}

func termRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = termRow(row)
	}
	return out
}

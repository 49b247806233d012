package output

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/sim"
)

// ResultsCompareSchema names the JSON format of a comparison of results
// files (domino compare R1.json R2.json ...). It is not sim.CompareSchema:
// its differences are unpaired.
const ResultsCompareSchema = "domino.compare-results/v1"

// ResultsComparison compares scenarios from their results files (MODEL.md
// §8). A results file holds no per-trial data, so unlike sim.Comparison the
// differences are unpaired: the difference of the means, with a 95% CI
// whose half-width is the two CIs' half-widths combined in quadrature.
// Metrics follow sim.CompareMetrics, in the same order and with the same
// ids; a figure a results file does not hold is nil.
type ResultsComparison struct {
	Schema    string          `json:"schema"`
	Paired    bool            `json:"paired"` // always false
	Note      string          `json:"note"`
	Scenarios []string        `json:"scenarios"`
	Seeds     []uint64        `json:"seeds"`
	Trials    []int           `json:"trials"`
	Currency  string          `json:"currency,omitempty"`
	Metrics   []ResultsMetric `json:"metrics"`
}

// ResultsMetric is one row of a ResultsComparison.
type ResultsMetric struct {
	ID     string           `json:"id"`
	Name   string           `json:"name"`
	Unit   string           `json:"unit"`
	Values []*ComparedValue `json:"values"`        // per scenario; nil: not in the results file
	Diffs  []*ComparedDiff  `json:"diff_to_first"` // nil for the first scenario and when a value is missing
}

// ComparedValue is one scenario's figure; fields a source does not hold
// are nil.
type ComparedValue struct {
	Mean float64     `json:"mean"`
	CI95 *[2]float64 `json:"ci95,omitempty"`
	P50  *float64    `json:"p50,omitempty"`
	P90  *float64    `json:"p90,omitempty"`
	P99  *float64    `json:"p99,omitempty"`
}

// ComparedDiff is a difference of means, with its 95% CI when both sides
// have one.
type ComparedDiff struct {
	Mean float64     `json:"mean"`
	CI95 *[2]float64 `json:"ci95,omitempty"`
}

const unpairedNote = "unpaired: results files hold no per-trial data; diff_to_first is the difference of the means " +
	"with a 95% CI from the two CIs' half-widths combined in quadrature"

// CompareResults lines up results files for comparison, the first as the
// baseline. labels name the columns (nil: the scenario ids).
//
// Figures derived from a results file: the platform summaries
// (full_recovery_ms, full_restored_ms, user_hours, cost, crew_hours) as they
// are (full_restored_ms is missing from files written before it); P(deadlock)
// with the 95% CI of a proportion over the file's trials (§8's mean ±
// 1.96·s/√n of a 0/1 value); data lost as Σ over services of
// data_loss_ms.mean × (1 − p_all_data_lost), since data_loss_ms is averaged
// over the trials where the loss was finite while the compared metric counts
// 0 in the others; services losing all data as Σ p_all_data_lost (the mean
// of a sum of indicators). Neither sum has a CI: the services' losses are
// correlated. P(RTO breach of a priority-1 service) is the results file's
// p_rto_breach_p1, with the CI of a proportion like P(deadlock).
func CompareResults(rs []*sim.Results, labels []string) *ResultsComparison {
	c := &ResultsComparison{Schema: ResultsCompareSchema, Note: unpairedNote}
	for i, r := range rs {
		label := r.Scenario
		if i < len(labels) && labels[i] != "" {
			label = labels[i]
		}
		c.Scenarios = append(c.Scenarios, label)
		c.Seeds = append(c.Seeds, r.Seed)
		c.Trials = append(c.Trials, r.Trials)
		if c.Currency == "" {
			c.Currency = r.Currency
		}
	}
	for _, m := range sim.CompareMetrics {
		row := ResultsMetric{ID: m.ID, Name: m.Name, Unit: m.Unit}
		for _, r := range rs {
			row.Values = append(row.Values, resultsValue(r, m.ID))
		}
		for i, v := range row.Values {
			if i == 0 {
				row.Diffs = append(row.Diffs, nil)
				continue
			}
			row.Diffs = append(row.Diffs, unpairedDiff(row.Values[0], v))
		}
		c.Metrics = append(c.Metrics, row)
	}
	return c
}

// resultsValue extracts metric id from r, or returns nil when r does not
// hold it.
func resultsValue(r *sim.Results, id string) *ComparedValue {
	full := func(s sim.Summary) *ComparedValue {
		ci, p50, p90, p99 := s.CI95, s.P50, s.P90, s.P99
		return &ComparedValue{Mean: s.Mean, CI95: &ci, P50: &p50, P90: &p90, P99: &p99}
	}
	switch id {
	case "full_recovery_ms":
		return full(r.Summary.FullRecovery)
	case "full_restored_ms":
		// Everything is back to normal no sooner than it is all up: a
		// file with a full recovery but no restoration predates the
		// figure.
		if r.Summary.FullRestored == (sim.Summary{}) && r.Summary.FullRecovery != (sim.Summary{}) {
			return nil
		}
		return full(r.Summary.FullRestored)
	case "user_hours":
		return full(r.Summary.UserHours)
	case "cost":
		return full(r.Summary.Cost)
	case "crew_hours":
		return full(r.Summary.CrewHours)
	case "data_loss_ms":
		var sum float64
		for _, s := range r.Services {
			sum += s.DataLoss.Mean * (1 - s.PAllDataLost)
		}
		return &ComparedValue{Mean: sum}
	case "services_all_data_lost":
		var sum float64
		for _, s := range r.Services {
			sum += s.PAllDataLost
		}
		return &ComparedValue{Mean: sum}
	case "p_deadlock", "p_rto_breach_p1":
		p := r.Summary.PDeadlock
		if id == "p_rto_breach_p1" {
			p = r.Summary.PRTOBreachP1
		}
		v := &ComparedValue{Mean: p}
		if n := float64(r.Trials); n > 1 {
			// s² of a 0/1 value with the n − 1 denominator.
			half := 1.96 * math.Sqrt(max(p*(1-p)*n/(n-1), 0)/n)
			v.CI95 = &[2]float64{p - half, p + half}
		}
		return v
	}
	return nil
}

// unpairedDiff is b − a with the CI half-widths combined in quadrature, as
// for two independent estimates; nil when either value is missing.
func unpairedDiff(a, b *ComparedValue) *ComparedDiff {
	if a == nil || b == nil {
		return nil
	}
	d := &ComparedDiff{Mean: b.Mean - a.Mean}
	if a.CI95 != nil && b.CI95 != nil {
		ha, hb := (a.CI95[1]-a.CI95[0])/2, (b.CI95[1]-b.CI95[0])/2
		half := math.Hypot(ha, hb)
		d.CI95 = &[2]float64{d.Mean - half, d.Mean + half}
	}
	return d
}

// WriteComparison writes a paired comparison in one of ResultsFormats;
// currency labels the money row (it may be "").
func WriteComparison(w io.Writer, c *sim.Comparison, currency, format string) error {
	return writeCompareView(w, pairedView(c, currency), format, func() error { return compareJSON(w, c) })
}

// WriteResultsComparison writes an unpaired comparison of results files in
// one of ResultsFormats.
func WriteResultsComparison(w io.Writer, c *ResultsComparison, format string) error {
	return writeCompareView(w, resultsView(c), format, func() error { return compareJSON(w, c) })
}

func writeCompareView(w io.Writer, v *compareView, format string, writeJSON func() error) error {
	switch format {
	case "table":
		return v.table(w, false)
	case "markdown":
		return v.table(w, true)
	case "csv":
		return v.csv(w)
	case "json":
		return writeJSON()
	}
	return fmt.Errorf("unknown comparison format %q (want %s)", format, strings.Join(ResultsFormats, ", "))
}

func compareJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode comparison: %w", err)
	}
	return nil
}

// compareView is what the table, Markdown and CSV writers draw, paired or
// not.
type compareView struct {
	paired    bool
	scenarios []string
	currency  string
	trials    string // the "Trials:" line
	metrics   []ResultsMetric
}

func pairedView(c *sim.Comparison, currency string) *compareView {
	v := &compareView{
		paired: true, scenarios: c.Scenarios, currency: currency,
		trials: fmt.Sprintf("%s per scenario (seed %d), paired: the same trial keys in every scenario", Count(float64(c.Trials)), c.Seed),
	}
	for _, m := range c.Metrics {
		row := ResultsMetric{ID: m.ID, Name: m.Name, Unit: m.Unit}
		for _, s := range m.Values {
			ci, p50, p90, p99 := s.CI95, s.P50, s.P90, s.P99
			row.Values = append(row.Values, &ComparedValue{Mean: s.Mean, CI95: &ci, P50: &p50, P90: &p90, P99: &p99})
		}
		for _, d := range m.Diffs {
			if d == nil {
				row.Diffs = append(row.Diffs, nil)
				continue
			}
			ci := d.CI95
			row.Diffs = append(row.Diffs, &ComparedDiff{Mean: d.Mean, CI95: &ci})
		}
		v.metrics = append(v.metrics, row)
	}
	return v
}

func resultsView(c *ResultsComparison) *compareView {
	var parts []string
	for i, s := range c.Scenarios {
		parts = append(parts, fmt.Sprintf("%s %s (seed %d)", s, Count(float64(c.Trials[i])), c.Seeds[i]))
	}
	return &compareView{
		scenarios: c.Scenarios, currency: c.Currency, metrics: c.Metrics,
		trials: strings.Join(parts, ", ") + "; unpaired (from results files)",
	}
}

func (v *compareView) header() []string {
	h := []string{"Metric", "Stat"}
	for i, s := range v.scenarios {
		h = append(h, s)
		if i > 0 {
			d := "Δ vs " + v.scenarios[0]
			if !v.paired {
				d += " (unpaired)"
			}
			h = append(h, d)
		}
	}
	return h
}

// rows are the display rows: one per metric (its mean), and for the time
// to full recovery also its p50 and p90.
func (v *compareView) rows() [][]string {
	var rows [][]string
	for _, m := range v.metrics {
		name := m.Name
		if m.Unit == "currency" && v.currency != "" {
			name += " (" + v.currency + ")"
		}
		stat := "mean"
		if m.Unit == "probability" {
			stat = "" // the mean of a 0/1 value: the name says it
		}
		rows = append(rows, v.row(m, name, stat, func(x *ComparedValue) *float64 { return &x.Mean }, true))
		if m.ID == "full_recovery_ms" || m.ID == "full_restored_ms" {
			rows = append(rows,
				v.row(m, "", "p50", func(x *ComparedValue) *float64 { return x.P50 }, false),
				v.row(m, "", "p90", func(x *ComparedValue) *float64 { return x.P90 }, false))
		}
	}
	return rows
}

// row draws one statistic of m. For the mean (mean true) the difference is
// m's, with its CI; for a percentile it is the difference of the
// percentiles, without a CI.
func (v *compareView) row(m ResultsMetric, name, stat string, get func(*ComparedValue) *float64, mean bool) []string {
	row := []string{name, stat}
	val := func(i int) *float64 {
		if i >= len(m.Values) || m.Values[i] == nil {
			return nil
		}
		return get(m.Values[i])
	}
	base := val(0)
	for i := range v.scenarios {
		x := val(i)
		if x == nil {
			row = append(row, Dash)
		} else {
			row = append(row, formatValue(m.Unit, *x))
		}
		if i == 0 {
			continue
		}
		var d *ComparedDiff
		switch {
		case mean && i < len(m.Diffs):
			d = m.Diffs[i]
		case !mean && x != nil && base != nil:
			d = &ComparedDiff{Mean: *x - *base}
		}
		if d == nil {
			row = append(row, Dash)
			continue
		}
		row = append(row, formatDiff(m.Unit, d, base))
	}
	return row
}

func (v *compareView) note() string {
	first := v.scenarios[0]
	var b strings.Builder
	if v.paired {
		fmt.Fprintf(&b, "Δ: paired difference to %s over the same trials (common random numbers): mean [95%% CI] (relative change).\n", first)
	} else {
		fmt.Fprintf(&b, "Δ (unpaired): results files hold no per-trial data, so Δ is the difference of the means to %s with a 95%% CI\n"+
			"from the two CIs combined in quadrature: wider than the paired CI of 'domino compare' on the scenario files.\n"+
			"—: not in a results file. Data lost and services losing all data are sums over services, without a CI.\n", first)
	}
	b.WriteString("p50, p90: difference of the percentiles, without a CI. Probabilities: differences in percentage points (pp).")
	return b.String()
}

// table draws the comparison as a terminal table or as Markdown: a header
// block, one table with a row per statistic and a column per scenario (and
// per difference), then a note on how to read the differences.
func (v *compareView) table(w io.Writer, markdown bool) error {
	ew := &errWriter{w: w}
	header := v.header()
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[0], align[1] = tw.AlignLeft, tw.AlignLeft
	rows := v.rows()
	if markdown {
		fmt.Fprintf(ew, "## Comparison to `%s`\n\n- **Trials:** %s\n\n", v.scenarios[0], mdEscape(v.trials))
		if err := renderTable(ew, mdEscapeCells(header), mdEscapeRows(rows), align, true); err != nil {
			return err
		}
		fmt.Fprintf(ew, "\n%s\n", strings.ReplaceAll(v.note(), "\n", "\n\n"))
		return ew.err
	}
	fmt.Fprintf(ew, "%-9s %s\n%-9s %s\n\n", "Baseline:", v.scenarios[0], "Trials:", v.trials)
	if err := renderTable(ew, header, rows, align, false); err != nil {
		return err
	}
	fmt.Fprintln(ew, v.note())
	return ew.err
}

func mdEscapeCells(cells []string) []string {
	return mdEscapeRows([][]string{cells})[0]
}

// compareCSVHeader names the CSV columns: one row per metric and scenario,
// numbers in the metric's unit (ms, user-hours, currency, hours, a
// probability as a fraction, count), diff_* relative to the first scenario.
var compareCSVHeader = []string{
	"metric", "unit", "scenario", "mean", "ci95_low", "ci95_high", "p50", "p90", "p99",
	"diff_mean", "diff_ci95_low", "diff_ci95_high", "diff_relative", "paired",
}

// csv writes one row per metric × scenario with machine-readable numbers;
// an empty cell is a figure that is not available.
func (v *compareView) csv(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(compareCSVHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	opt := func(x *float64) string {
		if x == nil {
			return ""
		}
		return num(*x)
	}
	for _, m := range v.metrics {
		for i, s := range v.scenarios {
			row := []string{m.ID, csvUnit(m.Unit), s}
			var x *ComparedValue
			if i < len(m.Values) {
				x = m.Values[i]
			}
			if x == nil {
				row = append(row, "", "", "", "", "", "")
			} else {
				lo, hi := "", ""
				if x.CI95 != nil {
					lo, hi = num(x.CI95[0]), num(x.CI95[1])
				}
				row = append(row, num(x.Mean), lo, hi, opt(x.P50), opt(x.P90), opt(x.P99))
			}
			var d *ComparedDiff
			if i > 0 && i < len(m.Diffs) {
				d = m.Diffs[i]
			}
			if d == nil {
				row = append(row, "", "", "", "")
			} else {
				lo, hi, rel := "", "", ""
				if d.CI95 != nil {
					lo, hi = num(d.CI95[0]), num(d.CI95[1])
				}
				if b := m.Values[0]; b != nil && b.Mean != 0 {
					rel = num(d.Mean / b.Mean)
				}
				row = append(row, num(d.Mean), lo, hi, rel)
			}
			row = append(row, strconv.FormatBool(v.paired))
			if err := cw.Write(row); err != nil {
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

// csvUnit is the unit column of a comparison CSV: user-hours say they
// are summed over services (a person cut off from three services counts
// three times), as the tables' metric names do.
func csvUnit(unit string) string {
	if unit == "user-hours" {
		return "user-hours summed over services"
	}
	return unit
}

// formatValue formats x, in unit, for people.
func formatValue(unit string, x float64) string {
	switch unit {
	case "probability":
		return Percent(x)
	}
	return magnitude(unit, x)
}

// magnitude formats x in unit without a percent sign: probabilities as
// percentage points.
func magnitude(unit string, x float64) string {
	switch unit {
	case "ms":
		return Duration(x)
	case "user-hours", "currency":
		return Count(x)
	case "hours":
		return Decimal(x, 1)
	case "probability":
		return Decimal(100*x, 1)
	}
	return Decimal(x, 2)
}

// Minus is the sign of a negative difference (U+2212, as in typeset
// figures; the hyphen of Count and Duration is kept for plain values).
const Minus = "−"

// Signed formats x with f applied to its magnitude and an explicit sign:
// "+1h30m", "−2,500". A value that formats as zero gets no sign.
func Signed(x float64, f func(float64) string) string {
	s := f(math.Abs(x))
	if strings.Trim(s, "0.,%") == "" || x == 0 {
		return s
	}
	if x < 0 {
		return Minus + s
	}
	return "+" + s
}

// formatDiff formats a difference "mean [low, high] (relative)": each part
// signed, probabilities in percentage points, the relative change to base
// only for quantities (not probabilities) and when base is not 0.
func formatDiff(unit string, d *ComparedDiff, base *float64) string {
	f := func(x float64) string { return magnitude(unit, x) }
	ci := d.CI95
	if d.Mean == 0 && (ci == nil || ci[0] == 0 && ci[1] == 0) {
		return "0" // the same in every trial (paired), or both zero
	}
	s := Signed(d.Mean, f)
	if unit == "probability" {
		s += " pp"
	}
	if ci != nil {
		s += " [" + Signed(ci[0], f) + ", " + Signed(ci[1], f) + "]"
	}
	if unit != "probability" && base != nil && *base != 0 {
		s += " (" + relative(d.Mean / *base) + ")"
	}
	return s
}

// relative formats a relative change as a signed percentage: "−35%",
// "+4.2%", "−0.056%" (two significant digits under 10%, so that a small
// change is not shown as none).
func relative(r float64) string {
	return Signed(r, func(x float64) string {
		p := 100 * x
		if p < 9.95 {
			return strconv.FormatFloat(p, 'g', 2, 64) + "%"
		}
		return Decimal(p, 0) + "%"
	})
}

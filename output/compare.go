package output

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/sim"
)

// ResultsCompareSchema names the JSON format of a comparison of results
// files (domino compare R1.json R2.json ...). It is not sim.CompareSchema:
// its differences are unpaired.
const ResultsCompareSchema = "domino.compare-results/v1"

// ResultsComparison compares scenarios from their results files (docs/model.md
// §8). A results file holds no per-trial data, so unlike sim.Comparison the
// differences are unpaired: the difference of the means, with a 95% CI
// whose half-width is the two CIs' half-widths combined in quadrature.
// Metrics follow sim.CompareMetrics, in the same order and with the same
// ids; a figure a results file does not hold is nil.
type ResultsComparison struct {
	Schema    string   `json:"schema"`
	Paired    bool     `json:"paired"` // always false
	Note      string   `json:"note"`
	Scenarios []string `json:"scenarios"`
	Seeds     []uint64 `json:"seeds"`
	Trials    []int    `json:"trials"`
	// Platforms and Currencies are each file's platform name and currency
	// ("" when it does not say).
	Platforms  []string `json:"platforms"`
	Currencies []string `json:"currencies"`
	// Currency is the first file's: money of another currency is converted
	// into it by Rates, or not compared.
	Currency string             `json:"currency,omitempty"`
	Rates    map[string]float64 `json:"rates,omitempty"`
	// Warnings say what makes a difference hard to read: files of other
	// platforms, money in other currencies.
	Warnings []string        `json:"warnings,omitempty"`
	Metrics  []ResultsMetric `json:"metrics"`
	// ComplianceChanges are the RTO and RPO targets whose verdict (meets,
	// misses, cannot tell) is not the same in every file.
	ComplianceChanges []ComplianceChange `json:"compliance_changes,omitempty"`
}

// ResultsMetric is one row of a ResultsComparison.
type ResultsMetric struct {
	ID     string           `json:"id"`
	Name   string           `json:"name"`
	Unit   string           `json:"unit"`
	Values []*ComparedValue `json:"values"`        // per scenario; nil: not in the results file
	Diffs  []*ComparedDiff  `json:"diff_to_first"` // nil for the first scenario, when a value is missing, and for money in another currency
	// Currencies is, for money, the currency each value is in.
	Currencies []string `json:"currencies,omitempty"`
	// TotalLossChanged is, for the data lost, per file, Σ over the
	// services of both files of |Δ p_all_data_lost|: the services whose
	// total losses come or go. The data lost's difference is then taken
	// like for like, over the services whose p_all_data_lost is the same in
	// both files (see sim.ComparedMetric.TotalLossChanged).
	TotalLossChanged []float64 `json:"total_loss_changed,omitempty"`
}

// ComparedValue is one scenario's figure; fields a source does not hold
// are nil.
type ComparedValue struct {
	Mean float64     `json:"mean"`
	CI95 *[2]float64 `json:"ci95,omitempty"`
	P50  *float64    `json:"p50,omitempty"`
	P90  *float64    `json:"p90,omitempty"`
	P99  *float64    `json:"p99,omitempty"`
	// Censored and CensoredFrom are as in sim.Summary: the share of
	// trials cut by the horizon and the smallest of their values.
	Censored     float64 `json:"censored,omitempty"`
	CensoredFrom float64 `json:"censored_from,omitempty"`
}

// lowerBound reports whether the value get reads from x (its mean when
// mean) is only a lower bound, cut by the horizon (sim.Summary).
func (x *ComparedValue) lowerBound(v float64, mean bool) bool {
	s := sim.Summary{Mean: x.Mean, Censored: x.Censored, CensoredFrom: x.CensoredFrom}
	if mean {
		return s.MeanLowerBound()
	}
	return s.LowerBound(v)
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
// baseline. labels name the columns (nil: the scenario ids). rates convert
// money of other currencies into the first file's (see CheckRates); money
// in a currency without a rate is shown as it is, with no difference.
//
// Figures derived from a results file: the platform summaries
// (full_recovery_ms, full_restored_ms, user_hours, cost, crew_hours) as they
// are (full_restored_ms is missing from files written before it); P(deadlock)
// with the 95% CI of a proportion over the file's trials (mean ± t·s/√n of
// a 0/1 value, t as sim.TFactor); data lost as Σ over services of
// data_loss_ms.mean × (1 − p_all_data_lost), since data_loss_ms is averaged
// over the trials where the loss was finite while the compared metric counts
// 0 in the others, its difference like for like (resultsLikeForLike);
// services losing all data as Σ p_all_data_lost and services breaching
// their RPO as Σ p_rpo_breach (each the mean of a sum of indicators). No
// sum has a CI: the services' losses are correlated. P(RTO breach of a
// priority-1 service) is the results file's p_rto_breach_p1, with the CI of
// a proportion like P(deadlock).
func CompareResults(rs []*sim.Results, labels []string, rates map[string]float64) (*ResultsComparison, error) {
	c := &ResultsComparison{Schema: ResultsCompareSchema, Note: unpairedNote}
	for i, r := range rs {
		label := r.Scenario
		if i < len(labels) && labels[i] != "" {
			label = labels[i]
		}
		c.Scenarios = append(c.Scenarios, label)
		c.Seeds = append(c.Seeds, r.Seed)
		c.Trials = append(c.Trials, r.Trials)
		c.Platforms = append(c.Platforms, r.Platform)
		c.Currencies = append(c.Currencies, r.Currency)
	}
	if len(rs) > 0 {
		c.Currency = rs[0].Currency
	}
	c.ComplianceChanges = ComplianceChanges(rs)
	if err := CheckRates(c.Currencies, rates); err != nil {
		return nil, err
	}
	if len(rates) > 0 {
		c.Rates = rates
	}
	for _, m := range sim.CompareMetrics {
		row := ResultsMetric{ID: m.ID, Name: m.Name, Unit: m.Unit}
		if m.Unit == "currency" {
			row.Currencies = slices.Clone(c.Currencies)
		}
		for i, r := range rs {
			v := resultsValue(r, m.ID)
			if m.Unit == "currency" && v != nil && i > 0 && c.Currencies[i] != c.Currency {
				if rate, ok := rates[c.Currencies[i]]; ok {
					v = v.scaled(rate)
					row.Currencies[i] = c.Currency
				}
			}
			row.Values = append(row.Values, v)
		}
		for i, v := range row.Values {
			if i == 0 || m.Unit == "currency" && row.Currencies[i] != row.Currencies[0] {
				row.Diffs = append(row.Diffs, nil)
				continue
			}
			row.Diffs = append(row.Diffs, unpairedDiff(row.Values[0], v))
		}
		if m.ID == "data_loss_ms" {
			row.TotalLossChanged = make([]float64, len(rs))
			for i := 1; i < len(rs); i++ {
				d, changed := resultsLikeForLike(rs[0], rs[i])
				row.TotalLossChanged[i] = changed
				row.Diffs[i] = &ComparedDiff{Mean: d}
			}
		}
		c.Metrics = append(c.Metrics, row)
	}
	c.Warnings = compareWarnings("results files", c.Scenarios, c.Platforms, c.Currencies, rates)
	return c, nil
}

// scaled returns v with every figure multiplied by k > 0 (an exchange
// rate): means, CI bounds and percentiles all scale alike.
func (v *ComparedValue) scaled(k float64) *ComparedValue {
	out := &ComparedValue{Mean: v.Mean * k}
	if v.CI95 != nil {
		out.CI95 = &[2]float64{v.CI95[0] * k, v.CI95[1] * k}
	}
	for _, p := range []struct{ from, to **float64 }{{&v.P50, &out.P50}, {&v.P90, &out.P90}, {&v.P99, &out.P99}} {
		if *p.from != nil {
			x := **p.from * k
			*p.to = &x
		}
	}
	return out
}

// SettleComparison readies a comparison of scenarios for reading. paired
// says, per scenario, whether it shares the first's platform (see
// cmd/domino's compare): the others, and any whose money is in another
// currency, get unpaired differences (sim.Comparison.Unpair). Money in
// another currency is converted into the first's by rates (see
// CheckRates), or shown as it is with no difference. c.Warnings then says
// what remains hard to read.
func SettleComparison(c *sim.Comparison, paired []bool, rates map[string]float64) error {
	if err := CheckRates(c.Currencies, rates); err != nil {
		return err
	}
	for i := 1; i < len(c.Scenarios); i++ {
		if i < len(paired) && !paired[i] || c.Currencies[i] != c.Currencies[0] {
			c.Unpair(i)
		}
	}
	if len(rates) > 0 {
		c.Rates = rates
	}
	base := c.Currencies[0]
	for m := range c.Metrics {
		row := &c.Metrics[m]
		if row.Unit != "currency" {
			continue
		}
		for i := 1; i < len(row.Values); i++ {
			if row.Currencies[i] == base {
				continue
			}
			rate, ok := rates[row.Currencies[i]]
			if !ok {
				row.Diffs[i] = nil // never KRW minus EUR
				continue
			}
			v := &row.Values[i]
			v.Mean, v.P50, v.P90, v.P99 = v.Mean*rate, v.P50*rate, v.P90*rate, v.P99*rate
			v.CI95 = [2]float64{v.CI95[0] * rate, v.CI95[1] * rate}
			row.Currencies[i] = base
			d := sim.UnpairedDiff(row.Values[0], *v)
			row.Diffs[i] = &d
		}
	}
	c.Warnings = compareWarnings("scenarios", c.Scenarios, c.Platforms, c.Currencies, rates)
	return nil
}

// CheckRates checks exchange rates for a comparison whose scenarios count
// money in currencies (the first is the baseline's): each key is a
// currency of a compared scenario other than the baseline's, and its value
// — what one unit of it is worth in the baseline's currency — is a
// positive, finite number.
func CheckRates(currencies []string, rates map[string]float64) error {
	if len(rates) == 0 {
		return nil
	}
	base := ""
	if len(currencies) > 0 {
		base = currencies[0]
	}
	if base == "" {
		return fmt.Errorf("--rate: the baseline's platform declares no currency to convert into (add currency: to it)")
	}
	keys := make([]string, 0, len(rates))
	for k := range rates {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := rates[k]
		switch {
		case k == base:
			return fmt.Errorf("--rate %s: %s is the baseline's currency, the one money is converted into", k, k)
		case !slices.Contains(currencies, k):
			return fmt.Errorf("--rate %s: no compared scenario counts money in %s (their currencies: %s)", k, k, currencyList(currencies))
		case !(r > 0) || math.IsInf(r, 0):
			return fmt.Errorf("--rate %s=%v: want a positive number, the worth of 1 %s in %s", k, r, k, base)
		}
	}
	return nil
}

// currencyList names the distinct currencies, in order of appearance.
func currencyList(currencies []string) string {
	var out []string
	for _, c := range currencies {
		if c == "" {
			c = "none declared"
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return strings.Join(out, ", ")
}

// compareWarnings says what makes a comparison hard to read: inputs (what:
// "scenarios" or "results files") of different platforms, and money in
// currencies that rates do not convert.
func compareWarnings(what string, labels, platforms, currencies []string, rates map[string]float64) []string {
	var w []string
	// by lists "label: value" for every input whose value is not the
	// first's, after the first's own.
	by := func(values []string, none string) string {
		var parts []string
		for i, v := range values {
			if v == "" {
				v = none
			}
			if i == 0 || values[i] != values[0] {
				parts = append(parts, labels[i]+": "+v)
			}
		}
		return strings.Join(parts, ", ")
	}
	if slices.ContainsFunc(platforms, func(p string) bool { return p != platforms[0] }) {
		s := fmt.Sprintf("the %s are of different platforms (%s): each difference to %s compares two different systems", what, by(platforms, "unnamed"), labels[0])
		if what == "scenarios" {
			s += ", over independent trials (unpaired CIs)"
		}
		w = append(w, s)
	}
	var unconverted []string
	for i, c := range currencies {
		if i > 0 && c != currencies[0] {
			if _, ok := rates[c]; !ok && !slices.Contains(unconverted, c) {
				unconverted = append(unconverted, c)
			}
		}
	}
	if len(unconverted) > 0 {
		s := fmt.Sprintf("money is counted in different currencies (%s): each value is in its own currency, with no difference to %s", by(currencies, "none declared"), labels[0])
		if base := currencies[0]; base != "" && slices.ContainsFunc(unconverted, func(c string) bool { return c != "" }) {
			c := unconverted[0]
			if c == "" {
				c = unconverted[1]
			}
			s += fmt.Sprintf("; to compare it, give an exchange rate into %s: --rate %s=X, 1 %s = X %s", base, c, c, base)
		}
		w = append(w, s)
	}
	return w
}

// resultsLikeForLike is the data lost in r minus that in base over the
// services of both files whose p_all_data_lost is the same in both (each
// counting data_loss_ms.mean × (1 − p_all_data_lost), as resultsValue),
// and Σ |Δ p_all_data_lost| over the others: a total loss turned finite
// is not more data lost.
func resultsLikeForLike(base, r *sim.Results) (diff, changed float64) {
	idx := make(map[string]*sim.ServiceResult, len(base.Services))
	for i := range base.Services {
		idx[base.Services[i].ID] = &base.Services[i]
	}
	for i := range r.Services {
		s := &r.Services[i]
		b, ok := idx[s.ID]
		if !ok {
			continue
		}
		if s.PAllDataLost != b.PAllDataLost {
			changed += math.Abs(s.PAllDataLost - b.PAllDataLost)
			continue
		}
		diff += (s.DataLoss.Mean - b.DataLoss.Mean) * (1 - s.PAllDataLost)
	}
	return diff, changed
}

// resultsValue extracts metric id from r, or returns nil when r does not
// hold it.
func resultsValue(r *sim.Results, id string) *ComparedValue {
	full := func(s sim.Summary) *ComparedValue {
		ci, p50, p90, p99 := &s.CI95, s.P50, s.P90, s.P99
		if s.NoCI {
			ci = nil
		}
		return &ComparedValue{Mean: s.Mean, CI95: ci, P50: &p50, P90: &p90, P99: &p99, Censored: s.Censored, CensoredFrom: s.CensoredFrom}
	}
	switch id {
	case "full_recovery_ms":
		return full(r.Summary.FullRecovery)
	case "full_restored_ms":
		// Everything is back to normal no sooner than it is all up: a
		// file with a full recovery but no restoration predates the
		// figure.
		if r.Summary.FullRestored.P99 == 0 && r.Summary.FullRecovery.P99 > 0 {
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
		return &ComparedValue{Mean: allLost(r)}
	case "services_rpo_breach":
		return &ComparedValue{Mean: rpoBreaches(r)}
	case "p_deadlock", "p_rto_breach_p1":
		p := r.Summary.PDeadlock
		if id == "p_rto_breach_p1" {
			p = r.Summary.PRTOBreachP1
		}
		v := &ComparedValue{Mean: p}
		if n := float64(r.Trials); n > 1 {
			// s² of a 0/1 value with the n − 1 denominator.
			half := sim.TFactor(int64(r.Trials)) * math.Sqrt(max(p*(1-p)*n/(n-1), 0)/n)
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

// WriteComparison writes a comparison of scenarios (settled by
// SettleComparison) in one of ResultsFormats.
func WriteComparison(w io.Writer, c *sim.Comparison, format string) error {
	return writeCompareView(w, pairedView(c), format, func() error { return compareJSON(w, c) })
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
	fromResults bool
	scenarios   []string
	paired      []bool   // per scenario: its Δ is paired ([0] unused)
	platforms   []string // per scenario
	rates       map[string]float64
	warnings    []string
	trials      string // the "Trials:" line
	metrics     []ResultsMetric
	verdicts    []ComplianceChange
}

func pairedView(c *sim.Comparison) *compareView {
	v := &compareView{
		scenarios: c.Scenarios, paired: c.Paired, platforms: c.Platforms, rates: c.Rates, warnings: c.Warnings,
		verdicts: c.ComplianceChanges,
	}
	if len(v.paired) < len(v.scenarios) { // a Comparison built by hand
		v.paired = make([]bool, len(v.scenarios))
		for i := range v.paired {
			v.paired[i] = true
		}
	}
	var pairedIDs, indep []string
	for i, s := range c.Scenarios[1:] {
		if v.paired[i+1] {
			pairedIDs = append(pairedIDs, s)
		} else {
			indep = append(indep, s)
		}
	}
	v.trials = fmt.Sprintf("%s per scenario (seed %d)", Count(float64(c.Trials)), c.Seed)
	switch {
	case len(indep) == 0:
		v.trials += ", paired: the same trial keys in every scenario"
	case len(pairedIDs) == 0:
		v.trials += ", independent: no scenario shares " + c.Scenarios[0] + "'s platform, so no trial is paired"
	default:
		v.trials += "; paired with " + c.Scenarios[0] + " (the same trial keys): " + strings.Join(pairedIDs, ", ") +
			"; independent (another platform): " + strings.Join(indep, ", ")
	}
	for _, m := range c.Metrics {
		row := ResultsMetric{ID: m.ID, Name: m.Name, Unit: m.Unit, Currencies: m.Currencies, TotalLossChanged: m.TotalLossChanged}
		for _, s := range m.Values {
			ci, p50, p90, p99 := &s.CI95, s.P50, s.P90, s.P99
			if s.NoCI {
				ci = nil
			}
			row.Values = append(row.Values, &ComparedValue{Mean: s.Mean, CI95: ci, P50: &p50, P90: &p90, P99: &p99,
				Censored: s.Censored, CensoredFrom: s.CensoredFrom})
		}
		for _, d := range m.Diffs {
			if d == nil {
				row.Diffs = append(row.Diffs, nil)
				continue
			}
			ci := &d.CI95
			if d.NoCI {
				ci = nil
			}
			row.Diffs = append(row.Diffs, &ComparedDiff{Mean: d.Mean, CI95: ci})
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
		fromResults: true, scenarios: c.Scenarios, paired: make([]bool, len(c.Scenarios)),
		platforms: c.Platforms, rates: c.Rates, warnings: c.Warnings, metrics: c.Metrics,
		trials:   strings.Join(parts, ", ") + "; unpaired (from results files)",
		verdicts: c.ComplianceChanges,
	}
}

// unpairedWord qualifies an unpaired Δ: results files are unpaired by
// nature, scenarios of another platform are independent.
func (v *compareView) unpairedWord() string {
	if v.fromResults {
		return "unpaired"
	}
	return "independent"
}

func (v *compareView) header() []string {
	h := []string{"Metric", "Stat"}
	for i, s := range v.scenarios {
		h = append(h, s)
		if i > 0 {
			d := "Δ vs " + v.scenarios[0]
			if !v.paired[i] {
				d += " (" + v.unpairedWord() + ")"
			}
			h = append(h, d)
		}
	}
	return h
}

// currency returns the one currency m's values are all in, and whether
// there is one.
func (m *ResultsMetric) currency() (string, bool) {
	if len(m.Currencies) == 0 {
		return "", true
	}
	for _, c := range m.Currencies[1:] {
		if c != m.Currencies[0] {
			return "", false
		}
	}
	return m.Currencies[0], true
}

// rows are the display rows: one per metric (its mean), and for the time
// to full recovery also its p50 and p90.
func (v *compareView) rows() [][]string {
	var rows [][]string
	for _, m := range v.metrics {
		name := m.Name
		if cur, one := m.currency(); m.Unit == "currency" && one && cur != "" {
			name += " (" + cur + ")"
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
// percentiles, without a CI. Money in several currencies shows each
// value with its currency, and no difference where m has none.
func (v *compareView) row(m ResultsMetric, name, stat string, get func(*ComparedValue) *float64, mean bool) []string {
	row := []string{name, stat}
	val := func(i int) *float64 {
		if i >= len(m.Values) || m.Values[i] == nil {
			return nil
		}
		return get(m.Values[i])
	}
	_, oneCurrency := m.currency()
	base := val(0)
	cut := func(i int) bool {
		x := val(i)
		return x != nil && m.Values[i].lowerBound(*x, mean)
	}
	for i := range v.scenarios {
		x := val(i)
		switch {
		case x == nil:
			row = append(row, Dash)
		case !oneCurrency:
			row = append(row, Money(*x, m.Currencies[i]))
		case cut(i):
			row = append(row, "> "+formatValue(m.Unit, *x))
		default:
			row = append(row, formatValue(m.Unit, *x))
		}
		if i == 0 {
			continue
		}
		var d *ComparedDiff
		switch {
		case mean && i < len(m.Diffs):
			d = m.Diffs[i]
		case !mean && x != nil && base != nil && (oneCurrency || m.Currencies[i] == m.Currencies[0]):
			d = &ComparedDiff{Mean: *x - *base}
		}
		if d == nil {
			row = append(row, Dash)
			continue
		}
		if v.likeForLike(m, i) {
			// The finite losses of different sets of services: no
			// relative change, and the label says what was compared.
			row = append(row, formatDiff(m.Unit, d, nil)+" (like for like)")
			continue
		}
		diff := formatDiff(m.Unit, d, base)
		if cut(0) || cut(i) {
			diff += " (censored)" // a difference of lower bounds: not the true one
		}
		row = append(row, diff)
	}
	return row
}

// likeForLike says whether m's difference for scenario i is over the
// services whose loss is finite in both (some total loss came or went).
func (v *compareView) likeForLike(m ResultsMetric, i int) bool {
	return i < len(m.TotalLossChanged) && m.TotalLossChanged[i] != 0
}

// notes are the paragraphs under the table: how to read each kind of
// difference, and any conversion of money.
func (v *compareView) notes() []string {
	first := v.scenarios[0]
	var notes []string
	anyPaired, anyIndep := false, false
	for i := 1; i < len(v.scenarios); i++ {
		anyPaired = anyPaired || v.paired[i]
		anyIndep = anyIndep || !v.paired[i]
	}
	if (anyPaired || len(v.scenarios) == 1) && !v.fromResults {
		notes = append(notes, fmt.Sprintf("Δ: paired difference to %s over the same trials (common random numbers): mean [95%% CI] (relative change).", first))
	}
	switch {
	case anyIndep && v.fromResults:
		notes = append(notes, fmt.Sprintf("Δ (unpaired): results files hold no per-trial data, so Δ is the difference of the means to %s with a 95%% CI "+
			"from the two CIs combined in quadrature: wider than the paired CI of 'domino compare' on the scenario files.", first),
			"—: not in a results file. Services losing all data, data lost and services breaching their RPO are sums over services, without a CI.")
	case anyIndep:
		notes = append(notes, fmt.Sprintf("Δ (independent): a scenario of another platform than %s's has no trial in common with it, "+
			"so Δ is the difference of the means with a 95%% CI from the two CIs combined in quadrature.", first))
	}
	var lfl, withheld bool
	for _, m := range v.metrics {
		for i := 1; i < len(v.scenarios); i++ {
			if v.likeForLike(m, i) {
				lfl = lfl || i < len(m.Diffs) && m.Diffs[i] != nil
				withheld = withheld || i < len(m.Diffs) && m.Diffs[i] == nil
			}
		}
	}
	if lfl {
		notes = append(notes, "Data lost, like for like: where some services lose all their data in one scenario and not in the other, "+
			"Δ compares only the services whose loss is finite in both, and Services losing all data counts the others: "+
			"a total loss turned finite (a backup) is less data lost, not more.")
	}
	if withheld {
		notes = append(notes, "Data lost Δ —: the number of services losing all data differs, and independent trials cannot be "+
			"matched service by service; read Services losing all data.")
	}
	if len(v.rates) > 0 {
		base := ""
		for _, m := range v.metrics {
			if m.Unit == "currency" && len(m.Currencies) > 0 {
				base = m.Currencies[0]
			}
		}
		keys := make([]string, 0, len(v.rates))
		for k := range v.rates {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("1 %s = %s %s", k, strconv.FormatFloat(v.rates[k], 'f', -1, 64), base))
		}
		notes = append(notes, fmt.Sprintf("Money lost (%s): other currencies converted at %s (--rate); their Δ is unpaired.", base, strings.Join(parts, ", ")))
	}
	notes = append(notes, "p50, p90: difference of the percentiles, without a CI. Probabilities: differences in percentage points (pp).")
	for _, m := range v.metrics {
		for _, x := range m.Values {
			if x != nil && x.Censored > 0 {
				notes = append(notes, "> X: something was still down at the horizon in some trials, so the time is at least X; "+
					"a Δ marked (censored) is a difference of such lower bounds, not the true difference. "+
					"Times to recovery count from the first outage of each trial.")
				return notes
			}
		}
	}
	return notes
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
		fmt.Fprintf(ew, "## Comparison to `%s`\n\n- **Trials:** %s\n\n", mdEscape(v.scenarios[0]), mdEscape(v.trials))
		for _, s := range v.warnings {
			fmt.Fprintf(ew, "> **Warning:** %s\n\n", mdEscape(s))
		}
		if err := renderTable(ew, mdEscapeCells(header), mdEscapeRows(rows), align, true); err != nil {
			return err
		}
		for _, s := range v.notes() {
			fmt.Fprintf(ew, "\n%s\n", mdEscape(s))
		}
		if h, rows := v.verdictTable(); rows != nil {
			fmt.Fprintf(ew, "\n### Compliance verdicts that change\n\n")
			if err := renderTable(ew, mdEscapeCells(h), mdEscapeRows(rows), verdictAlign(len(h)), true); err != nil {
				return err
			}
		}
		return ew.err
	}
	fmt.Fprintf(ew, "%-9s %s\n%-9s %s\n", "Baseline:", v.scenarios[0], "Trials:", v.trials)
	for _, s := range v.warnings {
		fmt.Fprintf(ew, "%s\n", wrapParagraph("Warning: "+s, noteWidth))
	}
	fmt.Fprintln(ew)
	if err := renderTable(ew, header, rows, align, false); err != nil {
		return err
	}
	for _, s := range v.notes() {
		fmt.Fprintln(ew, wrapParagraph(s, noteWidth))
	}
	if h, rows := v.verdictTable(); rows != nil {
		fmt.Fprintf(ew, "\nCompliance verdicts that change:\n")
		if err := renderTable(ew, h, rows, verdictAlign(len(h)), false); err != nil {
			return err
		}
	}
	return ew.err
}

// verdictTable is the table of the compliance verdicts that change: nil
// rows when none does.
func (v *compareView) verdictTable() ([]string, [][]string) {
	if len(v.verdicts) == 0 {
		return nil, nil
	}
	h := append([]string{"Service", "Target"}, v.scenarios...)
	var rows [][]string
	for _, c := range v.verdicts {
		row := []string{c.Service, strings.ToUpper(c.Target) + " " + Duration(float64(c.TargetMs))}
		for _, x := range c.Verdicts {
			if x == "" {
				x = Dash
			}
			row = append(row, x)
		}
		rows = append(rows, row)
	}
	return h, rows
}

// verdictAlign aligns the verdict table's columns: all text, all left.
func verdictAlign(n int) []tw.Align {
	a := make([]tw.Align, n)
	for i := range a {
		a[i] = tw.AlignLeft
	}
	return a
}

// noteWidth is the width of the lines of text around a terminal table.
const noteWidth = 110

// wrapParagraph breaks s into lines of at most width columns at spaces (a
// longer word keeps a line of its own).
func wrapParagraph(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		wl := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case n+1+wl > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += wl
	}
	return b.String()
}

func mdEscapeCells(cells []string) []string {
	return mdEscapeRows([][]string{cells})[0]
}

// compareCSVHeader names the CSV columns: one row per metric and scenario,
// numbers in the metric's unit (ms, user-hours, currency, hours, a
// probability as a fraction, count), diff_* relative to the first scenario;
// paired says whether the diff is paired over the same trials, platform is
// the scenario's, currency the unit of a money row's numbers, warning
// says why a row's difference is missing or compares different systems,
// and total_loss_changed, on the data lost's rows, counts the services
// whose total loss came or went (then the diff is like for like, without a
// relative change: sim.ComparedMetric.TotalLossChanged). After the
// metrics, each compliance target whose verdict changes has one row per
// scenario, metric compliance:SERVICE:rto or :rpo, unit verdict, its
// target in target_ms and the scenario's verdict in verdict.
var compareCSVHeader = []string{
	"metric", "unit", "scenario", "mean", "ci95_low", "ci95_high", "p50", "p90", "p99",
	"diff_mean", "diff_ci95_low", "diff_ci95_high", "diff_relative", "paired", "platform", "currency", "warning",
	"total_loss_changed", "target_ms", "verdict",
}

// csv writes one row per metric × scenario with machine-readable numbers;
// an empty cell is a figure that is not available.
func (v *compareView) csv(w io.Writer) error {
	cw := newCSVWriter(w)
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
				if b := m.Values[0]; b != nil && b.Mean != 0 && !v.likeForLike(m, i) {
					rel = num(d.Mean / b.Mean)
				}
				row = append(row, num(d.Mean), lo, hi, rel)
			}
			platform, currency := "", ""
			if i < len(v.platforms) {
				platform = v.platforms[i]
			}
			if m.Unit == "currency" && i < len(m.Currencies) {
				currency = m.Currencies[i]
			}
			paired := !v.fromResults && (i == 0 || v.paired[i])
			changed := ""
			if i < len(m.TotalLossChanged) {
				changed = num(m.TotalLossChanged[i])
			}
			row = append(row, strconv.FormatBool(paired), platform, currency, v.csvWarning(m, i), changed, "", "")
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	// The compliance verdicts that change: one row per target and
	// scenario, metric compliance:SERVICE:rto (or rpo), the verdict ("" where
	// the scenario has no such target) in its own column.
	for _, c := range v.verdicts {
		for i, s := range v.scenarios {
			verdict := ""
			if i < len(c.Verdicts) {
				verdict = c.Verdicts[i]
			}
			platform := ""
			if i < len(v.platforms) {
				platform = v.platforms[i]
			}
			paired := !v.fromResults && (i == 0 || v.paired[i])
			row := []string{"compliance:" + c.Service + ":" + c.Target, "verdict", s, "", "", "", "", "", "",
				"", "", "", "", strconv.FormatBool(paired), platform, "", "", "", strconv.FormatInt(c.TargetMs, 10), verdict}
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

// csvWarning is the warning of the CSV row of metric m and scenario i:
// another platform than the baseline's, money in another currency.
func (v *compareView) csvWarning(m ResultsMetric, i int) string {
	if i == 0 {
		return ""
	}
	var w []string
	if i < len(v.platforms) && v.platforms[i] != v.platforms[0] {
		w = append(w, fmt.Sprintf("another platform than %s's (%s, not %s)", v.scenarios[0], orUnnamed(v.platforms[i]), orUnnamed(v.platforms[0])))
	}
	if m.Unit == "currency" && i < len(m.Currencies) && m.Currencies[i] != m.Currencies[0] {
		w = append(w, fmt.Sprintf("money in %s, not %s: no difference without an exchange rate (--rate)", orNone(m.Currencies[i]), orNone(m.Currencies[0])))
	}
	return strings.Join(w, "; ")
}

func orUnnamed(s string) string {
	if s == "" {
		return "unnamed"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none declared"
	}
	return s
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

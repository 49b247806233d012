package sim

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultCompliance is the share of disruptions in which a target must hold
// when the platform does not set `compliance:`.
const DefaultCompliance = 0.95

// Verdicts of a compliance row.
const (
	Meets      = "meets"
	Misses     = "misses"
	CannotTell = "cannot tell"
)

// Compliance is the verdict on every RTO and RPO target of a results file:
// does the target hold in at least Confidence of the scenario's disruptions?
type Compliance struct {
	// Confidence is the share of trials in which each target must hold:
	// a target is met when P(breach) ≤ 1 − Confidence.
	Confidence float64         `json:"confidence"`
	Rows       []ComplianceRow `json:"rows"`
}

// ComplianceRow is one target of one service.
type ComplianceRow struct {
	Service  string `json:"service"`
	Priority int    `json:"priority"`
	// Target is "rto" or "rpo"; TargetMs its value.
	Target   string `json:"target"`
	TargetMs int64  `json:"target_ms"`
	// Breaches of Trials trials breached the target.
	Breaches int64      `json:"breaches"`
	Trials   int64      `json:"trials"`
	PBreach  float64    `json:"p_breach"`
	CI95     [2]float64 `json:"ci95"`
	// Measured names the quantity whose 90th percentile P90Ms is: the
	// service's downtime per trial for an RTO (at least its longest
	// outage, equal to it when the trial has one outage), its data lost
	// for an RPO.
	Measured string  `json:"measured"`
	P90Ms    float64 `json:"p90_ms"`
	Verdict  string  `json:"verdict"`
	// LowerBound: some trials ended with the service still down, so an
	// outage cut at the horizon may yet have breached the RTO: Breaches
	// and the interval are lower bounds.
	LowerBound bool `json:"lower_bound,omitempty"`
}

// ClopperPearson returns the exact (Clopper–Pearson) two-sided 95%
// interval for a binomial proportion of k successes in n trials. It is
// used rather than Wilson's because a compliance verdict lives near
// P = 0, where Wilson's interval covers less than its nominal 95%; the
// exact interval never covers less, so "meets" is never claimed on
// weaker evidence than stated. [0, 1] when n is 0.
func ClopperPearson(k, n int64) [2]float64 {
	if n <= 0 {
		return [2]float64{0, 1}
	}
	const alpha = 0.05
	lo, hi := 0.0, 1.0
	if k > 0 {
		lo = distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(alpha / 2)
	}
	if k < n {
		hi = distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(1 - alpha/2)
	}
	return [2]float64{lo, hi}
}

// Verdict judges a target breached in k of n trials against the required
// confidence: it meets it when the 95% interval of P(breach) lies at or
// below 1 − confidence, misses it when the interval lies above, and
// otherwise more trials are needed to tell.
func Verdict(k, n int64, confidence float64) string {
	ci := ClopperPearson(k, n)
	allowed := 1 - confidence
	switch {
	case ci[1] <= allowed:
		return Meets
	case ci[0] > allowed:
		return Misses
	}
	return CannotTell
}

// ComplianceOf returns the verdicts on the targets of r's services at the
// required confidence conf (0: DefaultCompliance), grouped
// by priority (the tier), then by service id, RTO before RPO; nil when no
// service has a target.
func ComplianceOf(r *Results, conf float64) *Compliance {
	if conf == 0 {
		conf = DefaultCompliance
	}
	c := &Compliance{Confidence: conf}
	n := int64(r.Trials)
	row := func(s *ServiceResult, target string, ms int64, p float64, measured Summary, name string) ComplianceRow {
		k := int64(math.Round(p * float64(n)))
		return ComplianceRow{
			Service: s.ID, Priority: s.Priority, Target: target, TargetMs: ms,
			Breaches: k, Trials: n, PBreach: p, CI95: ClopperPearson(k, n),
			Measured: name, P90Ms: measured.P90, Verdict: Verdict(k, n, conf),
		}
	}
	for i := range r.Services {
		s := &r.Services[i]
		if s.RTOMs != nil {
			x := row(s, "rto", *s.RTOMs, s.PRTOBreach, s.Downtime, "downtime_ms")
			x.LowerBound = s.PUnrecovered > 0
			if x.LowerBound && x.Verdict == Meets {
				// A lower bound on P(breach) cannot show it is small.
				x.Verdict = CannotTell
			}
			c.Rows = append(c.Rows, x)
		}
		if s.RPOMs != nil {
			c.Rows = append(c.Rows, row(s, "rpo", *s.RPOMs, s.PRPOBreach, s.DataLoss, "data_loss_ms"))
		}
	}
	if len(c.Rows) == 0 {
		return nil
	}
	sort.SliceStable(c.Rows, func(i, j int) bool {
		a, b := &c.Rows[i], &c.Rows[j]
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		return a.Service < b.Service
	})
	return c
}

// ComplianceChange is a service target whose verdict is not the same in
// every compared scenario or results file.
type ComplianceChange struct {
	Service  string `json:"service"`
	Target   string `json:"target"`
	TargetMs int64  `json:"target_ms"`
	// Verdicts are each scenario's, "" where it has no such target.
	Verdicts []string `json:"verdicts"`
}

// ComplianceChanges returns the service targets (service, rto or rpo,
// value) whose verdict differs between cs, in the order they first
// appear; a nil entry of cs has no target.
func ComplianceChanges(cs []*Compliance) []ComplianceChange {
	type key struct {
		svc, target string
		ms          int64
	}
	var order []key
	got := map[key][]string{}
	for i, c := range cs {
		if c == nil {
			continue
		}
		for _, x := range c.Rows {
			k := key{x.Service, x.Target, x.TargetMs}
			if got[k] == nil {
				got[k] = make([]string, len(cs))
				order = append(order, k)
			}
			got[k][i] = x.Verdict
		}
	}
	var out []ComplianceChange
	for _, k := range order {
		v := got[k]
		same := true
		for _, x := range v[1:] {
			same = same && x == v[0]
		}
		if !same {
			out = append(out, ComplianceChange{Service: k.svc, Target: k.target, TargetMs: k.ms, Verdicts: v})
		}
	}
	return out
}

package sim

import (
	"fmt"
	"strings"

	"github.com/dominosim/domino/graph"
)

// Measure is the per-trial value that domino rank and advise average over
// trials (docs/model.md §10): user-hours (the default), cost, full-recovery,
// full-restored, crew-hours, downtime:ID or affected:ID.
type Measure struct {
	ID      string // as written: "user-hours", "downtime:talk-messaging"
	Unit    string // "user-hours", "currency", "hours" or "probability"
	Service string // the service of downtime: and affected:
	kind    measureKind
	scale   float64 // per-trial integers are in 1/scale of Unit
}

type measureKind uint8

const (
	mUserHours measureKind = iota
	mCost
	mFullRecovery
	mFullRestored
	mCrewHours
	mDowntime
	mAffected
)

// MeasureNames lists the metrics, as --metric spells them.
var MeasureNames = []string{"user-hours", "cost", "full-recovery", "full-restored", "crew-hours", "downtime:ID", "affected:ID"}

// ParseMeasure reads a --metric value; services are the ids downtime: and
// affected: may name. Errors say what was expected and suggest the nearest
// known metric or service.
func ParseMeasure(spec string, services []string) (Measure, error) {
	name, arg, hasArg := strings.Cut(spec, ":")
	m := Measure{ID: spec}
	switch name {
	case "user-hours":
		m.kind, m.Unit, m.scale = mUserHours, "user-hours", 1000
	case "cost":
		m.kind, m.Unit, m.scale = mCost, "currency", 1
	case "full-recovery":
		m.kind, m.Unit, m.scale = mFullRecovery, "hours", float64(graph.Hour)
	case "full-restored":
		m.kind, m.Unit, m.scale = mFullRestored, "hours", float64(graph.Hour)
	case "crew-hours":
		m.kind, m.Unit, m.scale = mCrewHours, "hours", float64(graph.Hour)
	case "downtime":
		m.kind, m.Unit, m.scale = mDowntime, "hours", float64(graph.Hour)
	case "affected":
		m.kind, m.Unit, m.scale = mAffected, "probability", 1
	default:
		known := []string{"user-hours", "cost", "full-recovery", "full-restored", "crew-hours", "downtime", "affected"}
		return m, fmt.Errorf("unknown metric %q%s: want one of %s", spec, graph.Suggest(name, known), strings.Join(MeasureNames, ", "))
	}
	perService := m.kind == mDowntime || m.kind == mAffected
	switch {
	case perService && (!hasArg || arg == ""):
		return m, fmt.Errorf("metric %q needs a service: write %s:ID, like %s:%s", spec, name, name, firstOr(services, "talk-messaging"))
	case !perService && hasArg:
		return m, fmt.Errorf("metric %q takes no service: write %s", spec, name)
	case perService:
		for _, s := range services {
			if s == arg {
				m.Service = arg
				return m, nil
			}
		}
		return m, fmt.Errorf("metric %q: unknown service %q%s", spec, arg, graph.Suggest(arg, services))
	}
	return m, nil
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// Scale is how many per-trial integer units make one Unit.
func (m Measure) Scale() float64 { return m.scale }

// bind returns the function that reads the measure off an outcome of c, in
// integer units (1/Scale of Unit).
func (m Measure) bind(c *graph.Compiled) (func(o *Outcome) int64, error) {
	switch m.kind {
	case mUserHours:
		return func(o *Outcome) int64 { return o.UserMilliHours }, nil
	case mCost:
		return func(o *Outcome) int64 { return o.Cost }, nil
	case mFullRecovery:
		return func(o *Outcome) int64 { return o.FullRecovery }, nil
	case mFullRestored:
		return func(o *Outcome) int64 { return o.FullRestored }, nil
	case mCrewHours:
		return func(o *Outcome) int64 { return o.CrewMs }, nil
	}
	s := -1
	for i := range c.Services {
		if c.Services[i].ID == m.Service {
			s = i
		}
	}
	if s < 0 {
		return nil, fmt.Errorf("metric %q: scenario %q has no service %q", m.ID, c.Scenario.ID, m.Service)
	}
	if m.kind == mDowntime {
		return func(o *Outcome) int64 { return o.Downtime[s] }, nil
	}
	return func(o *Outcome) int64 { return b2i(o.FirstDown[s] >= 0) }, nil
}

package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Lint rule ids of the recovery defaults a scenario relies on.
const (
	RuleRestartUnset   = "restart-unset"
	RuleFailoverUnset  = "failover-unset"
	RuleCrewsUnlimited = "crews-unlimited"
)

// lintScenarios runs the rules that need a scenario's events on every
// scenario of f: what the events can stop decides whether a missing restart
// or failover time matters, and whether recoveries can need a crew.
//
//   - restart-unset: a service with no restart time (no restart: given, so
//     auto 0 and manual 10 × 0) that some scenario can power off on
//     a site (a site-outage or region-outage of its site, a random failure of
//     the site or of the service). Each restart would take no time at all.
//   - failover-unset: an active-standby service on two or more sites with no
//     failover time given whose primary some scenario can stop serving (power it
//     off, isolate it, or fail it at random): the failover would be instant.
//   - crews-unlimited: a scenario without crews: in which some recovery holds
//     a crew: the repair of a random failure that has an mttr, or a restart or
//     failover of a service the scenario stops while one of its tooling
//     services is down with the same sites lost (docs/model.md §6.3: then it is
//     manual). With unlimited crews nobody ever waits for one.
//
// A service is named once per rule, with the scenarios that reach it.
func lintScenarios(f *File) []Warning {
	type hit struct {
		w     Warning
		scens []string
	}
	var order []string
	hits := map[string]*hit{}
	add := func(key string, w Warning, sc string) {
		h := hits[key]
		if h == nil {
			h = &hit{w: w}
			hits[key] = h
			order = append(order, key)
		}
		if !slices.Contains(h.scens, sc) {
			h.scens = append(h.scens, sc)
		}
	}
	var ws []Warning
	// Scenarios without a patch share the file's platform: index it once.
	linters := map[*Platform]*linter{}
	for _, sc := range f.Scenarios {
		if sc == nil || sc.Platform == nil {
			continue
		}
		l := linters[sc.Platform]
		if l == nil {
			l = newLinter(sc.Platform)
			linters[sc.Platform] = l
		}
		stops := l.scenarioStops(sc)
		for i, s := range l.svcs {
			if stops.powered[i] && zeroRecovery(s.Restart) {
				add(RuleRestartUnset+" "+s.ID, Warning{
					Rule: RuleRestartUnset,
					Pos:  s.Pos,
					Msg: s.ID + " has no restart time: when %s it, it restarts instantly (restart.auto 0, manual 10 × 0); " +
						"give restart: {auto: …, manual: …}",
				}, sc.ID)
			}
			if stops.primary[i] && standbyElsewhere(s) && zeroRecovery(s.Redundancy.Failover) {
				add(RuleFailoverUnset+" "+s.ID, Warning{
					Rule: RuleFailoverUnset,
					Pos:  s.Pos,
					Msg: s.ID + " is active-standby with no failover time: when %s its primary, it fails over instantly (failover.auto 0, manual 10 × 0); " +
						"give redundancy: {failover: {auto: …, manual: …}}",
				}, sc.ID)
			}
		}
		if sc.Crews == 0 {
			if why := l.manualRecoveries(stops); why != "" {
				ws = append(ws, Warning{
					Rule: RuleCrewsUnlimited,
					Pos:  sc.Pos,
					Msg: fmt.Sprintf("scenario %s: crews are unlimited (no crews:), yet %s: nobody ever waits for a crew, so recovery times are a best case; set crews: to the people on call",
						sc.ID, why),
				})
			}
		}
	}
	for _, key := range order {
		h := hits[key]
		scens := h.scens
		if len(scens) > 3 {
			scens = append(scens[:3:3], fmt.Sprintf("%d more", len(h.scens)-3))
		}
		who := "scenario " + joinAnd(scens) + " stops"
		if len(h.scens) > 1 {
			who = "scenarios " + joinAnd(scens) + " stop"
		}
		h.w.Msg = fmt.Sprintf(h.w.Msg, who)
		ws = append(ws, h.w)
	}
	return ws
}

// zeroRecovery reports whether r was not given, so that it takes no time
// either way (automated 0, manual 10 × 0). A time given as 0 is the
// file's choice (a closed-form example, a recovery truly instant).
func zeroRecovery(r Recovery) bool {
	return !r.Given
}

// standbyElsewhere reports whether s is active-standby with a site (a zone
// counts) to fail over to.
func standbyElsewhere(s *Service) bool {
	return s.Redundancy.Mode == ActiveStandby && slices.ContainsFunc(s.Placement, func(p Placement) bool {
		return p.Site != primarySite(s)
	})
}

// primarySite returns the id of the site s is first active on.
func primarySite(s *Service) string {
	if s.Redundancy.Primary != "" || len(s.Placement) == 0 {
		return s.Redundancy.Primary
	}
	return s.Placement[0].Site
}

// stops says what a scenario's events can do to each service (by linter
// index) and which sets of sites they can take away at once. Sites are
// zones here, not buildings: an outage of one zone leaves the others of its
// building running.
type stops struct {
	powered []bool // a replica can lose power (then it restarts)
	primary []bool // the primary can stop serving (then it fails over)
	// losses are the sets of site ids one event takes away together.
	losses []map[string]bool
	// repairs: a random failure with an mttr, which a crew repairs.
	repairs bool
}

// scenarioStops works out what sc's events can stop on l's platform.
func (l *linter) scenarioStops(sc *Scenario) stops {
	st := stops{powered: make([]bool, len(l.svcs)), primary: make([]bool, len(l.svcs))}
	powerOff, isolated := map[string]bool{}, map[string]bool{}
	random := false
	for _, ev := range sc.Events {
		if ev.Probability <= 0 && ev.Rate <= 0 {
			continue
		}
		lost := map[string]bool{}
		switch ev.Kind {
		case SiteOutage, Isolate:
			if ev.Site != "" {
				lost[ev.Site] = true
			}
			for _, s := range l.p.Sites {
				if s != nil && ev.Building != "" && s.Building == ev.Building {
					lost[s.ID] = true
				}
			}
		case RegionOutage:
			for _, s := range l.p.Sites {
				if s != nil && s.Region == ev.Region {
					lost[s.ID] = true
				}
			}
		case RandomFailures:
			random = true
		}
		for id := range lost {
			if ev.Kind == Isolate {
				isolated[id] = true
			} else {
				powerOff[id] = true
			}
		}
		if len(lost) > 0 {
			st.losses = append(st.losses, lost)
		}
	}
	if random {
		for _, s := range l.p.Sites {
			if s != nil && s.MTBF != nil {
				powerOff[s.ID] = true
				st.losses = append(st.losses, map[string]bool{s.ID: true})
				st.repairs = st.repairs || s.MTTR != nil
			}
		}
	}
	for i, s := range l.svcs {
		failing := random && s.MTBF != nil
		st.repairs = st.repairs || failing && s.MTTR != nil
		st.powered[i] = failing || slices.ContainsFunc(s.Placement, func(p Placement) bool { return powerOff[p.Site] })
		if p := primarySite(s); p != "" {
			st.primary[i] = failing || powerOff[p] || isolated[p]
		}
	}
	return st
}

// servesWithout reports whether s's placement still serves with the sites
// gone names lost, with no failover: docs/model.md's placement rule, by
// site (zone) rather than by building.
func servesWithout(s *Service, gone map[string]bool) bool {
	switch s.Redundancy.Mode {
	case ActiveStandby:
		p := primarySite(s)
		return p != "" && !gone[p]
	case Single:
		return len(s.Placement) > 0 && !slices.ContainsFunc(s.Placement, func(p Placement) bool { return gone[p.Site] })
	}
	var left []string
	for _, p := range s.Placement {
		if !gone[p.Site] && !slices.Contains(left, p.Site) {
			left = append(left, p.Site)
		}
	}
	return len(left) > 0 && len(left) >= max(1, s.Redundancy.Quorum)
}

// manualRecoveries says why some recovery of the scenario st describes
// holds a crew, or "".
func (l *linter) manualRecoveries(st stops) string {
	var manual []int
	seen := make([]bool, len(l.svcs))
	for _, gone := range st.losses {
		up := make([]bool, len(l.svcs))
		for i, s := range l.svcs {
			up[i] = servesWithout(s, gone)
		}
		up = l.knockOut(up)
		for i, s := range l.svcs {
			if seen[i] {
				continue
			}
			hitPower := slices.ContainsFunc(s.Placement, func(p Placement) bool { return gone[p.Site] })
			hitPrimary := standbyElsewhere(s) && gone[primarySite(s)]
			if !hitPower && !hitPrimary {
				continue
			}
			for _, id := range s.Tooling {
				if t := l.lookup(id); t >= 0 && !up[t] {
					seen[i] = true
					manual = append(manual, i)
					break
				}
			}
		}
	}
	var why []string
	if st.repairs {
		why = append(why, "repairs of random failures hold a crew")
	}
	if len(manual) > 0 {
		n := "services restart or fail over by hand, their tooling lost with them"
		if len(manual) == 1 {
			n = "service restarts or fails over by hand, its tooling lost with it"
		}
		why = append(why, fmt.Sprintf("%d %s (%s)", len(manual), n, l.names(manual)))
	}
	return strings.Join(why, ", and ")
}

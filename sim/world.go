package sim

import "fmt"

// WorldKind says what a what-if world changes (docs/model.md §10).
type WorldKind uint8

// The what-if worlds of domino rank.
const (
	// Baseline is the scenario as written.
	Baseline WorldKind = iota
	// ServiceFailed: the service is down for the whole horizon.
	ServiceFailed
	// ServicePerfect: the service is up for the whole horizon, whatever its
	// placement, dependencies and faults.
	ServicePerfect
	// SiteFailed: the site loses power at t = 0 and never regains it.
	SiteFailed
	// SitePerfect: no site-outage, region-outage, isolate or random site
	// failure touches the site.
	SitePerfect
)

// World is a what-if override of one run: the scenario, unchanged and not
// recompiled, with one service or site forced failed or perfect. Index is
// the service or site index in the compiled scenario.
type World struct {
	Kind  WorldKind
	Index int32
}

// String names the world for errors and traces.
func (w World) String() string {
	switch w.Kind {
	case ServiceFailed:
		return fmt.Sprintf("service %d failed", w.Index)
	case ServicePerfect:
		return fmt.Sprintf("service %d perfect", w.Index)
	case SiteFailed:
		return fmt.Sprintf("site %d failed", w.Index)
	case SitePerfect:
		return fmt.Sprintf("site %d perfect", w.Index)
	}
	return "baseline"
}

// worldState is the override as the engine's hooks read it: one index per
// kind, -1 when unused, so that each hook is a single comparison.
type worldState struct {
	svcDown, svcUp   int32
	siteDown, siteUp int32
	// upLack is the initial lack of the perfect service, restored in the
	// reset template when the world changes.
	upLack int64
}

func noWorld() worldState { return worldState{svcDown: -1, svcUp: -1, siteDown: -1, siteUp: -1} }

// SetWorld makes the following runs simulate w; World{} is the baseline.
// The trials keep their keys, so a world's trial k draws the same fire
// times and durations as the baseline's trial k for everything it shares
// with it: per-trial differences are paired. It panics on an index out of
// range (a programmer bug: worlds are built from the compiled scenario).
// It does not allocate.
func (t *Trial) SetWorld(w World) {
	c := t.c
	n := 0
	switch w.Kind {
	case ServiceFailed, ServicePerfect:
		n = len(c.Services)
	case SiteFailed, SitePerfect:
		n = len(c.Sites)
	case Baseline:
		n = 1
	default:
		panic("sim: unknown world kind")
	}
	if w.Index < 0 || int(w.Index) >= n {
		panic("sim: world index out of range")
	}
	// A perfect service never lacks capacity, not even at t = 0: take its
	// share out of the reset template, and put back the previous one's.
	if s := t.world.svcUp; s >= 0 {
		t.init.segLack[s] = t.world.upLack
		t.load[s] = t.c.Services[s].Load
		t.init.shedLost += t.lostShare(s, t.world.upLack, false)
	}
	t.world = noWorld()
	t.worldKind = w
	t.snapValid = false
	switch w.Kind {
	case ServiceFailed:
		t.world.svcDown = w.Index
	case ServicePerfect:
		s := w.Index
		t.world.svcUp = s
		t.world.upLack = t.init.segLack[s]
		t.init.shedLost -= t.lostShare(s, t.init.segLack[s], false)
		t.init.segLack[s] = 0
		t.load[s] = 0
	case SiteFailed:
		t.world.siteDown = w.Index
	case SitePerfect:
		t.world.siteUp = w.Index
	}
}

// World returns the world set by SetWorld.
func (t *Trial) World() World { return t.worldKind }

// scheduleWorld queues what a failed world changes at t = 0, so that it is
// applied with the scenario's own events of that instant.
func (t *Trial) scheduleWorld() {
	if t.world.svcDown >= 0 || t.world.siteDown >= 0 {
		t.scheduleStart(0, evWorld, 0, 0)
	}
}

// startWorld applies a failed world at t = 0. A failed service is held down
// by a fault that never ends; a failed site has no power from now on.
func (t *Trial) startWorld() {
	if s := t.world.svcDown; s >= 0 {
		t.fault[s]++
		t.changed |= chFault
		t.markSvc(s)
	}
	if x := t.world.siteDown; x >= 0 {
		t.updatePower(x, causeSite|x)
	}
}

// inert reports whether s is the failed or the perfect service of the
// world: either way nothing is done to recover it (no start, restart,
// failover or repair, so no crew): a failed service is never coming back
// and a perfect one never needs to.
func (t *Trial) inert(s int32) bool { return s == t.world.svcDown || s == t.world.svcUp }

// needsRepair reports whether a failed replica is queued for repair: not
// when its service is inert or its site is the failed one (it would never
// get power back anyway).
func (t *Trial) needsRepair(r int32) bool {
	rep := &t.c.Replicas[r]
	return !t.inert(rep.Service) && rep.Site != t.world.siteDown
}

package sim

import "github.com/dominosim/domino/graph"

// phase is where a replica is in its life (docs/model.md §6.3).
type phase uint8

// Replica phases.
const (
	phOff     phase = iota // unpowered or failed
	phGate                 // powered, waiting for its start_needs
	phCrew                 // waiting for a crew to restart it by hand
	phRestart              // restarting
	phRunning
)

// foState is where an active-standby service is in a failover
// (docs/model.md §6.4).
type foState uint8

// Failover states.
const (
	foNone foState = iota
	foCrew         // waiting for a crew
	foRunning
)

// evKind is what an event of the queue does when it comes due.
type evKind uint8

// Event kinds.
const (
	evOutageStart  evKind = iota // a: event, b: occurrence
	evStage                      // a: outage record, b: stage
	evIsolateStart               // a: event, b: occurrence
	evIsolateEnd
	evFaultStart // a: event
	evFaultEnd
	evGate           // a: replica
	evRestartDone    // a: replica
	evFailoverDone   // a: service
	evReplicaFail    // a: replica
	evRepairDone     // a: replica
	evSiteFail       // a: site
	evSiteRepairDone // a: site
	evWorld          // the what-if world's change at t = 0
)

// Cause codes: kind in the high byte, a site or service index below.
const (
	causeNone       int32 = 0
	causeFault      int32 = 1 << 24
	causeWaiting    int32 = 2 << 24 // first missing start need
	causeFailure    int32 = 3 << 24 // site of the failed replica or the failed site
	causeSite       int32 = 4 << 24 // site without power
	causeIsolated   int32 = 5 << 24
	causeDependency int32 = 6 << 24
	causeOverload   int32 = 7 << 24
	causeMask       int32 = 0xffffff
)

// CauseString renders a cause code for reports, like "site pangyo" or
// "dependency auth".
func CauseString(c *graph.Compiled, code int32) string {
	arg := code & causeMask
	switch code &^ causeMask {
	case causeFault:
		return "fault"
	case causeWaiting:
		return "waiting-start " + c.Services[arg].ID
	case causeFailure:
		return "failure " + c.Sites[arg].ID
	case causeSite:
		return "site " + c.Sites[arg].ID
	case causeIsolated:
		return "isolated " + c.Sites[arg].ID
	case causeDependency:
		return "dependency " + c.Services[arg].ID
	case causeOverload:
		return "overload"
	}
	return "none"
}

// outage is the power state of one site under one outage occurrence: the
// fraction of the site's servers it has powered again so far.
type outage struct {
	site int32
	ev   int32
	occ  int32
	zone int32 // index of site in the event's Sites, for its own stages
	num  int64
	den  int64
}

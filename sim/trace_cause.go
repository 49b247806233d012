package sim

// CauseKind is the kind of a cause code (docs/model.md §6.9), as recorded in
// Outcome.Cause and in the Cause field of trace records.
type CauseKind uint8

// Cause kinds, in the order of the cause codes' high byte.
const (
	CauseNone       CauseKind = iota
	CauseFault                // a service fault is active
	CauseWaiting              // waiting-start: the argument is the first missing start need (a service)
	CauseFailure              // random failure: the argument is the site of the failed replica or the failed site
	CauseSite                 // no power: the argument is the site
	CauseIsolated             // the argument is the isolated site
	CauseDependency           // the argument is the first down hard dependency (a service)
	CauseOverload             // served capacity below collapse_below (docs/model.md §11)
)

// SplitCause returns the kind of a cause code and its argument: a site
// index for CauseFailure, CauseSite and CauseIsolated, a service index for
// CauseWaiting and CauseDependency, and 0 otherwise. CauseString renders the
// same code for people.
func SplitCause(code int32) (CauseKind, int32) {
	return CauseKind(code >> 24), code & causeMask
}

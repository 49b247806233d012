package sim

// RecordKind is the kind of a trace record.
type RecordKind uint8

const (
	RecPower             RecordKind = iota // Site powered to Value/Value2 of its servers by one outage (Event)
	RecIsolate                             // Site isolated (Value +1) or reconnected (−1) by Event
	RecFault                               // Service fault of Event began (Value +1) or ended (−1)
	RecUnpowered                           // Replica lost power (Cause)
	RecPowered                             // Replica powered again
	RecWaitStart                           // Replica waits for a start need (Cause); break_glass in Value ms
	RecBreakGlass                          // Replica's start forced after break_glass
	RecRestart                             // Replica restart began, Value ms, Manual
	RecRunning                             // Replica running
	RecFail                                // Replica failed at random
	RecRepair                              // Repair of Replica, or of Site when Replica is -1, began: Value ms
	RecRepaired                            // Replica repaired
	RecSiteFail                            // Site failed at random
	RecSiteRepaired                        // Site repaired
	RecFailoverQueued                      // Service failover toward Replica waits for a crew
	RecFailover                            // Service failover toward Replica began, Value ms, Manual; Back: a fail-back
	RecFailoverCancelled                   // Service failover cancelled: the active site serves again
	RecFailedOver                          // Service now served from Replica; Back, Cause and Lack as below
	RecDown                                // Service went down (Cause)
	RecUp                                  // Service came up after Value ms down; End and Lack as below
	RecDegraded                            // Service degraded (Value 1, Cause: the soft dependency down) or not (0)
	RecDataLoss                            // Service lost Value ms of data (Manual: all of it)
)

// Record is one happening of a traced trial. Which fields mean something
// depends on Kind (see the kinds); unused ones are zero.
//
// The engine fills in at the end of each instant, for the records of that
// instant:
//   - RecUp: End, what brought the service up (SplitEnd); Lack.
//   - RecFailedOver: Cause, why the service is still down (a dependency
//     down, its fault, overload), 0 when it is up; Lack.
//
// Lack is the load the service does not serve at the end of the instant,
// load − served capacity (docs/model.md §11): 0 without a load or when it is down.
type Record struct {
	T       int64
	Kind    RecordKind
	Service int32
	Replica int32
	Site    int32
	Cause   int32
	// Event is the index in Compiled.Events of the scenario event behind a
	// RecPower, RecIsolate or RecFault record.
	Event  int32
	End    int32
	Value  int64
	Value2 int64
	Lack   int64
	Manual bool
	// Back marks a RecFailover that is a fail-back to the primary of a
	// service short of capacity (docs/model.md §11), and a RecFailedOver that
	// completes one.
	Back bool
}

// EndKind is the kind of an end code: what brought a service up, as a
// RecUp record's End holds it.
type EndKind uint8

// End kinds, in the order of the end codes' high byte.
const (
	EndUnknown     EndKind = iota // none of the below happened at that instant
	EndDependency                 // a hard dependency came up at that instant: the argument (a service)
	EndFailover                   // its failover completed: the argument is the site now active
	EndRestart                    // one of its replicas started running: the argument is its site
	EndFaultFixed                 // its fault ended
	EndReconnected                // a site it has a replica on was reconnected: the argument
)

// SplitEnd returns the kind of an end code and its argument: a service for
// EndDependency, a site for EndFailover, EndRestart and EndReconnected, and
// 0 otherwise.
func SplitEnd(code int32) (EndKind, int32) {
	return EndKind(code >> 24), code & causeMask
}

func endCode(k EndKind, arg int32) int32 { return int32(k)<<24 | arg }

// Span is a half-open time interval [From, To) in ms.
type Span struct{ From, To int64 }

// ServiceTrace holds the intervals the engine accounted for one service in
// a traced trial, recorded where it adds them to the trial's Outcome: Down
// sums to Outcome.Downtime, Degraded to Outcome.Degraded, and Outcome.Shed
// is ∫ (1 − φ) dt over Partial.
type ServiceTrace struct {
	Down     []Span // down; one span an outage, the last one to the horizon when down at the end
	Degraded []Span // up with a soft dependency down
	Partial  []Span // up with less served capacity than its load (docs/model.md §11)
	// PartialMs is the length of Partial, summed.
	PartialMs int64
}

// Trace collects what one trial did: its records in time order, and per
// service the intervals behind its figures. Set Trial.Trace to a Trace
// before Run to record the next trial (the Trace is reset by each Run);
// with Trial.Trace nil the engine records nothing and allocates nothing.
type Trace struct {
	Records  []Record
	Services []ServiceTrace // indexed like Compiled.Services
}

// reset empties the trace for a trial of ns services.
func (tr *Trace) reset(ns int) {
	tr.Records = tr.Records[:0]
	if len(tr.Services) != ns {
		tr.Services = make([]ServiceTrace, ns)
	}
	for s := range tr.Services {
		st := &tr.Services[s]
		st.Down, st.Degraded, st.Partial, st.PartialMs = st.Down[:0], st.Degraded[:0], st.Partial[:0], 0
	}
}

// trace records r when the trial is traced. The engine's hot paths test
// t.Trace before calling it: the record, some seventy bytes, is otherwise
// built in every trial before trace finds there is nothing to do.
func (t *Trial) trace(r Record) {
	if t.Trace == nil {
		return
	}
	r.T = t.now
	t.Trace.Records = append(t.Trace.Records, r)
}

// traceUp records that s came up, after being down since since.
func (t *Trial) traceUp(s int32, since int64) {
	t.trace(Record{Kind: RecUp, Service: s, Value: t.now - since})
	st := &t.Trace.Services[s]
	st.Down = append(st.Down, Span{since, t.now})
}

// traceDegraded records that s became degraded or no longer is.
func (t *Trial) traceDegraded(s int32, deg bool) {
	if deg {
		t.trace(Record{Kind: RecDegraded, Service: s, Value: 1, Cause: causeDependency | t.firstSoftDown(s)})
		return
	}
	t.trace(Record{Kind: RecDegraded, Service: s})
	st := &t.Trace.Services[s]
	st.Degraded = append(st.Degraded, Span{t.degSince[s], t.now})
}

// partial records that s served less than its load over [from, to).
func (tr *Trace) partial(s int32, from, to int64) {
	st := &tr.Services[s]
	st.Partial = append(st.Partial, Span{from, to})
	st.PartialMs += to - from
}

// firstSoftDown returns the first soft dependency of s that is down (in
// file order; for a soft any-group short of its need, its first member
// down), or 0 when none is.
func (t *Trial) firstSoftDown(s int32) int32 {
	c := t.c
	for i := c.DepOff[s]; i < c.DepOff[s+1]; i++ {
		d := &c.Deps[i]
		if !d.Soft {
			continue
		}
		if d.Service >= 0 {
			if !t.up[d.Service] {
				return d.Service
			}
			continue
		}
		if t.anyCnt[t.depGroup[i]] >= d.Need {
			continue
		}
		for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
			if !t.up[m] {
				return m
			}
		}
	}
	return 0
}

// traceInstant fills in, at the end of an instant, what its RecUp and
// RecFailedOver records can only say once the instant has settled (see
// Record).
func (t *Trial) traceInstant() {
	recs := t.Trace.Records
	lo := len(recs)
	for lo > 0 && recs[lo-1].T == t.now {
		lo--
	}
	inst := recs[lo:]
	for i := range inst {
		r := &inst[i]
		switch r.Kind {
		case RecUp:
			r.End = t.endedBy(inst, r.Service)
			r.Lack = t.segLack[r.Service]
		case RecFailedOver:
			r.Cause = causeNone
			if s := r.Service; !t.up[s] {
				r.Cause = t.stillDown(s)
			}
			r.Lack = t.segLack[r.Service]
		}
	}
}

// stillDown says why s, down at the end of an instant, is down: its
// fault, its placement or capacity, else its first hard dependency down.
func (t *Trial) stillDown(s int32) int32 {
	switch {
	case t.fault[s] > 0:
		return causeFault
	case !t.baseOK[s]:
		return t.placementCause(s)
	}
	if d := t.firstDownDep(s, false); d >= 0 {
		return causeDependency | d
	}
	return t.curCause[s]
}

// endedBy says what, among the records of one instant, brought service s
// up: the first of its hard dependencies (file order) that came up too,
// else its own failover, restart, fault's end or site's reconnection. A
// dependency goes first: a replica restarting at the same instant may not
// have been missing (another site served).
func (t *Trial) endedBy(inst []Record, s int32) int32 {
	c := t.c
	cameUp := func(d int32) bool {
		for i := range inst {
			if inst[i].Kind == RecUp && inst[i].Service == d {
				return true
			}
		}
		return false
	}
	for i := c.DepOff[s]; i < c.DepOff[s+1]; i++ {
		d := &c.Deps[i]
		if d.Soft {
			continue
		}
		if d.Service >= 0 {
			if cameUp(d.Service) {
				return endCode(EndDependency, d.Service)
			}
			continue
		}
		for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
			if cameUp(m) {
				return endCode(EndDependency, m)
			}
		}
	}
	for i := range inst {
		r := &inst[i]
		switch r.Kind {
		case RecFailedOver:
			if r.Service == s {
				return endCode(EndFailover, c.Replicas[r.Replica].Site)
			}
		case RecRunning:
			if c.Replicas[r.Replica].Service == s {
				return endCode(EndRestart, c.Replicas[r.Replica].Site)
			}
		case RecFault:
			if r.Service == s && r.Value < 0 {
				return endCode(EndFaultFixed, 0)
			}
		case RecIsolate:
			if r.Value < 0 {
				for rep := c.RepOff[s]; rep < c.RepOff[s+1]; rep++ {
					if c.Replicas[rep].Site == r.Site {
						return endCode(EndReconnected, r.Site)
					}
				}
			}
		}
	}
	return endCode(EndUnknown, 0)
}

// traceFinish closes at the horizon the intervals still open, as finish
// closes the figures they add up to.
func (t *Trial) traceFinish() {
	H := t.H
	tr := t.Trace
	for s := range tr.Services {
		st := &tr.Services[s]
		if !t.up[s] {
			st.Down = append(st.Down, Span{t.downSince[s], H})
		}
		if t.degraded[s] {
			st.Degraded = append(st.Degraded, Span{t.degSince[s], H})
		}
	}
	for _, s := range t.loaded {
		if t.segLack[s] > 0 && H > t.segSince[s] {
			tr.partial(s, t.segSince[s], H)
		}
	}
}

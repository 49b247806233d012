package sim

// RecordKind is the kind of a trace record.
type RecordKind uint8

const (
	RecPower             RecordKind = iota // Site powered to Value/Value2 of its servers by one outage
	RecIsolate                             // Site isolated (Value +1) or reconnected (−1)
	RecFault                               // Service fault began (Value +1) or ended (−1)
	RecUnpowered                           // Replica lost power (Cause)
	RecPowered                             // Replica powered again
	RecWaitStart                           // Replica waits for a start need (Cause); break_glass in Value ms
	RecBreakGlass                          // Replica's start forced after break_glass
	RecRestart                             // Replica restart began, Value ms, Manual
	RecRunning                             // Replica running
	RecFail                                // Replica failed at random
	RecRepair                              // Repair began (Replica or Site), Value ms
	RecRepaired                            // Replica repaired
	RecSiteFail                            // Site failed at random
	RecSiteRepaired                        // Site repaired
	RecFailoverQueued                      // Service failover toward Replica waits for a crew
	RecFailover                            // Service failover toward Replica began, Value ms, Manual
	RecFailoverCancelled                   // Service failover cancelled: the active site serves again
	RecFailedOver                          // Service now served from Replica
	RecDown                                // Service went down (Cause)
	RecUp                                  // Service came up
	RecDegraded                            // Service degraded (Value 1) or not (0)
	RecDataLoss                            // Service lost Value ms of data (Manual: all of it)
)

// Record is one happening of a traced trial. Which fields mean something
// depends on Kind; unused ones are zero.
type Record struct {
	T       int64
	Kind    RecordKind
	Service int32
	Replica int32
	Site    int32
	Cause   int32
	Value   int64
	Value2  int64
	Manual  bool
}

// Trace collects the records of one trial.
type Trace struct {
	Records []Record
}

func (t *Trial) trace(r Record) {
	if t.Trace == nil {
		return
	}
	r.T = t.now
	t.Trace.Records = append(t.Trace.Records, r)
}

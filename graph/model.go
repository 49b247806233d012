package graph

// Pos is a position in a source file; Line and Col count from 1.
type Pos struct {
	File string
	Line int
	Col  int
}

// File is a loaded platform or scenario file (docs/model.md §2).
type File struct {
	Name string // the path or name the file was loaded from
	// Digest is the hex SHA-256 of the file's bytes and of those of the
	// platform file it refers to, if any: what a run's results depend on
	// besides the seed and the trials.
	Digest    string
	Version   int
	Platform  *Platform
	Scenarios []*Scenario
	// Mitigations are the candidate changes of the top-level mitigations:
	// list, for domino advise (docs/model.md §10).
	Mitigations []*Mitigation

	// src is the platform before decoding, which mitigation patches apply to.
	src *platformSrc
	// parsed is the parsed file, which With decodes again; uncertain
	// lists the file's uncertain inputs; uvals are the values With gave
	// them, which Apply decodes the platform with.
	parsed    *parsed
	uncertain []Uncertain
	uvals     map[string]float64
}

// Mitigation is a candidate change to the platform (docs/model.md §10). Apply
// several in order with File.Apply.
type Mitigation struct {
	ID          string
	Description string
	Cost        float64
	// AddCrews is how many crews it adds to the scenario's (beyond
	// docs/model.md §10, whose patches cannot change a scenario): "more crews".
	AddCrews int
	// Platform is the file's platform with this mitigation's patch alone.
	Platform *Platform
	Pos      Pos

	patch node // the patch, re-applied by File.Apply
}

// Scenario returns the scenario with the given id, or nil.
func (f *File) Scenario(id string) *Scenario {
	for _, s := range f.Scenarios {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Platform is a set of sites and the services placed on them (docs/model.md §4).
type Platform struct {
	Name     string
	Currency string
	// People is the number of distinct people who use the platform's
	// services (`people:`), 0 when the file does not say. It bounds the
	// people cut off at once and the person-hours (docs/model.md §8.1).
	People int64
	// Compliance is the share of disruptions in which each RTO and RPO
	// target must hold (`compliance:`), 0 for the default (0.95).
	Compliance float64
	// Targets are the RTO and RPO of each priority tier (`targets:`),
	// applied to the services of that priority without their own.
	Targets  []TierTarget
	Sites    []*Site
	Services []*Service
}

// TierTarget is the RTO and RPO of the services of one priority; -1:
// none.
type TierTarget struct {
	Priority int
	RTO, RPO int64
}

// Site returns the site with the given id, or nil.
func (p *Platform) Site(id string) *Site {
	for _, s := range p.Sites {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Service returns the service with the given id, or nil.
func (p *Platform) Service(id string) *Service {
	for _, s := range p.Services {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Site is a data center, or a zone of one: a hall, floor or power zone
// that shares a Building with other sites (docs/model.md, "Buildings and
// zones").
type Site struct {
	ID      string
	Name    string
	Region  string
	Servers int64 // when not given: the sum placed there
	MTBF    *Dist // site-wide random failures, used by random-failures
	MTTR    *Dist
	// Building is the id of the building the site is a zone of, "" when it
	// stands alone. A site-outage may name the building to hit all of its
	// zones at once, and lint counts the building as one site.
	Building string
	Pos      Pos
}

// Zones returns the sites of the building with the given id, in file order.
func (p *Platform) Zones(building string) []*Site {
	var out []*Site
	for _, s := range p.Sites {
		if s.Building == building && building != "" {
			out = append(out, s)
		}
	}
	return out
}

// Mode is a redundancy mode.
type Mode uint8

const (
	ActiveActive Mode = iota
	ActiveStandby
	Single
)

func (m Mode) String() string {
	switch m {
	case ActiveActive:
		return "active-active"
	case ActiveStandby:
		return "active-standby"
	case Single:
		return "single"
	}
	return "unknown"
}

// Service is one service of the platform. Every duration is in milliseconds.
type Service struct {
	ID          string
	Name        string
	Users       int64
	CostPerHour float64
	Priority    int         // lower is powered, restarted and crewed first; default 5
	Placement   []Placement // in file order, which is the failover order
	Redundancy  Redundancy
	DependsOn   []Dep
	StartNeeds  []string
	Tooling     []string
	Restart     Recovery
	Data        *Data // nil: the service holds no data
	RTO         int64 // -1: no target
	RPO         int64 // -1: no target
	MTBF        *Dist // per-replica random failures, used by random-failures
	MTTR        *Dist
	// Load and CollapseBelow are the capacity fields of docs/model.md §11; Load 0
	// means any serving placement carries all of the traffic.
	Load          int64
	CollapseBelow float64
	Pos           Pos
}

// Placement is the number of servers a service has on one site.
type Placement struct {
	Site    string
	Servers int64
}

// Sites returns the ids of the service's sites in placement order.
func (s *Service) Sites() []string {
	ids := make([]string, len(s.Placement))
	for i, p := range s.Placement {
		ids[i] = p.Site
	}
	return ids
}

// Redundancy says how the replicas of a service serve.
type Redundancy struct {
	Mode     Mode
	Quorum   int    // active-active: replicas that must serve; default 1
	Primary  string // active-standby: the initially active site; default the first placed
	Failover Recovery
}

// Recovery is a pair of durations: the automated one, used when all of the
// service's tooling is up, and the manual one, which holds a crew.
type Recovery struct {
	Auto Dist
	// Manual is nil when not given: the manual time is then 10× the sampled
	// automated time (docs/model.md §6.10).
	Manual *Dist
	// Given is whether the file gives either time. A recovery not given
	// takes no time at all, which Lint warns about where a scenario needs
	// it; one given as 0 is a choice and is taken at its word.
	Given bool `json:"-"`
}

// Dep is one entry of depends_on: a single service, or with Any set a group
// of alternatives satisfied while at least Need of them are up.
type Dep struct {
	Service string
	Any     []string
	Need    int
	Soft    bool
	Pos     Pos
}

// Replication is how a service's data reaches its other sites.
type Replication uint8

const (
	ReplicationNone Replication = iota
	ReplicationAsync
	ReplicationSync
)

func (r Replication) String() string {
	switch r {
	case ReplicationAsync:
		return "async"
	case ReplicationSync:
		return "sync"
	}
	return "none"
}

// Data describes the data a service holds and how it is protected.
type Data struct {
	Replication Replication
	Lag         Dist
	Backup      *Backup // nil: no backup
}

// Backup is a periodic backup; Every is in milliseconds.
type Backup struct {
	Every   int64
	Offsite bool
}

// Scenario is a set of events run against a platform (docs/model.md §5).
type Scenario struct {
	ID          string
	Description string
	Horizon     int64 // ms; default 7d
	Trials      int   // default 10000
	Crews       int   // 0: unlimited
	BreakGlass  Dist  // default 12h fixed
	SoftWeight  float64
	Events      []Event
	// Platform is the platform this scenario runs on, with the scenario's
	// patch applied (the file's own platform when there is no patch).
	Platform *Platform
	Pos      Pos

	src node // the scenario as written, for ScenarioValue
}

// EventKind is the kind of a scenario event.
type EventKind uint8

const (
	SiteOutage EventKind = iota
	RegionOutage
	Isolate
	ServiceFault
	RandomFailures
)

// EventKinds lists the event kinds in the spelling of the files.
var EventKinds = names(eventKinds)

func (k EventKind) String() string {
	if int(k) < len(EventKinds) {
		return EventKinds[k]
	}
	return "unknown"
}

// Event is one scenario event.
type Event struct {
	Kind     EventKind
	Cause    string
	Site     string   // site-outage, isolate
	Building string   // site-outage of every zone of a building, instead of Site
	Region   string   // region-outage
	Services []string // service-fault
	At       Dist
	// Probability is the chance the event happens in a trial; ignored when
	// Rate > 0, in which case the event happens a Poisson number of times
	// (Rate per 365-day year) at uniform times over the horizon.
	Probability  float64
	Rate         float64
	DestroysData float64
	PowerRestore []Stage
	// Duration is nil when not given. For outages, a duration is one stage
	// of fraction 1.0; an outage with neither never gives power back.
	Duration *Dist
	// Zones, for a building outage whose power_restore or duration is given
	// zone by zone, holds each zone's own, in the order written; the event's
	// PowerRestore and Duration are then empty. Every zone of the building
	// has one entry.
	Zones []ZonePower
	Pos   Pos
}

// ZonePower is how power comes back to one zone of a building outage:
// PowerRestore stages, or a Duration (one stage of fraction 1.0).
type ZonePower struct {
	Zone         string
	PowerRestore []Stage
	Duration     *Dist
	Pos          Pos
}

// Restore returns the zone's stages, a duration as one stage of 1.0.
func (z ZonePower) Restore() []Stage {
	if len(z.PowerRestore) == 0 && z.Duration != nil {
		return []Stage{{After: *z.Duration, Fraction: Fraction{1, 1}}}
	}
	return z.PowerRestore
}

// Stage is one step of staged power restoration: After is measured from the
// outage start; Fraction is cumulative.
type Stage struct {
	After    Dist
	Fraction Fraction
}

// Fraction is an exact decimal fraction Num/Den as written in the file, so
// that 0.35 × 180 servers is 63 exactly.
type Fraction struct {
	Num, Den int64
}

// Float returns the fraction as a float64.
func (f Fraction) Float() float64 { return float64(f.Num) / float64(f.Den) }

// Fits reports whether used ≤ f × total, exactly.
func (f Fraction) Fits(used, total int64) bool {
	return used*f.Den <= f.Num*total
}

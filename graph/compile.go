package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Compiled is a scenario with its (patched) platform in the immutable,
// index-based form the engine walks: dense int32 ids, slices instead of maps,
// and CSR adjacency (Off[i]..Off[i+1] indexes the edges of node i).
//
// A replica is one service on one site. The replicas of service s are
// Replicas[RepOff[s]:RepOff[s+1]], in placement (file) order.
type Compiled struct {
	Scenario *Scenario
	Platform *Platform

	Horizon    int64
	Crews      int // 0: unlimited
	BreakGlass Dist
	SoftWeight float64

	Sites    []CSite
	Services []CService
	Replicas []CReplica
	Events   []CEvent

	RepOff []int32 // per service, into Replicas

	// Deps are the depends_on entries of each service in file order,
	// Deps[DepOff[s]:DepOff[s+1]]; an any-group's members are
	// AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen].
	DepOff     []int32
	Deps       []CDep
	AnyMembers []int32

	// Reverse edges: the services that have s as a hard dependency (or as a
	// member of a hard any-group), deduplicated, RevHard[RevHardOff[s]:...];
	// likewise for soft dependencies.
	RevHardOff, RevHard []int32
	RevSoftOff, RevSoft []int32

	StartOff, Start       []int32 // start_needs of each service
	RevStartOff, RevStart []int32 // services whose start_needs include s
	ToolOff, Tool         []int32 // tooling of each service
	RevToolOff, RevTool   []int32 // services whose tooling includes s

	// SiteReps lists each site's replicas in power-on order, by (priority,
	// service id): SiteReps[SiteRepOff[x]:SiteRepOff[x+1]]. SiteCum[i] is the
	// number of servers of SiteReps[SiteRepOff[x] : i+1], i.e. cumulative
	// within the site.
	SiteRepOff []int32
	SiteReps   []int32
	SiteCum    []int64

	// Cyclic lists the strongly connected components of the hard
	// dependency graph that have more than one service:
	// Cyclic[CyclicOff[k]:CyclicOff[k+1]] are the members of component k,
	// and SCC[s] is s's component, or -1 when s is on no cycle. The engine
	// needs them to raise a cycle whose members wait on each other.
	SCC               []int32
	CyclicOff, Cyclic []int32

	// JobRank orders the crew queue (docs/model.md §6.10): a job's rank is its
	// position in (priority, service id, site id, kind) order. Jobs are
	// numbered JobRepair(r), JobRestart(r), JobFailover(r) for replica r (a
	// failover is named by its target replica) and JobSiteRepair(x).
	JobRank []int32
	RankJob []int32
}

// CSite is a compiled site.
type CSite struct {
	ID, Region   string
	Placed       int64 // servers placed on the site
	MTBF, MTTR   *Dist
	Key          uint64 // hash of the id, for keyed random streams
	BestPriority int32  // of the services placed there, for the crew queue
}

// CService is a compiled service. The fields the engine reads on every
// transition come first, so that they share a cache line.
type CService struct {
	Users    int64
	RTO, RPO int64 // -1: none
	// Load is the servers needed to carry all traffic (0: any serving
	// placement carries it) and CollapseBelow the served fraction under
	// which the service is down (docs/model.md §11).
	Load          int64
	CollapseBelow float64
	Priority      int32
	Quorum        int32
	Primary       int32 // replica index of the primary (active-standby)
	Mode          Mode

	ID          string
	CostPerHour float64
	Key         uint64
	Restart     Recovery
	Failover    Recovery
	Data        *Data
	MTBF, MTTR  *Dist
}

// CReplica is a compiled replica: one service on one site.
type CReplica struct {
	Service, Site int32
	Servers       int64
	SitePos       int32 // index within the site's power-on order
	Key           uint64
}

// CDep is one compiled depends_on entry.
type CDep struct {
	Service        int32 // -1 for an any-group
	AnyOff, AnyLen int32
	Need           int32
	Soft           bool
}

// CEvent is a compiled scenario event. Sites lists the sites a site or
// region outage or an isolation touches.
type CEvent struct {
	Kind         EventKind
	Cause        string
	Sites        []int32
	Services     []int32
	At           Dist
	Probability  float64
	Rate         float64 // per year; > 0 means Poisson occurrences
	DestroysData float64
	Stages       []Stage // power restoration; empty when it never comes back
	Duration     *Dist   // isolate, service-fault
	Key          uint64
	// ZoneStages, for a building outage given zone by zone, are the stages
	// of each of Sites (a duration is one stage of 1.0), drawn from that
	// zone's own stream ZoneKeys[i]; nil when Stages holds one list shared
	// by every site, whose draws are then shared too.
	ZoneStages [][]Stage
	ZoneKeys   []uint64
}

// StagesOf returns the restoration stages of the i-th site of the event.
func (e *CEvent) StagesOf(i int32) []Stage {
	if e.ZoneStages != nil {
		return e.ZoneStages[i]
	}
	return e.Stages
}

// JobsPerReplica is the number of crew jobs of a replica: its repair,
// its restart by hand and its failover by hand. The site repairs come
// after every replica's jobs.
const JobsPerReplica = 3

// Job numbering helpers, the one encoder of crew jobs (Job decodes); see
// Compiled.JobRank.
func JobRepair(r int32) int32   { return JobsPerReplica*r + int32(JobKindRepair) }
func JobRestart(r int32) int32  { return JobsPerReplica*r + int32(JobKindRestart) }
func JobFailover(r int32) int32 { return JobsPerReplica*r + int32(JobKindFailover) }
func (c *Compiled) JobSiteRepair(x int32) int32 {
	return JobsPerReplica*int32(len(c.Replicas)) + x
}

// JobKind is what a crew job does.
type JobKind uint8

// Crew job kinds, in the order of the numbering above.
const (
	JobKindRepair JobKind = iota
	JobKindRestart
	JobKindFailover
	JobKindSiteRepair
)

// Job decodes a job number into its kind and the replica it names (the
// site, for a site repair): the inverse of JobRepair, JobRestart,
// JobFailover and JobSiteRepair.
func (c *Compiled) Job(job int32) (JobKind, int32) {
	if n := JobsPerReplica * int32(len(c.Replicas)); job >= n {
		return JobKindSiteRepair, job - n
	}
	return JobKind(job % JobsPerReplica), job / JobsPerReplica
}

// NumJobs is the number of distinct crew jobs.
func (c *Compiled) NumJobs() int { return JobsPerReplica*len(c.Replicas) + len(c.Sites) }

// Key hashes the parts of an entity name into a stable 64-bit key; the same
// names give the same key in every platform, which is what keeps random
// draws common between scenarios (docs/model.md §7).
//
// The hash is 64-bit FNV-1a (Fowler, Noll, Vo; as hash/fnv's New64a) over
// the parts, each followed by a zero byte, written out here because
// Compile keys 400,000 names on a large platform and hash/fnv converted
// each one to a []byte. TestKeyIsFNV1a holds it to hash/fnv.
func Key(parts ...string) uint64 {
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= prime64
		}
		h *= prime64 // the zero byte: h ^= 0 changes nothing
	}
	return h
}

// Compile builds the engine's form of a validated scenario. It returns an
// error only for references a validated file cannot contain.
func Compile(sc *Scenario) (*Compiled, error) {
	p := sc.Platform
	if p == nil {
		return nil, fmt.Errorf("compile scenario %q: no platform", sc.ID)
	}
	// A loaded file was checked; a platform patched by mitigations, or
	// built by a program, is checked here.
	if msg := TrialTotals(p, sc.Horizon); msg != "" {
		return nil, fmt.Errorf("scenario %q: %s", sc.ID, msg)
	}
	// The engine starts every service up (docs/model.md §6): one whose
	// load everything running does not carry would be counted up.
	for _, s := range p.Services {
		if s.Load > 0 && len(s.Placement) > 0 {
			if msg := startDown(s); msg != "" {
				return nil, fmt.Errorf("scenario %q: %s", sc.ID, msg)
			}
		}
	}
	c := &Compiled{
		Scenario: sc, Platform: p,
		Horizon: sc.Horizon, Crews: sc.Crews, BreakGlass: sc.BreakGlass, SoftWeight: sc.SoftWeight,
	}
	siteIdx := make(map[string]int32, len(p.Sites))
	for i, s := range p.Sites {
		siteIdx[s.ID] = int32(i)
		c.Sites = append(c.Sites, CSite{ID: s.ID, Region: s.Region, MTBF: s.MTBF, MTTR: s.MTTR, Key: Key("site", s.ID), BestPriority: 1 << 30})
	}
	svcIdx := make(map[string]int32, len(p.Services))
	for i, s := range p.Services {
		svcIdx[s.ID] = int32(i)
	}
	svc := func(id string) (int32, error) {
		i, ok := svcIdx[id]
		if !ok {
			return 0, fmt.Errorf("compile scenario %q: unknown service %q", sc.ID, id)
		}
		return i, nil
	}
	svcs := func(ids []string) ([]int32, error) {
		out := make([]int32, len(ids))
		for i, id := range ids {
			x, err := svc(id)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}

	// Every slice is sized by a first pass, and the adjacency is built in
	// CSR form directly, without a slice per service: on 100,000 services
	// the growing and the small slices were half of Compile's time.
	var nRep, nDep, nStart, nTool int
	for _, s := range p.Services {
		nRep += len(s.Placement)
		nDep += len(s.DependsOn)
		nStart += len(s.StartNeeds)
		nTool += len(s.Tooling)
	}
	c.Services = make([]CService, 0, len(p.Services))
	c.Replicas = make([]CReplica, 0, nRep)
	c.RepOff = make([]int32, 1, len(p.Services)+1)
	c.DepOff = make([]int32, 1, len(p.Services)+1)
	c.StartOff = make([]int32, 1, len(p.Services)+1)
	c.ToolOff = make([]int32, 1, len(p.Services)+1)
	c.Deps = makeIfAny[CDep](nDep)
	c.Start = makeIfAny[int32](nStart)
	c.Tool = makeIfAny[int32](nTool)
	appendSvcs := func(dst []int32, ids []string) ([]int32, error) {
		for _, id := range ids {
			x, err := svc(id)
			if err != nil {
				return nil, err
			}
			dst = append(dst, x)
		}
		return dst, nil
	}
	for si, s := range p.Services {
		cs := CService{
			ID: s.ID, Users: s.Users, CostPerHour: s.CostPerHour, Priority: int32(s.Priority),
			Mode: s.Redundancy.Mode, Quorum: int32(max(1, s.Redundancy.Quorum)), Primary: -1,
			Restart: s.Restart, Failover: s.Redundancy.Failover, Data: s.Data,
			RTO: s.RTO, RPO: s.RPO, MTBF: s.MTBF, MTTR: s.MTTR, Key: Key("service", s.ID),
			Load: s.Load, CollapseBelow: s.CollapseBelow,
		}
		if len(s.Placement) == 0 {
			return nil, fmt.Errorf("compile scenario %q: service %q has no placement", sc.ID, s.ID)
		}
		for _, pl := range s.Placement {
			x, ok := siteIdx[pl.Site]
			if !ok {
				return nil, fmt.Errorf("compile scenario %q: service %q placed on unknown site %q", sc.ID, s.ID, pl.Site)
			}
			r := int32(len(c.Replicas))
			if pl.Site == s.Redundancy.Primary || cs.Primary < 0 && s.Redundancy.Primary == "" {
				cs.Primary = r
			}
			c.Replicas = append(c.Replicas, CReplica{Service: int32(si), Site: x, Servers: pl.Servers, Key: Key("replica", s.ID, pl.Site)})
			c.Sites[x].Placed += pl.Servers
			c.Sites[x].BestPriority = min(c.Sites[x].BestPriority, int32(s.Priority))
		}
		if cs.Primary < 0 {
			return nil, fmt.Errorf("compile scenario %q: service %q: primary %q is not in its placement", sc.ID, s.ID, s.Redundancy.Primary)
		}
		c.RepOff = append(c.RepOff, int32(len(c.Replicas)))
		c.Services = append(c.Services, cs)

		for _, d := range s.DependsOn {
			cd := CDep{Service: -1, Need: int32(max(1, d.Need)), Soft: d.Soft}
			if d.Any != nil {
				from := len(c.AnyMembers)
				var err error
				if c.AnyMembers, err = appendSvcs(c.AnyMembers, d.Any); err != nil {
					return nil, err
				}
				cd.AnyOff, cd.AnyLen = int32(from), int32(len(c.AnyMembers)-from)
			} else {
				x, err := svc(d.Service)
				if err != nil {
					return nil, err
				}
				cd.Service = x
			}
			c.Deps = append(c.Deps, cd)
		}
		c.DepOff = append(c.DepOff, int32(len(c.Deps)))
		var err error
		if c.Start, err = appendSvcs(c.Start, s.StartNeeds); err != nil {
			return nil, err
		}
		if c.Tool, err = appendSvcs(c.Tool, s.Tooling); err != nil {
			return nil, err
		}
		c.StartOff = append(c.StartOff, int32(len(c.Start)))
		c.ToolOff = append(c.ToolOff, int32(len(c.Tool)))
	}
	depEdges := func(soft bool) func(i int32, buf []int32) []int32 {
		return func(i int32, buf []int32) []int32 {
			for _, d := range c.Deps[c.DepOff[i]:c.DepOff[i+1]] {
				switch {
				case d.Soft != soft:
				case d.Service >= 0:
					buf = append(buf, d.Service)
				default:
					buf = append(buf, c.AnyMembers[d.AnyOff:d.AnyOff+d.AnyLen]...)
				}
			}
			return buf
		}
	}
	n := len(c.Services)
	c.RevHardOff, c.RevHard = reverseCSR(n, depEdges(false))
	c.RevSoftOff, c.RevSoft = reverseCSR(n, depEdges(true))
	c.RevStartOff, c.RevStart = reverseCSR(n, csrEdges(c.StartOff, c.Start))
	c.RevToolOff, c.RevTool = reverseCSR(n, csrEdges(c.ToolOff, c.Tool))

	c.compileCycles()
	order := c.serviceOrder()
	c.compileSites(order)
	c.compileJobs(order)
	if err := c.compileEvents(sc, siteIdx, svcs); err != nil {
		return nil, err
	}
	return c, nil
}

// makeIfAny returns an empty slice with room for n elements, or nil when
// n is 0, as appending to nil would leave it.
func makeIfAny[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

// serviceOrder returns the services in (priority, service id) order: the
// order of power-on within a site and of the crew queue.
func (c *Compiled) serviceOrder() []int32 {
	return sortedIndices(len(c.Services), func(a, b int32) int {
		if pa, pb := c.Services[a].Priority, c.Services[b].Priority; pa != pb {
			return cmp.Compare(pa, pb)
		}
		return strings.Compare(c.Services[a].ID, c.Services[b].ID)
	})
}

// sortedIndices returns 0, …, n−1 sorted by compare.
func sortedIndices(n int, compare func(a, b int32) int) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, compare)
	return order
}

// compileSites orders each site's replicas for power-on: (priority,
// service id). Walking the services in that order and dealing their
// replicas out to their sites gives each site's list already sorted (a
// service has at most one replica per site).
func (c *Compiled) compileSites(order []int32) {
	c.SiteRepOff = make([]int32, len(c.Sites)+1)
	for _, rep := range c.Replicas {
		c.SiteRepOff[rep.Site+1]++
	}
	for x := range c.Sites {
		c.SiteRepOff[x+1] += c.SiteRepOff[x]
	}
	c.SiteReps = makeIfAny[int32](len(c.Replicas))[:len(c.Replicas)]
	c.SiteCum = makeIfAny[int64](len(c.Replicas))[:len(c.Replicas)]
	next := slices.Clone(c.SiteRepOff[:len(c.Sites)])
	for _, s := range order {
		for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
			x := c.Replicas[r].Site
			c.SiteReps[next[x]] = r
			c.Replicas[r].SitePos = next[x] - c.SiteRepOff[x]
			next[x]++
		}
	}
	for x := range c.Sites {
		var cum int64
		for i := c.SiteRepOff[x]; i < c.SiteRepOff[x+1]; i++ {
			cum += c.Replicas[c.SiteReps[i]].Servers
			c.SiteCum[i] = cum
		}
	}
}

// rankByID returns the rank of each id in sorted order, so that orders
// by id compare integers: sorting 300,000 crew jobs by their service id
// strings took most of a second.
func rankByID(n int, id func(int) string) []int32 {
	order := sortedIndices(n, func(a, b int32) int { return cmp.Compare(id(int(a)), id(int(b))) })
	rank := make([]int32, n)
	for r, i := range order {
		rank[i] = int32(r)
	}
	return rank
}

// compileJobs ranks every crew job by (priority, service id, site id, kind).
// A site repair has the empty service id, which sorts before every other.
// The services come in that order already, so only each service's few
// replicas and the sites need sorting: sorting all 300,000 jobs of a large
// platform at once took a quarter of Compile's time.
func (c *Compiled) compileJobs(order []int32) {
	siteRank := rankByID(len(c.Sites), func(i int) string { return c.Sites[i].ID })
	sites := sortedIndices(len(c.Sites), func(a, b int32) int {
		if pa, pb := c.Sites[a].BestPriority, c.Sites[b].BestPriority; pa != pb {
			return cmp.Compare(pa, pb)
		}
		return cmp.Compare(siteRank[a], siteRank[b])
	})
	c.JobRank = make([]int32, c.NumJobs())
	c.RankJob = make([]int32, c.NumJobs())
	rank := int32(0)
	emit := func(job int32) {
		c.JobRank[job] = rank
		c.RankJob[rank] = job
		rank++
	}
	var reps []int32
	next := 0 // the next site repair
	for _, s := range order {
		prio := c.Services[s].Priority
		for next < len(sites) && c.Sites[sites[next]].BestPriority <= prio {
			emit(c.JobSiteRepair(sites[next]))
			next++
		}
		reps = reps[:0]
		for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
			reps = append(reps, r)
		}
		slices.SortFunc(reps, func(a, b int32) int {
			return cmp.Compare(siteRank[c.Replicas[a].Site], siteRank[c.Replicas[b].Site])
		})
		for _, r := range reps {
			emit(JobRepair(r))
			emit(JobRestart(r))
			emit(JobFailover(r))
		}
	}
	for _, x := range sites[next:] {
		emit(c.JobSiteRepair(x))
	}
}

func (c *Compiled) compileEvents(sc *Scenario, siteIdx map[string]int32, svcs func([]string) ([]int32, error)) error {
	for i, e := range sc.Events {
		ce := CEvent{
			Kind: e.Kind, Cause: e.Cause, At: e.At, Probability: e.Probability, Rate: e.Rate,
			DestroysData: e.DestroysData, Stages: e.PowerRestore, Duration: e.Duration,
			Key: Key("event", fmt.Sprint(i), e.Kind.String(), e.Site, e.Region),
		}
		switch {
		case e.Kind == SiteOutage && e.Building != "":
			if err := c.compileBuilding(sc, i, &e, &ce, siteIdx); err != nil {
				return err
			}
		case e.Kind == SiteOutage || e.Kind == Isolate:
			x, ok := siteIdx[e.Site]
			if !ok {
				return fmt.Errorf("compile scenario %q: event %d: unknown site %q", sc.ID, i, e.Site)
			}
			ce.Sites = []int32{x}
		case e.Kind == RegionOutage:
			for x, s := range c.Sites {
				if s.Region == e.Region {
					ce.Sites = append(ce.Sites, int32(x))
				}
			}
		case e.Kind == ServiceFault:
			m, err := svcs(e.Services)
			if err != nil {
				return err
			}
			ce.Services = m
		}
		if (e.Kind == SiteOutage || e.Kind == RegionOutage) && len(ce.Stages) == 0 && e.Duration != nil {
			ce.Stages = []Stage{{After: *e.Duration, Fraction: Fraction{1, 1}}}
		}
		c.Events = append(c.Events, ce)
	}
	return nil
}

// compileBuilding resolves a building outage to the building's zones, in
// the platform's order, each with its own stages when they are given zone
// by zone.
func (c *Compiled) compileBuilding(sc *Scenario, i int, e *Event, ce *CEvent, siteIdx map[string]int32) error {
	ce.Key = Key("event", fmt.Sprint(i), e.Kind.String(), e.Site, e.Region, e.Building)
	zones := c.Platform.Zones(e.Building)
	if len(zones) == 0 {
		return fmt.Errorf("compile scenario %q: event %d: unknown building %q", sc.ID, i, e.Building)
	}
	for _, z := range zones {
		ce.Sites = append(ce.Sites, siteIdx[z.ID])
	}
	if len(e.Zones) == 0 {
		return nil
	}
	ce.ZoneStages = make([][]Stage, len(zones))
	ce.ZoneKeys = make([]uint64, len(zones))
	for k, z := range zones {
		j := slices.IndexFunc(e.Zones, func(zp ZonePower) bool { return zp.Zone == z.ID })
		if j < 0 {
			// A mitigation added the zone to a building whose outage
			// this scenario gives zone by zone.
			return fmt.Errorf("compile scenario %q: event %d: zone %q of building %q has no power_restore or duration in this event", sc.ID, i, z.ID, e.Building)
		}
		ce.ZoneStages[k] = e.Zones[j].Restore()
		ce.ZoneKeys[k] = Key("event", fmt.Sprint(i), e.Kind.String(), e.Building, z.ID)
	}
	return nil
}

// reverseCSR returns the reverse of the graph on nodes 0..n-1 whose edges
// from i are the targets edges(i, buf) appends to buf, in CSR form: the
// nodes with an edge to j, ascending and each once, are rev[off[j]:off[j+1]].
// It counts the edges first and then fills them in, so that it allocates
// two slices rather than one per node. rev is nil when there are no edges.
func reverseCSR(n int, edges func(i int32, buf []int32) []int32) (off, rev []int32) {
	off = make([]int32, n+1)
	last := make([]int32, n) // the last node seen with an edge to j, +1
	var buf []int32
	for i := range int32(n) {
		buf = edges(i, buf[:0])
		for _, j := range buf {
			if last[j] != i+1 {
				last[j] = i + 1
				off[j+1]++
			}
		}
	}
	for j := range n {
		off[j+1] += off[j]
	}
	if off[n] == 0 {
		return off, nil
	}
	rev = make([]int32, off[n])
	next := slices.Clone(off[:n])
	clear(last)
	for i := range int32(n) {
		buf = edges(i, buf[:0])
		for _, j := range buf {
			if last[j] != i+1 {
				last[j] = i + 1
				rev[next[j]] = i
				next[j]++
			}
		}
	}
	return off, rev
}

// csrEdges gives the edges of a graph in CSR form to reverseCSR.
func csrEdges(off, to []int32) func(i int32, buf []int32) []int32 {
	return func(i int32, buf []int32) []int32 {
		return append(buf, to[off[i]:off[i+1]]...)
	}
}

func csr(adj [][]int32) (off, edges []int32) {
	off = make([]int32, 1, len(adj)+1)
	for _, out := range adj {
		edges = append(edges, out...)
		off = append(off, int32(len(edges)))
	}
	return off, edges
}

// compileCycles finds the cycles of the hard dependency graph. The reverse
// edges have the same strongly connected components as the forward ones.
func (c *Compiled) compileCycles() {
	c.SCC = make([]int32, len(c.Services))
	for i := range c.SCC {
		c.SCC[i] = -1
	}
	cyclic := cycles(c.RevHardOff, c.RevHard)
	for k, ids := range cyclic {
		for _, s := range ids {
			c.SCC[s] = int32(k)
		}
	}
	c.CyclicOff, c.Cyclic = csr(cyclic)
}

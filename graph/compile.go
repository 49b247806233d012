package graph

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
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

	// JobRank orders the crew queue (MODEL.md §6.10): a job's rank is its
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
	// which the service is down (MODEL.md §11).
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
}

// Job numbering helpers; see Compiled.JobRank.
func JobRepair(r int32) int32                   { return 3 * r }
func JobRestart(r int32) int32                  { return 3*r + 1 }
func JobFailover(r int32) int32                 { return 3*r + 2 }
func (c *Compiled) JobSiteRepair(x int32) int32 { return 3*int32(len(c.Replicas)) + x }

// NumJobs is the number of distinct crew jobs.
func (c *Compiled) NumJobs() int { return 3*len(c.Replicas) + len(c.Sites) }

// Key hashes the parts of an entity name into a stable 64-bit key; the same
// names give the same key in every platform, which is what keeps random
// draws common between scenarios (MODEL.md §7).
func Key(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// Compile builds the engine's form of a validated scenario. It returns an
// error only for references a validated file cannot contain.
func Compile(sc *Scenario) (*Compiled, error) {
	p := sc.Platform
	if p == nil {
		return nil, fmt.Errorf("compile scenario %q: no platform", sc.ID)
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

	var start, tool [][]int32
	revHard := make([][]int32, len(p.Services))
	revSoft := make([][]int32, len(p.Services))
	c.RepOff = append(c.RepOff, 0)
	c.DepOff = append(c.DepOff, 0)
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
			var targets []int32
			if d.Any != nil {
				m, err := svcs(d.Any)
				if err != nil {
					return nil, err
				}
				cd.AnyOff, cd.AnyLen = int32(len(c.AnyMembers)), int32(len(m))
				c.AnyMembers = append(c.AnyMembers, m...)
				targets = m
			} else {
				x, err := svc(d.Service)
				if err != nil {
					return nil, err
				}
				cd.Service = x
				targets = []int32{x}
			}
			c.Deps = append(c.Deps, cd)
			for _, x := range targets {
				if d.Soft {
					revSoft[x] = appendUnique(revSoft[x], int32(si))
				} else {
					revHard[x] = appendUnique(revHard[x], int32(si))
				}
			}
		}
		c.DepOff = append(c.DepOff, int32(len(c.Deps)))
		st, err := svcs(s.StartNeeds)
		if err != nil {
			return nil, err
		}
		tl, err := svcs(s.Tooling)
		if err != nil {
			return nil, err
		}
		start = append(start, st)
		tool = append(tool, tl)
	}
	c.RevHardOff, c.RevHard = csr(revHard)
	c.RevSoftOff, c.RevSoft = csr(revSoft)
	c.StartOff, c.Start = csr(start)
	c.RevStartOff, c.RevStart = csr(reverse(start))
	c.ToolOff, c.Tool = csr(tool)
	c.RevToolOff, c.RevTool = csr(reverse(tool))

	c.compileCycles()
	svcRank := rankByID(len(c.Services), func(i int) string { return c.Services[i].ID })
	c.compileSites(svcRank)
	c.compileJobs(svcRank)
	if err := c.compileEvents(sc, siteIdx, svcs); err != nil {
		return nil, err
	}
	return c, nil
}

// compileSites orders each site's replicas for power-on: (priority, service id).
func (c *Compiled) compileSites(idRank []int32) {
	bySite := make([][]int32, len(c.Sites))
	for r, rep := range c.Replicas {
		bySite[rep.Site] = append(bySite[rep.Site], int32(r))
	}
	c.SiteRepOff = append(c.SiteRepOff, 0)
	for _, reps := range bySite {
		slices.SortFunc(reps, func(i, j int32) int {
			a, b := c.Replicas[i].Service, c.Replicas[j].Service
			return cmp.Or(cmp.Compare(c.Services[a].Priority, c.Services[b].Priority), cmp.Compare(idRank[a], idRank[b]))
		})
		var cum int64
		for i, r := range reps {
			cum += c.Replicas[r].Servers
			c.Replicas[r].SitePos = int32(i)
			c.SiteReps = append(c.SiteReps, r)
			c.SiteCum = append(c.SiteCum, cum)
		}
		c.SiteRepOff = append(c.SiteRepOff, int32(len(c.SiteReps)))
	}
}

// rankByID returns the rank of each id in sorted order, so that orders
// by id compare integers: sorting 300,000 crew jobs by their service id
// strings took most of a second.
func rankByID(n int, id func(int) string) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(id(int(a)), id(int(b))) })
	rank := make([]int32, n)
	for r, i := range order {
		rank[i] = int32(r)
	}
	return rank
}

// compileJobs ranks every crew job by (priority, service id, site id, kind).
// A site repair has the empty service id, which sorts before every other.
func (c *Compiled) compileJobs(svcRank []int32) {
	siteRank := rankByID(len(c.Sites), func(i int) string { return c.Sites[i].ID })
	type jobKey struct {
		prio, svc, site, kind, job int32
	}
	keys := make([]jobKey, 0, c.NumJobs())
	for r, rep := range c.Replicas {
		s := &c.Services[rep.Service]
		for kind := range int32(3) {
			keys = append(keys, jobKey{s.Priority, svcRank[rep.Service] + 1, siteRank[rep.Site], kind, 3*int32(r) + kind})
		}
	}
	for x, site := range c.Sites {
		keys = append(keys, jobKey{site.BestPriority, 0, siteRank[x], 0, c.JobSiteRepair(int32(x))})
	}
	// Early returns, not cmp.Or, which compares every field every time.
	slices.SortFunc(keys, func(a, b jobKey) int {
		switch {
		case a.prio != b.prio:
			return cmp.Compare(a.prio, b.prio)
		case a.svc != b.svc:
			return cmp.Compare(a.svc, b.svc)
		case a.site != b.site:
			return cmp.Compare(a.site, b.site)
		}
		return cmp.Compare(a.kind, b.kind)
	})
	c.JobRank = make([]int32, len(keys))
	c.RankJob = make([]int32, len(keys))
	for rank, k := range keys {
		c.JobRank[k.job] = int32(rank)
		c.RankJob[rank] = k.job
	}
}

func (c *Compiled) compileEvents(sc *Scenario, siteIdx map[string]int32, svcs func([]string) ([]int32, error)) error {
	for i, e := range sc.Events {
		ce := CEvent{
			Kind: e.Kind, Cause: e.Cause, At: e.At, Probability: e.Probability, Rate: e.Rate,
			DestroysData: e.DestroysData, Stages: e.PowerRestore, Duration: e.Duration,
			Key: Key("event", fmt.Sprint(i), e.Kind.String(), e.Site, e.Region),
		}
		switch e.Kind {
		case SiteOutage, Isolate:
			x, ok := siteIdx[e.Site]
			if !ok {
				return fmt.Errorf("compile scenario %q: event %d: unknown site %q", sc.ID, i, e.Site)
			}
			ce.Sites = []int32{x}
		case RegionOutage:
			for x, s := range c.Sites {
				if s.Region == e.Region {
					ce.Sites = append(ce.Sites, int32(x))
				}
			}
		case ServiceFault:
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

// appendUnique appends x to s unless s already ends with it. Callers add
// the ids in ascending order, so a duplicate can only be the last element;
// scanning the whole list instead was quadratic in a hub's dependents.
func appendUnique(s []int32, x int32) []int32 {
	if len(s) > 0 && s[len(s)-1] == x {
		return s
	}
	return append(s, x)
}

func reverse(adj [][]int32) [][]int32 {
	rev := make([][]int32, len(adj))
	for i, out := range adj {
		for _, j := range out {
			rev[j] = appendUnique(rev[j], int32(i))
		}
	}
	return rev
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

package graph

import (
	"slices"
	"strconv"
	"strings"
)

var (
	platformKeys   = platformObject.keys()
	siteKeys       = siteObject.keys()
	targetKeys     = targetObject.keys()
	serviceKeys    = serviceObject.keys()
	redundancyKeys = redundancyObject.keys()
	recoveryKeys   = recoveryObject.keys()
	dataKeys       = dataObject.keys()
	backupKeys     = backupObject.keys()
	dependencyKeys = dependencyObject.keys()
	modeNames      = names(modes)
	replNames      = names(replications)
)

// entrySrc is one site or service as a list of keys. A patched entry mixes
// keys of the platform's entry with those of the patch, each keeping its own
// position and path.
type entrySrc struct {
	nd  node
	kvs []kv
	id  string // as written, for matching patches; "" when absent or not a string
}

// platformSrc is a platform before decoding: what a patch is applied to.
type platformSrc struct {
	nd       node
	kvs      fieldSet
	sites    []entrySrc
	services []entrySrc
	// badSites and badServices are set when the list itself is unusable:
	// references to its kind are then not checked, to avoid a cascade.
	badSites, badServices bool
}

// readPlatform splits a platform mapping into its entries.
func (d *decoder) readPlatform(nd node) *platformSrc {
	kvs, ok := d.mapping(nd, "a platform mapping (name, sites, services) or the path of a platform file")
	if !ok {
		return nil
	}
	ps := &platformSrc{nd: nd, kvs: d.fields(kvs, "platform", platformKeys...)}
	for _, key := range []string{"sites", "services"} {
		e, ok := ps.kvs.get(key)
		if !ok {
			d.errorf(nd, "missing %s", key)
			ps.badSites = ps.badSites || key == "sites"
			ps.badServices = ps.badServices || key == "services"
			continue
		}
		entries, ok := d.entries(e.val(), strings.TrimSuffix(key, "s"))
		if !ok {
			if key == "sites" {
				ps.badSites = true
			} else {
				ps.badServices = true
			}
		}
		if len(entries) == 0 && e.val().n != nil {
			if items, ok := d.listQuiet(e.val()); ok && len(items) == 0 {
				d.errorf(e.val(), "want at least one %s", strings.TrimSuffix(key, "s"))
			}
		}
		if key == "sites" {
			ps.sites = entries
		} else {
			ps.services = entries
		}
	}
	return ps
}

// listQuiet is list without error reporting.
func (d *decoder) listQuiet(nd node) ([]node, bool) {
	saved := len(d.errs)
	items, ok := d.list(nd, "")
	d.errs = d.errs[:saved]
	return items, ok
}

// entries reads a list of mappings with ids.
func (d *decoder) entries(nd node, kind string) ([]entrySrc, bool) {
	items, ok := d.list(nd, "a list of "+kind+"s")
	if !ok {
		return nil, false
	}
	out := make([]entrySrc, 0, len(items))
	want := "a " + kind + " mapping"
	for _, it := range items {
		kvs, ok := d.mapping(it, want)
		if !ok {
			continue
		}
		e := entrySrc{nd: it, kvs: kvs}
		for _, f := range kvs {
			if f.key() == "id" {
				if r, ok := d.resolveQuiet(f.val()); ok {
					e.id = scalarText(r.n)
				}
			}
		}
		out = append(out, e)
	}
	return out, true
}

func (d *decoder) resolveQuiet(nd node) (node, bool) {
	saved, aliases := len(d.errs), d.aliases
	r, ok := d.resolve(nd)
	d.errs, d.aliases = d.errs[:saved], aliases
	return r, ok
}

// ref is a reference to a site, service or region, checked once the
// platform it refers to is known.
type ref struct {
	kind string // "site", "service", "region", "building", "zone" or "zones"
	id   string
	nd   node
	// building is the building a "zone" or "zones" ref is about; zones are
	// the zones a "zones" ref gives, which must be all of the building's.
	building string
	zones    []string
}

// buildPlatform decodes a platform source, applies the defaults of docs/model.md
// §6.10 and checks what spans entries: duplicate ids, references, site
// servers.
func (d *decoder) buildPlatform(ps *platformSrc) *Platform {
	p := &Platform{}
	if e, ok := ps.kvs.get("name"); ok {
		p.Name = d.text(e.val(), "name")
	}
	if e, ok := ps.kvs.get("currency"); ok {
		p.Currency = d.text(e.val(), "currency")
	}
	var peopleNd *node
	if e, ok := ps.kvs.get("people"); ok {
		nd := e.val()
		if n, ok := d.count(nd); ok && d.rangeAtLeast(nd, 1, false, "people") {
			if n < 1 {
				d.errorf(nd, "want people ≥ 1 (distinct users of the platform), got %d", n)
			} else {
				p.People, peopleNd = n, &nd
			}
		}
	}
	// A generated service makes about seven references (sites placed on,
	// dependencies, start_needs, tooling): room for eight saves growing a
	// list of 700,000 of them for 100,000 services.
	refs := make([]ref, 0, 8*len(ps.services))
	siteServers := map[*Site]node{}
	buildingNd := map[*Site]node{}
	siteSeen := map[string]node{}
	for _, e := range ps.sites {
		s, serversNd, idNd := d.site(e)
		if s == nil {
			continue
		}
		if s.ID != "" {
			if first, dup := siteSeen[s.ID]; dup {
				d.errorf(idNd, "duplicate site id %q (first at line %d)", s.ID, first.pos().Line)
				continue
			}
			siteSeen[s.ID] = idNd
		}
		if serversNd != nil {
			siteServers[s] = *serversNd
		}
		if s.Building != "" {
			if v, ok := fieldSet(e.kvs).get("building"); ok {
				buildingNd[s] = v.val()
			}
		}
		p.Sites = append(p.Sites, s)
	}
	d.checkBuildings(p, buildingNd)
	svcSeen := make(map[string]node, len(ps.services))
	p.Services = make([]*Service, 0, len(ps.services))
	for _, e := range ps.services {
		s, idNd := d.service(e, &refs)
		if s == nil {
			continue
		}
		if s.ID != "" {
			if first, dup := svcSeen[s.ID]; dup {
				d.errorf(idNd, "duplicate service id %q (first at line %d)", s.ID, first.pos().Line)
				continue
			}
			svcSeen[s.ID] = idNd
		}
		p.Services = append(p.Services, s)
	}
	d.knownServices(p, svcSeen)
	if e, ok := ps.kvs.get("compliance"); ok {
		nd := e.val()
		if x, ok := d.float(nd); ok {
			if !(x > 0 && x < 1) {
				d.errorf(nd, "want compliance in (0, 1), the share of disruptions in which each target must hold, like 0.95; got %v", x)
			} else {
				p.Compliance = x
			}
		}
	}
	if e, ok := ps.kvs.get("targets"); ok {
		p.Targets = d.targets(e.val())
		applyTargets(p)
	}
	// References to a kind whose list is unusable are not checked.
	checked := refs
	if ps.badSites || ps.badServices {
		checked = nil
		for _, r := range refs {
			if r.kind == "site" && ps.badSites || r.kind == "service" && ps.badServices {
				continue
			}
			checked = append(checked, r)
		}
	}
	d.checkRefs(p, checked)

	// Site servers: the sum placed by default, never below it.
	placed := make(map[string]int64, len(p.Sites))
	for _, s := range p.Services {
		for _, pl := range s.Placement {
			placed[pl.Site] += pl.Servers
		}
	}
	for _, s := range p.Sites {
		nd, given := siteServers[s]
		switch {
		case !given:
			s.Servers = placed[s.ID]
		case s.Servers < placed[s.ID]:
			d.errorf(nd, "site %q has %d servers but %d are placed there", s.ID, s.Servers, placed[s.ID])
		}
	}
	if peopleNd != nil {
		// Distinct people are at least the users of any one service.
		var most *Service
		for _, s := range p.Services {
			if most == nil || s.Users > most.Users {
				most = s
			}
		}
		if most != nil && most.Users > p.People {
			d.errorf(*peopleNd, "people %d is below the %d users of service %q: people counts each user of the platform once, so it is at least the users of any one service",
				p.People, most.Users, most.ID)
		}
	}
	return p
}

// checkRefs reports references to unknown sites, services and regions.
// Lookups go through sets: a platform may have 100,000 services, each
// referred to many times.
func (d *decoder) checkRefs(p *Platform, refs []ref) {
	if len(refs) == 0 {
		return
	}
	k := d.knownIDs(p)
	for _, r := range refs {
		switch r.kind {
		case "region":
			if _, ok := k.regionSet[r.id]; ok {
				continue
			}
			if len(k.regions) == 0 {
				d.errorf(r.nd, "unknown region %q: no site has a region", r.id)
			} else {
				d.errorf(r.nd, "unknown region %q: no site is in it%s", r.id, d.suggest(r.id, k.regions))
			}
		case "site":
			if _, ok := k.siteSet[r.id]; !ok {
				d.errorf(r.nd, "unknown site %q%s", r.id, d.suggest(r.id, k.sites))
			}
		case "building":
			if len(p.Zones(r.id)) > 0 {
				continue
			}
			if bs := buildings(p); len(bs) == 0 {
				d.errorf(r.nd, "unknown building %q: no site has a building", r.id)
			} else {
				d.errorf(r.nd, "unknown building %q: no site is a zone of it%s", r.id, d.suggest(r.id, bs))
			}
		case "zone":
			zones := p.Zones(r.building)
			if len(zones) == 0 || slices.ContainsFunc(zones, func(s *Site) bool { return s.ID == r.id }) {
				continue // an unknown building is reported once, by its own ref
			}
			ids := siteIDs(zones)
			if _, isSite := k.siteSet[r.id]; isSite {
				d.errorf(r.nd, "site %q is not a zone of building %q (its zones: %s)", r.id, r.building, strings.Join(ids, ", "))
			} else {
				d.errorf(r.nd, "unknown zone %q of building %q%s", r.id, r.building, d.suggest(r.id, ids))
			}
		case "zones":
			var missing []string
			for _, z := range p.Zones(r.building) {
				if !slices.Contains(r.zones, z.ID) {
					missing = append(missing, z.ID)
				}
			}
			switch {
			case len(missing) == 1:
				d.errorf(r.nd, "building %q: zone %q has no power_restore or duration here: give every zone its own, or one for all the building's zones",
					r.building, missing[0])
			case len(missing) > 1:
				d.errorf(r.nd, "building %q: zones %s have no power_restore or duration here: give every zone its own, or one for all the building's zones",
					r.building, strings.Join(quoteAll(missing), ", "))
			}
		default:
			if _, ok := k.serviceSet[r.id]; !ok {
				d.errorf(r.nd, "unknown %s %q%s", r.kind, r.id, d.suggest(r.id, k.services()))
			}
		}
	}
}

// knownIDs is the ids of one platform, for checkRefs.
type knownIDs struct {
	p                  *Platform
	sites, regions     []string // file order, for suggestions
	siteSet, regionSet map[string]struct{}
	serviceSet         map[string]node // values unused; see knownServices
	serviceIDs         []string        // made by services
}

// services lists the service ids in file order; only a suggestion needs it.
func (k *knownIDs) services() []string {
	if k.serviceIDs == nil {
		k.serviceIDs = make([]string, 0, len(k.p.Services))
		for _, s := range k.p.Services {
			k.serviceIDs = append(k.serviceIDs, s.ID)
		}
	}
	return k.serviceIDs
}

// knownIDs returns the ids of p, made once per platform: the platform's own
// references and those of every scenario that runs on it are checked
// against the same 100,000 services.
func (d *decoder) knownIDs(p *Platform) *knownIDs {
	k := d.known[p]
	if k == nil {
		k = &knownIDs{p: p}
		if d.known == nil {
			d.known = map[*Platform]*knownIDs{}
		}
		d.known[p] = k
	}
	if k.siteSet == nil {
		k.siteSet = make(map[string]struct{}, len(p.Sites))
		k.regionSet = map[string]struct{}{}
		for _, s := range p.Sites {
			k.sites = append(k.sites, s.ID)
			k.siteSet[s.ID] = struct{}{}
			if _, ok := k.regionSet[s.Region]; s.Region != "" && !ok {
				k.regionSet[s.Region] = struct{}{}
				k.regions = append(k.regions, s.Region)
			}
		}
	}
	if k.serviceSet == nil {
		k.serviceSet = make(map[string]node, len(p.Services))
		for _, s := range p.Services {
			k.serviceSet[s.ID] = node{}
		}
	}
	return k
}

// knownServices gives knownIDs the set of p's service ids that
// buildPlatform made to find duplicates: making it again took as long.
// It holds every id but "", which is never looked up (not a valid id).
func (d *decoder) knownServices(p *Platform, ids map[string]node) {
	if d.known == nil {
		d.known = map[*Platform]*knownIDs{}
	}
	d.known[p] = &knownIDs{p: p, serviceSet: ids}
}

// site decodes one site; it returns the servers node when servers is given,
// and the node of the id for duplicate reports.
func (d *decoder) site(e entrySrc) (*Site, *node, node) {
	f := d.fields(e.kvs, "site", siteKeys...)
	s := &Site{Pos: e.nd.pos()}
	idNd := e.nd
	if v, ok := f.get("id"); ok {
		idNd = v.val()
		s.ID, _ = d.id(v.val(), "site")
	} else {
		d.errorf(e.nd, "site has no id")
	}
	if v, ok := f.get("name"); ok {
		s.Name = d.text(v.val(), "name")
	}
	if v, ok := f.get("region"); ok {
		s.Region, _ = d.str(v.val())
	}
	var serversNd *node
	if v, ok := f.get("servers"); ok {
		n, ok := d.count(v.val())
		if ok && n < 0 {
			d.errorf(v.val(), "want servers ≥ 0, got %d", n)
		} else if ok {
			s.Servers = n
			val := v.val()
			serversNd = &val
		}
	}
	s.MTBF = d.optMTBF(f)
	s.MTTR = d.optDist(f, "mttr")
	if v, ok := f.get("building"); ok {
		s.Building, _ = d.id(v.val(), "building")
	}
	return s, serversNd, idNd
}

// checkBuildings reports a building id that is also a site id, and the
// zones of one building in different regions: a building stands in one
// place, and a region-outage that took half of it would be a contradiction.
func (d *decoder) checkBuildings(p *Platform, buildingNd map[*Site]node) {
	first := map[string]*Site{}
	for _, s := range p.Sites {
		if s.Building == "" {
			continue
		}
		nd := buildingNd[s]
		if p.Site(s.Building) != nil {
			d.errorf(nd, "building %q is also a site id: name the building apart from its zones", s.Building)
			continue
		}
		f, seen := first[s.Building]
		if !seen {
			first[s.Building] = s
			continue
		}
		if f.Region != s.Region {
			d.errorf(nd, "zones of building %q are in two regions: %s is in %s, %s (line %d) in %s; a building is in one region",
				s.Building, s.ID, regionText(s.Region), f.ID, f.Pos.Line, regionText(f.Region))
		}
	}
}

func regionText(r string) string {
	if r == "" {
		return "no region"
	}
	return "region " + r
}

func (d *decoder) optDist(f fieldSet, key string) *Dist {
	v, ok := f.get(key)
	if !ok {
		return nil
	}
	x, ok := d.dist(v.val())
	if !ok {
		return nil
	}
	return &x
}

// optMTBF decodes an optional mtbf: a time between failures that is
// always 0 would fail the component at every instant, and a run would only
// stop at its event limit, after gigabytes (mtbf: 0s ran 1.2 GB before
// failing).
func (d *decoder) optMTBF(f fieldSet) *Dist {
	x := d.optDist(f, "mtbf")
	if x != nil && alwaysZero(*x) {
		v, _ := f.get("mtbf")
		d.errorf(v.val(), "mtbf is always 0: want a time between failures above 0 (leave mtbf out for a component that does not fail at random)")
		return nil
	}
	return x
}

// alwaysZero reports whether every draw of x is 0.
func alwaysZero(x Dist) bool {
	switch x.Kind {
	case Fixed, Exponential:
		return x.A <= 0
	case Uniform, Weibull, Gamma:
		return x.B <= 0
	case Triangular:
		return x.C <= 0
	case Empirical:
		for _, v := range x.Values {
			if v > 0 {
				return false
			}
		}
		return true
	}
	return false
}

// service decodes one service and applies its defaults.
func (d *decoder) service(e entrySrc, refs *[]ref) (*Service, node) {
	errsBefore := len(d.errs)
	f := d.fields(e.kvs, "service", serviceKeys...)
	s := &Service{Pos: e.nd.pos(), Priority: 5, RTO: -1, RPO: -1}
	idNd := e.nd
	if v, ok := f.get("id"); ok {
		idNd = v.val()
		s.ID, _ = d.id(v.val(), "service")
	} else {
		d.errorf(e.nd, "service has no id")
	}
	if v, ok := f.get("name"); ok {
		s.Name = d.text(v.val(), "name")
	}
	// Users and cost are bounded so that no figure a trial counts can
	// overflow (TrialTotals checks their sums against the horizon).
	if v, ok := f.get("users"); ok {
		n, good := d.count(v.val())
		if u := d.lastUncertain; u != nil && u.High > MaxUsers {
			n = int64(u.High)
		}
		switch {
		case !good:
		case n < 0:
			d.errorf(v.val(), "want users ≥ 0, got %d", n)
		case n > MaxUsers:
			d.errorf(v.val(), "want users ≤ %d, got %d", int64(MaxUsers), n)
		default:
			s.Users = n
		}
	}
	if v, ok := f.get("cost_per_hour"); ok {
		if x, ok := d.float(v.val()); ok && !(x >= 0 && x <= MaxCostPerHour) {
			d.errorf(v.val(), "want cost_per_hour in [0, %g], got %v", MaxCostPerHour, x)
		} else {
			s.CostPerHour = x
		}
	}
	if v, ok := f.get("priority"); ok {
		s.Priority = int(min(d.nonNegInt(v.val(), "priority"), 1<<30))
	}
	// The ranges of load, collapse_below and the servers (placement) bear
	// on whether the service is up at t = 0 (checkStartCapacity).
	var capR capRanges
	if v, ok := f.get("load"); ok {
		// A load of 0 would mean "no servers needed": write nothing instead.
		n, ok := d.count(v.val())
		capR.load = d.lastUncertain
		if ok && n < 1 {
			d.errorf(v.val(), "want load ≥ 1 (servers needed for the full traffic), got %d", n)
		} else if d.rangeAtLeast(v.val(), 1, false, "load") {
			s.Load = n
		}
	}
	if v, ok := f.get("collapse_below"); ok {
		x, ok := d.share(v.val(), UncertainFraction)
		capR.cb, capR.cbNd = d.lastUncertain, v.val()
		if ok && !(x >= 0 && x < 1) {
			d.errorf(v.val(), "want collapse_below in [0, 1), got %v", x)
		} else if u := d.lastUncertain; u != nil && u.High >= 1 {
			d.errorf(v.val(), "want collapse_below in [0, 1), got the range [%s, %s]", u.Format(u.Low), u.Format(u.High))
		} else {
			s.CollapseBelow = x
		}
	}

	// Placement, in file order.
	placementOK := false
	if v, ok := f.get("placement"); ok {
		placementOK = d.placement(s, v.val(), refs)
		capR.servers = d.serversU
	} else {
		d.errorf(e.nd, "service %q has no placement: want servers per site, like placement: {site-a: 10}", s.ID)
	}

	// Redundancy, with its defaults.
	s.Redundancy.Quorum = 1
	if len(s.Placement) > 1 {
		s.Redundancy.Mode = ActiveActive
	} else {
		s.Redundancy.Mode = Single
	}
	if v, ok := f.get("redundancy"); ok {
		d.redundancy(s, v.val(), placementOK)
	}
	if s.Redundancy.Primary == "" && len(s.Placement) > 0 {
		s.Redundancy.Primary = s.Placement[0].Site
	}

	if v, ok := f.get("depends_on"); ok {
		s.DependsOn = d.deps(s.ID, v.val(), refs)
	}
	if v, ok := f.get("start_needs"); ok {
		s.StartNeeds = d.serviceList(s.ID, v.val(), "start_needs", refs)
	}
	if v, ok := f.get("tooling"); ok {
		s.Tooling = d.serviceList(s.ID, v.val(), "tooling", refs)
	}
	if v, ok := f.get("restart"); ok {
		s.Restart = d.recovery(v.val(), "restart")
	}
	if v, ok := f.get("data"); ok {
		s.Data = d.data(v.val())
	}
	for _, k := range []string{"rto", "rpo"} {
		if v, ok := f.get(k); ok {
			if ms, ok := d.duration(v.val()); ok {
				if k == "rto" {
					s.RTO = ms
				} else {
					s.RPO = ms
				}
			}
		}
	}
	s.MTBF = d.optMTBF(f)
	s.MTTR = d.optDist(f, "mttr")
	// A service with a problem of its own is not checked further: its
	// placement or primary may not be what the file meant.
	if s.Load > 0 && len(d.errs) == errsBefore {
		d.checkStartCapacity(s, capR)
	}
	return s, idNd
}

func (d *decoder) nonNegInt(nd node, what string) int64 {
	n, ok := d.int(nd)
	if ok && n < 0 {
		d.errorf(nd, "want %s ≥ 0, got %d", what, n)
		return 0
	}
	return n
}

// placement decodes servers per site; it reports whether it is usable.
func (d *decoder) placement(s *Service, nd node, refs *[]ref) bool {
	d.serversU = nil
	kvs, ok := d.mapping(nd, "servers per site, like {site-a: 10}")
	if !ok {
		return false
	}
	if len(kvs) == 0 {
		d.errorf(nd, "empty placement: want servers per site, like {site-a: 10}")
		return false
	}
	ok = true
	s.Placement = make([]Placement, 0, len(kvs))
	for _, e := range kvs {
		if !validID(e.key()) {
			d.errorf(e.knd(), "invalid site id %q", e.key())
			ok = false
			continue
		}
		*refs = append(*refs, ref{kind: "site", id: e.key(), nd: e.knd()})
		n, good := d.count(e.val())
		if good && n < 1 {
			d.errorf(e.val(), "want at least 1 server on site %q, got %d", e.key(), n)
			good = false
		}
		if good && d.lastUncertain != nil {
			// The message is made only for a range: a placement entry is
			// read for every service, and making it always cost an
			// allocation each.
			good = d.rangeAtLeast(e.val(), 1, false, "servers on site "+strconv.Quote(e.key()))
			if d.serversU == nil {
				d.serversU = make([]*Uncertain, len(kvs))
			}
			d.serversU[len(s.Placement)] = d.lastUncertain
		}
		ok = ok && good
		s.Placement = append(s.Placement, Placement{Site: e.key(), Servers: n})
	}
	return ok
}

func (d *decoder) redundancy(s *Service, nd node, placementOK bool) {
	kvs, ok := d.mapping(nd, "a redundancy mapping (mode, quorum, primary, failover)")
	if !ok {
		return
	}
	f := d.fields(kvs, "redundancy", redundancyKeys...)
	sites := s.Sites()
	if v, ok := f.get("mode"); ok {
		if m, ok := d.str(v.val()); ok {
			switch m {
			case "active-active":
				s.Redundancy.Mode = ActiveActive
			case "active-standby":
				s.Redundancy.Mode = ActiveStandby
			case "single":
				s.Redundancy.Mode = Single
				if len(sites) > 1 {
					d.errorf(v.val(), "mode single but service %q is placed on %d sites (%s)", s.ID, len(sites), strings.Join(sites, ", "))
				}
			default:
				d.errorf(v.val(), "unknown redundancy mode %q%s (want active-active, active-standby or single)", m, Suggest(m, modeNames))
			}
		}
	}
	if v, ok := f.get("quorum"); ok {
		if q, ok := d.int(v.val()); ok {
			switch {
			case q < 1:
				d.errorf(v.val(), "want quorum ≥ 1, got %d", q)
			case placementOK && q > int64(len(sites)):
				d.errorf(v.val(), "quorum %d is above the %d placed site(s)", q, len(sites))
			default:
				s.Redundancy.Quorum = int(min(q, 1<<30))
			}
		}
	}
	if v, ok := f.get("primary"); ok {
		if p, ok := d.id(v.val(), "site"); ok {
			if placementOK && !slices.Contains(sites, p) {
				d.errorf(v.val(), "primary %q is not in the placement (%s)%s", p, strings.Join(sites, ", "), Suggest(p, sites))
			} else {
				s.Redundancy.Primary = p
			}
		}
	}
	if v, ok := f.get("failover"); ok {
		s.Redundancy.Failover = d.recovery(v.val(), "failover")
	}
}

// recoveryWant is what a restart or failover looks like, for errors: made
// once, not for every service.
var recoveryWant = map[string]string{
	"restart":  "a restart mapping like {auto: 10m, manual: 3h}",
	"failover": "a failover mapping like {auto: 10m, manual: 3h}",
}

// recovery decodes {auto: DIST, manual: DIST}.
func (d *decoder) recovery(nd node, what string) Recovery {
	var r Recovery
	kvs, ok := d.mapping(nd, recoveryWant[what])
	if !ok {
		return r
	}
	f := d.fields(kvs, what, recoveryKeys...)
	if v, ok := f.get("auto"); ok {
		r.Auto, _ = d.dist(v.val())
		r.Given = true
	}
	r.Manual = d.optDist(f, "manual")
	r.Given = r.Given || r.Manual != nil
	return r
}

// deps decodes depends_on.
func (d *decoder) deps(self string, nd node, refs *[]ref) []Dep {
	items, ok := d.list(nd, "a list of services")
	if !ok {
		return nil
	}
	var out []Dep
	// Duplicates are found by scanning what came before, as in a mapping,
	// unless the list is long: a map per list was a tenth of the decoder's
	// allocations.
	var seen map[string]bool
	if len(items) > smallMapping {
		seen = make(map[string]bool, len(items))
	}
	listed := func(id string) bool {
		if seen != nil {
			return seen[id]
		}
		for _, e := range out {
			if e.Service == id {
				return true
			}
		}
		return false
	}
	for _, it := range items {
		dep, ok := d.dep(self, it, refs)
		if !ok {
			continue
		}
		if dep.Service != "" {
			if listed(dep.Service) {
				d.errorf(it, "service %q is listed twice in depends_on", dep.Service)
				continue
			}
			if seen != nil {
				seen[dep.Service] = true
			}
		}
		out = append(out, dep)
	}
	return out
}

func (d *decoder) dep(self string, nd node, refs *[]ref) (Dep, bool) {
	dep := Dep{Pos: nd.pos(), Need: 1}
	r, ok := d.resolve(nd)
	if !ok {
		return dep, false
	}
	if !r.n.is(kindMap) {
		id, ok := d.serviceRef(self, nd, "depend on", refs)
		dep.Service = id
		return dep, ok
	}
	kvs, _ := d.mapping(nd, "")
	f := d.fields(kvs, "depends_on entry", dependencyKeys...)
	sv, hasService := f.get("service")
	av, hasAny := f.get("any")
	ok = true
	switch {
	case hasService && hasAny:
		d.errorf(nd, "give service or any, not both")
		return dep, false
	case hasService:
		if nv, has := f.get("need"); has {
			d.errorf(nv.knd(), "need applies to an any group, not to a single service")
			ok = false
		}
		dep.Service, ok = d.serviceRef(self, sv.val(), "depend on", refs)
	case hasAny:
		items, good := d.list(av.val(), "a list of alternative services")
		if !good {
			return dep, false
		}
		if len(items) == 0 {
			d.errorf(av.val(), "empty any group: want at least one service")
			ok = false
		}
		for _, it := range items {
			id, good := d.serviceRef(self, it, "depend on", refs)
			if !good {
				ok = false
				continue
			}
			if slices.Contains(dep.Any, id) {
				d.errorf(it, "service %q is listed twice in the any group", id)
				ok = false
				continue
			}
			dep.Any = append(dep.Any, id)
		}
		if nv, has := f.get("need"); has {
			if n, good := d.int(nv.val()); good {
				switch {
				case n < 1:
					d.errorf(nv.val(), "want need ≥ 1, got %d", n)
					ok = false
				case len(items) > 0 && n > int64(len(items)):
					d.errorf(nv.val(), "need %d is above the %d services of the group", n, len(items))
					ok = false
				default:
					dep.Need = int(n)
				}
			}
		}
	default:
		d.errorf(nd, "want a service id, {service: ID, soft: true} or {any: [A, B], need: K}")
		return dep, false
	}
	if v, has := f.get("soft"); has {
		dep.Soft, _ = d.bool(v.val())
	}
	return dep, ok
}

// serviceRef decodes a service id that refers to another service.
func (d *decoder) serviceRef(self string, nd node, verb string, refs *[]ref) (string, bool) {
	id, ok := d.id(nd, "service")
	if !ok {
		return id, false
	}
	if id == self {
		d.errorf(nd, "service %q cannot %s itself", self, verb)
		return id, false
	}
	*refs = append(*refs, ref{kind: "service", id: id, nd: nd})
	return id, true
}

// serviceList decodes start_needs or tooling.
func (d *decoder) serviceList(self string, nd node, what string, refs *[]ref) []string {
	items, ok := d.list(nd, "a list of services")
	if !ok {
		return nil
	}
	var out []string
	for _, it := range items {
		id, ok := d.id(it, "service")
		if !ok {
			continue
		}
		if id == self {
			d.errorf(it, "service %q cannot list itself in %s", self, what)
			continue
		}
		if slices.Contains(out, id) {
			d.errorf(it, "service %q is listed twice in %s", id, what)
			continue
		}
		*refs = append(*refs, ref{kind: "service", id: id, nd: it})
		out = append(out, id)
	}
	return out
}

func (d *decoder) data(nd node) *Data {
	kvs, ok := d.mapping(nd, "a data mapping (replication, lag, backup)")
	if !ok {
		return nil
	}
	f := d.fields(kvs, "data", dataKeys...)
	data := &Data{}
	if v, ok := f.get("replication"); ok {
		if r, ok := d.str(v.val()); ok {
			switch r {
			case "none":
				data.Replication = ReplicationNone
			case "async":
				data.Replication = ReplicationAsync
			case "sync":
				data.Replication = ReplicationSync
			default:
				d.errorf(v.val(), "unknown replication %q%s (want none, async or sync)", r, Suggest(r, replNames))
			}
		}
	}
	if v, ok := f.get("lag"); ok {
		data.Lag, _ = d.dist(v.val())
	}
	if v, ok := f.get("backup"); ok {
		if bkvs, ok := d.mapping(v.val(), "a backup mapping like {every: 24h, offsite: true}"); ok {
			bf := d.fields(bkvs, "backup", backupKeys...)
			b := &Backup{}
			if ev, ok := bf.get("every"); ok {
				b.Every, _ = d.positiveDuration(ev.val())
			} else {
				d.errorf(v.val(), "backup: missing every")
			}
			if ov, ok := bf.get("offsite"); ok {
				b.Offsite, _ = d.bool(ov.val())
			}
			data.Backup = b
		}
	}
	return data
}

// buildings lists the building ids of p's sites, in file order.
func buildings(p *Platform) []string {
	var out []string
	for _, s := range p.Sites {
		if s.Building != "" && !slices.Contains(out, s.Building) {
			out = append(out, s.Building)
		}
	}
	return out
}

func siteIDs(sites []*Site) []string {
	out := make([]string, len(sites))
	for i, s := range sites {
		out[i] = s.ID
	}
	return out
}

func quoteAll(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Quote(id)
	}
	return out
}

// targets decodes the platform's per-tier targets.
func (d *decoder) targets(nd node) []TierTarget {
	items, ok := d.list(nd, "a list of tier targets like [{priority: 1, rto: 1h, rpo: 5m}]")
	if !ok {
		return nil
	}
	var out []TierTarget
	seen := map[int64]node{}
	for _, it := range items {
		kvs, ok := d.mapping(it, "a tier target mapping like {priority: 1, rto: 1h, rpo: 5m}")
		if !ok {
			continue
		}
		f := d.fields(kvs, "target", targetKeys...)
		t := TierTarget{RTO: -1, RPO: -1}
		v, ok := f.get("priority")
		if !ok {
			d.errorf(it, "a tier target needs a priority (the tier it sets targets for)")
			continue
		}
		pr, ok := d.int(v.val())
		if !ok {
			continue
		}
		if pr < 0 {
			d.errorf(v.val(), "want priority ≥ 0, got %d", pr)
			continue
		}
		if first, dup := seen[pr]; dup {
			d.errorf(v.val(), "duplicate target for priority %d (first at line %d)", pr, first.pos().Line)
			continue
		}
		seen[pr] = v.val()
		t.Priority = int(pr)
		for _, k := range []string{"rto", "rpo"} {
			if v, ok := f.get(k); ok {
				if ms, ok := d.duration(v.val()); ok {
					if k == "rto" {
						t.RTO = ms
					} else {
						t.RPO = ms
					}
				}
			}
		}
		if t.RTO < 0 && t.RPO < 0 {
			d.errorf(it, "tier target for priority %d sets neither rto nor rpo", pr)
			continue
		}
		out = append(out, t)
	}
	return out
}

// applyTargets gives each service without its own rto (rpo) its tier's.
func applyTargets(p *Platform) {
	for _, t := range p.Targets {
		for _, s := range p.Services {
			if s.Priority != t.Priority {
				continue
			}
			if s.RTO < 0 {
				s.RTO = t.RTO
			}
			if s.RPO < 0 {
				s.RPO = t.RPO
			}
		}
	}
}

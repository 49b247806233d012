package synth

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Limits on Options.
const (
	MinServices = 10
	MaxServices = 1_000_000
	MinSites    = 2
	MaxSites    = 1000
)

// pcgStream is the second word of the PCG state: fixed, so that the seed
// alone names a platform.
const pcgStream = 0x646f6d696e6f6765 // "dominoge"

// Options says what to generate.
type Options struct {
	Services int    // number of services, in [MinServices, MaxServices]
	Sites    int    // number of sites, in [MinSites, MaxSites]
	Seed     uint64 // the same options always give the same bytes
}

// Validate reports whether the options are within the limits.
func (o Options) Validate() error {
	if o.Services < MinServices || o.Services > MaxServices {
		return fmt.Errorf("services must be in [%d, %d], got %d", MinServices, MaxServices, o.Services)
	}
	if o.Sites < MinSites || o.Sites > MaxSites {
		return fmt.Errorf("sites must be in [%d, %d], got %d", MinSites, MaxSites, o.Sites)
	}
	return nil
}

// Generate returns a platform-and-scenario file (docs/model.md §2–§5) in YAML:
// sites site-0 … site-(Sites-1), exactly Services services, and the
// scenarios "fire" (the most loaded site burns) and "random" (random
// failures over 30 days). The bytes depend only on opt.
func Generate(opt Options) ([]byte, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return newGen(opt).render(false), nil
}

// GenerateJSON returns the file Generate returns, written as JSON (the
// comments at its top left out). A large platform loads several times
// faster as JSON: domino reads JSON with a scanner of its own.
func GenerateJSON(opt Options) ([]byte, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return newGen(opt).render(true), nil
}

// newGen builds the platform for valid options.
func newGen(opt Options) *gen {
	g := &gen{opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, pcgStream))}
	g.build()
	return g
}

// Redundancy modes as spelled in files.
const (
	activeActive  = "active-active"
	activeStandby = "active-standby"
	single        = "single"
)

// Roles of the generated services, by position in the attachment order:
// early services collect the most dependents, so they are the back ends.
var roles = []struct {
	prefix string
	upTo   float64 // share of the generated services up to and including this role
	data   float64 // chance the service holds data
}{
	{"db", 0.15, 0.9},
	{"cache", 0.25, 0.2},
	{"queue", 0.35, 0.5},
	{"svc", 0.70, 0.15},
	{"api", 0.90, 0.05},
	{"web", 1.00, 0},
}

// The operations tooling layer, in file order. The first five are always
// present; the others join as the platform grows (see opsCount).
const (
	opsConfig = iota
	opsAuth
	opsDeploy
	opsMonitoring
	opsFailover
)

var opsServices = []struct{ id, name string }{
	{"ops-config", "Configuration service"},
	{"ops-auth", "Authentication and permissions"},
	{"ops-deploy", "Deployment"},
	{"ops-monitoring", "Monitoring and alerting"},
	{"ops-failover-ctl", "Failover and traffic switch control"},
	{"ops-logging", "Log collection"},
	{"ops-secrets", "Secrets and certificates"},
	{"ops-ci", "Build and CI"},
}

// opsCount is the size of the tooling layer of a platform of n services.
func opsCount(n int) int {
	switch {
	case n >= 2000:
		return 8
	case n >= 500:
		return 7
	case n >= 100:
		return 6
	}
	return 5
}

// lognorm is a lognormal distribution by its median and 95th percentile, in ms.
type lognorm struct{ median, p95 int64 }

type dep struct {
	to   int
	soft bool
}

type group struct {
	members []int
	need    int
}

type data struct {
	replication string
	lag         int64 // async only; > 0
	backupEvery int64 // 0: no backup
	offsite     bool
}

// service is one generated service; sites and dependencies are indices
// into gen.sites and gen.services.
type service struct {
	id, name   string
	role       string
	users      int64
	cost       int64
	priority   int
	mode       string
	sites      []int // placement order: for active-standby the primary first
	servers    int64 // per replica
	quorum     int   // active-active; written only when > 1
	failAuto   int64
	failManual lognorm
	deps       []dep
	groups     []group
	startNeeds []int
	tooling    []int
	// restartAuto is fixed when restartAutoLN.median is 0.
	restartAuto   int64
	restartAutoLN lognorm
	restartManual lognorm
	data          *data
	rto, rpo      int64 // 0: no target
	mtbf          int64 // mean of an exponential; 0: none
	mttr          lognorm
}

// site is one generated site; placed is the servers placed there.
type site struct {
	id, region string
	placed     int64
	mtbf       int64
	mttr       lognorm
}

// gen is one generation: the random stream and the platform built from it.
type gen struct {
	opt      Options
	rng      *rand.Rand
	sites    []site
	hot      int // the site the skew favours, where the tooling lives
	services []*service
	fire     int // the most loaded site by servers placed
	dns      [2]int
	cdn      []int
}

// build draws the whole platform, then finds the most loaded site, which
// the fire scenario burns (ties go to the first).
func (g *gen) build() {
	g.buildSites()
	g.buildOps()
	g.buildAlternatives()
	g.buildGraph()
	for _, s := range g.services {
		for _, x := range s.sites {
			g.sites[x].placed += s.servers
		}
	}
	for i := range g.sites {
		if g.sites[i].placed > g.sites[g.fire].placed {
			g.fire = i
		}
	}
}

// buildSites draws the sites, split into 2 regions (3 from 4 sites on), and
// picks the hot site.
func (g *gen) buildSites() {
	k := g.opt.Sites
	regions := 3
	if k <= 3 {
		regions = 2
	}
	g.sites = make([]site, k)
	for i := range g.sites {
		g.sites[i] = site{
			id:     "site-" + strconv.Itoa(i),
			region: "region-" + string(rune('a'+i*regions/k)),
			mtbf:   int64(g.between(2, 5)) * 365 * day,
			mttr:   lognorm{int64(g.between(2, 8)) * hour, 0},
		}
		g.sites[i].mttr.p95 = 4 * g.sites[i].mttr.median
	}
	g.hot = g.rng.IntN(k)
}

func (g *gen) add(s *service) int {
	g.services = append(g.services, s)
	return len(g.services) - 1
}

// buildOps adds the tooling layer, with its cold-start cycle: ops-config
// needs ops-auth to start, and ops-auth depends on ops-config.
func (g *gen) buildOps() {
	n := opsCount(g.opt.Services)
	for i := range n {
		s := &service{id: opsServices[i].id, name: opsServices[i].name, role: "ops", priority: 2}
		// Tooling lives on the hot site: alone there, or as the primary.
		switch r := g.rng.Float64(); {
		case r < 0.5:
			s.mode, s.sites = single, []int{g.hot}
		case r < 0.85:
			s.mode, s.sites = activeStandby, []int{g.hot, g.otherSite(g.hot)}
		default:
			s.mode, s.sites = activeActive, []int{g.hot, g.otherSite(g.hot)}
		}
		s.servers = g.logUniform(5, 40)
		g.add(s)
	}
	ops := g.services
	hard := func(s int, to ...int) {
		for _, t := range to {
			ops[s].deps = append(ops[s].deps, dep{to: t})
		}
	}
	ops[opsConfig].priority, ops[opsAuth].priority = 1, 1
	ops[opsConfig].startNeeds = []int{opsAuth}
	hard(opsAuth, opsConfig)
	hard(opsDeploy, opsConfig, opsAuth)
	hard(opsMonitoring, opsConfig)
	hard(opsFailover, opsConfig, opsMonitoring)
	for i := 5; i < n; i++ {
		switch opsServices[i].id {
		case "ops-logging":
			hard(i, opsConfig)
		case "ops-secrets":
			hard(i, opsAuth)
		case "ops-ci":
			hard(i, opsDeploy, opsAuth)
		}
	}
	for i, s := range ops {
		switch i {
		case opsDeploy:
			s.tooling = []int{opsMonitoring}
		case opsMonitoring:
			s.tooling = []int{opsDeploy}
		default:
			s.tooling = []int{opsDeploy, opsMonitoring}
		}
		if s.mode == activeStandby && i != opsFailover {
			s.tooling = append(s.tooling, opsFailover)
		}
		g.finish(s)
	}
}

// buildAlternatives adds the members of the `any` groups: two DNS providers
// (need 1) and, on larger platforms, three CDNs (need 2).
func (g *gen) buildAlternatives() {
	other := g.otherSite(g.hot)
	g.dns[0] = g.add(&service{id: "dns-a", name: "DNS provider A", role: "dns", priority: 1,
		mode: activeActive, sites: []int{g.hot, other}, servers: g.logUniform(5, 20)})
	g.dns[1] = g.add(&service{id: "dns-b", name: "DNS provider B", role: "dns", priority: 1,
		mode: single, sites: []int{other}, servers: g.logUniform(5, 20)})
	if g.opt.Services >= 200 {
		for i, id := range []string{"cdn-a", "cdn-b", "cdn-c"} {
			g.cdn = append(g.cdn, g.add(&service{id: id, name: "CDN " + id[4:], role: "cdn", priority: 2,
				mode: single, sites: []int{(g.hot + i) % g.opt.Sites}, servers: g.logUniform(10, 100)}))
		}
	}
	for _, s := range g.services[len(g.services)-2-len(g.cdn):] {
		s.tooling = []int{opsDeploy, opsMonitoring}
		g.finish(s)
	}
}

// buildGraph adds the remaining services by preferential attachment, closes
// a few runtime cycles with back-edges, and only then, knowing how many
// dependents each service has, places them.
func (g *gen) buildGraph() {
	first := len(g.services)
	n := g.opt.Services - first
	// urn holds every generated service once, plus once more per
	// dependent: a uniform draw from it picks j with probability ∝ in-degree(j)+1.
	urn := make([]int32, 0, 4*n)
	attach := make([][]int, n) // attachment dependencies, as generated indices
	indeg := make([]int, n)
	closing := make([]bool, n) // targets of back-edges
	gen := make([]*service, n)
	role := 0
	for j := range n {
		for float64(j) >= roles[role].upTo*float64(n) {
			role++
		}
		s := &service{id: roles[role].prefix + "-" + strconv.Itoa(j), role: roles[role].prefix}
		if j > 0 {
			m := 1 + g.rng.IntN(min(3, j))
			for try := 0; len(attach[j]) < m && try < 4*m; try++ {
				t := int(urn[g.rng.IntN(len(urn))])
				if !slices.Contains(attach[j], t) {
					attach[j] = append(attach[j], t)
					urn = append(urn, int32(t))
					indeg[t]++
					s.deps = append(s.deps, dep{to: first + t, soft: g.chance(0.1)})
				}
			}
		}
		urn = append(urn, int32(j))
		gen[j] = s
	}

	// A back-edge from w to v, where v reaches w through attachment
	// dependencies, closes a runtime cycle v → … → w → v.
	backs := max(1, g.opt.Services/100)
	for b := range backs {
		v := 1 + g.rng.IntN(n-1)
		w := v
		for steps := 1 + g.rng.IntN(3); steps > 0 && len(attach[w]) > 0; steps-- {
			w = attach[w][g.rng.IntN(len(attach[w]))]
		}
		if hasDep(gen[w], first+v) {
			continue
		}
		gen[w].deps = append(gen[w].deps, dep{to: first + v, soft: b > 0 && g.chance(0.5)})
		indeg[v]++
		// v now has every dependent of w: keep it off a single site.
		closing[v] = true
	}

	alone := g.pickSingles(indeg, closing, n/4)
	for j, s := range gen {
		g.placeGenerated(s, alone[j])
		g.wireGenerated(s)
		g.finish(s)
		g.add(s)
	}
}

// pickSingles chooses k of the generated services to run on one site, by
// weighted sampling without replacement (P. S. Efraimidis and P. G.
// Spirakis, "Weighted random sampling with a reservoir", Inf. Process. Lett.
// 97(5), 2006: keep the k largest u^(1/w)) with weight 1/(in-degree+1)²: the
// single-site services are mostly leaves, and a few share a back end. With
// singles drawn uniformly, nearly every service would depend transitively on
// some single-site hub, and the loss of any site would take down almost the
// whole platform even after failover. Services marked in never (the targets
// of back-edges, which every dependent of a hub now needs) are not chosen.
func (g *gen) pickSingles(indeg []int, never []bool, k int) []bool {
	type keyed struct {
		key float64
		i   int
	}
	keys := make([]keyed, len(indeg))
	for i, d := range indeg {
		w := 1 / float64((d+1)*(d+1))
		// ln(u)/w orders like u^(1/w); 1-Float64 is in (0, 1].
		keys[i] = keyed{math.Log(1-g.rng.Float64()) / w, i}
		if never[i] {
			keys[i].key = math.Inf(-1)
		}
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		if c := cmp.Compare(b.key, a.key); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	alone := make([]bool, len(indeg))
	for _, x := range keys[:k] {
		alone[x.i] = true
	}
	return alone
}

// placeGenerated draws the redundancy and placement of a generated service:
// single if chosen so by pickSingles (25% of them), otherwise active-standby
// or active-active in the ratio 40:35, with the primary (or only) site skewed
// toward the hot site.
func (g *gen) placeGenerated(s *service, alone bool) {
	s.servers = g.logUniform(5, 200)
	primary := g.skewedSite()
	switch {
	case alone:
		s.mode, s.sites = single, []int{primary}
	case g.chance(40.0 / 75):
		s.mode, s.sites = activeStandby, []int{primary, g.otherSite(primary)}
	default:
		s.mode, s.sites = activeActive, []int{primary, g.otherSite(primary)}
		if g.opt.Sites >= 3 && g.chance(0.4) {
			s.sites = append(s.sites, g.otherSite(s.sites...))
			if g.chance(0.4) {
				s.quorum = 2
			}
		}
	}
}

// wireGenerated adds what a generated service needs besides its attachment
// dependencies: DNS and CDN groups, auth, start_needs and tooling.
func (g *gen) wireGenerated(s *service) {
	front := s.role == "api" || s.role == "web"
	if g.chance(ifElse(front, 0.6, 0.05)) {
		s.groups = append(s.groups, group{members: g.dns[:], need: 1})
	}
	if len(g.cdn) > 0 && s.role == "web" && g.chance(0.5) {
		s.groups = append(s.groups, group{members: g.cdn, need: 2})
	}
	if front && g.chance(0.1) {
		s.deps = append(s.deps, dep{to: opsAuth})
	}
	if g.chance(0.1) {
		s.startNeeds = []int{opsConfig}
		if g.chance(0.4) {
			s.startNeeds = append(s.startNeeds, opsAuth)
		}
	}
	switch r := g.rng.Float64(); {
	case r < 0.85:
		s.tooling = []int{opsDeploy, opsMonitoring}
		if s.mode == activeStandby {
			s.tooling = append(s.tooling, opsFailover)
		}
	case r < 0.9:
		s.tooling = []int{opsDeploy}
	}
	// Users follow a Pareto law (x_m 1000, α 1.1). Back ends mostly have
	// none of their own: their users are those of the services above them.
	s.users = min(50_000_000, int64(1000*math.Pow(1-g.rng.Float64(), -1/1.1)))
	switch {
	case front:
		s.users = min(50_000_000, 5*s.users)
	case s.role != "svc" && g.chance(0.7):
		s.users = 0
	}
	if g.chance(0.6) {
		s.cost = s.users * int64(1+g.rng.IntN(20)) / 10
	}
	s.priority = 2 + g.rng.IntN(8)
	if g.chance(0.1) {
		s.priority = 1
	}
}

// finish draws what every service has: failover and restart times, data,
// targets and random failures.
func (g *gen) finish(s *service) {
	if s.mode == activeStandby {
		s.failAuto = int64(g.between(1, 10)) * minute
		s.failManual = g.lognormHours(1, 8)
	}
	if g.chance(0.5) {
		s.restartAuto = int64(g.between(1, 30)) * minute
	} else {
		m := int64(g.between(2, 20)) * minute
		s.restartAutoLN = lognorm{m, 3 * m}
	}
	s.restartManual = g.lognormHours(1, 6)

	p := 0.4 // ops
	for _, r := range roles {
		if r.prefix == s.role {
			p = r.data
		}
	}
	if s.role != "dns" && s.role != "cdn" && g.chance(p) {
		d := &data{replication: "none"}
		if len(s.sites) > 1 {
			switch r := g.rng.Float64(); {
			case r < 0.55:
				d.replication, d.lag = "async", int64(g.between(1, 30))*second
			case r < 0.8:
				d.replication = "sync"
			}
		}
		if g.chance(0.7) {
			d.backupEvery = []int64{hour, 6 * hour, day}[g.rng.IntN(3)]
			d.offsite = g.chance(0.6)
		}
		s.data = d
	}
	if s.priority == 1 {
		s.rto = []int64{30 * minute, hour, 2 * hour, 4 * hour}[g.rng.IntN(4)]
		if s.data != nil {
			s.rpo = []int64{minute, 5 * minute, 15 * minute, hour}[g.rng.IntN(4)]
		}
	}
	if g.chance(0.2) {
		s.mtbf = int64(g.between(30, 365)) * day
		s.mttr = g.lognormHours(1, 8)
	}
}

// skewedSite draws a site with the hot site weighted Sites times the others,
// so that it carries about half of the primaries.
func (g *gen) skewedSite() int {
	k := g.opt.Sites
	x := g.rng.IntN(2*k - 1)
	if x < k {
		return g.hot
	}
	x -= k // one of the k-1 other sites
	if x >= g.hot {
		x++
	}
	return x
}

// otherSite draws a site uniformly among those not in used; there must be one.
func (g *gen) otherSite(used ...int) int {
	x := g.rng.IntN(g.opt.Sites - len(used))
	// Walk the sites in order, skipping used ones.
	for i := range g.opt.Sites {
		if slices.Contains(used, i) {
			continue
		}
		if x == 0 {
			return i
		}
		x--
	}
	panic("synth: no site left")
}

func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// logUniform draws an integer whose logarithm is uniform on [ln lo, ln hi].
func (g *gen) logUniform(lo, hi float64) int64 {
	return int64(math.Round(lo * math.Pow(hi/lo, g.rng.Float64())))
}

// lognormHours draws a lognormal whose median is a whole number of half
// hours in [lo, hi] hours and whose p95 is 2–4× the median.
func (g *gen) lognormHours(lo, hi int) lognorm {
	m := int64(g.between(2*lo, 2*hi)) * 30 * minute
	return lognorm{m, m * int64(g.between(2, 4))}
}

func ifElse(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}

func hasDep(s *service, to int) bool {
	for _, d := range s.deps {
		if d.to == to {
			return true
		}
	}
	return false
}

// Durations in milliseconds.
const (
	second int64 = 1000
	minute       = 60 * second
	hour         = 60 * minute
	day          = 24 * hour
)

// render writes the file, as YAML or as JSON: block style for records,
// flow style for the short lists and maps inside them, to keep large
// platforms compact.
func (g *gen) render(json bool) []byte {
	o := g.opt
	size := 4096 + 450*len(g.services)
	if json {
		size += size / 2
	}
	e := &emitter{b: make([]byte, 0, size), json: json}
	e.comment(fmt.Sprintf("Synthetic platform: domino gen --services %d --sites %d --seed %d", o.Services, o.Sites, o.Seed))
	e.comment(fmt.Sprintf("The most loaded site is %s; the tooling layer (ops-*) lives mostly there.", g.sites[g.fire].id))
	e.open(mapping, block)
	e.ki("version", 1)
	e.key("platform")
	e.open(mapping, block)
	e.kv("name", fmt.Sprintf("synth-%d-%d-%d", o.Services, o.Sites, o.Seed))
	e.kv("currency", "USD")
	e.key("sites")
	e.open(list, block)
	for _, x := range g.sites {
		e.open(mapping, flow)
		e.kv("id", x.id)
		e.kv("region", x.region)
		if x.placed > 0 {
			// The default, written out so that the skew is visible.
			e.ki("servers", x.placed)
		}
		e.key("mtbf")
		e.exponential(x.mtbf)
		e.key("mttr")
		e.lognorm(x.mttr)
		e.close()
	}
	e.close()
	e.key("services")
	e.open(list, block)
	for _, s := range g.services {
		g.renderService(e, s)
	}
	e.close()
	e.close() // platform

	fire := g.sites[g.fire].id
	crews := int64(max(5, o.Services/50))
	e.key("scenarios")
	e.open(list, block)
	e.open(mapping, block)
	e.kv("id", "fire")
	e.key("description")
	e.quoted("fire at " + fire + ", the most loaded site: power cut, restored in three stages")
	e.kv("horizon", "7d")
	e.ki("trials", 10000)
	e.ki("crews", crews)
	e.key("break_glass")
	e.lognormal("8h", "1d")
	e.key("events")
	e.open(list, block)
	e.open(mapping, block)
	e.kv("kind", "site-outage")
	e.kv("cause", "fire")
	e.kv("site", fire)
	e.kv("at", "0")
	e.kv("probability", "1")
	e.kv("destroys_data", "0.05")
	e.key("power_restore")
	e.open(list, block)
	for _, st := range [][3]string{ // median, p95, fraction restored
		{"12h", "18h", "0.4"},
		{"36h", "2d6h", "0.75"},
		{"3d", "4d12h", "1.0"},
	} {
		e.open(mapping, flow)
		e.key("after")
		e.lognormal(st[0], st[1])
		e.kv("fraction", st[2])
		e.close()
	}
	e.close() // power_restore
	e.close() // the fire
	e.close() // events
	e.close() // scenario fire
	e.open(mapping, block)
	e.kv("id", "random")
	e.key("description")
	e.quoted("independent random failures of sites and replicas over 30 days")
	e.kv("horizon", "30d")
	e.ki("trials", 10000)
	e.ki("crews", crews)
	e.key("events")
	e.open(list, block)
	e.open(mapping, flow)
	e.kv("kind", "random-failures")
	e.kv("cause", "hardware")
	e.close()
	e.close() // events
	e.close() // scenario random
	e.close() // scenarios
	e.close() // the file
	return e.b
}

func (g *gen) renderService(e *emitter, s *service) {
	e.open(mapping, block)
	e.kv("id", s.id)
	if s.name != "" {
		e.kv("name", s.name)
	}
	if s.users > 0 {
		e.ki("users", s.users)
	}
	if s.cost > 0 {
		e.ki("cost_per_hour", s.cost)
	}
	e.ki("priority", int64(s.priority))
	e.key("placement")
	e.open(mapping, flow)
	for _, x := range s.sites {
		e.ki(g.sites[x].id, s.servers)
	}
	e.close()
	switch s.mode {
	case activeActive:
		e.key("redundancy")
		e.open(mapping, flow)
		e.kv("mode", "active-active")
		if s.quorum > 1 {
			e.ki("quorum", int64(s.quorum))
		}
		e.close()
	case activeStandby:
		e.key("redundancy")
		e.open(mapping, flow)
		e.kv("mode", "active-standby")
		e.kv("primary", g.sites[s.sites[0]].id)
		e.key("failover")
		e.open(mapping, flow)
		e.kv("auto", dur(s.failAuto))
		e.key("manual")
		e.lognorm(s.failManual)
		e.close()
		e.close()
	}
	if len(s.deps)+len(s.groups) > 0 {
		e.key("depends_on")
		e.open(list, flow)
		for _, d := range s.deps {
			if d.soft {
				e.open(mapping, flow)
				e.kv("service", g.services[d.to].id)
				e.kv("soft", "true")
				e.close()
			} else {
				e.plain(g.services[d.to].id)
			}
		}
		for _, gr := range s.groups {
			e.open(mapping, flow)
			e.key("any")
			g.ids(e, gr.members)
			e.ki("need", int64(gr.need))
			e.close()
		}
		e.close()
	}
	if len(s.startNeeds) > 0 {
		e.key("start_needs")
		g.ids(e, s.startNeeds)
	}
	if len(s.tooling) > 0 {
		e.key("tooling")
		g.ids(e, s.tooling)
	}
	e.key("restart")
	e.open(mapping, flow)
	e.key("auto")
	if s.restartAutoLN.median > 0 {
		e.lognorm(s.restartAutoLN)
	} else {
		e.plain(dur(s.restartAuto))
	}
	e.key("manual")
	e.lognorm(s.restartManual)
	e.close()
	if d := s.data; d != nil {
		e.key("data")
		e.open(mapping, flow)
		e.kv("replication", d.replication)
		if d.lag > 0 {
			e.kv("lag", dur(d.lag))
		}
		if d.backupEvery > 0 {
			e.key("backup")
			e.open(mapping, flow)
			e.kv("every", dur(d.backupEvery))
			e.kv("offsite", strconv.FormatBool(d.offsite))
			e.close()
		}
		e.close()
	}
	if s.rto > 0 {
		e.kv("rto", dur(s.rto))
	}
	if s.rpo > 0 {
		e.kv("rpo", dur(s.rpo))
	}
	if s.mtbf > 0 {
		e.key("mtbf")
		e.exponential(s.mtbf)
		e.key("mttr")
		e.lognorm(s.mttr)
	}
	e.close()
}

// ids writes a flow list of the services xs.
func (g *gen) ids(e *emitter, xs []int) {
	e.open(list, flow)
	for _, x := range xs {
		e.plain(g.services[x].id)
	}
	e.close()
}

// dur formats a duration exactly in the units of docs/model.md §3 ("1d12h", "90s").
func dur(ms int64) string {
	if ms == 0 {
		return "0"
	}
	var b []byte
	for _, u := range []struct {
		name string
		ms   int64
	}{{"d", day}, {"h", hour}, {"m", minute}, {"s", second}, {"ms", 1}} {
		if n := ms / u.ms; n > 0 {
			b = strconv.AppendInt(b, n, 10)
			b = append(b, u.name...)
			ms -= n * u.ms
		}
	}
	return string(b)
}

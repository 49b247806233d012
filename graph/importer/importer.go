package importer

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Formats lists the formats Import reads, in the spelling of --from.
var Formats = []string{"backstage", "jaeger", "kiali", "dot", "prometheus"}

// Kiali levels: a workload graph keeps every version's workload apart; an
// app graph collapses the versions of an app into one service.
const (
	KialiWorkload = "workload"
	KialiApp      = "app"
)

// DefaultSite is where services go when neither --site nor the source says
// where they run.
const DefaultSite = "main"

// Options tune an import. The zero value is valid: every service on one site
// "main", every edge kept, Kiali at workload level, virtual nodes dropped.
type Options struct {
	// Sites are the site ids every service is placed on unless the source
	// says where it runs; empty means DefaultSite.
	Sites []string
	// MinCalls drops edges whose summed call count is below it (formats
	// that count calls: jaeger, prometheus).
	MinCalls float64
	// KialiLevel is KialiWorkload ("" too) or KialiApp.
	KialiLevel string
	// KeepVirtual keeps the placeholder nodes "user" and "unknown" of the
	// servicegraph connector and Kiali's unknown nodes.
	KeepVirtual bool
}

// Input is one source file.
type Input struct {
	Name string // shown in errors, warnings and the header comment
	Data []byte
}

// Graph is an imported service graph, ready to be written as a platform.
type Graph struct {
	Format   string
	Sources  []string // input names, sorted
	Sites    []Site   // in placement order: the given sites, then the source's, sorted
	Services []Service
	// Warnings are what the import dropped or changed, sorted.
	Warnings []string
}

// Site is a site of the imported platform.
type Site struct {
	ID   string
	Name string // the source's spelling when it differs from ID
}

// Service is one imported service.
type Service struct {
	ID        string
	Name      string   // the source's name when it differs from ID
	Sites     []string // one server on each
	DependsOn []Dep    // sorted by Service
}

// Dep is an imported dependency.
type Dep struct {
	Service string
	Soft    bool
}

// formatParser reads one input into the builder. An error means the input as a
// whole could not be read; problems with single entries are warnings.
type formatParser func(b *builder, in Input) error

var parsers = map[string]formatParser{
	"backstage":  parseBackstage,
	"jaeger":     parseJaeger,
	"kiali":      parseKiali,
	"dot":        parseDOT,
	"prometheus": parsePrometheus,
}

// countsCalls tells which formats carry call counts, so that MinCalls means
// something for them.
var countsCalls = map[string]bool{"jaeger": true, "prometheus": true}

// CountsCalls reports whether format carries call counts (for --min-calls).
func CountsCalls(format string) bool { return countsCalls[format] }

// Import reads every input as format and builds the graph. Errors name the
// input and what was expected; every input is tried and all errors come
// back joined.
func Import(format string, inputs []Input, opt Options) (*Graph, error) {
	parse, ok := parsers[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
	}
	if opt.KialiLevel != "" && opt.KialiLevel != KialiWorkload && opt.KialiLevel != KialiApp {
		return nil, fmt.Errorf("unknown Kiali level %q: want %s or %s", opt.KialiLevel, KialiWorkload, KialiApp)
	}
	for _, s := range opt.Sites {
		if !ValidID(s) {
			return nil, fmt.Errorf("site %q is not a valid id: want [a-z0-9][a-z0-9._-]*", s)
		}
	}
	if len(inputs) == 0 {
		return nil, errors.New("no input files")
	}
	b := newBuilder(format, opt)
	var errs []error
	for _, in := range inputs {
		b.sources = append(b.sources, in.Name)
		if err := parse(b, in); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	g := b.finish()
	if len(g.Services) == 0 {
		return nil, fmt.Errorf("%s: no services found%s", strings.Join(g.Sources, ", "), droppedNote(g.Warnings))
	}
	return g, nil
}

// droppedNote points at the warnings when everything was dropped.
func droppedNote(warnings []string) string {
	if len(warnings) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d entries dropped: %s)", len(warnings), strings.Join(warnings, "; "))
}

// ValidID reports whether s is a domino id: [a-z0-9][a-z0-9._-]*.
func ValidID(s string) bool {
	if s == "" || !isIDStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isIDStart(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isIDStart(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// Normalize turns a name into a domino id: lower case, every other character
// a "-", runs of "-" collapsed, and leading and trailing punctuation trimmed
// so the id starts with a letter or digit. A name with no letter or digit at
// all becomes "service".
func Normalize(name string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r < 128 && (isIDStart(byte(r)) || r == '.' || r == '_'):
			sb.WriteRune(r)
		case strings.HasSuffix(sb.String(), "-"):
		default:
			sb.WriteByte('-')
		}
	}
	s := strings.TrimLeft(sb.String(), "._-")
	s = strings.TrimRight(s, "-")
	if s == "" {
		return "service"
	}
	return s
}

// node is a service as the source identifies it.
type node struct {
	key string // the identity, unique per node
	// parts qualify the name, most significant first: the name, then the
	// namespace, then kind or node type, then cluster. Ids use as few as
	// keep them apart.
	parts []string
	names []string // display names seen; the smallest is kept
	site  string   // "" unless the source says where it runs
	id    string
}

type edgeKey struct{ from, to string }

// edge is a merged (from, to) pair.
type edge struct {
	calls   float64
	count   int // entries merged
	hard    bool
	where   string // the first place it was seen, for warnings
	counted bool   // the source gave a call count
}

type builder struct {
	format  string
	opt     Options
	sources []string
	nodes   map[string]*node
	edges   map[edgeKey]*edge
	// quietDups are formats where several entries per pair are the rule
	// (one per protocol, per version, per series), not worth a warning.
	quietDups bool
	warns     []string
	backstage []backstageDoc // resolved once every file is read
	siteNames map[string]string
}

func newBuilder(format string, opt Options) *builder {
	if opt.KialiLevel == "" {
		opt.KialiLevel = KialiWorkload
	}
	if len(opt.Sites) == 0 {
		opt.Sites = []string{DefaultSite}
	}
	return &builder{format: format, opt: opt, nodes: map[string]*node{}, edges: map[edgeKey]*edge{}}
}

func (b *builder) warnf(format string, args ...any) {
	b.warns = append(b.warns, fmt.Sprintf(format, args...))
}

// node records a service; calling it again with the same key adds a
// display name. parts[0] is the name.
func (b *builder) node(key string, parts []string, display, site string) {
	n := b.nodes[key]
	if n == nil {
		n = &node{key: key, parts: parts, site: site}
		b.nodes[key] = n
	}
	if display != "" && !slices.Contains(n.names, display) {
		n.names = append(n.names, display)
	}
}

// edge records that from needs to. calls < 0 means the source counts no
// calls. Self-links are dropped with a warning; where says where the entry
// is, for the warnings.
func (b *builder) edge(from, to string, calls float64, soft bool, where string) {
	if from == to {
		b.warnf("%s: self-link %s -> %s dropped", where, b.label(from), b.label(to))
		return
	}
	k := edgeKey{from, to}
	e := b.edges[k]
	if e == nil {
		e = &edge{where: where}
		b.edges[k] = e
	} else if where < e.where {
		// Keep the smallest place so the warning does not depend on the
		// order of the inputs.
		e.where = where
	}
	e.count++
	e.hard = e.hard || !soft
	if calls >= 0 {
		e.counted = true
		e.calls += calls
	}
}

// site returns the id of a site the source names, keeping the smallest
// spelling as the site's name.
func (b *builder) site(name string) string {
	id := Normalize(name)
	if b.siteNames == nil {
		b.siteNames = map[string]string{}
	}
	if old, ok := b.siteNames[id]; !ok || name < old {
		b.siteNames[id] = name
	}
	return id
}

// label is how a node appears in warnings before ids are assigned.
func (b *builder) label(key string) string {
	if n := b.nodes[key]; n != nil {
		return n.parts[0]
	}
	return key
}

// finish assigns ids, applies MinCalls, and sorts everything.
func (b *builder) finish() *Graph {
	g := &Graph{Format: b.format}
	b.resolveBackstage()
	b.assignIDs()
	g.Sources = slices.Clone(b.sources)
	slices.Sort(g.Sources)
	g.Sources = slices.Compact(g.Sources)

	byKey := make(map[string]*Service, len(b.nodes))
	for _, n := range b.nodes {
		s := &Service{ID: n.id, Sites: b.opt.Sites}
		if n.site != "" {
			s.Sites = []string{n.site}
		}
		slices.Sort(n.names)
		if len(n.names) > 0 && n.names[0] != n.id {
			s.Name = displayName(n.names[0])
		}
		byKey[n.key] = s
	}
	b.addEdges(byKey)
	for _, s := range byKey {
		slices.SortFunc(s.DependsOn, func(x, y Dep) int { return cmp.Compare(x.Service, y.Service) })
		g.Services = append(g.Services, *s)
	}
	slices.SortFunc(g.Services, func(x, y Service) int { return cmp.Compare(x.ID, y.ID) })
	g.Sites = b.sites()
	slices.Sort(b.warns)
	g.Warnings = slices.Compact(b.warns)
	return g
}

func (b *builder) addEdges(byKey map[string]*Service) {
	for k, e := range b.edges {
		from, to := byKey[k.from], byKey[k.to]
		arrow := from.ID + " -> " + to.ID
		if e.count > 1 && !b.quietDups {
			b.warnf("%s: %d entries for %s merged into one edge", e.where, e.count, arrow)
		}
		if e.counted && e.calls < b.opt.MinCalls {
			b.warnf("%s: edge %s dropped: calls %s, below --min-calls %s", e.where, arrow, formatCalls(e.calls), formatCalls(b.opt.MinCalls))
			continue
		}
		from.DependsOn = append(from.DependsOn, Dep{Service: to.ID, Soft: !e.hard})
	}
}

func formatCalls(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// sites lists the given sites, then the sites the source named, sorted.
func (b *builder) sites() []Site {
	var out []Site
	seen := map[string]bool{}
	used := map[string]bool{}
	fromSource := false
	for _, n := range b.nodes {
		if n.site != "" {
			used[n.site] = true
		} else {
			fromSource = true
		}
	}
	if fromSource || len(b.nodes) == 0 {
		for _, s := range b.opt.Sites {
			if !seen[s] {
				seen[s] = true
				out = append(out, Site{ID: s})
			}
		}
	}
	var extra []string
	for s := range used {
		if !seen[s] {
			extra = append(extra, s)
		}
	}
	slices.Sort(extra)
	for _, s := range extra {
		site := Site{ID: s}
		if name := b.siteNames[s]; name != s {
			site.Name = displayName(name)
		}
		out = append(out, site)
	}
	return out
}

// assignIDs gives every node an id. All nodes start with their bare name;
// the nodes of a group whose ids collide are qualified with the first part
// (namespace, kind, cluster...) that tells some of them apart, until no
// part does; ids that still collide, because their names differ only in
// what normalisation removes, get a suffix -2, -3... in the order of their
// keys, with a warning.
func (b *builder) assignIDs() {
	nodes := make([]*node, 0, len(b.nodes))
	for _, n := range b.nodes {
		nodes = append(nodes, n)
	}
	slices.SortFunc(nodes, func(x, y *node) int { return cmp.Compare(x.key, y.key) })
	parts := make(map[*node]uint, len(nodes)) // bit i: parts[i] is in the id
	for changed := true; changed; {
		changed = false
		for _, group := range collisions(nodes, parts) {
			if i := firstDifference(group, parts); i > 0 {
				for _, n := range group {
					parts[n] |= 1 << i
				}
				changed = true
			}
		}
	}
	for _, n := range nodes {
		n.id = qualified(n, parts[n])
	}
	taken := map[string]bool{}
	for _, n := range nodes {
		taken[n.id] = true
	}
	for _, group := range collisions(nodes, parts) {
		for i, n := range group[1:] {
			id := n.id
			for k := i + 2; taken[id]; k++ {
				id = fmt.Sprintf("%s-%d", n.id, k)
			}
			taken[id] = true
			b.warnf("names %q and %q both normalise to id %q: the second is %q", displayOf(group[0]), displayOf(n), n.id, id)
			n.id = id
		}
	}
}

// collisions returns the groups of two or more nodes whose ids with the
// current parts are the same, each in key order.
func collisions(nodes []*node, parts map[*node]uint) [][]*node {
	byID := map[string][]*node{}
	var ids []string
	for _, n := range nodes {
		id := qualified(n, parts[n])
		if byID[id] == nil {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], n)
	}
	var out [][]*node
	for _, id := range ids {
		if len(byID[id]) > 1 {
			out = append(out, byID[id])
		}
	}
	return out
}

// firstDifference is the index of the first qualifying part, not yet in
// the group's ids, on which members of the group differ; 0 if none.
func firstDifference(group []*node, parts map[*node]uint) int {
	for i := 1; i < maxParts; i++ {
		seen := map[string]bool{}
		in := false
		for _, n := range group {
			in = in || parts[n]&(1<<i) != 0
			p := ""
			if i < len(n.parts) {
				p = n.parts[i]
			}
			seen[p] = true
		}
		if !in && len(seen) > 1 {
			return i
		}
	}
	return 0
}

// maxParts bounds the parts of a name: name, namespace, kind, cluster.
const maxParts = 4

// qualified is the id of n with the parts of the mask, the most
// significant first: kind.namespace.name, cluster.name...
func qualified(n *node, mask uint) string {
	ps := []string{n.parts[0]}
	for i := 1; i < len(n.parts); i++ {
		if mask&(1<<i) != 0 && n.parts[i] != "" {
			ps = append(ps, n.parts[i])
		}
	}
	slices.Reverse(ps)
	return Normalize(strings.Join(ps, "."))
}

func displayOf(n *node) string {
	if len(n.names) > 0 {
		return slices.Min(n.names)
	}
	return n.parts[0]
}

// displayName returns a display name as the loader takes names: one line of
// printable text. Each run of characters that are not printable (a
// newline in a Backstage title, an escape sequence in a span's service
// name) becomes one space.
func displayName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if strconv.IsPrint(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

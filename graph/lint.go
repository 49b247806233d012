package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Lint rule ids, as they appear in brackets at the end of a warning.
const (
	RuleToolingColocated = "tooling-colocated"
	RuleWeakestLink      = "weakest-link"
	RuleColdStartCycle   = "cold-start-cycle"
	RuleBackupSingleSite = "backup-single-site"
	RuleSiteLossMajority = "site-loss-majority"
)

// lintListMax is how many services a warning names before "and N more".
const lintListMax = 6

// Warning is one lint finding; it never makes a file invalid.
type Warning struct {
	Rule string // one of the Rule* constants
	Pos  Pos
	Msg  string
}

// String formats the warning as "file:line:col: warning: msg [rule]", leaving
// out the parts of the position that are unknown, like Error.Error.
func (w Warning) String() string {
	var b strings.Builder
	if w.Pos.File != "" {
		b.WriteString(w.Pos.File)
		b.WriteByte(':')
	}
	if w.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", w.Pos.Line, w.Pos.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "warning: %s [%s]", w.Msg, w.Rule)
	return b.String()
}

// Lint returns the weak spots of the Kakao 2022 fire (docs/model.md §1) found in
// the file's platform and in every scenario's patched platform. A scenario's
// warnings are reported only when its platform differs from the file's and
// only for weak spots the file's platform does not have: a rule firing on a
// subject (a site, a service, a tool and site, a dependency, a cycle) that
// the base platform does not warn about. The same weak spot with other
// numbers is not repeated. Their message starts with "scenario <id>: ". When the file has
// no platform of its own (a scenario file with `platform: path`), the
// platform shared by the most scenarios, ties to the first, stands as the
// base.
//
// The warnings are deduplicated and sorted by position (file, line, column),
// then rule and message. Lint never fails: references to unknown services or
// sites, which the loader reports as errors, are ignored.
//
// Every rule asks what losing a site takes down, and the zones of one
// building (a site's building) are lost together: the rules count a
// building as one site, named "building ID", so replicas in two zones of
// one building are not on two sites.
//
// The rules, each a pure function of one platform:
//
//   - tooling-colocated: a service T listed in the tooling of others, and a
//     site S whose loss alone stops T serving with no recovery (S is T's only
//     site; or T is active-standby and S its primary; or T is active-active
//     and fewer than quorum of its sites remain without S), where at least
//     one service that needs T (other than T itself) has a replica. Losing S
//     then takes away the tool exactly when those services need it to
//     recover. A tool on three sites with quorum 1 does not warn.
//   - weakest-link: a service placed on two or more sites with a hard
//     depends_on entry on a service placed on a single site, or with a hard
//     any-group whose members are all placed on one and the same single site.
//     Losing that site takes the redundant service down anyway.
//   - cold-start-cycle: a strongly connected component of the directed graph
//     of start_needs and hard (plain, not any-group) depends_on edges that
//     has two or more services, or a start_needs self-loop, and contains at
//     least one start_needs edge. A cold start of those services deadlocks
//     until break_glass. A cycle of depends_on alone is healthy: the up set is
//     the greatest fixed point (docs/model.md §6.5), so a running cycle stays up.
//   - backup-single-site: a service with data whose placement is on a single
//     site and that has no backup, or a backup that is not offsite: one fire
//     destroys every copy.
//   - site-loss-majority: a site whose loss takes down services that have
//     more than half of all users until the site or a crew brings them back.
//     The services taken down are those up with every site in service and
//     down with the site lost once the automated failovers are done (those of
//     active-standby services whose primary was lost, with another site and
//     their tooling up right after the loss; no restart, no manual
//     failover): the up set is the greatest fixed point of docs/model.md §6.5
//     (start with every service whose placement survives, then repeatedly
//     knock out services with a hard dependency down or an any-group with
//     fewer than need members up), where a placement survives the loss if
//     active-active: at least quorum of its sites remain; active-standby: its
//     primary is not the lost site, or it fails over automatically; single:
//     its site is not the lost site.
//
// The rules that need a scenario's events (restart-unset, failover-unset,
// crews-unlimited) are described at lintScenarios.
func Lint(f *File) []Warning {
	if f == nil {
		return nil
	}
	base := f.Platform
	if base == nil {
		base = commonPlatform(f.Scenarios)
	}
	var all []Warning
	baseSeen := make(map[[2]string]bool)
	if base != nil {
		for _, w := range lintPlatform(base) {
			baseSeen[[2]string{w.Rule, w.subject}] = true
			all = append(all, w.Warning)
		}
	}
	for _, sc := range f.Scenarios {
		if sc == nil || sc.Platform == nil || sc.Platform == base {
			continue
		}
		for _, w := range lintPlatform(sc.Platform) {
			if baseSeen[[2]string{w.Rule, w.subject}] {
				continue
			}
			w.Msg = "scenario " + sc.ID + ": " + w.Msg
			all = append(all, w.Warning)
		}
	}
	all = append(all, lintScenarios(f)...)
	slices.SortFunc(all, compareWarnings)
	return slices.Compact(all)
}

// commonPlatform returns the platform shared by the most scenarios (ties to
// the first), or nil.
func commonPlatform(scs []*Scenario) *Platform {
	count := make(map[*Platform]int)
	var best *Platform
	for _, sc := range scs {
		if sc == nil || sc.Platform == nil {
			continue
		}
		count[sc.Platform]++
		if best == nil || count[sc.Platform] > count[best] {
			best = sc.Platform
		}
	}
	return best
}

func compareWarnings(a, b Warning) int {
	return cmp.Or(
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Col, b.Pos.Col),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Msg, b.Msg),
	)
}

// finding is a warning with its subject: what it is about (a site, a
// service, a tool on a site...), so that a scenario's patch that only changes
// the numbers of a weak spot the base platform already has is not reported
// again.
type finding struct {
	Warning
	subject string
}

// lintPlatform runs every rule on p.
func lintPlatform(p *Platform) []finding {
	l := newLinter(p)
	var ws []finding
	ws = l.toolingColocated(ws)
	ws = l.weakestLink(ws)
	ws = l.coldStartCycles(ws)
	ws = l.backupSingleSite(ws)
	ws = l.siteLossMajority(ws)
	return ws
}

// linter holds one platform with its services indexed by id.
type linter struct {
	p     *Platform
	svcs  []*Service // non-nil services in file order
	index map[string]int
	sites [][]string // distinct sites of each service, placement order
	// depTo[depOff[i]+k] is the index of the service the k-th depends_on
	// entry of service i names, or -1 for an unknown id or an any-group:
	// three rules follow each dependency, and looking 100,000 services'
	// ids up in a map once rather than three times saves a tenth of Lint.
	depOff []int32
	depTo  []int32
	// siteNum numbers the site ids, those of p.Sites first; siteNums[i]
	// are the numbers of sites[i] and place[i] how service i is placed:
	// upWithout asks whether every service survives the loss of each site,
	// and comparing numbers in flat slices is what keeps that fast.
	siteNum  map[string]int32
	siteNums [][]int32
	// unit maps each zone of a building to "building ID": every rule asks
	// what losing a site takes down, and the zones of one building burn
	// together, so replicas in two of its zones are not on two sites.
	unit  map[string]string
	place []lintPlace
	// hard[hardOff[i]:hardOff[i+1]] are service i's hard dependencies,
	// their members in members, and rev[revOff[j]:revOff[j+1]] the
	// services that have j as one, for upWithout; built on first use, in
	// flat slices rather than a few small slices per service.
	hardOff, revOff []int32
	hard            []lintDep
	members, rev    []int32
}

// lintPlace is a service's redundancy with its primary as a site number,
// -1 when it has no site.
type lintPlace struct {
	mode    Mode
	quorum  int32
	primary int32
}

func newLinter(p *Platform) *linter {
	l := &linter{p: p, index: make(map[string]int, len(p.Services)), siteNum: make(map[string]int32, len(p.Sites))}
	for _, s := range p.Sites {
		if s != nil && s.Building != "" {
			if l.unit == nil {
				l.unit = map[string]string{}
			}
			l.unit[s.ID] = "building " + s.Building
		}
	}
	for _, s := range p.Sites {
		if s != nil {
			l.number(l.unitOf(s.ID))
		}
	}
	l.svcs = make([]*Service, 0, len(p.Services))
	l.sites = make([][]string, 0, len(p.Services))
	l.siteNums = make([][]int32, 0, len(p.Services))
	l.place = make([]lintPlace, 0, len(p.Services))
	for _, s := range p.Services {
		if s == nil {
			continue
		}
		if _, dup := l.index[s.ID]; dup {
			continue // a load error; keep the first
		}
		l.index[s.ID] = len(l.svcs)
		l.svcs = append(l.svcs, s)
		ids := make([]string, 0, len(s.Placement))
		nums := make([]int32, 0, len(s.Placement))
		for _, pl := range s.Placement {
			if u := l.unitOf(pl.Site); !slices.Contains(ids, u) {
				ids = append(ids, u)
				nums = append(nums, l.number(u))
			}
		}
		pl := lintPlace{mode: s.Redundancy.Mode, quorum: int32(max(1, min(s.Redundancy.Quorum, 1<<30))), primary: -1}
		switch {
		case s.Redundancy.Primary != "":
			pl.primary = l.number(l.unitOf(s.Redundancy.Primary))
		case len(nums) > 0:
			pl.primary = nums[0]
		}
		l.sites = append(l.sites, ids)
		l.siteNums = append(l.siteNums, nums)
		l.place = append(l.place, pl)
	}
	l.depOff = make([]int32, 1, len(l.svcs)+1)
	for _, s := range l.svcs {
		for _, d := range s.DependsOn {
			j := int32(-1)
			if len(d.Any) == 0 {
				j = int32(l.lookup(d.Service))
			}
			l.depTo = append(l.depTo, j)
		}
		l.depOff = append(l.depOff, int32(len(l.depTo)))
	}
	return l
}

// dep returns the index of the service the k-th depends_on entry of
// service i names, or -1 (see depTo).
func (l *linter) dep(i, k int) int {
	return int(l.depTo[int(l.depOff[i])+k])
}

// unitOf returns what a site is lost with: its building, or itself.
func (l *linter) unitOf(site string) string {
	if u, ok := l.unit[site]; ok {
		return u
	}
	return site
}

// number returns the number of site id, giving it one if it has none.
func (l *linter) number(id string) int32 {
	x, ok := l.siteNum[id]
	if !ok {
		x = int32(len(l.siteNum))
		l.siteNum[id] = x
	}
	return x
}

// lookup returns the index of the service with the given id, or -1.
func (l *linter) lookup(id string) int {
	if i, ok := l.index[id]; ok {
		return i
	}
	return -1
}

// survives reports whether service i's placement still serves with the
// site numbered lost gone and no failover; lost -1 means every site is in
// service.
func (l *linter) survives(i int, lost int32) bool {
	sites, pl := l.siteNums[i], l.place[i]
	if len(sites) == 0 {
		return false
	}
	switch pl.mode {
	case ActiveStandby:
		return pl.primary != lost
	case Single:
		return !slices.Contains(sites, lost)
	default:
		left := int32(len(sites))
		if slices.Contains(sites, lost) {
			left--
		}
		return left >= pl.quorum
	}
}

// toolingColocated implements the tooling-colocated rule (see Lint).
func (l *linter) toolingColocated(ws []finding) []finding {
	needers := make([][]int, len(l.svcs)) // tool -> services listing it
	for i, s := range l.svcs {
		seen := map[int]bool{}
		for _, id := range s.Tooling {
			t := l.lookup(id)
			if t < 0 || t == i || seen[t] {
				continue
			}
			seen[t] = true
			needers[t] = append(needers[t], i)
		}
	}
	for t, tool := range l.svcs {
		if len(needers[t]) == 0 || !l.survives(t, -1) {
			continue
		}
		for k, site := range l.sites[t] {
			num := l.siteNums[t][k]
			if l.survives(t, num) {
				continue
			}
			var hit []int
			for _, d := range needers[t] {
				if slices.Contains(l.siteNums[d], num) {
					hit = append(hit, d)
				}
			}
			if len(hit) == 0 {
				continue
			}
			var head string
			if len(l.sites[t]) == 1 {
				head = fmt.Sprintf("%s runs only in %s", tool.ID, site)
			} else {
				head = fmt.Sprintf("losing %s stops %s (%s)", site, tool.ID, l.why(t, site))
			}
			ws = append(ws, finding{subject: tool.ID + "@" + site, Warning: Warning{
				Rule: RuleToolingColocated,
				Pos:  tool.Pos,
				Msg: fmt.Sprintf("%s, where %s (%s)",
					head, alsoRun(len(hit), len(needers[t])), l.names(hit)),
			}})
		}
	}
	return ws
}

// why explains why losing site stops the multi-site service i.
func (l *linter) why(i int, site string) string {
	s := l.svcs[i]
	switch s.Redundancy.Mode {
	case ActiveStandby:
		return "its active-standby primary, until a failover"
	case Single:
		return "a single replica there"
	}
	return fmt.Sprintf("active-active with quorum %d of %d sites", max(1, s.Redundancy.Quorum), len(l.sites[i]))
}

// alsoRun says "3 of the 5 services that need it also run", or "all 5 ..."
// when n == total.
func alsoRun(n, total int) string {
	switch {
	case n == 1 && total == 1:
		return "the one service that needs it also runs"
	case n == 2 && total == 2:
		return "both services that need it also run"
	case n == total:
		return fmt.Sprintf("all %d services that need it also run", total)
	case n == 1:
		return fmt.Sprintf("1 of the %d services that need it also runs", total)
	}
	return fmt.Sprintf("%d of the %d services that need it also run", n, total)
}

// weakestLink implements the weakest-link rule (see Lint).
func (l *linter) weakestLink(ws []finding) []finding {
	for i, s := range l.svcs {
		if len(l.sites[i]) < 2 {
			continue
		}
		for k, d := range s.DependsOn {
			if d.Soft {
				continue
			}
			if len(d.Any) == 0 {
				j := l.dep(i, k)
				if j < 0 || j == i || len(l.sites[j]) != 1 {
					continue
				}
				ws = append(ws, finding{subject: s.ID + " " + d.Service, Warning: Warning{
					Rule: RuleWeakestLink,
					Pos:  d.Pos,
					Msg: fmt.Sprintf("%s runs in %s but depends on %s, which runs only in %s",
						s.ID, joinAnd(l.sites[i]), d.Service, l.sites[j][0]),
				}})
				continue
			}
			site, ok := "", true
			for _, id := range d.Any {
				j := l.lookup(id)
				if j < 0 || j == i || len(l.sites[j]) != 1 || site != "" && l.sites[j][0] != site {
					ok = false
					break
				}
				site = l.sites[j][0]
			}
			if !ok {
				continue
			}
			ws = append(ws, finding{subject: s.ID + " any " + strings.Join(d.Any, ","), Warning: Warning{
				Rule: RuleWeakestLink,
				Pos:  d.Pos,
				Msg: fmt.Sprintf("%s runs in %s but depends on any of %s, which all run only in %s",
					s.ID, joinAnd(l.sites[i]), joinAnd(d.Any), site),
			}})
		}
	}
	return ws
}

// coldStartCycles implements the cold-start-cycle rule (see Lint).
func (l *linter) coldStartCycles(ws []finding) []finding {
	// The edges from i are to[off[i]:off[i+1]], its start_needs first,
	// up to startEnd[i].
	off := make([]int32, 1, len(l.svcs)+1)
	startEnd := make([]int32, len(l.svcs))
	var to []int32
	for i, s := range l.svcs {
		self := false
		for _, id := range s.StartNeeds {
			j := l.lookup(id)
			if j < 0 {
				continue
			}
			if j == i {
				if !self {
					ws = append(ws, finding{subject: s.ID, Warning: Warning{
						Rule: RuleColdStartCycle,
						Pos:  s.Pos,
						Msg:  fmt.Sprintf("%s needs itself up to start, so a cold start of it deadlocks until break_glass", s.ID),
					}})
				}
				self = true
				continue
			}
			to = append(to, int32(j))
		}
		startEnd[i] = int32(len(to))
		for k, d := range s.DependsOn {
			if d.Soft || len(d.Any) > 0 {
				continue
			}
			if j := l.dep(i, k); j >= 0 && j != i {
				to = append(to, int32(j))
			}
		}
		off = append(off, int32(len(to)))
	}
	// rank[i] is i's place among the members of the component at hand,
	// or -1: each member's start_needs are looked up in it, rather than
	// every pair of members tested, as a component may have hundreds.
	rank := make([]int32, len(l.svcs))
	for i := range rank {
		rank[i] = -1
	}
	var into []int32
	for _, comp := range cycles(off, to) {
		members := make([]int, len(comp))
		for k, n := range comp {
			members[k] = int(n)
		}
		slices.SortFunc(members, func(a, b int) int { return cmp.Compare(l.svcs[a].ID, l.svcs[b].ID) })
		for k, m := range members {
			rank[m] = int32(k)
		}
		var needs []string
		for _, a := range members {
			into = into[:0]
			for _, j := range to[off[a]:startEnd[a]] {
				if rank[j] >= 0 {
					into = append(into, rank[j])
				}
			}
			slices.Sort(into)
			for _, k := range slices.Compact(into) {
				needs = append(needs, l.svcs[a].ID+" → "+l.svcs[members[k]].ID)
			}
		}
		for _, m := range members {
			rank[m] = -1
		}
		if len(needs) == 0 {
			continue // a runtime cycle only: healthy (docs/model.md §6.5)
		}
		ids := make([]string, len(members))
		for k, m := range members {
			ids[k] = l.svcs[m].ID
		}
		if len(needs) > lintListMax {
			needs = append(needs[:lintListMax], fmt.Sprintf("%d more", len(needs)-lintListMax))
			// joinAnd then ends "... and N more".
		}
		ws = append(ws, finding{subject: strings.Join(ids, ","), Warning: Warning{
			Rule: RuleColdStartCycle,
			Pos:  l.svcs[members[0]].Pos,
			Msg: fmt.Sprintf("%s need each other through start_needs and hard depends_on, so a cold start of them deadlocks until break_glass (start_needs %s)",
				joinAnd(ids), joinAnd(needs)),
		}})
	}
	return ws
}

// backupSingleSite implements the backup-single-site rule (see Lint).
func (l *linter) backupSingleSite(ws []finding) []finding {
	for i, s := range l.svcs {
		if s.Data == nil || len(l.sites[i]) != 1 {
			continue
		}
		var why string
		switch {
		case s.Data.Backup == nil:
			why = "has no backup"
		case !s.Data.Backup.Offsite:
			why = "its backup is not offsite"
		default:
			continue
		}
		ws = append(ws, finding{subject: s.ID, Warning: Warning{
			Rule: RuleBackupSingleSite,
			Pos:  s.Pos,
			Msg:  fmt.Sprintf("%s keeps its data only in %s and %s: one site loss destroys every copy", s.ID, l.sites[i][0], why),
		}})
	}
	return ws
}

// upWithout returns which services are up with the site numbered lost gone
// (-1 for none), with no recovery: the greatest fixed point of docs/model.md §6.5.
func (l *linter) upWithout(lost int32) []bool {
	up := make([]bool, len(l.svcs))
	for i := range l.svcs {
		up[i] = l.survives(i, lost)
	}
	return l.knockOut(up)
}

// upAfterFailovers returns which services are up with the site numbered
// lost gone once every automated failover has completed: an active-standby
// service whose primary was lost comes back on another of its sites when
// all of its tooling is up in immediate, the state right after the loss
// (upWithout), since that is when the engine chooses between the automated
// and the manual failover (docs/model.md §6.4). Restarts and manual failovers
// are not counted: they wait for the site or for a crew.
func (l *linter) upAfterFailovers(lost int32, immediate []bool) []bool {
	up := make([]bool, len(l.svcs))
	for i := range l.svcs {
		up[i] = l.survives(i, lost) || l.failsOverAlone(i, lost, immediate)
	}
	return l.knockOut(up)
}

// failsOverAlone reports whether the active-standby service i, its primary
// on the site numbered lost, has another site to fail over to and every
// one of its known tooling services up in immediate: an automated failover.
func (l *linter) failsOverAlone(i int, lost int32, immediate []bool) bool {
	if l.place[i].mode != ActiveStandby || l.place[i].primary != lost ||
		!slices.ContainsFunc(l.siteNums[i], func(n int32) bool { return n != lost }) {
		return false
	}
	for _, id := range l.svcs[i].Tooling {
		if t := l.lookup(id); t >= 0 && !immediate[t] {
			return false
		}
	}
	return true
}

// knockOut turns down in up, transitively, every service with a hard
// dependency that is not satisfied, and returns up: from the services
// whose placement serves, the greatest fixed point of docs/model.md §6.5.
func (l *linter) knockOut(up []bool) []bool {
	if l.hardOff == nil {
		l.indexHardDeps()
	}
	// Knocking out only ever turns services down, so starting from "all whose
	// placement survives" and knocking out, transitively, the dependents of
	// each service that goes down reaches the greatest fixed point, cycles
	// included, with every service checked once plus once per dependency lost.
	var down []int32
	for i := range l.svcs {
		if !up[i] {
			down = append(down, int32(i))
		} else if !l.depsUp(i, up) {
			up[i] = false
			down = append(down, int32(i))
		}
	}
	for len(down) > 0 {
		j := down[len(down)-1]
		down = down[:len(down)-1]
		for _, i := range l.rev[l.revOff[j]:l.revOff[j+1]] {
			if up[i] && !l.depsUp(int(i), up) {
				up[i] = false
				down = append(down, i)
			}
		}
	}
	return up
}

// lintDep is a hard depends_on entry with its known members as indices,
// l.members[from:to]: a plain dependency is a group of one that needs one.
type lintDep struct {
	from, to int32
	need     int
}

// indexHardDeps fills l.hard, l.members and l.rev. Unknown ids are left out
// and count as up: the loader reports them.
func (l *linter) indexHardDeps() {
	l.hardOff = make([]int32, 1, len(l.svcs)+1)
	for i, s := range l.svcs {
		for k, d := range s.DependsOn {
			if d.Soft {
				continue
			}
			// need starts as the group's need less its size; adding the
			// known members leaves need less the unknown ones.
			dep := lintDep{from: int32(len(l.members))}
			if len(d.Any) == 0 {
				if j := l.dep(i, k); j >= 0 {
					l.members = append(l.members, int32(j))
				}
			} else {
				dep.need = max(1, d.Need) - len(d.Any)
				for _, id := range d.Any {
					if j := l.lookup(id); j >= 0 {
						l.members = append(l.members, int32(j))
					}
				}
			}
			dep.to = int32(len(l.members))
			dep.need += int(dep.to - dep.from)
			if dep.need > 0 {
				l.hard = append(l.hard, dep)
			} else {
				// Always satisfied: it never takes i down.
				l.members = l.members[:dep.from]
			}
		}
		l.hardOff = append(l.hardOff, int32(len(l.hard)))
	}
	l.revOff, l.rev = reverseCSR(len(l.svcs), func(i int32, buf []int32) []int32 {
		for _, d := range l.hard[l.hardOff[i]:l.hardOff[i+1]] {
			buf = append(buf, l.members[d.from:d.to]...)
		}
		return buf
	})
}

// depsUp reports whether every hard dependency of service i is satisfied in up.
func (l *linter) depsUp(i int, up []bool) bool {
	for _, d := range l.hard[l.hardOff[i]:l.hardOff[i+1]] {
		n := 0
		for _, j := range l.members[d.from:d.to] {
			if up[j] {
				n++
			}
		}
		if n < d.need {
			return false
		}
	}
	return true
}

// siteLossMajority implements the site-loss-majority rule (see Lint).
func (l *linter) siteLossMajority(ws []finding) []finding {
	// Users add up in float64: an int64 sum of a platform built by a
	// program, unchecked by the loader, could wrap.
	var total float64
	for _, s := range l.svcs {
		total += float64(max(0, s.Users))
	}
	if total == 0 {
		return ws
	}
	before := l.upWithout(-1)
	done := map[string]bool{}
	for _, site := range l.p.Sites {
		if site == nil {
			continue
		}
		// A building is lost once, reported at its first zone.
		unit := l.unitOf(site.ID)
		if done[unit] {
			continue
		}
		done[unit] = true
		lost := l.siteNum[unit]
		after := l.upWithout(lost)
		if _, users := l.lostUsers(before, after); 2*users <= total {
			continue
		}
		// What an automated failover brings back is lost only for the
		// failover's time: the rule speaks of what stays down.
		down, users := l.lostUsers(before, l.upAfterFailovers(lost, after))
		if 2*users <= total {
			continue
		}
		noun := "services"
		if len(down) == 1 {
			noun = "service"
		}
		ws = append(ws, finding{subject: unit, Warning: Warning{
			Rule: RuleSiteLossMajority,
			Pos:  site.Pos,
			Msg: fmt.Sprintf("losing %s takes down %d %s with %s of users, which no automated failover brings back (%s)",
				unit, len(down), noun, percent(users, total), l.names(down)),
		}})
	}
	return ws
}

// lostUsers returns the services up in before and down in after, and
// their users.
func (l *linter) lostUsers(before, after []bool) (down []int, users float64) {
	for i := range l.svcs {
		if before[i] && !after[i] {
			down = append(down, i)
			users += float64(max(0, l.svcs[i].Users))
		}
	}
	return down, users
}

// percent formats part/total (> 1/2) as a whole percentage, with one decimal
// when rounding would show a bare 50% for more than half.
func percent(part, total float64) string {
	p := 100 * part / total
	s := strconv.FormatFloat(p, 'f', 0, 64)
	if s == "50" {
		s = strconv.FormatFloat(p, 'f', 1, 64)
	}
	return s + "%"
}

// names lists the ids of services is, most users first (then by id), at most
// lintListMax of them, then "and N more". It keeps only the first
// lintListMax while scanning: a site loss may take down 100,000 services.
func (l *linter) names(is []int) string {
	// Ids are compared only on a tie of users: cmp.Or would compare them
	// every time, for each of 100,000 services.
	before := func(a, b int) bool {
		if ua, ub := l.svcs[a].Users, l.svcs[b].Users; ua != ub {
			return ua > ub
		}
		return l.svcs[a].ID < l.svcs[b].ID
	}
	top := make([]int, 0, lintListMax+1)
	for _, i := range is {
		if len(top) == lintListMax && !before(i, top[lintListMax-1]) {
			continue
		}
		k := len(top)
		for k > 0 && before(i, top[k-1]) {
			k--
		}
		top = slices.Insert(top, k, i)
		if len(top) > lintListMax {
			top = top[:lintListMax]
		}
	}
	ids := make([]string, 0, lintListMax+1)
	for _, i := range top {
		ids = append(ids, l.svcs[i].ID)
	}
	if len(is) > lintListMax {
		ids = append(ids, fmt.Sprintf("%d more", len(is)-lintListMax))
	}
	return joinAnd(ids)
}

// joinAnd joins "a", "a and b", "a, b and c".
func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

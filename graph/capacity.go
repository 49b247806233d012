package graph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A trial starts with every replica running and every service up
// (docs/model.md §6), and the engine relies on it: it starts every service
// up and looks at one again only when one of its replicas changes. So a
// service that everything running cannot keep up is refused when it is
// decoded, in the platform and in every platform a patch, a mitigation or
// other values of its ranges make (docs/model.md §11): otherwise it would
// be counted up, and partial, until some event touched it, then down for
// good. Placement and dependencies need no check here: a quorum above the
// placed sites, a primary outside the placement, an any group needing
// more members than it has and a service depending on itself are refused
// where they are decoded, and with every service's placement and capacity
// satisfied, every service up is the greatest fixed point of §6.5.

// capRanges are the uncertain inputs (docs/model.md §3.1) a service's
// capacity at t = 0 depends on, nil where the value is plain: its load, its
// collapse_below and the servers of each entry of its placement (nil when
// none is uncertain). cbNd is collapse_below's value, where a refusal is
// reported.
type capRanges struct {
	load, cb *Uncertain
	cbNd     node
	servers  []*Uncertain
}

// carries is the engine's test of docs/model.md §11 (sim's carriesLoad, to
// the same floating-point comparison): a service with capacity c of load
// (0: none) is up while φ = min(1, c/load) > 0 and φ ≥ collapse_below cb.
// The quotient c/load and the decimal cb are each rounded once, so they
// compare as the numbers written do.
func carries(c, load int64, cb float64) bool {
	return load == 0 || c > 0 && (cb <= 0 || float64(c)/float64(load) >= cb)
}

// startCapacity is the capacity c of docs/model.md §11 with every replica of
// s running and every site up: the servers of every replica of an
// active-active service, of the primary of an active-standby one, of the
// one replica of a single one. counted reports which placement entries
// count.
func startCapacity(s *Service) (c int64, counted func(i int) bool) {
	primary := primaryOf(s)
	counted = func(i int) bool {
		switch s.Redundancy.Mode {
		case ActiveStandby:
			return s.Placement[i].Site == primary
		case Single:
			return i == 0
		}
		return true
	}
	for i, pl := range s.Placement {
		if counted(i) {
			c += pl.Servers
		}
	}
	return c, counted
}

// primaryOf is the primary of s as Compile reads it: the first placed site
// when none is set (in a platform built by a program).
func primaryOf(s *Service) string {
	if s.Redundancy.Primary == "" && len(s.Placement) > 0 {
		return s.Placement[0].Site
	}
	return s.Redundancy.Primary
}

// startDown returns why s would be down at t = 0 with every replica running
// (its load not carried), or "".
func startDown(s *Service) string {
	c, _ := startCapacity(s)
	if carries(c, s.Load, s.CollapseBelow) {
		return ""
	}
	return fmt.Sprintf("service %q would be down from t = 0 (docs/model.md §6, §11): %s", s.ID, shortfall(s, c, s.Load, s.CollapseBelow))
}

// shortfall says what s has at t = 0 against what it needs, and what
// would do: "its primary "a" has 2 servers, 10% of its load of 20, below
// collapse_below 0.5; give ...".
func shortfall(s *Service, c, load int64, cb float64) string {
	var has, fix string
	switch s.Redundancy.Mode {
	case ActiveStandby:
		has = fmt.Sprintf("with every site up its primary %q has %s", primaryOf(s), servers(c))
		fix = "give the primary at least"
	case Single:
		has = fmt.Sprintf("with its site up its one replica, on %q, has %s", s.Placement[0].Site, servers(c))
		fix = "give it at least"
	default:
		has = fmt.Sprintf("with every site up its %d replicas have %s in all", len(s.Placement), servers(c))
		fix = "place at least"
	}
	cbText := strconv.FormatFloat(cb, 'g', -1, 64)
	return fmt.Sprintf("%s, %s of its load of %d, below collapse_below %s; %s %s, or lower load or collapse_below",
		has, sharePct(c, load), load, cbText, fix, servers(leastCarrying(load, cb)))
}

// leastCarrying is the fewest servers that carry load at collapse_below cb.
func leastCarrying(load int64, cb float64) int64 {
	// From the floor: cb × load may round above the number that carries
	// (0.28 × 25 is 7.000000000000001, and 7 carries).
	n := max(1, int64(math.Floor(cb*float64(load))))
	for !carries(n, load, cb) && n < load {
		n++
	}
	for n > 1 && carries(n-1, load, cb) {
		n--
	}
	return n
}

func servers(n int64) string {
	if n == 1 {
		return "1 server"
	}
	return strconv.FormatInt(n, 10) + " servers"
}

// sharePct is c/load as a whole percentage rounded down, so that a share
// below collapse_below never reads as equal to it.
func sharePct(c, load int64) string {
	p := math.Floor(100 * float64(c) / float64(load))
	if p < 1 {
		return "under 1%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

// checkStartCapacity reports s (decoded without a problem of its own, with a
// load) when some values of its ranges would leave it down at t = 0, at
// its collapse_below, the threshold it would be below (with a load and
// no collapse_below, every service carries: its servers are at least 1).
//
// Which values: sensitivity and uncertainty runs decode the file again with
// any value of each range (File.With), and the Latin hypercube pairs the
// ranges' values at random, so that their worst corner is a world like any
// other. That corner is checked here, when the file is loaded, rather than
// each world when it is built: a file is refused before hours of runs, not
// in the middle of them, and a world that File.With builds never fails for
// its capacity. The test c ≥ cb·load is linear in each count once cb is at
// its worst, its high (load ≥ 1), so each count input is worst at one end
// of its range: its low when it counts more often among the servers than
// cb times among the load (an input shared through a YAML anchor may be
// in both), else its high.
func (d *decoder) checkStartCapacity(s *Service, r capRanges) {
	cb := s.CollapseBelow
	if r.cb != nil {
		cb = r.cb.High
	}
	_, counted := startCapacity(s)
	// coef is, per count input, its weight in c − cb·load.
	var coef map[string]float64
	if r.load != nil || r.servers != nil {
		coef = map[string]float64{}
		if r.load != nil {
			coef[r.load.Path] -= cb
		}
		for i, u := range r.servers {
			if u != nil && counted(i) {
				coef[u.Path]++
			}
		}
	}
	worst := func(u *Uncertain, v int64) int64 {
		switch {
		case u == nil:
			return v
		case coef[u.Path] > 0:
			return int64(u.Low)
		case coef[u.Path] < 0:
			return int64(u.High)
		}
		return v
	}
	var ranges []string
	named := func(what string, u *Uncertain, v float64) {
		if u == nil {
			return
		}
		end := "value"
		switch v {
		case u.High:
			end = "high"
		case u.Low:
			end = "low"
		}
		ranges = append(ranges, fmt.Sprintf("%s %s, the %s of %s [%s, %s]", what, u.Format(v), end, u.Path, u.Format(u.Low), u.Format(u.High)))
	}
	load := worst(r.load, s.Load)
	named("load", r.load, float64(load))
	named("collapse_below", r.cb, cb)
	var c int64
	for i, pl := range s.Placement {
		if !counted(i) {
			continue
		}
		var u *Uncertain
		if i < len(r.servers) {
			u = r.servers[i]
		}
		n := worst(u, pl.Servers)
		c += n
		named(fmt.Sprintf("servers on %q", pl.Site), u, float64(n))
	}
	if carries(c, load, cb) {
		return
	}
	if len(ranges) == 0 {
		// Every value plain: the capacity and the message of startDown.
		d.errorf(r.cbNd, "%s", startDown(s))
		return
	}
	d.errorf(r.cbNd, "service %q could be down from t = 0 (docs/model.md §6, §11): at the worst of its ranges (%s), %s (every value of a range must keep it up)",
		s.ID, strings.Join(ranges, "; "), shortfall(s, c, load, cb))
}

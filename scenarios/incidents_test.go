package scenarios_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

// The qualitative truths each built-in incident must reproduce from its
// structure alone (nothing in the files is tuned to them). Every check runs
// a fixed seed, so it is deterministic; the statistical bounds are the 95%
// intervals the results carry (mean ± 1.96·s/√n), and for differences
// between scenarios the paired interval of sim.Compare over the same trial
// keys. The margins are wide: each check was verified to hold at
// shortTrials as well as at incidentTrials, so -short keeps it meaningful.
const (
	incidentTrials = 1000
	shortTrials    = 200
	incidentSeed   = 1
	z95            = 1.96 // two-sided 95% normal quantile, as in sim's intervals
	hour           = float64(graph.Hour)
	day            = float64(graph.Day)
)

func trials() int {
	if testing.Short() {
		return shortTrials
	}
	return incidentTrials
}

// compile compiles scenario id of f.
func compile(t *testing.T, f *graph.File, id string) *graph.Compiled {
	t.Helper()
	sc := f.Scenario(id)
	require.NotNil(t, sc, "%s: no scenario %q", f.Name, id)
	c, err := graph.Compile(sc)
	require.NoError(t, err, "compile %s", id)
	return c
}

// run simulates scenario id of the embedded file name.
func run(t *testing.T, name, id string) *sim.Results {
	t.Helper()
	r, err := sim.Run(context.Background(), compile(t, load(t, name), id), sim.Options{Trials: trials(), Seed: incidentSeed})
	require.NoError(t, err, "run %s/%s", name, id)
	return r
}

// compare runs the scenarios ids of the embedded file name over the same
// trials, the first being the baseline of the paired differences.
func compare(t *testing.T, name string, ids ...string) *sim.Comparison {
	t.Helper()
	f := load(t, name)
	var cs []*graph.Compiled
	for _, id := range ids {
		cs = append(cs, compile(t, f, id))
	}
	return compareCompiled(t, cs...)
}

func compareCompiled(t *testing.T, cs ...*graph.Compiled) *sim.Comparison {
	t.Helper()
	cmp, err := sim.Compare(context.Background(), cs, trials(), incidentSeed, 0, nil)
	require.NoError(t, err, "compare")
	return cmp
}

// metric returns the row id of a comparison.
func metric(t *testing.T, cmp *sim.Comparison, id string) sim.ComparedMetric {
	t.Helper()
	i := slices.IndexFunc(cmp.Metrics, func(m sim.ComparedMetric) bool { return m.ID == id })
	require.GreaterOrEqual(t, i, 0, "comparison has no metric %q", id)
	return cmp.Metrics[i]
}

// service returns the results of service id.
func service(t *testing.T, r *sim.Results, id string) *sim.ServiceResult {
	t.Helper()
	i := slices.IndexFunc(r.Services, func(s sim.ServiceResult) bool { return s.ID == id })
	require.GreaterOrEqual(t, i, 0, "%s: no service %q in results", r.Scenario, id)
	return &r.Services[i]
}

// propCI is the 95% normal interval of a proportion p over n trials, the
// same construction as sim's intervals for means (a proportion is the mean
// of a 0/1 value; its sample variance is p(1−p)·n/(n−1)).
func propCI(p float64, n int) (lo, hi float64) {
	half := z95 * math.Sqrt(p*(1-p)/float64(n-1))
	return p - half, p + half
}

// Every scenario of every embedded file loads with no error, compiles and
// runs; each touches at least one service (each has an event that happens
// in every trial).
func TestEmbeddedScenariosRun(t *testing.T) {
	for _, name := range scenarios.Names() {
		f := load(t, name)
		for _, sc := range f.Scenarios {
			t.Run(name+"/"+sc.ID, func(t *testing.T) {
				n := trials()
				r, err := sim.Run(context.Background(), compile(t, f, sc.ID), sim.Options{Trials: n, Seed: incidentSeed})
				require.NoError(t, err, "run")
				if r.Trials != n {
					t.Errorf("got %d trials, want %d", r.Trials, n)
				}
				affected := false
				for _, s := range r.Services {
					affected = affected || s.PAffected > 0
				}
				if !affected {
					t.Errorf("no service affected in %d trials", n)
				}
			})
		}
	}
}

// Kakao: power came back in stages over four days, and the standby side
// could not be switched to without the Pangyo-only tools, so full recovery
// takes days, not hours (reported: 127.5 h).
func TestKakaoRecoveryTakesDays(t *testing.T) {
	r := run(t, "kakao-pangyo-2022", "pangyo-fire")
	full := r.Summary.FullRecovery
	t.Logf("full recovery: mean %.1f h [%.1f, %.1f], p50 %.1f h, p90 %.1f h",
		full.Mean/hour, full.CI95[0]/hour, full.CI95[1]/hour, full.P50/hour, full.P90/hour)
	if full.P50 <= day {
		t.Errorf("p50 full recovery = %.1f h, want more than 24 h", full.P50/hour)
	}
	if full.CI95[0] <= day {
		t.Errorf("mean full recovery's 95%% CI starts at %.1f h, want above 24 h", full.CI95[0]/hour)
	}
	// Every user-facing service goes down, with its Pangyo zone as its cause.
	for _, id := range []string{"talk-messaging", "kakao-login", "kakaopay", "talk-media"} {
		s := service(t, r, id)
		if s.PAffected != 1 {
			t.Errorf("%s: P(affected) = %v, want 1", id, s.PAffected)
		}
		if s.TopCause != "site pangyo-b" {
			t.Errorf("%s: top cause %q, want \"site pangyo-b\" (its zone)", id, s.TopCause)
		}
	}
}

// Kakao's mitigations, paired with the baseline over the same trials. The
// issue asks that spreading the ops tools and failover control across data
// centers cut the expected user-hours lost by more than half. The model
// says otherwise, and the structure says why (docs/scenarios.md):
//   - tooling is a conjunction: a service's restart and failover are
//     automated only when all four tools are up, so spreading failover
//     control alone (failover-everywhere) changes nothing at all, trial by
//     trial;
//   - both fixes together automate every switch: crew-hours vanish and
//     user-hours fall, but by well under half, because the user-hours that
//     remain come from parts the fixes do not touch: services that need the
//     Pangyo-only cache and object storage stay down until Pangyo has power,
//     and a failed-over service runs on a standby with a third of the
//     capacity (docs/model.md §11 load), shedding two thirds of its users until
//     it fails back.
func TestKakaoMitigations(t *testing.T) {
	ids := []string{"pangyo-fire", "ops-tools-3dc", "failover-everywhere", "ops-and-failover"}
	cmp := compare(t, "kakao-pangyo-2022", ids...)
	uh, crew := metric(t, cmp, "user_hours"), metric(t, cmp, "crew_hours")
	base := uh.Values[0].Mean
	for i, id := range ids {
		if i == 0 {
			t.Logf("%-20s user-hours %.4g, crew-hours %.1f", id, base, crew.Values[0].Mean)
			continue
		}
		d := uh.Diffs[i]
		t.Logf("%-20s user-hours %.4g, change %.4g [%.4g, %.4g] = %.1f%% [%.1f%%, %.1f%%]; crew-hours %.1f, change %.1f [%.1f, %.1f]",
			id, uh.Values[i].Mean, d.Mean, d.CI95[0], d.CI95[1], 100*d.Mean/base, 100*d.CI95[0]/base, 100*d.CI95[1]/base,
			crew.Values[i].Mean, crew.Diffs[i].Mean, crew.Diffs[i].CI95[0], crew.Diffs[i].CI95[1])
	}

	// failover-everywhere: the other three tools are still Pangyo-only, so
	// every trial is the baseline's, exactly.
	if d := uh.Diffs[2]; d.Mean != 0 || d.CI95 != [2]float64{} {
		t.Errorf("failover-everywhere: user-hours change %v %v, want exactly 0 (tooling needs all four tools)", d.Mean, d.CI95)
	}
	if d := crew.Diffs[2]; d.Mean != 0 || d.CI95 != [2]float64{} {
		t.Errorf("failover-everywhere: crew-hours change %v %v, want exactly 0", d.Mean, d.CI95)
	}

	// ops-and-failover: every switch and restart automated.
	of := 3
	if d := uh.Diffs[of]; d.CI95[1] >= 0 {
		t.Errorf("ops-and-failover: user-hours change CI %v, want it wholly below 0", d.CI95)
	}
	if d := crew.Diffs[of]; d.CI95[1] >= 0 {
		t.Errorf("ops-and-failover: crew-hours change CI %v, want it wholly below 0", d.CI95)
	}
	if got := crew.Values[of]; got.Mean != 0 {
		t.Errorf("ops-and-failover: crew-hours mean %v, want 0: no manual work left", got.Mean)
	}
	// ...and the cut is less than half: even the favourable end of the
	// paired interval stays above −50% of the baseline.
	if d := uh.Diffs[of]; d.CI95[0] <= -0.5*base {
		t.Errorf("ops-and-failover: user-hours change CI %v reaches −50%% of %v; docs/scenarios.md says the cut is well under half: update both",
			d.CI95, base)
	}

	// ops-tools-3dc alone automates the restarts of cache and object storage
	// (their tooling is deploy and monitoring) but no failover.
	if d := crew.Diffs[1]; d.CI95[1] >= 0 {
		t.Errorf("ops-tools-3dc: crew-hours change CI %v, want it wholly below 0", d.CI95)
	}
}

// What it takes to cut Kakao's user-hours by more than half, on test-only
// what-ifs (testdata/kakao-what-if.yaml) that add to ops-and-failover the
// two structural parts it leaves alone. Full-size standbys with the fixes
// reach about half; with cache and object storage also out of Pangyo the
// loss nearly vanishes.
func TestKakaoWhatIfs(t *testing.T) {
	whatIf, err := graph.LoadFile("testdata/kakao-what-if.yaml")
	require.NoError(t, err, "load what-ifs")
	kakao := load(t, "kakao-pangyo-2022")
	ids := []string{"ops-and-failover", "ops-and-standby", "ops-and-storage", "ops-storage-standby"}
	cs := []*graph.Compiled{compile(t, kakao, "pangyo-fire"), compile(t, kakao, "ops-and-failover")}
	for _, id := range ids[1:] {
		cs = append(cs, compile(t, whatIf, id))
	}
	cmp := compareCompiled(t, cs...)
	uh := metric(t, cmp, "user_hours")
	base := uh.Values[0].Mean
	for i, id := range ids {
		d := uh.Diffs[i+1]
		t.Logf("%-20s user-hours %.4g, change %.1f%% [%.1f%%, %.1f%%]", id, uh.Values[i+1].Mean,
			100*d.Mean/base, 100*d.CI95[0]/base, 100*d.CI95[1]/base)
		if d.CI95[1] >= 0 {
			t.Errorf("%s: user-hours change CI %v, want it wholly below 0", id, d.CI95)
		}
	}
	// Each structural part adds a cut of its own on top of ops-and-failover:
	// the what-ifs' means are below ops-and-failover's interval.
	for i := 2; i < len(cs); i++ {
		if uh.Values[i].CI95[1] >= uh.Values[1].CI95[0] {
			t.Errorf("%s: user-hours %v not below ops-and-failover's %v", ids[i-1], uh.Values[i].CI95, uh.Values[1].CI95)
		}
	}
	// All three parts together cut more than half, with the whole interval.
	if d := uh.Diffs[len(cs)-1]; d.CI95[1] >= -0.5*base {
		t.Errorf("ops-storage-standby: change CI %v, want it wholly below −50%% of %v", d.CI95, base)
	}
}

// OVH: customers whose backups were on the burned campus lost their data for
// good; those with offsite backups lost at most the time since their last
// backup (reported: courts awarded damages where all copies were on site).
func TestOVHBackups(t *testing.T) {
	r := run(t, "ovh-sbg-2021", "sbg-fire")
	n := r.Trials

	// SBG2 destroyed for sure: the shop's same-building backup goes with it.
	if got := service(t, r, "shop-db").PAllDataLost; got != 1 {
		t.Errorf("shop-db: P(all data lost) = %v, want 1 (backups in the destroyed SBG2)", got)
	}
	// SBG1 destroyed with probability 0.33: shared hosting (backups on the
	// campus) loses everything in some trials, not all.
	p := service(t, r, "shared-hosting").PAllDataLost
	lo, hi := propCI(p, n)
	t.Logf("shared-hosting: P(all data lost) = %.3f [%.3f, %.3f]", p, lo, hi)
	if lo <= 0 || hi >= 1 {
		t.Errorf("shared-hosting: P(all data lost) CI [%v, %v], want it inside (0, 1)", lo, hi)
	}
	// Offsite backups: never all lost, but some data lost (up to a day).
	news := service(t, r, "news-db")
	if news.PAllDataLost != 0 {
		t.Errorf("news-db: P(all data lost) = %v, want 0 (backups offsite)", news.PAllDataLost)
	}
	if news.DataLoss.CI95[0] <= 0 || news.DataLoss.CI95[1] > day {
		t.Errorf("news-db: data lost CI %v ms, want within (0, 24 h]: the time since the last nightly backup", news.DataLoss.CI95)
	}
	// Replicated data survives: async loses seconds, sync nothing.
	if s := service(t, r, "saas-db"); s.PAllDataLost != 0 || s.DataLoss.CI95[1] > float64(graph.Hour) {
		t.Errorf("saas-db: P(all lost) %v, data lost CI %v ms; want 0 and under an hour (async standby in Gravelines)", s.PAllDataLost, s.DataLoss.CI95)
	}
	if s := service(t, r, "mail-service"); s.PAllDataLost != 0 || s.DataLoss.Mean != 0 {
		t.Errorf("mail-service: P(all lost) %v, data lost %v; want 0 and 0 (sync mirror in SBG3, which survives)", s.PAllDataLost, s.DataLoss.Mean)
	}

	// The mitigation: every backup offsite; nobody loses everything.
	cmp := compare(t, "ovh-sbg-2021", "sbg-fire", "offsite-backups")
	lost := metric(t, cmp, "services_all_data_lost")
	if lost.Values[1].Mean != 0 {
		t.Errorf("offsite-backups: services losing all data %v, want 0", lost.Values[1].Mean)
	}
	if d := lost.Diffs[1]; d.CI95[1] >= 0 {
		t.Errorf("offsite-backups: change in services losing all data CI %v, want it wholly below 0", d.CI95)
	}
}

// Cyworld: the front door (domain and DNS) out for about two weeks takes
// everything behind it down that long; the data behind it is intact; a
// second, independent domain keeps the site up.
func TestCyworldFrontDoor(t *testing.T) {
	r := run(t, "cyworld-2019", "front-door-down")
	for _, id := range []string{"web-front", "photos", "diaries"} {
		s := service(t, r, id)
		if s.PAffected != 1 || s.Downtime.CI95[0] < 13*day || s.Downtime.CI95[1] > 15*day {
			t.Errorf("%s: P(affected) %v, downtime CI [%.1f, %.1f] d; want 1 and about two weeks (13-15 d)",
				id, s.PAffected, s.Downtime.CI95[0]/day, s.Downtime.CI95[1]/day)
		}
	}
	if got := service(t, r, "web-front").TopCause; got != "dependency domain" {
		t.Errorf("web-front: top cause %q, want \"dependency domain\"", got)
	}
	for _, id := range []string{"db", "photo-storage"} {
		if s := service(t, r, id); s.PAffected != 0 || s.PAllDataLost != 0 {
			t.Errorf("%s: P(affected) %v, P(all data lost) %v; want 0 and 0: the data stays healthy", id, s.PAffected, s.PAllDataLost)
		}
	}
	cmp := compare(t, "cyworld-2019", "front-door-down", "second-domain")
	uh := metric(t, cmp, "user_hours")
	if d := uh.Diffs[1]; d.CI95[1] >= 0 || uh.Values[1].Mean != 0 {
		t.Errorf("second-domain: user-hours %v, change CI %v; want 0 and wholly below 0", uh.Values[1].Mean, d.CI95)
	}
}

// AWS: congestion of the internal network blinds monitoring, internal DNS
// and deploy for the reported ~9 h, while the customer fleet (running
// instances, S3's data path) stays mostly healthy: degraded, not down.
func TestAWSInternalNetwork(t *testing.T) {
	r := run(t, "aws-us-east-1-2021", "internal-congestion")
	const blind = 9 * hour
	for _, id := range []string{"monitoring", "internal-dns", "deploy"} {
		s := service(t, r, id)
		if s.PAffected != 1 || s.Downtime.Mean != blind {
			t.Errorf("%s: P(affected) %v, mean downtime %.2f h; want 1 and exactly 9 h", id, s.PAffected, s.Downtime.Mean/hour)
		}
	}
	// The fleet: down less than 2% of the blind 9 h on average (whole CI),
	// degraded nearly all of it (soft dependency on internal DNS).
	const maxDownShare, minDegradedShare = 0.02, 0.9
	for _, id := range []string{"ec2-instances", "s3"} {
		s := service(t, r, id)
		t.Logf("%s: P(affected) %.3f, downtime %.3f h [%.3f, %.3f], degraded %.2f h", id, s.PAffected,
			s.Downtime.Mean/hour, s.Downtime.CI95[0]/hour, s.Downtime.CI95[1]/hour, s.Degraded.Mean/hour)
		if s.Downtime.CI95[1] >= maxDownShare*blind {
			t.Errorf("%s: downtime CI %v ms, want wholly below %v of 9 h", id, s.Downtime.CI95, maxDownShare)
		}
		if s.Degraded.CI95[0] < minDegradedShare*blind {
			t.Errorf("%s: degraded CI %v ms, want at least %v of 9 h", id, s.Degraded.CI95, minDegradedShare)
		}
		if _, lo := propCI(s.PAffected, r.Trials); lo >= 0.1 {
			t.Errorf("%s: P(affected) %v, want mostly healthy", id, s.PAffected)
		}
	}
	// Out-of-band tools make the fleet's restarts automated again: fewer
	// crew-hours (repairs still hold a crew); a second path for internal DNS
	// keeps the control plane up: far fewer user-hours.
	cmp := compare(t, "aws-us-east-1-2021", "internal-congestion", "oob-monitoring", "independent-internal-dns")
	if d := metric(t, cmp, "crew_hours").Diffs[1]; d.CI95[1] >= 0 {
		t.Errorf("oob-monitoring: crew-hours change CI %v, want it wholly below 0", d.CI95)
	}
	if d := metric(t, cmp, "user_hours").Diffs[2]; d.CI95[1] >= 0 {
		t.Errorf("independent-internal-dns: user-hours change CI %v, want it wholly below 0", d.CI95)
	}
}

// Facebook: the backbone command isolates every data center; DNS, which
// health-checks them, goes down with them; the tools are unreachable, so
// the fleet's restarts during the cut are manual.
func TestFacebookIsolation(t *testing.T) {
	r := run(t, "facebook-2021", "backbone-cut")
	const cut = 6.5 * hour // reported 6-7 h; fixed in the file
	for _, id := range []string{"backend", "facebook-app", "instagram", "whatsapp", "deploy", "monitoring", "badge-access"} {
		s := service(t, r, id)
		if s.PAffected != 1 || s.Downtime.P50 < cut || !strings.HasPrefix(s.TopCause, "isolated ") {
			t.Errorf("%s: P(affected) %v, p50 downtime %.2f h, top cause %q; want 1, at least 6.5 h, \"isolated <dc>\"",
				id, s.PAffected, s.Downtime.P50/hour, s.TopCause)
		}
	}
	if got := service(t, r, "dns").TopCause; got != "dependency backend" {
		t.Errorf("dns: top cause %q, want \"dependency backend\" (it withdraws when no data center answers)", got)
	}
	crew := r.Summary.CrewHours
	t.Logf("crew-hours %.2f [%.2f, %.2f]", crew.Mean, crew.CI95[0], crew.CI95[1])
	if crew.CI95[0] <= 0 {
		t.Errorf("crew-hours CI %v, want wholly above 0: repairs and restarts by hand", crew.CI95)
	}
	// Tools reachable out of band: restarts automated, fewer crew-hours; the
	// isolation itself is an input, so user-hours do not move. A remote
	// rollback shortens the isolation and cuts them.
	cmp := compare(t, "facebook-2021", "backbone-cut", "oob-management", "remote-rollback")
	if d := metric(t, cmp, "crew_hours").Diffs[1]; d.CI95[1] >= 0 {
		t.Errorf("oob-management: crew-hours change CI %v, want it wholly below 0", d.CI95)
	}
	if d := metric(t, cmp, "user_hours").Diffs[2]; d.CI95[1] >= 0 {
		t.Errorf("remote-rollback: user-hours change CI %v, want it wholly below 0", d.CI95)
	}
}

// GCP Paris: two zones in one building; the zone-redundant web app (quorum
// 2 of 3 zones) and its regional database go down with the building, and
// a second region fixes it.
func TestGCPParisZones(t *testing.T) {
	r := run(t, "gcp-paris-2023", "paris-building-fire")
	web := service(t, r, "web-app")
	t.Logf("web-app: downtime %.1f h [%.1f, %.1f], cause %v", web.Downtime.Mean/hour, web.Downtime.CI95[0]/hour, web.Downtime.CI95[1]/hour, web.Causes)
	// The building is out 12 h to 3 d: the app is down at least 12 h.
	if web.PAffected != 1 || web.Downtime.CI95[0] < 12*hour {
		t.Errorf("web-app: P(affected) %v, downtime CI %v ms; want 1 and at least 12 h", web.PAffected, web.Downtime.CI95)
	}
	// The zone with the fire stays down more than two weeks.
	if s := service(t, r, "batch-jobs"); s.Downtime.CI95[0] < 14*day {
		t.Errorf("batch-jobs (zonal, paris-a): downtime CI %v ms, want over 14 d", s.Downtime.CI95)
	}

	m := run(t, "gcp-paris-2023", "multi-region")
	mw := service(t, m, "web-app")
	if mw.Downtime.CI95[1] >= hour || mw.Downtime.CI95[1] >= web.Downtime.CI95[0] {
		t.Errorf("multi-region: web-app downtime CI %v ms, want under an hour (a failover), below the baseline's %v", mw.Downtime.CI95, web.Downtime.CI95)
	}
	cmp := compare(t, "gcp-paris-2023", "paris-building-fire", "multi-region")
	if d := metric(t, cmp, "user_hours").Diffs[1]; d.CI95[1] >= 0 {
		t.Errorf("multi-region: user-hours change CI %v, want it wholly below 0", d.CI95)
	}
}

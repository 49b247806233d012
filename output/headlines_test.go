package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// User-hours are summed over services: a person cut off from three services
// counts three times, so the platform figure can exceed people × hours.
// Every format that shows it says so (issue: Kakao's 7.1 billion read as
// 150 hours for every person in Korea).
func TestUserHoursSayTheyAreSummedOverServices(t *testing.T) {
	r := fixtureResults()
	for _, format := range []string{"table", "markdown"} {
		var buf bytes.Buffer
		require.NoError(t, WriteResults(&buf, r, format))
		assert.Contains(t, buf.String(), "User-hours lost (summed over services)", format)
		assert.Contains(t, buf.String(), "summed over services, so a person cut off from three services counts three times", format)
	}
	c, err := CompareResults([]*sim.Results{r, r}, nil, nil)
	require.NoError(t, err)
	for _, format := range []string{"table", "markdown", "json"} {
		var buf bytes.Buffer
		require.NoError(t, WriteResultsComparison(&buf, c, format))
		assert.Contains(t, buf.String(), "User-hours lost (summed over services)", "compare "+format)
	}
	var buf bytes.Buffer
	require.NoError(t, WriteResultsComparison(&buf, c, "csv"))
	assert.Contains(t, buf.String(), "user_hours,user-hours summed over services,", "compare csv")
	assert.Equal(t, "user-hours lost (summed over services)", MetricTitle("user-hours", "user-hours", ""))
	i := slices.IndexFunc(sim.CompareMetrics, func(m sim.Metric) bool { return m.ID == "user_hours" })
	require.GreaterOrEqual(t, i, 0)
	assert.True(t, strings.HasSuffix(sim.CompareMetrics[i].Name, "(summed over services)"))
}

// From one trial there is no confidence interval: every format says so
// ("—" in tables, an empty CSV cell, null in JSON) instead of a
// zero-width interval that reads as certainty.
func TestOneTrialHasNoCI(t *testing.T) {
	r := fixtureResults()
	r.Trials = 1
	noCI := func(s *sim.Summary) { s.CI95, s.NoCI = [2]float64{}, true }
	noCI(&r.Summary.FullRecovery)
	noCI(&r.Summary.UserHours)
	for i := range r.Services {
		noCI(&r.Services[i].Downtime)
	}
	var buf bytes.Buffer
	require.NoError(t, WriteResults(&buf, r, "table"))
	line := lineWith(t, buf.String(), "Time to full recovery")
	assert.Regexp(t, `│ +— │`, line)
	assert.NotContains(t, line, " – ")

	buf.Reset()
	require.NoError(t, WriteResults(&buf, r, "csv"))
	assert.Contains(t, buf.String(), "pangyo-fire,talk-messaging,47000000,1,505250000,0.9996,37800000,,,")

	buf.Reset()
	require.NoError(t, WriteResults(&buf, r, "json"))
	assert.Contains(t, buf.String(), `"ci95": null`)
	var back sim.Results
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.True(t, back.Summary.FullRecovery.NoCI)

	c, err := CompareResults([]*sim.Results{r, r}, nil, nil)
	require.NoError(t, err)
	assert.Nil(t, c.Metrics[0].Values[0].CI95)
}

// lineWith returns the first line of s containing sub.
func lineWith(t *testing.T, s, sub string) string {
	t.Helper()
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	require.Failf(t, "no line", "no line contains %q in\n%s", sub, s)
	return ""
}

// A time cut by the horizon is printed as such in every format: OVH's
// "Time to full recovery 30d" when no trial recovered reads "> 30d (100%
// of trials)", quantiles at or above the smallest cut value read "> …",
// CSV has the share and that value, JSON says censored with its share.
func TestCensoredTimesSaySo(t *testing.T) {
	r := fixtureResults()
	d30 := float64(30 * graph.Day)
	r.HorizonMs = 30 * graph.Day
	r.Summary.FullRecovery = sim.Summary{Mean: d30, CI95: [2]float64{d30, d30}, P50: d30, P90: d30, P99: d30,
		Censored: 1, CensoredFrom: d30}
	st := &r.Services[3] // talk-storage, unrecovered in every trial
	st.Downtime = sim.Summary{Mean: 0.9 * d30, CI95: [2]float64{0.8 * d30, d30}, P50: 0.8 * d30, P90: d30, P99: d30,
		Censored: 0.5, CensoredFrom: d30}
	st.Recovery = st.Downtime

	var buf bytes.Buffer
	require.NoError(t, WriteResults(&buf, r, "table"))
	line := lineWith(t, buf.String(), "Time to full recovery")
	assert.Contains(t, line, "> 30d (100% of trials)")
	assert.Regexp(t, `│ +— │ +> 30d │ +> 30d │ +> 30d │`, line)
	assert.Contains(t, buf.String(), "is at least X")
	svc := lineWith(t, buf.String(), "talk-storage")
	assert.Contains(t, svc, "> 27d")         // the mean: a lower bound
	assert.Contains(t, svc, "│ 24d │ > 30d") // p50 below the cut values: exact
	assert.Contains(t, buf.String(), "its downtime is at least X")

	buf.Reset()
	require.NoError(t, WriteResults(&buf, r, "markdown"))
	assert.Contains(t, buf.String(), "> 30d (100% of trials)")

	buf.Reset()
	require.NoError(t, WriteResults(&buf, r, "csv"))
	assert.Contains(t, buf.String(), "downtime_censored,downtime_censored_from_ms")
	assert.Contains(t, buf.String(), ",0.5,2592000000,")

	buf.Reset()
	require.NoError(t, WriteResults(&buf, r, "json"))
	assert.Contains(t, buf.String(), `"censored": 1,`)
	assert.Contains(t, buf.String(), `"censored_from": 2592000000`)

	c, err := CompareResults([]*sim.Results{r, fixtureResults()}, []string{"a", "b"}, nil)
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, WriteResultsComparison(&buf, c, "table"))
	row := lineWith(t, buf.String(), "Time to full recovery")
	assert.Contains(t, row, "> 30d")
	assert.Contains(t, row, "(censored)")
	assert.Contains(t, buf.String(), "the time is at least X")
}

// A platform that declares people: gets the people cut off at the peak and
// person-hours in every format, beside the user-hours summed over services.
func TestPeopleFiguresInEveryFormat(t *testing.T) {
	r := fixtureResults()
	r.People = 51_000_000
	peak := sim.Summary{Mean: 47_000_000, CI95: [2]float64{46_000_000, 48_000_000}, P50: 47_000_000, P90: 51_000_000, P99: 51_000_000}
	ph := sim.Summary{Mean: 420_000_000, CI95: [2]float64{410_000_000, 430_000_000}, P50: 400_000_000, P90: 600_000_000, P99: 900_000_000}
	r.Summary.PeakPeople, r.Summary.PersonHours = &peak, &ph
	for _, format := range []string{"table", "markdown"} {
		var buf bytes.Buffer
		require.NoError(t, WriteResults(&buf, r, format))
		line := lineWith(t, buf.String(), "People cut off at the peak (of 51,000,000)")
		assert.Contains(t, line, "47,000,000")
		assert.Contains(t, lineWith(t, buf.String(), "Person-hours lost (each person once)"), "420,000,000")
	}
	var buf bytes.Buffer
	require.NoError(t, WriteResults(&buf, r, "csv"))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	assert.Equal(t, "51000000", rows[1][col["platform_people"]])
	assert.Equal(t, "47000000", rows[1][col["platform_people_cut_off_peak_mean"]])
	assert.Equal(t, "420000000", rows[1][col["platform_person_hours_mean"]])

	buf.Reset()
	require.NoError(t, WriteResults(&buf, r, "json"))
	assert.Contains(t, buf.String(), `"people": 51000000`)
	assert.Contains(t, buf.String(), `"person_hours": {`)
	assert.Contains(t, buf.String(), `"people_cut_off_peak": {`)
}

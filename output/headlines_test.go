package output

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

package output

import (
	"bytes"
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

package chart

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/sim"
)

func tornadoFixture(inputs int) *sim.Sensitivity {
	s := &sim.Sensitivity{Schema: sim.SensitivitySchema, Scenario: "stop", Metric: "downtime:x", Unit: "hours", Trials: 100, Seed: 1,
		Baseline: sim.Mean{Mean: 2}}
	for i := range inputs {
		w := float64(inputs-i) / float64(inputs)
		s.Inputs = append(s.Inputs, sim.SensitivityInput{
			Path: "platform.services[" + string(rune('0'+i%10)) + "].restart.auto",
			Low:  sim.End{Text: "1h", Mean: 2 - w, CI95: &[2]float64{2 - w - 0.05, 2 - w + 0.05}},
			High: sim.End{Text: "3h", Mean: 2 + 2*w},
			// The high end has no CI: a run of fewer than 2 trials.
			Swing: 3 * w,
		})
	}
	return s
}

// The tornado draws one row per input, at most TornadoTop, with the
// inputs' paths and their values at each end, in SVG and in PNG.
func TestTornado(t *testing.T) {
	var svg bytes.Buffer
	require.NoError(t, Tornado(&svg, tornadoFixture(3), Options{Format: "svg"}))
	out := svg.String()
	assert.Equal(t, 3, strings.Count(out, ">platform.services["), "one label per input")
	assert.Equal(t, 3, strings.Count(out, ">1h<"))
	assert.Contains(t, out, "What the result depends on — stop")

	svg.Reset()
	require.NoError(t, Tornado(&svg, tornadoFixture(TornadoTop+5), Options{Format: "svg", Title: "T"}))
	assert.Equal(t, TornadoTop, strings.Count(svg.String(), ">platform.services["))
	assert.Contains(t, svg.String(), "not shown: 5 more with smaller swings")

	// Inputs that change nothing get no row, and are counted.
	still := tornadoFixture(3)
	still.Inputs[2].Swing = 0
	svg.Reset()
	require.NoError(t, Tornado(&svg, still, Options{Format: "svg"}))
	assert.Equal(t, 2, strings.Count(svg.String(), ">platform.services["))
	assert.Contains(t, svg.String(), "not shown: 1 that change nothing")

	var img bytes.Buffer
	require.NoError(t, Tornado(&img, tornadoFixture(3), Options{Format: "png"}))
	_, err := png.Decode(&img)
	require.NoError(t, err)

	err = Tornado(&img, &sim.Sensitivity{Scenario: "none"}, Options{Format: "svg"})
	assert.ErrorContains(t, err, "no uncertain inputs")
	still.Inputs = still.Inputs[2:]
	assert.ErrorContains(t, Tornado(&img, still, Options{Format: "svg"}), "changes")
}

// One results file of run --uncertainty: the recovery plot shades the
// spread over the draws, not the trials' p10–p90, and says so.
func TestPlotRecoveryUncertaintyBand(t *testing.T) {
	r := plotFixture("pangyo-fire", 30)
	var plain bytes.Buffer
	require.NoError(t, Recovery(&plain, []*sim.Results{r}, Options{Format: "svg"}))
	n := len(r.Curve.TMs)
	band := func(v float64) sim.OuterBand {
		b := sim.OuterBand{}
		for range n {
			b.Mean, b.P5, b.P95 = append(b.Mean, v), append(b.P5, v-0.1), append(b.P95, v+0.1)
		}
		return b
	}
	r.Uncertainty = &sim.Uncertainty{Draws: 20, Inputs: make([]sim.UncertainInput, 2),
		Curve: sim.CurveBands{UsersServed: band(0.5), ServicesUp: band(0.6)}}
	var outer bytes.Buffer
	require.NoError(t, Recovery(&outer, []*sim.Results{r}, Options{Format: "svg"}))
	assert.NotEqual(t, plain.String(), outer.String())
	assert.Contains(t, outer.String(), "5th to 95th percentile of the mean over 20 draws of 2 uncertain inputs")
	assert.NotContains(t, outer.String(), "10th to 90th percentile across trials")

	r.Uncertainty.Curve.UsersServed.P5 = r.Uncertainty.Curve.UsersServed.P5[1:]
	assert.ErrorContains(t, Recovery(&outer, []*sim.Results{r}, Options{Format: "svg"}), "uncertainty bands have")
}
